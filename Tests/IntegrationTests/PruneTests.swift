import Foundation
import Testing
@testable import DriftKit

/// ApplySet pruning against a real kube-apiserver.
@Suite("Prune against kube-apiserver", .timeLimit(.minutes(2)))
struct PruneTests {
    static func configMap(_ name: String, annotations: JSONValue = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap",
         "metadata": ["name": .string(name), "annotations": annotations], "data": ["k": "v"]]
    }

    @Test("deletes exactly the labelled objects Git no longer holds; unlabelled and protected ones survive")
    func prunesOnlyOwnObjects() async throws {
        let admin = try await TestCluster.client()
        try await TestCluster.withNamespace { namespace in
            try await TestCluster.offThePool {
                let set = ApplySet(name: "drift-set", namespace: namespace)
                let collection = "/api/v1/namespaces/\(namespace)/configmaps"
                func apply(_ object: JSONValue) throws {
                    let name = object[["metadata", "name"]]!.stringValue!
                    _ = try admin.apply(object, at: collection + "/" + name, fieldManager: "kubectl-drift", force: true, dryRun: false)
                }
                // The parent first, then its members, as apply writes them.
                _ = try admin.apply(
                    set.parentObject(members: ["keep", "old-one", "old-two", "pinned"].map {
                        ObjectIdentity(group: "", kind: "ConfigMap", namespace: namespace, name: $0)
                    }),
                    at: set.parentPath, fieldManager: "kubectl-drift", force: true, dryRun: false)
                for name in ["keep", "old-one", "old-two"] { try apply(set.labelled(Self.configMap(name))) }
                try apply(set.labelled(Self.configMap("pinned", annotations: ["drift.kubectl-drift.dev/prune": "disabled"])))
                try apply(Self.configMap("unlabelled"))

                let pruner = Pruner(client: admin, discovery: Discovery(client: admin), applySet: set)
                let parent = try pruner.readParent()
                #expect(parent.id == set.id)
                #expect(parent.groupKinds == [ApplySetGroupKind(group: "", kind: "ConfigMap")])

                // Git now holds only "keep" (the namespace left implicit, as in a manifest).
                let plan = pruner.plan(
                    desired: [ObjectIdentity(group: "", kind: "ConfigMap", namespace: nil, name: "keep")], parent: parent)
                #expect(plan.problems.isEmpty)
                #expect(plan.candidates.map(\.identity.name) == ["old-one", "old-two"])
                #expect(plan.protected.map(\.name) == ["pinned"])

                let results = pruner.execute(plan)
                #expect(results.map(\.outcome) == [.deleted, .deleted])
                let left = try admin.list(collection).compactMap { $0[["metadata", "name"]]?.stringValue }
                #expect(Set(left).isSuperset(of: ["keep", "pinned", "unlabelled"]))
                #expect(Set(left).isDisjoint(with: ["old-one", "old-two"]))

                // A second run finds nothing more to delete.
                #expect(pruner.plan(desired: [ObjectIdentity(group: "", kind: "ConfigMap", namespace: namespace, name: "keep")],
                    parent: try pruner.readParent()).candidates.isEmpty)
            }
        }
    }
}
