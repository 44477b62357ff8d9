import Foundation
import Testing
@testable import DriftKit

/// What Flux Kustomizations render from: the GitRepository artifact with `.sourceignore`
/// rules applied, and ExternalArtifacts composed by an ArtifactGenerator, laid out like
/// today's fluxcd/flux2-kustomize-helm-example.
@Suite("Flux source artifacts")
struct FluxSourceArtifactTests {
    static func kustomization(_ name: String, path: String, source: String, dependsOn: String? = nil) -> String {
        """
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: \(name)
          namespace: flux-system
        spec:
          interval: 1h
        \(dependsOn.map { "  dependsOn:\n    - name: \($0)" } ?? "")
          sourceRef:
            kind: ExternalArtifact
            name: \(source)
          path: \(path)
          prune: true

        """
    }

    static func generator(sourceKind: String = "GitRepository", sourceName: String = "flux-system", strategy: String? = nil) -> String {
        """
        ---
        apiVersion: source.extensions.fluxcd.io/v1beta1
        kind: ArtifactGenerator
        metadata:
          name: flux-system
          namespace: flux-system
        spec:
          sources:
            - alias: monorepo
              kind: \(sourceKind)
              name: \(sourceName)
          artifacts:
            - name: infrastructure
              originRevision: "@monorepo"
              copy:
                - from: "@monorepo/infrastructure/**"
                  to: "@artifact/"
            - name: apps
              originRevision: "@monorepo"
              copy:
                - from: "@monorepo/apps/base/**"
                  to: "@artifact/base/"
                - from: "@monorepo/apps/production/**"
                  to: "@artifact/production/"
        \(strategy.map { "          strategy: \($0)" } ?? "")

        """
    }

    static func configMap(_ name: String, namespace: String? = nil) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n\(namespace.map { "  namespace: \($0)\n" } ?? "")data:\n  mode: fast\n"
    }

    /// The example's files: `namespace` is where the apps and configs go.
    static func exampleFiles(namespace: String = "podinfo") -> [String: String] {
        [
            ".sourceignore": "# Flux ignore\n/*\n!/apps/\n!/clusters/\n!/infrastructure/\n",
            "README.md": "# fleet\n",
            "scripts/validate.yaml": "this: [is not, valid",
            "clusters/production/apps.yaml": kustomization("apps", path: "./production", source: "apps", dependsOn: "infra-configs"),
            "clusters/production/artifacts.yaml": generator(),
            "clusters/production/infrastructure.yaml": kustomization("infra-controllers", path: "./controllers", source: "infrastructure")
                + kustomization("infra-configs", path: "./configs", source: "infrastructure", dependsOn: "infra-controllers"),
            "clusters/production/flux-system/gotk-components.yaml": "# This file will be generated automatically by flux bootstrap.\n",
            "clusters/production/flux-system/gotk-sync.yaml": "# This file will be generated automatically by flux bootstrap.\n",
            "clusters/production/flux-system/kustomization.yaml": "resources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n",
            "infrastructure/controllers/kustomization.yaml": "resources:\n  - controller.yaml\n",
            "infrastructure/controllers/controller.yaml": configMap("controller-settings", namespace: namespace),
            "infrastructure/configs/kustomization.yaml": "resources:\n  - issuer.yaml\n",
            "infrastructure/configs/issuer.yaml": configMap("issuer", namespace: namespace),
            "apps/base/podinfo/kustomization.yaml": "namespace: \(namespace)\nresources:\n  - settings.yaml\n",
            "apps/base/podinfo/settings.yaml": configMap("podinfo-settings"),
            "apps/production/kustomization.yaml": """
                resources:
                  - ../base/podinfo
                patches:
                  - patch: |
                      - op: replace
                        path: /data/mode
                        value: production
                    target:
                      kind: ConfigMap
                      name: podinfo-settings

                """,
        ]
    }

    private func render(_ tree: any SourceTree, folder: String = "clusters/production") throws -> FluxResult {
        try FluxRenderer(tree: tree, kustomize: try kubectlRenderer()).render(scanning: folder)
    }

    private func unit(_ result: FluxResult, _ key: String) throws -> FluxUnit {
        try #require(result.unit(key), "no unit \(key) in \(result.units.map(\.kustomization.key))")
    }

    @Test("the example's Kustomizations render from the ExternalArtifacts its ArtifactGenerator composes, working tree and commit")
    func exampleLayout() throws {
        let repository = try RepositoryFixture(prefix: "drift-artifact")
        try repository.write(Self.exampleFiles())
        try repository.commitAll("fleet")
        for tree in [repository.workingTree as any SourceTree, try repository.revision()] {
            let result = try render(tree)
            #expect(result.units.map(\.kustomization.key) == ["flux-system/apps", "flux-system/infra-controllers", "flux-system/infra-configs"])
            let apps = try unit(result, "flux-system/apps")
            #expect(apps.isRendered && apps.notRendered.isEmpty, "\(apps.notRendered)")
            let settings = try #require(apps.manifests.first { $0.name == "podinfo-settings" })
            #expect(settings.object[["data", "mode"]] == "production")
            #expect(settings.namespace == "podinfo")
            #expect(settings.source.file == "production (Flux Kustomization flux-system/apps)")
            #expect(try unit(result, "flux-system/infra-controllers").manifests.map(\.name) == ["controller-settings"])
            #expect(try unit(result, "flux-system/infra-configs").manifests.map(\.name) == ["issuer"])
        }
    }

    @Test("an ArtifactGenerator that the bootstrap Kustomization applies is found in its output, and its artifacts then render")
    func generatorInRenderedOutput() throws {
        let repository = try RepositoryFixture(prefix: "drift-artifact")
        var files = Self.exampleFiles()
        files["clusters/production/flux-system/gotk-sync.yaml"] = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 10m
              path: ./clusters/production
              prune: true
              sourceRef:
                kind: GitRepository
                name: flux-system

            """
        try repository.write(files)
        let result = try render(repository.workingTree, folder: "clusters/production/flux-system/gotk-sync.yaml")
        #expect(result.units.map(\.kustomization.key) == [
            // Children in kustomize's output order.
            "flux-system/flux-system", "flux-system/apps", "flux-system/infra-configs", "flux-system/infra-controllers",
        ])
        #expect(try unit(result, "flux-system/apps").manifests.map(\.name) == ["podinfo-settings"])
    }

    @Test("an ExternalArtifact that is not composed from this repository is not rendered, with the reason", arguments: [
        (generator(sourceKind: "OCIRepository", sourceName: "manifests"),
         "its source ExternalArtifact flux-system/apps (ArtifactGenerator flux-system/flux-system) copies from @monorepo, "
            + "OCIRepository flux-system/manifests, which is not this Git repository"),
        (generator(sourceName: "other"),
         "its source ExternalArtifact flux-system/apps (ArtifactGenerator flux-system/flux-system) copies from @monorepo: "
            + "its source GitRepository flux-system/other is not defined in this repository "
            + "(map it to a local clone in drift.yaml sources to check it)"),
        (generator(strategy: "Merge"),
         "its source ExternalArtifact flux-system/apps (ArtifactGenerator flux-system/flux-system) copies "
            + "@monorepo/apps/production/** with strategy Merge, which is not read"),
        ("", "its source ExternalArtifact flux-system/apps is not generated by an ArtifactGenerator defined in this repository"),
    ])
    func notRendered(_ generator: String, _ why: String) throws {
        let repository = try RepositoryFixture(prefix: "drift-artifact")
        var files = Self.exampleFiles()
        files["clusters/production/artifacts.yaml"] = generator.isEmpty ? "# none\n" : generator
        try repository.write(files)
        let apps = try unit(try render(repository.workingTree), "flux-system/apps")
        #expect(!apps.isRendered)
        #expect(apps.notRendered == [FluxNotRendered(FluxReference(kind: "Kustomization", name: "apps", namespace: "flux-system"), why: why)])
    }

    @Test("a path missing from the ExternalArtifact is reported against the artifact, not the repository")
    func missingPathInArtifact() throws {
        let repository = try RepositoryFixture(prefix: "drift-artifact")
        var files = Self.exampleFiles()
        files["clusters/production/apps.yaml"] = Self.kustomization("apps", path: "./apps/production", source: "apps")
        try repository.write(files)
        let error = try #require(throws: FluxError.self) { try render(repository.workingTree) }
        #expect(error == .missingPath(
            kustomization: "flux-system/apps", source: ManifestLocation(file: "clusters/production/apps.yaml", line: 2, documentIndex: 0),
            path: "./apps/production", tree: "ExternalArtifact flux-system/apps of the working tree"))
    }

    @Test("a file left out by .sourceignore or spec.ignore is not rendered; without the rule it breaks the build", arguments: [
        ([".sourceignore": "apps/notes.yaml\n"], true),
        (["apps/.sourceignore": "/notes.yaml\n"], true),
        (["clusters/source.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: flux-system, namespace: flux-system}
            spec: {interval: 1m, url: "https://example.com/fleet", ignore: "/apps/notes.yaml"}

            """], true),
        ([".sourceignore": "/notes.yaml\n"], false),
        ([:], false),
    ])
    func sourceIgnore(_ rules: [String: String], _ rendered: Bool) throws {
        let repository = try RepositoryFixture(prefix: "drift-artifact")
        try repository.write([
            "clusters/apps.yaml": """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: flux-system}
                spec: {interval: 1h, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

                """,
            "apps/settings.yaml": Self.configMap("settings"),
            "apps/notes.yaml": "notes: [left, open",
        ])
        try repository.write(rules)
        if rendered {
            let apps = try unit(try render(repository.workingTree, folder: "clusters"), "flux-system/apps")
            #expect(apps.manifests.map(\.name) == ["settings"])
        } else {
            #expect(throws: FluxError.self) { try render(repository.workingTree, folder: "clusters") }
        }
    }
}
