import Foundation
import Testing
@testable import DriftKit

/// `apply --flux` as Flux would act: pruning by kustomize-controller's rules, nothing of a
/// suspended Kustomization or HelmRelease written or deleted.
@Suite("kubectl drift apply --flux, end to end")
struct FluxRemediationEndToEndTests {
    private static func reference(_ kind: String, _ name: String, namespace: String, group: String = "") -> JSONValue {
        ["group": .string(group), "kind": .string(kind), "namespace": .string(namespace), "name": .string(name)]
    }

    private static func kept(_ name: String, namespace: String, _ reason: String) -> JSONValue {
        ["group": "", "kind": "ConfigMap", "namespace": .string(namespace), "name": .string(name), "reason": .string(reason)]
    }

    /// The remediation report's `prune[]`: what was pruned, then what was kept, each with its result.
    private static func remediated(pruned: JSONValue, kept: JSONValue) -> JSONValue {
        let deleted = (pruned.arrayValue ?? []).map { JSONPointer(tokens: ["result"]).updating($0, to: "pruned") }
        let held = (kept.arrayValue ?? []).map { entry in
            let reason = "no longer in Git but not pruned: " + (entry["reason"]?.stringValue ?? "")
            let withReason = JSONPointer(tokens: ["reason"]).updating(entry, to: .string(reason))
            return JSONPointer(tokens: ["result"]).updating(withReason, to: "kept")
        }
        let all = deleted + held
        return all.isEmpty ? .null : .array(all)
    }

    @Test("diff --prune lists exactly what apply --prune deletes; every other stale inventory object is kept, with the reason")
    func pruneAsKustomizeController() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let kustomization = FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps")
            let root = try RepositorySourcesEndToEndTests.repository([
                "clusters/apps.yaml": kustomization,
                "apps/a.yaml": RepositorySourcesEndToEndTests.configMap("a"),
                "apps/hands-off.yaml": """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: hands-off
                      annotations: {kustomize.toolkit.fluxcd.io/ssa: Ignore}
                    """,
            ])
            let owned = FluxTestAPI.ownerLabels("apps", namespace: namespace)
            func configMap(_ name: String, labels: JSONValue = [:], annotations: JSONValue = [:]) throws {
                try FluxTestAPI.configMap(name, namespace: namespace, labels: labels, annotations: annotations, client: client)
            }
            try configMap("a", labels: owned)
            // Git still has it, though Flux does not apply it: it stays in Flux's inventory.
            try configMap("hands-off", labels: owned)
            try configMap("gone", labels: owned)
            try configMap("unlabelled")
            try configMap("other-owner", labels: FluxTestAPI.ownerLabels("infra", namespace: namespace))
            try configMap("half-labelled", labels: ["kustomize.toolkit.fluxcd.io/name": "apps"])
            try configMap("prune-disabled", labels: owned, annotations: ["kustomize.toolkit.fluxcd.io/prune": "disabled"])
            try configMap("reconcile-disabled", labels: [
                "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": .string(namespace),
                "kustomize.toolkit.fluxcd.io/reconcile": "disabled",
            ])
            try configMap("ssa-ignored", labels: owned, annotations: ["kustomize.toolkit.fluxcd.io/ssa": "ignore"])
            try configMap("not-listed", labels: owned)
            // RBAC names may hold colons, which inventory ids write as `__`.
            try TestCluster.create(
                ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "team:reader", "labels": owned],
                 "rules": []],
                in: "/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)/roles", client: client)
            let listed = ["a", "hands-off", "gone", "unlabelled", "other-owner", "half-labelled", "prune-disabled",
                          "reconcile-disabled", "ssa-ignored", "vanished"]
            try FluxTestAPI.deploy(
                kustomization,
                inventory: listed.map { "\(namespace)_\($0)__ConfigMap" } + ["\(namespace)_team__reader_rbac.authorization.k8s.io_Role"],
                client: client)

            let expectedPrune: JSONValue = [
                Self.reference("ConfigMap", "gone", namespace: namespace),
                Self.reference("Role", "team:reader", namespace: namespace, group: "rbac.authorization.k8s.io"),
            ]
            let expectedKept: JSONValue = [
                Self.kept("half-labelled", namespace: namespace,
                    "its owner labels name the Flux Kustomization ?/apps, not \(namespace)/apps"),
                Self.kept("other-owner", namespace: namespace,
                    "its owner labels name the Flux Kustomization \(namespace)/infra, not \(namespace)/apps"),
                Self.kept("prune-disabled", namespace: namespace, "its annotation kustomize.toolkit.fluxcd.io/prune: disabled keeps it"),
                Self.kept("reconcile-disabled", namespace: namespace, "its label kustomize.toolkit.fluxcd.io/reconcile: disabled keeps it"),
                Self.kept("ssa-ignored", namespace: namespace, "its annotation kustomize.toolkit.fluxcd.io/ssa: Ignore keeps it"),
                Self.kept("unlabelled", namespace: namespace,
                    "it does not carry the owner labels of the Flux Kustomization \(namespace)/apps (kustomize.toolkit.fluxcd.io/name, "
                        + "kustomize.toolkit.fluxcd.io/namespace), so kustomize-controller does not delete it"),
            ]

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "--prune", "-o", "json"], in: root)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            let previewed = try JSONValue.parse(preview.output)
            #expect(previewed["prune"] == expectedPrune)
            #expect(previewed["pruneKept"] == expectedKept)
            let text = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "--prune"], in: root)
            #expect(text.output.contains(
                "kept: configmap/prune-disabled (namespace \(namespace)): no longer in Git but not pruned: "
                    + "its annotation kustomize.toolkit.fluxcd.io/prune: disabled keeps it"), "\(text.output)")

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "--prune", "-o", "json"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let report = try JSONValue.parse(applied.output)
            #expect(report["prune"] == Self.remediated(pruned: expectedPrune, kept: expectedKept))
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == [
                "a", "hands-off", "unlabelled", "other-owner", "half-labelled", "prune-disabled", "reconcile-disabled",
                "ssa-ignored", "not-listed",
            ])
            #expect(try client.getIfPresent("/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)/roles/team:reader") == nil)
        }
    }

    @Test("a malformed inventory entry is reported with its Kustomization, and nothing of that Kustomization is deleted")
    func malformedInventory() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let kustomization = FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps")
            let root = try RepositorySourcesEndToEndTests.repository([
                "clusters/apps.yaml": kustomization,
                "apps/a.yaml": RepositorySourcesEndToEndTests.configMap("a"),
            ])
            try FluxTestAPI.configMap("doomed", namespace: namespace, labels: FluxTestAPI.ownerLabels("apps", namespace: namespace), client: client)
            try FluxTestAPI.deploy(kustomization, inventory: ["\(namespace)_doomed__ConfigMap", "doomed_ConfigMap"], client: client)
            let problem = "the inventory of the Flux Kustomization \(namespace)/apps has a malformed entry {\"id\":\"doomed_ConfigMap\",\"v\":\"v1\"}"

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "--prune", "-o", "json"], in: root)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            #expect(try JSONValue.parse(preview.output)["prune"] == nil)
            #expect(preview.errorOutput.contains("warning: prune preview incomplete: \(problem)"), "\(preview.errorOutput)")

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "--prune"], in: root)
            #expect(applied.status == 2, "\(applied.output)\(applied.errorOutput)")
            #expect(applied.output.contains("prune-incomplete: \(problem)"), "\(applied.output)")
            #expect(!applied.output.contains("pruned:"))
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == ["a", "doomed"])
        }
    }

    @Test("a Kustomization suspended live or in Git shows its drift and is neither applied nor pruned; the others are",
        arguments: [FluxSuspension.Origin.live, .git])
    func suspendedKustomization(origin: FluxSuspension.Origin) async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let apps = FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps", suspend: origin == .git)
            let other = FluxTestAPI.kustomization("other", namespace: namespace, path: "./other")
            let root = try RepositorySourcesEndToEndTests.repository([
                "clusters/apps.yaml": apps,
                "clusters/other.yaml": other,
                "apps/a.yaml": RepositorySourcesEndToEndTests.configMap("a"),
                "apps/b.yaml": RepositorySourcesEndToEndTests.configMap("b"),
                "other/c.yaml": RepositorySourcesEndToEndTests.configMap("c"),
            ])
            let owned = FluxTestAPI.ownerLabels("apps", namespace: namespace)
            for name in ["b", "gone"] { try FluxTestAPI.configMap(name, namespace: namespace, labels: owned, client: client) }
            try FluxTestAPI.deploy(
                apps, inventory: ["\(namespace)_b__ConfigMap", "\(namespace)_gone__ConfigMap"], suspended: origin == .live,
                client: client)
            try FluxTestAPI.deploy(other, inventory: [], client: client)
            let suspension = "the Flux Kustomization \(namespace)/apps has spec.suspend: true (\(origin.rawValue))"
            let expectedKept: JSONValue = [Self.kept("gone", namespace: namespace, "suspended: \(suspension)")]

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "--prune", "-o", "json"], in: root)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            let detected = try JSONValue.parse(preview.output)
            let statuses = (detected["objects"]?.arrayValue ?? []).map { [$0["name"], $0["status"]] }
            #expect(statuses == [["a", "missing"], ["b", "drifted"], ["c", "missing"]])
            let groups = detected["groups"]?.arrayValue ?? []
            #expect(groups.map { $0["suspended"] } == [.string(suspension), nil])
            #expect(groups.first?["title"] == .string("Flux Kustomization \(namespace)/apps (path ./apps, suspended \(origin.rawValue), prune)"))
            #expect(detected["prune"] == nil)
            #expect(detected["pruneKept"] == expectedKept)

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "--prune", "-o", "json"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let report = try JSONValue.parse(applied.output)
            let results = (report["objects"]?.arrayValue ?? []).map { [$0["name"], $0["result"], $0["reason"]] }
            #expect(results == [
                ["a", "skipped", .string("suspended: \(suspension)")], ["b", "skipped", .string("suspended: \(suspension)")],
                ["c", "applied", nil],
            ])
            #expect(report["prune"] == Self.remediated(pruned: [], kept: expectedKept))
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == ["b", "gone", "c"])
            let b = try client.get("/api/v1/namespaces/\(namespace)/configmaps/b")
            #expect(b["data"] == ["k": "v"], "the suspended drift is left as it is")
        }
    }

    @Test("the objects of a HelmRelease suspended live are reported and not applied; the rest of its Kustomization is")
    func suspendedHelmRelease() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let kustomization = FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps")
            let release = """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: greeter
                  namespace: \(namespace)
                spec:
                  interval: 10m
                  chart:
                    spec:
                      chart: ./charts/greeter
                      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
                """
            let root = try RepositorySourcesEndToEndTests.repository([
                "clusters/apps.yaml": kustomization,
                "apps/release.yaml": release,
                "apps/plain.yaml": RepositorySourcesEndToEndTests.configMap("plain"),
                "charts/greeter/Chart.yaml": "apiVersion: v2\nname: greeter\nversion: 0.1.0\n",
                // Rendered by the real helm: one ConfigMap named after the release.
                "charts/greeter/templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  k: v\n",
            ])
            let environment: [String: String] = [:]
            try FluxTestAPI.deploy(kustomization, inventory: [], client: client)
            let live = try ManifestLoader.parse([ManifestFile(path: "release.yaml", text: release)])[0].object
            let releasePath = "\(FluxTestAPI.helmReleases)/namespaces/\(namespace)/helmreleases/greeter"
            try TestCluster.create(live, in: "\(FluxTestAPI.helmReleases)/namespaces/\(namespace)/helmreleases", client: client)
            try FluxTestAPI.suspend(releasePath, client: client)
            let suspension = "the Flux HelmRelease \(namespace)/greeter has spec.suspend: true (live)"

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root, environment: environment)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            let groups = try JSONValue.parse(preview.output)["groups"]?.arrayValue ?? []
            let group = try #require(groups.first)
            #expect(group["suspended"] == nil, "the Kustomization itself is not suspended")
            let releaseGroup = try #require(groups.last)
            #expect(releaseGroup["title"]?.stringValue?.hasPrefix("Flux HelmRelease \(namespace)/greeter (") == true, "\(groups)")
            #expect(releaseGroup["suspended"] == .string(suspension))
            #expect(releaseGroup["notes"]?.arrayValue?.contains(
                .string("suspended: \(suspension); its objects' drift is shown, kubectl drift apply leaves them alone")) == true,
                "\(releaseGroup)")

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "-o", "json"], in: root, environment: environment)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let results = try JSONValue.parse(applied.output)["objects"]?.arrayValue ?? []
            let outcome = Dictionary(uniqueKeysWithValues: results.map { ("\($0["kind"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")", $0) })
            #expect(outcome["ConfigMap/greeter"]?["result"] == "skipped")
            #expect(outcome["ConfigMap/greeter"]?["reason"] == .string("suspended: \(suspension)"))
            #expect(outcome["ConfigMap/plain"]?["result"] == "applied")
            #expect(outcome["HelmRelease/greeter"]?["result"] != "skipped", "helm-controller's suspension does not stop kustomize-controller")
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == ["plain"])
        }
    }
}
