import Foundation
import Testing
@testable import DriftKit

/// Ownership that is never lost: every apply records what it writes in the ApplySet, so a later
/// `--prune` deletes what any earlier apply created, and never what the tool did not apply.
@Suite("ApplySet ownership across runs, end to end")
struct OwnershipEndToEndTests {
    static func configMap(_ name: String, namespace: String, value: String = "v") -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: \(namespace)\ndata:\n  k: \(value)\n"
    }

    static func names(_ namespace: String) async throws -> Set<String> {
        Set(try await TestCluster.client().list("/api/v1/namespaces/\(namespace)/configmaps")
            .compactMap { $0[["metadata", "name"]]?.stringValue })
    }

    static func partOf(_ namespace: String, _ name: String) async throws -> JSONValue? {
        try await TestCluster.client().get("/api/v1/namespaces/\(namespace)/configmaps/\(name)")[["metadata", "labels", ApplySet.partOfLabel]]
    }

    @Test("a plain apply records what it writes; a later --prune deletes it; what it never wrote is kept")
    func plainApplyRecords() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder([
                "written.yaml": Self.configMap("written", namespace: namespace),
                "untouched.yaml": Self.configMap("untouched", namespace: namespace),
            ])
            // Created by kubectl: in sync with Git, so no apply of ours ever writes it.
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps + "/untouched.yaml"])
            let applied = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            #expect(applied.output.contains("1 applied, 1 unchanged"), "\(applied.output)")
            let id = ApplySet(namespace: namespace).id
            #expect(try await Self.partOf(namespace, "written") == .string(id))
            #expect(try await Self.partOf(namespace, "untouched") == nil, "an object not written is not recorded")
            let parent = try await TestCluster.client().get("/api/v1/namespaces/\(namespace)/secrets/\(ApplySet.defaultParentName)")
            #expect(parent[["metadata", "labels", ApplySet.idLabel]] == .string(id))

            // Membership is kept: neither diff nor apply sees the label as drift.
            let diff = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace])
            #expect(diff.status == 0, "\(diff.output)\(diff.errorOutput)")

            for name in ["written", "untouched"] { try FileManager.default.removeItem(atPath: apps + "/\(name).yaml") }
            try Self.configMap("other", namespace: namespace).write(toFile: apps + "/other.yaml", atomically: true, encoding: .utf8)
            let preview = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace, "--prune", "-o", "json"])
            #expect(try DiffEndToEndTests.report(preview)["prune"] == [
                ["group": "", "kind": "ConfigMap", "namespace": .string(namespace), "name": "written"],
            ])
            let pruned = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--prune"])
            #expect(pruned.status == 0, "\(pruned.output)\(pruned.errorOutput)")
            #expect(try await Self.names(namespace) == ["untouched", "other"])
        }
    }

    @Test("after apply --prune, a plain diff sees no drift and a plain apply keeps the membership")
    func membershipSurvivesPlainRuns() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder([
                "a.yaml": Self.configMap("a", namespace: namespace), "b.yaml": Self.configMap("b", namespace: namespace),
            ])
            #expect(try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--prune"]).status == 0)
            let diff = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace])
            #expect(diff.status == 0, "\(diff.output)")

            // A drifted object is written by a plain apply, and stays a member.
            _ = try await TestCluster.kubectl(["-n", namespace, "patch", "configmap", "a", "-p", #"{"data":{"k":"hand"}}"#])
            let applied = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace])
            #expect(applied.output.contains("1 applied"), "\(applied.output)")
            #expect(try await Self.partOf(namespace, "a") == .string(ApplySet(namespace: namespace).id))

            try FileManager.default.removeItem(atPath: apps + "/a.yaml")
            #expect(try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--prune"]).status == 0)
            #expect(try await Self.names(namespace) == ["b"])
        }
    }

    @Test("members of an ApplySet whose parent was deleted by hand are reported, never pruned")
    func parentDeleted() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder([
                "a.yaml": Self.configMap("a", namespace: namespace), "b.yaml": Self.configMap("b", namespace: namespace),
            ])
            #expect(try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--prune"]).status == 0)
            _ = try await TestCluster.kubectl(["-n", namespace, "delete", "secret", ApplySet.defaultParentName])
            try FileManager.default.removeItem(atPath: apps + "/b.yaml")
            let pruned = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--prune"])
            #expect(pruned.status == 0, "\(pruned.output)\(pruned.errorOutput)")
            #expect(pruned.output.contains("kept: configmap/b (namespace \(namespace)): no longer in Git but not pruned: it claims membership"),
                "\(pruned.output)")
            #expect(try await Self.names(namespace) == ["a", "b"])
        }
    }

    @Test("drift.yaml prune: true and applySet make every run prune with that ApplySet")
    func pruneFromConfig() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try RepositorySourcesEndToEndTests.repository([
                "drift.yaml": "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nprune: true\napplySet: shop\npaths: [apps]\n",
                "apps/a.yaml": Self.configMap("a", namespace: namespace),
                "apps/b.yaml": Self.configMap("b", namespace: namespace),
            ])
            let first = try await DriftBinary.run(["apply", "-n", namespace], in: root)
            #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
            #expect(try await Self.partOf(namespace, "a") == .string(ApplySet(name: "shop", namespace: namespace).id))
            try FileManager.default.removeItem(atPath: root + "/apps/b.yaml")
            let second = try await DriftBinary.run(["apply", "-n", namespace], in: root)
            #expect(second.output.contains("pruned: configmap/b"), "\(second.output)")
            #expect(try await Self.names(namespace) == ["a"])
        }
    }

    @Test("an ApplySet that records another repository's objects is never pruned from here, nor recorded into")
    func otherRepository() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try RepositorySourcesEndToEndTests.repository(["apps/a.yaml": Self.configMap("a", namespace: namespace)])
            try GitSourceEndToEndTests.git(root, "remote", "add", "origin", "https://github.com/example/shop.git")
            let applySet = ApplySet(namespace: namespace)
            var parent = applySet.parentObject(groupKinds: [ApplySetGroupKind(group: "", kind: "ConfigMap")], namespaces: [])
            parent = JSONPointer(tokens: ["metadata", "annotations", ApplySet.repositoryAnnotation])
                .updating(parent, to: "github.com/example/other")
            _ = try await TestCluster.client().apply(parent, at: applySet.parentPath, fieldManager: "kubectl-drift", force: true, dryRun: false)

            let pruning = try await DriftBinary.run(["apply", "-f", "apps", "-n", namespace, "--prune"], in: root)
            #expect(pruning.status == 2)
            #expect(pruning.errorOutput.contains("records objects applied from github.com/example/other"), "\(pruning.errorOutput)")
            #expect(pruning.errorOutput.contains("not from this repository (github.com/example/shop)"), "\(pruning.errorOutput)")
            #expect(try await Self.names(namespace).isEmpty, "nothing is applied when the run is refused")

            let plain = try await DriftBinary.run(["apply", "-f", "apps", "-n", namespace], in: root)
            #expect(plain.status == 0, "\(plain.output)\(plain.errorOutput)")
            #expect(plain.errorOutput.contains("is not recorded"), "\(plain.errorOutput)")
            #expect(try await Self.partOf(namespace, "a") == nil)
        }
    }

    @Test("a Namespace Git dropped is pruned only when everything in it is ours; the preview names what goes with it")
    func namespaces() async throws {
        try await TestCluster.withNamespace { namespace in
            let second = namespace + "-two"
            // Its own ApplySet (in the context's namespace): the manifests name two namespaces.
            let applySetName = "drift-\(namespace)"
            let client = try await TestCluster.client()
            defer { _ = try? client.json(HTTPRequest(method: .delete, path: "/api/v1/namespaces/\(second)")) }
            let apps = try DiffEndToEndTests.folder([
                "namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(second)\n",
                "a.yaml": Self.configMap("a", namespace: second),
                "keep.yaml": Self.configMap("keep", namespace: namespace),
            ])
            let first = try await DriftBinary.run(["apply", "-f", apps, "--prune", "--applyset", applySetName])
            try #require(first.status == 0, "\(first.output)\(first.errorOutput)")
            try TestCluster.create(
                ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "foreign"], "data": ["k": "v"]],
                in: "/api/v1/namespaces/\(second)/configmaps", client: client)
            for name in ["namespace", "a"] { try FileManager.default.removeItem(atPath: apps + "/\(name).yaml") }

            let preview = try await DriftBinary.run(["diff", "-f", apps, "--prune", "--applyset", applySetName, "-o", "json"])
            let report = try DiffEndToEndTests.report(preview)
            #expect(report["prune"] == [["group": "", "kind": "ConfigMap", "namespace": .string(second), "name": "a"]])
            let kept = try #require(report["pruneKept"]?.arrayValue?.first)
            #expect(kept["kind"] == "Namespace" && kept["name"] == .string(second))
            #expect(kept["reason"]?.stringValue?.contains("1 object kubectl-drift did not apply (configmap/foreign)") == true, "\(kept)")

            let pruned = try await DriftBinary.run(["apply", "-f", apps, "--prune", "--applyset", applySetName])
            #expect(pruned.status == 0, "\(pruned.output)\(pruned.errorOutput)")
            #expect(pruned.output.contains("kept: namespace/\(second): no longer in Git but not pruned"), "\(pruned.output)")
            let namespaceObject = try client.get("/api/v1/namespaces/\(second)")
            #expect(namespaceObject[["metadata", "deletionTimestamp"]] == nil, "a Namespace holding foreign objects is kept")
            #expect(try client.getIfPresent("/api/v1/namespaces/\(second)/configmaps/foreign") != nil)

            // Once only our objects are left, the Namespace goes, and the preview says what with.
            _ = try client.json(HTTPRequest(method: .delete, path: "/api/v1/namespaces/\(second)/configmaps/foreign"))
            // Applied the way the tool applies (its field manager, its label), after the parent.
            _ = try client.apply(
                ApplySet(name: applySetName, namespace: "default").labelled([
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "ours", "namespace": .string(second)],
                    "data": ["k": "v"],
                ]), at: "/api/v1/namespaces/\(second)/configmaps/ours", fieldManager: "kubectl-drift", force: true, dryRun: false)
            let text = try await DriftBinary.run(["diff", "-f", apps, "--prune", "--applyset", applySetName])
            #expect(text.output.contains(
                "prune: namespace/\(second) is no longer in Git; kubectl drift apply --prune deletes it and the 1 object in it (configmap/ours)"),
                "\(text.output)")
            let again = try await DriftBinary.run(["apply", "-f", apps, "--prune", "--applyset", applySetName])
            #expect(again.status == 0, "\(again.output)\(again.errorOutput)")
            #expect(again.output.contains("pruned: namespace/\(second)"), "\(again.output)")
            let gone = try client.getIfPresent("/api/v1/namespaces/\(second)")
            #expect(gone == nil || gone?[["metadata", "deletionTimestamp"]] != nil)
        }
    }
}
