import Foundation
import Testing
@testable import DriftKit

/// plugins/drift.yaml is a krew plugin manifest that the release archive satisfies.
@Suite("krew plugin manifest")
struct KrewManifestEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func manifest(_ path: String = root + "/plugins/drift.yaml") throws -> JSONValue {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(try YAML.documents(in: text, file: path).first?.value)
    }

    @Test("the manifest has what krew requires: its name, this version, descriptions, caveats, four platforms")
    func fields() throws {
        let manifest = try Self.manifest()
        #expect(manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2")
        #expect(manifest["kind"] == "Plugin")
        #expect(manifest[["metadata", "name"]] == "drift")
        #expect(manifest[["spec", "version"]]?.stringValue == "v" + DriftVersion.current)
        let short = try #require(manifest[["spec", "shortDescription"]]?.stringValue)
        #expect(!short.isEmpty && short.count <= 50, "krew lists it in one line: \(short)")
        #expect(manifest[["spec", "description"]]?.stringValue?.contains("kubectl drift apply") == true)
        #expect(manifest[["spec", "caveats"]]?.stringValue?.contains("kubectl_complete-drift") == true)

        let platforms = manifest[["spec", "platforms"]]?.arrayValue ?? []
        let selectors = platforms.map { platform in
            "\(platform[["selector", "matchLabels", "os"]]?.stringValue ?? "")/\(platform[["selector", "matchLabels", "arch"]]?.stringValue ?? "")"
        }
        #expect(Set(selectors) == ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"])
        #expect(selectors.count == 4)
        for (platform, selector) in zip(platforms, selectors) {
            let archive = "kubectl-drift_" + selector.replacingOccurrences(of: "/", with: "_") + ".tar.gz"
            #expect(platform["uri"]?.stringValue?.hasSuffix("/v\(DriftVersion.current)/\(archive)") == true, "\(selector)")
            let sha = platform["sha256"]?.stringValue ?? ""
            #expect(sha.count == 64 && sha.allSatisfy { "0123456789abcdef".contains($0) }, "\(selector): \(sha)")
            #expect(platform["bin"] == "kubectl-drift")
            let files = platform["files"]?.arrayValue?.compactMap { $0["from"]?.stringValue } ?? []
            #expect(files.contains("kubectl-drift") && files.contains("kubectl_complete-drift"), "\(selector)")
        }
    }

    @Test("the release archive holds every file the manifest names, executables executable, and its sha256 is written into the manifest")
    func archive() async throws {
        let scratch = try DiffEndToEndTests.folder([:])
        let manifestCopy = scratch + "/drift.yaml"
        try FileManager.default.copyItem(atPath: Self.root + "/plugins/drift.yaml", toPath: manifestCopy)
        let binaries = URL(fileURLWithPath: DriftBinary.path).deletingLastPathComponent().path
        let built = try await TestCluster.offThePool {
            try TestCluster.run([Self.root + "/scripts/release-archive.sh", "--bin", binaries, "--out", scratch, "--manifest", manifestCopy])
        }
        #expect(built.status == 0, "\(built.errorOutput)")
        let archive = built.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let listing = try TestCluster.run(["tar", "-tvzf", archive])
        #expect(listing.status == 0)
        let modes = Dictionary(uniqueKeysWithValues: listing.output.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return (String(fields.last ?? ""), String(fields.first ?? ""))
        })

        let before = try Self.manifest()
        let after = try Self.manifest(manifestCopy)
        let digest = SHA256.hex(SHA256.hash(Array(try Data(contentsOf: URL(fileURLWithPath: archive)))))
        let name = (archive as NSString).lastPathComponent
        var updated = 0
        for (old, new) in zip(before[["spec", "platforms"]]?.arrayValue ?? [], after[["spec", "platforms"]]?.arrayValue ?? []) {
            for file in new["files"]?.arrayValue?.compactMap({ $0["from"]?.stringValue }) ?? [] {
                #expect(modes[file] != nil, "\(file) is in the archive")
            }
            #expect(modes[new["bin"]?.stringValue ?? ""]?.hasPrefix("-rwx") == true)
            #expect(modes["kubectl_complete-drift"]?.hasPrefix("-rwx") == true)
            if new["uri"]?.stringValue?.hasSuffix("/" + name) == true {
                #expect(new["sha256"]?.stringValue == digest)
                updated += 1
            } else {
                #expect(new["sha256"] == old["sha256"], "only this platform's sha256 changes")
            }
        }
        #expect(updated == 1)
    }
}
