import Testing
@testable import DriftKit

/// kustomize-controller's pruning rules, without a cluster: which inventory ids name which
/// objects, and which stale objects it would delete.
@Suite("Flux prune rules")
struct FluxPruneRulesTests {
    static let apps = try! FluxKustomization(manifest: Manifest(
        object: [
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": ["name": "apps", "namespace": "flux-system"],
            "spec": ["interval": "10m", "prune": true, "sourceRef": ["kind": "GitRepository", "name": "flux-system"]],
        ],
        source: ManifestLocation(file: "clusters/apps.yaml", line: 1, documentIndex: 0)))

    static let owned: [String: String] = ["kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"]

    static func object(labels: [String: String] = [:], annotations: [String: String] = [:]) -> JSONValue {
        func map(_ values: [String: String]) -> JSONValue { .object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x", "labels": map(labels), "annotations": map(annotations)]]
    }

    @Test("inventory ids name objects as Flux reads them back", arguments: [
        ("web_app_apps_Deployment", ObjectIdentity(group: "apps", kind: "Deployment", namespace: "web", name: "app")),
        ("web_settings__ConfigMap", ObjectIdentity(group: "", kind: "ConfigMap", namespace: "web", name: "settings")),
        ("_web__Namespace", ObjectIdentity(group: "", kind: "Namespace", namespace: nil, name: "web")),
        ("_system__controller__x_rbac.authorization.k8s.io_ClusterRole",
         ObjectIdentity(group: "rbac.authorization.k8s.io", kind: "ClusterRole", namespace: nil, name: "system:controller:x")),
    ])
    func inventoryIDs(id: String, identity: ObjectIdentity) throws {
        let entry = try #require(FluxInventoryEntry(id: id, version: "v1"))
        #expect(entry.identity == identity)
        #expect(entry.apiVersion == (identity.group.isEmpty ? "v1" : "\(identity.group)/v1"))
    }

    @Test("an id that names no object, or an entry without a version, is malformed", arguments: [
        ("not-an-id", "v1"), ("web_ConfigMap", "v1"), ("web_x_ConfigMap", "v1"), ("web___ConfigMap", "v1"),
        ("web_x_apps_", "v1"), ("web_x__ConfigMap", ""),
    ])
    func malformedIDs(id: String, version: String) {
        #expect(FluxInventoryEntry(id: id, version: version) == nil)
    }

    @Test("one malformed entry fails the whole inventory, naming the Kustomization; no inventory is an empty one")
    func inventories() throws {
        let good: JSONValue = ["id": "web_a__ConfigMap", "v": "v1"]
        let bad: JSONValue = ["id": "garbage", "v": "v1"]
        let broken: JSONValue = ["status": ["inventory": ["entries": [good, bad]]]]
        #expect(FluxInventoryEntry.entries(of: broken, kustomization: "flux-system/apps")
            == .failure(.malformedEntry(kustomization: "flux-system/apps", entry: #"{"id":"garbage","v":"v1"}"#)))
        let fine = try FluxInventoryEntry.entries(of: ["status": ["inventory": ["entries": [good]]]], kustomization: "k").get()
        #expect(fine.map(\.identity.name) == ["a"])
        #expect(try FluxInventoryEntry.entries(of: ["spec": [:]], kustomization: "k").get().isEmpty)
    }

    @Test("an object with this Kustomization's owner labels and no opt-out is deleted")
    func owned() {
        #expect(FluxPruneRules.exemption(for: Self.object(labels: Self.owned), kustomization: Self.apps) == nil)
        #expect(FluxPruneRules.exemption(
            for: Self.object(labels: Self.owned, annotations: ["kustomize.toolkit.fluxcd.io/prune": "enabled"]),
            kustomization: Self.apps) == nil)
    }

    @Test("owner labels are a selector: missing, partial or another Kustomization's keep the object", arguments: [
        ([:], FluxPruneExemption.unlabelled(kustomization: "flux-system/apps")),
        (["kustomize.toolkit.fluxcd.io/name": "apps"], .ownedByOther(owner: "?/apps", kustomization: "flux-system/apps")),
        (["kustomize.toolkit.fluxcd.io/namespace": "flux-system"], .ownedByOther(owner: "flux-system/?", kustomization: "flux-system/apps")),
        (["kustomize.toolkit.fluxcd.io/name": "infra", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"],
         .ownedByOther(owner: "flux-system/infra", kustomization: "flux-system/apps")),
        (["kustomize.toolkit.fluxcd.io/name": "Apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"],
         .ownedByOther(owner: "flux-system/Apps", kustomization: "flux-system/apps")),
    ])
    func ownerLabels(labels: [String: String], exemption: FluxPruneExemption) {
        #expect(FluxPruneRules.exemption(for: Self.object(labels: labels), kustomization: Self.apps) == exemption)
    }

    @Test("a label or an annotation opting out keeps an owned object, its value compared case-insensitively", arguments: [
        ("annotation", "kustomize.toolkit.fluxcd.io/prune", "disabled", "disabled"),
        ("label", "kustomize.toolkit.fluxcd.io/prune", "Disabled", "disabled"),
        ("annotation", "kustomize.toolkit.fluxcd.io/reconcile", "DISABLED", "disabled"),
        ("label", "kustomize.toolkit.fluxcd.io/reconcile", "disabled", "disabled"),
        ("annotation", "kustomize.toolkit.fluxcd.io/ssa", "ignore", "Ignore"),
        ("annotation", "drift.kubectl-drift.dev/prune", "disabled", "disabled"),
    ])
    func optOuts(field: String, key: String, value: String, canonical: String) {
        var labels = Self.owned
        var annotations: [String: String] = [:]
        if field == "label" { labels[key] = value } else { annotations[key] = value }
        let exemption = FluxPruneRules.exemption(for: Self.object(labels: labels, annotations: annotations), kustomization: Self.apps)
        #expect(exemption == .optedOut(field: field, key: key, value: canonical))
        #expect(exemption?.description == "its \(field) \(key): \(canonical) keeps it")
    }

    @Test("the reasons name the Kustomization, the owner and the suspension")
    func descriptions() {
        #expect(FluxPruneExemption.unlabelled(kustomization: "flux-system/apps").description.contains(
            "does not carry the owner labels of the Flux Kustomization flux-system/apps"))
        #expect(FluxPruneExemption.ownedByOther(owner: "flux-system/infra", kustomization: "flux-system/apps").description
            == "its owner labels name the Flux Kustomization flux-system/infra, not flux-system/apps")
        #expect(FluxPruneExemption.suspended(FluxSuspension(object: "Kustomization flux-system/apps", origin: .git)).description
            == "suspended: the Flux Kustomization flux-system/apps has spec.suspend: true (in Git)")
    }
}
