import Foundation
import Testing
@testable import DriftKit

/// Flux's documented layout of layers: an `infrastructure` Kustomization (a HelmRelease
/// rendered by the real helm, and plain objects) and an `apps` one that `dependsOn` it, with
/// an independent `other`: checked, applied in order and stopped at a failed layer.
@Suite("Flux dependsOn, end to end", .serialized)
struct FluxDependsOnEndToEndTests {
    private static func kustomization(_ name: String, namespace: String, dependsOn: [String] = []) -> String {
        let dependencies = dependsOn.isEmpty ? "" : "  dependsOn:\n" + dependsOn.map { "    - name: \($0)\n" }.joined()
        return """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:
              interval: 10m
              path: ./\(name)
              prune: true
              sourceRef:
                kind: GitRepository
                name: flux-system
                namespace: flux-system
            \(dependencies)
            """
    }

    private static func configMap(_ name: String, namespace: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: \(namespace)\ndata:\n  mode: fast\n"
    }

    /// The three layers; `extra` adds files (or replaces them).
    private func repository(namespace: String, extra: [String: String] = [:]) throws -> String {
        var files = [
            "clusters/infrastructure.yaml": Self.kustomization("infrastructure", namespace: namespace),
            "clusters/apps.yaml": Self.kustomization("apps", namespace: namespace, dependsOn: ["infrastructure"]),
            "clusters/other.yaml": Self.kustomization("other", namespace: namespace),
            "infrastructure/settings.yaml": Self.configMap("infra-settings", namespace: namespace),
            "infrastructure/controller.yaml": """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: controller
                  namespace: \(namespace)
                spec:
                  interval: 10m
                  driftDetection: {mode: enabled}
                  chart:
                    spec:
                      chart: ./charts/controller
                      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
                """,
            "charts/controller/Chart.yaml": "apiVersion: v2\nname: controller\nversion: 1.0.0\n",
            "charts/controller/templates/settings.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-settings
                data:
                  replicas: "2"
                """,
            "apps/app.yaml": Self.configMap("app", namespace: namespace),
            "other/other.yaml": Self.configMap("other", namespace: namespace),
        ]
        files.merge(extra) { $1 }
        return try RepositorySourcesEndToEndTests.repository(files)
    }

    private func objects(_ output: String) throws -> [String: JSONValue] {
        let list = try JSONValue.parse(output)["objects"]?.arrayValue ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ("\($0["kind"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")", $0) })
    }

    @Test("diff shows the order; apply brings every layer in sync; drift in each layer is reported in its own section")
    func layers() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let root = try repository(namespace: namespace)

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            let groups = try JSONValue.parse(preview.output)["groups"]?.arrayValue ?? []
            let titles = groups.compactMap { $0["title"]?.stringValue?.split(separator: " (").first.map(String.init) }
            #expect(titles == [
                "Flux Kustomization \(namespace)/infrastructure", "Flux Kustomization \(namespace)/other",
                "Flux Kustomization \(namespace)/apps", "Flux HelmRelease \(namespace)/controller",
            ], "in the order apply applies them: a HelmRelease after the Kustomization that applies it")
            #expect(groups.map { $0["order"] } == [1, 1, 2, 2], "\(groups)")
            #expect(groups[2]["dependsOn"] == [.string("Kustomization \(namespace)/infrastructure")])
            #expect(groups.first?["title"]?.stringValue?.contains("applied first") == true)

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let inSync = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.errorOutput)")

            for name in ["controller-settings", "app"] {
                _ = try client.mergePatch(["data": ["edited": "by hand"]], at: "/api/v1/namespaces/\(namespace)/configmaps/\(name)",
                    fieldManager: "kubectl-edit")
            }
            let drifted = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(drifted.status == 1)
            let sections = try JSONValue.parse(drifted.output)["groups"]?.arrayValue ?? []
            func members(_ title: String) -> [JSONValue] {
                sections.first { $0["title"]?.stringValue?.hasPrefix("Flux Kustomization \(namespace)/\(title) (") == true }?["objects"]?.arrayValue ?? []
            }
            func members(of release: String) -> [JSONValue] {
                sections.first { $0["title"]?.stringValue?.hasPrefix("Flux HelmRelease \(namespace)/\(release) (") == true }?["objects"]?.arrayValue ?? []
            }
            #expect(members(of: "controller").map { $0["name"] } == ["controller-settings"], "a HelmRelease's objects are in its own section")
            #expect(members("infrastructure").compactMap { $0["name"]?.stringValue }.sorted() == ["controller", "infra-settings"])
            #expect(members("apps").map { $0["name"] } == ["app"])
            let statuses = try objects(drifted.output)
            #expect(statuses["ConfigMap/controller-settings"]?["status"] == "drifted")
            #expect(statuses["ConfigMap/app"]?["status"] == "drifted")
            #expect(statuses["ConfigMap/other"]?["status"] == "in-sync")

            let text = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            let infrastructure = try #require(text.output.range(of: "Flux Kustomization \(namespace)/infrastructure"))
            let apps = try #require(text.output.range(of: "Flux Kustomization \(namespace)/apps"))
            #expect(infrastructure.lowerBound < apps.lowerBound, "the text report lists the layers in the order they are applied")
            #expect(text.output.contains("applied after Kustomization \(namespace)/infrastructure is Ready"))
        }
    }

    @Test("a layer that does not become healthy stops the layer that depends on it, and nothing else")
    func failedLayer() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            // The test server runs no controllers: this Deployment never becomes available.
            let deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ingress
                  namespace: \(namespace)
                spec:
                  selector: {matchLabels: {app: ingress}}
                  template:
                    metadata: {labels: {app: ingress}}
                    spec:
                      containers: [{name: ingress, image: registry.k8s.io/pause:3.9}]
                """
            let root = try repository(namespace: namespace, extra: ["infrastructure/ingress.yaml": deployment])
            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "--wait", "--timeout", "3s", "-o", "json"], in: root)
            #expect(applied.status == 2, "a layer that is not Ready fails the run: \(applied.output)\(applied.errorOutput)")
            let outcome = try objects(applied.output)
            #expect(outcome["Deployment/ingress"]?["result"] == "applied")
            #expect(outcome["ConfigMap/infra-settings"]?["result"] == "applied")
            #expect(outcome["ConfigMap/other"]?["result"] == "applied", "a layer that does not depend on it goes ahead")
            #expect(outcome["ConfigMap/app"]?["result"] == "skipped")
            let reason = outcome["ConfigMap/app"]?["reason"]?.stringValue ?? ""
            #expect(reason.hasPrefix("not applied: it waits for Kustomization \(namespace)/infrastructure, which is not Ready: "
                + "deployment.apps/ingress (namespace \(namespace)) is"), "\(reason)")
            #expect((try? client.get("/api/v1/namespaces/\(namespace)/configmaps/app")) == nil, "nothing of the stopped layer is written")
        }
    }

    @Test("a dependency cycle is an error naming the chain, and nothing is applied")
    func cycle() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try repository(namespace: namespace, extra: [
                "clusters/infrastructure.yaml": Self.kustomization("infrastructure", namespace: namespace, dependsOn: ["apps"]),
            ])
            for command in ["diff", "apply"] {
                let run = try await DriftBinary.run([command, "--flux", "-f", "clusters"], in: root)
                #expect(run.status == 2, "\(command): \(run.output)\(run.errorOutput)")
                #expect(run.errorOutput.contains(
                    "Flux dependencies form a cycle, so none of them would ever be applied: Kustomization \(namespace)/apps → "
                        + "Kustomization \(namespace)/infrastructure → Kustomization \(namespace)/apps"), "\(run.errorOutput)")
            }
            let client = try await TestCluster.client()
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client).isEmpty)
        }
    }

    @Test("the apps layer in a second repository, mapped in drift.yaml sources: read at its ref without checkout, in its own section naming it, in sync after apply")
    func twoRepositories() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let appsRepository = try RepositorySourcesEndToEndTests.repository([
                "deploy/app.yaml": Self.configMap("app", namespace: namespace),
            ])
            // What is committed counts, not the clone's working tree.
            try Self.configMap("app", namespace: namespace).replacingOccurrences(of: "fast", with: "uncommitted")
                .write(toFile: appsRepository + "/deploy/app.yaml", atomically: true, encoding: .utf8)
            var apps = Self.kustomization("apps", namespace: namespace, dependsOn: ["infrastructure"])
                .replacingOccurrences(of: "path: ./apps", with: "path: ./deploy")
                .replacingOccurrences(of: "name: flux-system\n    namespace: flux-system", with: "name: apps-repo\n    namespace: flux-system")
            apps += "\n"
            let root = try repository(namespace: namespace, extra: [
                "clusters/apps.yaml": apps,
                "clusters/sources.yaml": """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: GitRepository
                    metadata:
                      name: apps-repo
                      namespace: flux-system
                    spec:
                      interval: 1m
                      url: https://git.example.com/team/apps.git
                      ref: {branch: main}
                    """,
                "drift.yaml": """
                    apiVersion: drift.kubectl-drift.dev/v1alpha1
                    kind: DriftConfig
                    sources:
                      - name: flux-system/apps-repo
                        path: \(appsRepository)
                    """,
            ])
            let commit = try TestCluster.run(["git", "-C", appsRepository, "rev-parse", "--short=7", "HEAD"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)

            let preview = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(preview.status == 1, "\(preview.output)\(preview.errorOutput)")
            let groups = try JSONValue.parse(preview.output)["groups"]?.arrayValue ?? []
            let appsGroup = try #require(groups.first { $0["title"]?.stringValue?.hasPrefix("Flux Kustomization \(namespace)/apps (") == true })
            #expect(appsGroup["title"]?.stringValue?.contains(
                "from GitRepository flux-system/apps-repo (\(appsRepository) at main, \(commit))") == true, "\(appsGroup)")
            #expect(appsGroup["order"] == 2)
            #expect(appsGroup["objects"]?.arrayValue?.map { $0["name"] } == ["app"])

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let app = try client.get("/api/v1/namespaces/\(namespace)/configmaps/app")
            #expect(app[["data", "mode"]] == "fast", "the committed file, not the clone's working tree")
            let inSync = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.errorOutput)")
        }
    }
}
