import Testing
@testable import DriftKit

@Suite("drift.yaml remediation settings")
struct DriftConfigRemediationKeysTests {
    static let header = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\n"

    @Test("suspend, skipUnhealthy, notify and notifyOn are read")
    func read() throws {
        let config = try DriftConfig.parse(
            Self.header + "suspend: true\nskipUnhealthy: true\nnotify: https://hooks.slack.com/services/T/B/X\nnotifyOn: always\n",
            file: "drift.yaml")
        #expect(config.suspend && config.skipUnhealthy)
        #expect(config.notify == (try WebhookURL("https://hooks.slack.com/services/T/B/X")))
        #expect(config.notifyOn == .always)
        let defaults = try DriftConfig.parse(Self.header, file: "drift.yaml")
        #expect(!defaults.suspend && !defaults.skipUnhealthy && defaults.notify == nil && defaults.notifyOn == nil)
    }

    @Test("notifyOn takes drift or always", arguments: NotificationPolicy.allCases)
    func notifyOn(policy: NotificationPolicy) throws {
        #expect(try DriftConfig.parse(Self.header + "notifyOn: \(policy.rawValue)\n", file: "drift.yaml").notifyOn == policy)
    }

    @Test("wrong values name the key and the line", arguments: [
        ("suspend: maybe\n", "drift.yaml:3: suspend"),
        ("notify: ftp://example.com/x\n", "drift.yaml:3: notify: expected an http(s) URL"),
        ("notify: notaurl\n", "drift.yaml:3: notify: expected an http(s) URL such as https://hooks.example.com/drift, found no scheme"),
        ("skipUnhealthy: true\nnotify: \"https://\"\n", "drift.yaml:4: notify: expected an http(s) URL such as https://hooks.example.com/drift, found no host"),
        ("notify: [https://example.com]\n", "drift.yaml:3: notify: expected a string, found a list"),
        ("notifyOn: sometimes\n", "drift.yaml:3: notifyOn: expected drift or always, found \"sometimes\""),
        ("notifyOn: true\n", "drift.yaml:3: notifyOn: expected a string, found a boolean (true)"),
        ("notifyon: drift\n", "drift.yaml:3: notifyon: unknown key (did you mean notifyOn?)"),
        ("skipUnhealthy: [true]\n", "drift.yaml:3: skipUnhealthy"),
    ])
    func invalid(text: String, fragment: String) {
        #expect {
            _ = try DriftConfig.parse(Self.header + text, file: "drift.yaml")
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }
}
