import Foundation
import Testing
@testable import DriftKit

/// The order of Kustomizations and HelmReleases that `dependsOn` gives, and the errors Flux would stop at.
@Suite("Flux dependsOn")
struct FluxDependencyGraphTests {
    static func kustomization(_ name: String, path: String, dependsOn: [String] = []) -> String {
        FluxFixture.kustomization(name, path: path, dependsOn: dependsOn)
    }

    static func release(_ name: String, dependsOn: [String] = []) -> String {
        let dependencies = dependsOn.isEmpty ? "" : "  dependsOn:\n" + dependsOn.map { "    - name: \($0)\n" }.joined()
        return """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: \(name)
              namespace: web
            spec:
              interval: 10m
              chart:
                spec:
                  chart: podinfo
                  sourceRef: {kind: HelmRepository, name: podinfo}
            \(dependencies)
            """
    }

    private func render(_ files: [String: String]) throws -> FluxResult {
        let repository = try RepositoryFixture(prefix: "drift-flux-depends")
        try repository.write(files)
        try repository.commitAll("layers")
        return try FluxRenderer(tree: try repository.revision(), kustomize: try kubectlRenderer()).render(scanning: "clusters")
    }

    private static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\n"

    @Test("each Kustomization and HelmRelease comes after what it depends on; a HelmRelease after its own Kustomization")
    func depths() throws {
        let result = try render([
            "clusters/infra.yaml": Self.kustomization("infrastructure", path: "./infrastructure"),
            "clusters/apps.yaml": Self.kustomization("apps", path: "./apps", dependsOn: ["infrastructure"]),
            "clusters/monitoring.yaml": Self.kustomization("monitoring", path: "./monitoring", dependsOn: ["apps", "infrastructure"]),
            "infrastructure/cm.yaml": Self.configMap,
            "apps/database.yaml": Self.release("database"),
            "apps/backend.yaml": Self.release("backend", dependsOn: ["database"]),
            "monitoring/cm.yaml": Self.configMap.replacingOccurrences(of: "settings", with: "monitoring"),
        ])
        let graph = FluxDependencyGraph(units: result.units)
        func depth(_ kind: String, _ name: String, _ namespace: String = "flux-system") -> Int? {
            graph.depth[FluxReference(kind: kind, name: name, namespace: namespace)]
        }
        #expect(depth("Kustomization", "infrastructure") == 0)
        #expect(depth("Kustomization", "apps") == 1)
        #expect(depth("HelmRelease", "database", "web") == 2)
        #expect(depth("HelmRelease", "backend", "web") == 3)
        #expect(depth("Kustomization", "monitoring") == 2, "after the deeper of its two dependencies")
        #expect(graph.hasDependencies)
        #expect(graph.waitedFor == [
            FluxReference(kind: "Kustomization", name: "infrastructure", namespace: "flux-system"),
            FluxReference(kind: "Kustomization", name: "apps", namespace: "flux-system"),
            FluxReference(kind: "HelmRelease", name: "database", namespace: "web"),
        ])
        let infrastructure = try #require(result.unit("flux-system/infrastructure"))
        let file = try #require(infrastructure.manifests.first?.source.file)
        #expect(graph.node(ofObjectFrom: file) == FluxReference(kind: "Kustomization", name: "infrastructure", namespace: "flux-system"))
    }

    @Test("without dependsOn nothing waits")
    func independent() throws {
        let result = try render([
            "clusters/a.yaml": Self.kustomization("a", path: "./a"),
            "clusters/b.yaml": Self.kustomization("b", path: "./b"),
            "a/cm.yaml": Self.configMap, "b/cm.yaml": Self.configMap.replacingOccurrences(of: "settings", with: "other"),
        ])
        #expect(!FluxDependencyGraph(units: result.units).hasDependencies)
    }

    @Test("a cycle is an error naming the whole chain")
    func cycle() throws {
        let error = try #require(throws: FluxError.self) {
            try render([
                "clusters/a.yaml": Self.kustomization("a", path: "./a", dependsOn: ["c"]),
                "clusters/b.yaml": Self.kustomization("b", path: "./b", dependsOn: ["a"]),
                "clusters/c.yaml": Self.kustomization("c", path: "./c", dependsOn: ["b"]),
                "a/cm.yaml": Self.configMap, "b/cm.yaml": Self.configMap, "c/cm.yaml": Self.configMap,
            ])
        }
        #expect(error.description == "Flux dependencies form a cycle, so none of them would ever be applied: "
            + "Kustomization flux-system/a → Kustomization flux-system/c → Kustomization flux-system/b → Kustomization flux-system/a")
    }

    @Test("a dependency that is not defined is an error naming both and where the dependent is written", arguments: [
        (["clusters/apps.yaml": kustomization("apps", path: "./apps", dependsOn: ["infrastructure"]), "apps/cm.yaml": configMap],
         "Flux Kustomization flux-system/apps (clusters/apps.yaml:1) depends on Kustomization flux-system/infrastructure"),
        (["clusters/apps.yaml": kustomization("apps", path: "./apps"), "apps/backend.yaml": release("backend", dependsOn: ["database"])],
         "Flux HelmRelease web/backend (apps/backend.yaml:1) depends on HelmRelease web/database"),
    ])
    func missing(files: [String: String], message: String) throws {
        let error = try #require(throws: FluxError.self) { try render(files) }
        #expect(error.description == message + ", which is not defined in this repository: Flux would wait for it forever")
    }
}
