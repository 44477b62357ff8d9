import Foundation
import Testing
@testable import DriftKit

/// `--prune`: objects this tool applied and Git removed are deleted; nothing else ever is.
@Suite("kubectl drift apply --prune, end to end")
struct PruneEndToEndTests {
    @Test("diff lists what apply --prune deletes; only our own, unprotected objects are deleted")
    func prune() async throws {
        try await TestCluster.withNamespace { namespace in
            let configMap = { (name: String, annotations: String) in
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: \(namespace)\n\(annotations)data:\n  k: v\n"
            }
            let apps = try DiffEndToEndTests.folder([
                "keep.yaml": configMap("keep", ""),
                "gone.yaml": configMap("gone", ""),
                "pinned.yaml": configMap("pinned", "  annotations:\n    drift.kubectl-drift.dev/prune: disabled\n"),
            ])
            let first = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace])
            #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
            // Someone else's object in the same namespace, never applied by us.
            let client = try await TestCluster.client()
            try TestCluster.create(
                ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "foreign"], "data": ["k": "v"]],
                in: "/api/v1/namespaces/\(namespace)/configmaps", client: client)
            for name in ["gone", "pinned"] { try FileManager.default.removeItem(atPath: apps + "/\(name).yaml") }

            let preview = try await DriftBinary.run(["diff", "-f", apps, "--prune", "-n", namespace, "-o", "json"])
            #expect(preview.status == 1)
            #expect(try JSONValue.parse(preview.output)["prune"] == [["group": "", "kind": "ConfigMap", "namespace": .string(namespace), "name": "gone"]])

            let pruned = try await DriftBinary.run(["apply", "-f", apps, "--prune", "-n", namespace])
            #expect(pruned.status == 0, "\(pruned.output)\(pruned.errorOutput)")
            #expect(pruned.output.contains("pruned: configmap/gone"))
            let names = try client.list("/api/v1/namespaces/\(namespace)/configmaps").compactMap { $0[["metadata", "name"]]?.stringValue }
            #expect(Set(names) == ["keep", "pinned", "foreign"])
        }
    }
}
