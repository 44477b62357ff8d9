import Testing
@testable import DriftKit

@Suite("drift.yaml decryption")
struct DriftConfigDecryptionTests {
    static let header = DriftConfigRemediationKeysTests.header

    @Test("decryption: {provider: sops} is read; without it nothing decrypts")
    func read() throws {
        #expect(try DriftConfig.parse(Self.header + "decryption:\n  provider: sops\n", file: "drift.yaml").decryption == .sops)
        #expect(try DriftConfig.parse(Self.header, file: "drift.yaml").decryption == nil)
    }

    @Test("wrong values name the key and the line", arguments: [
        ("decryption: {provider: vault}\n", "drift.yaml:3: decryption.provider: expected sops, found \"vault\""),
        ("decryption: {}\n", "decryption.provider"),
        ("decryption: sops\n", "drift.yaml:3: decryption: expected a mapping"),
        ("decryption: {provider: sops, secretRef: {name: keys}}\n", "secretRef: unknown key"),
    ])
    func invalid(text: String, fragment: String) {
        #expect {
            _ = try DriftConfig.parse(Self.header + text, file: "drift.yaml")
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }

    @Test("--sops-cmd is read with the other source flags")
    func flag() throws {
        guard case let .diff(invocation) = try DriftCommand.parse(["diff", "-f", "apps", "--sops-cmd", "/opt/sops"]) else {
            Issue.record("not a diff")
            return
        }
        #expect(invocation.source.sopsCommand == "/opt/sops")
    }
}
