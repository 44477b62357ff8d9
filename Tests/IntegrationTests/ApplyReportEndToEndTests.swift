import Foundation
import Testing
@testable import DriftKit

/// What `kubectl drift apply` reports and how it exits: pruning that did not finish, colour,
/// progress, and flags that need another.
@Suite("kubectl drift apply reports, end to end")
struct ApplyReportEndToEndTests {
    static func configMaps(_ names: [String], namespace: String) throws -> String {
        try DiffEndToEndTests.folder(Dictionary(uniqueKeysWithValues: names.map { name in
            ("\(name).yaml", RepositorySourcesEndToEndTests.configMap(name, namespace: namespace))
        }))
    }

    static func configMapNames(in namespace: String) async throws -> Set<String> {
        Set(try await TestCluster.client().list("/api/v1/namespaces/\(namespace)/configmaps")
            .compactMap { $0[["metadata", "name"]]?.stringValue })
    }

    @Test("a prune declined at the prompt deletes nothing and exits 2; confirmed, it prunes and exits 0")
    func declinedPrune() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.configMaps(["keep", "gone"], namespace: namespace)
            let first = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace])
            #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
            try FileManager.default.removeItem(atPath: apps + "/gone.yaml")

            // Without colour, so that the lines read as they are written.
            let declined = try await DriftBinary.runInTerminal(
                ["apply", "-f", apps, "--prune", "-n", namespace], input: "n\n", environment: ["NO_COLOR": "1"])
            #expect(declined.status == 2, "\(declined.output)")
            #expect(declined.output.contains("Continue? [y/N]"))
            #expect(declined.output.contains("prune-declined: configmap/gone (namespace \(namespace)): deleting it was not confirmed"))
            #expect(declined.output.contains("1 object: 0 applied, 1 unchanged, 0 failed, 0 skipped; 1 not pruned (not confirmed)"))
            #expect(try await Self.configMapNames(in: namespace).contains("gone"))

            let confirmed = try await DriftBinary.runInTerminal(
                ["apply", "-f", apps, "--prune", "-n", namespace], input: "y\n", environment: ["NO_COLOR": "1"])
            #expect(confirmed.status == 0, "\(confirmed.output)")
            #expect(confirmed.output.contains("1 object: 0 applied, 1 unchanged, 0 failed, 0 skipped; 1 pruned"))
            #expect(try await Self.configMapNames(in: namespace) == ["keep"])
        }
    }

    @Test("a prune where one deletion fails exits 2 and counts it: text summary and JSON summary and prune[]")
    func partialPrune() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.configMaps(["keep", "gone", "stuck"], namespace: namespace)
            let first = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace])
            #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
            for name in ["gone", "stuck"] { try FileManager.default.removeItem(atPath: apps + "/\(name).yaml") }
            // In this namespace the read-only user may write ConfigMaps and Secrets (the ApplySet
            // parent), but delete only the ConfigMap "gone".
            try await Self.grantReadonly(in: namespace, rules: [
                ["apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "create", "update", "patch"]],
                ["apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["gone"], "verbs": ["delete"]],
            ], until: "delete", resource: "configmaps", name: "gone")

            let text = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace, "--dry-run"], context: .readonly)
            #expect(text.status == 0, "\(text.output)\(text.errorOutput)")
            #expect(text.output.contains("1 object: 0 applied, 1 unchanged, 0 failed, 0 skipped; 2 would be pruned"), "\(text.output)")

            let result = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace, "-o", "json"], context: .readonly)
            #expect(result.status == 2, "\(result.output)\(result.errorOutput)")
            let document = try DiffEndToEndTests.report(result)
            #expect(document["summary"]?["pruned"] == 1)
            #expect(document["summary"]?["pruneFailed"] == 1)
            #expect(document["summary"]?["wouldPrune"] == 0)
            let prune = try #require(document["prune"]?.arrayValue)
            #expect(prune.first { $0["name"] == "gone" }?["result"] == "pruned")
            let stuck = try #require(prune.first { $0["name"] == "stuck" })
            #expect(stuck["result"] == "prune-failed")
            #expect(stuck["reason"]?.stringValue?.contains("forbidden") == true)
            #expect(try await Self.configMapNames(in: namespace) == ["keep", "stuck"])
        }
    }

    @Test("colour: always paints, never and NO_COLOR do not, a terminal does by itself; a long run shows progress on a terminal")
    func colourAndProgress() async throws {
        try await TestCluster.withNamespace { namespace in
            // The executable's ProgressLine.minimumObjects: shorter runs show no progress.
            let names = (0..<50).map { "settings-\($0)" }
            let apps = try Self.configMaps(names, namespace: namespace)
            let applied = "\u{1B}[32mapplied"
            let terminal = try await DriftBinary.runInTerminal(["apply", "-f", apps, "--dry-run"], input: "")
            #expect(terminal.status == 0, "\(terminal.output)")
            #expect(terminal.output.contains("\u{1B}[36mwould-apply"))
            #expect(terminal.output.contains("kubectl drift: compared \(names.count)/\(names.count) objects"))
            let noColor = try await DriftBinary.runInTerminal(["apply", "-f", apps, "--dry-run"], input: "", environment: ["NO_COLOR": "1"])
            #expect(noColor.output.contains("would-apply"))
            #expect(!noColor.output.contains("\u{1B}[36m"))
            let never = try await DriftBinary.runInTerminal(["apply", "-f", apps, "--dry-run", "--color=never"], input: "")
            #expect(!never.output.contains("\u{1B}[36m"))

            let always = try await DriftBinary.run(["apply", "-f", apps, "--color=always"])
            #expect(always.status == 0, "\(always.output)\(always.errorOutput)")
            #expect(always.output.contains(applied))
            #expect(!always.errorOutput.contains("compared"), "no progress when standard error is not a terminal")
            let plain = try await DriftBinary.run(["apply", "-f", apps])
            #expect(plain.output.contains("unchanged"))
            #expect(!plain.output.contains("\u{1B}["))
            // diff shows the same progress line.
            let diff = try await DriftBinary.runInTerminal(["diff", "-f", apps], input: "")
            #expect(diff.output.contains("kubectl drift: compared \(names.count)/\(names.count) objects"))
        }
    }

    @Test("--timeout without --wait is one usage error, exit 2, before any work")
    func timeoutWithoutWait() async throws {
        let result = try await DriftBinary.runPlain(["apply", "-f", "/nonexistent", "--timeout", "5s"])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput == """
            error: --timeout is how long --wait waits; give --wait too (kubectl drift apply --wait --timeout 5m)
            See 'kubectl drift apply --help'.

            """)
    }

    /// Binds a Role with `rules` in `namespace` to the read-only user, and waits until the
    /// authorizer lets that user `verb` the object named.
    static func grantReadonly(
        in namespace: String, rules: [JSONValue], until verb: String, resource: String, name: String
    ) async throws {
        let admin = try await TestCluster.client()
        let rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)"
        try TestCluster.create(
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "writer"], "rules": .array(rules)],
            in: rbac + "/roles", client: admin)
        try TestCluster.create([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "writer"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "writer"],
            "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string(LocalAPIServer.Identity.readonly.rawValue)]],
        ], in: rbac + "/rolebindings", client: admin)
        let readonly = try await TestCluster.client(.readonly)
        let review: JSONValue = [
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": ["resourceAttributes": ["namespace": .string(namespace), "verb": .string(verb), "resource": .string(resource),
                                            "name": .string(name)]],
        ]
        for _ in 0..<100 {
            let answer = try TestCluster.create(review, in: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", client: readonly)
            if answer[["status", "allowed"]] == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the authorizer never applied the Role in \(namespace)")
    }
}
