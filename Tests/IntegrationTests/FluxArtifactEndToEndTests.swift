import Foundation
import Testing
@testable import DriftKit

/// A repository laid out like today's fluxcd/flux2-kustomize-helm-example: its cluster's
/// Kustomizations read ExternalArtifacts that an ArtifactGenerator composes from the
/// repository, and a `.sourceignore` keeps files out of the artifact. Checked end to end.
@Suite("Flux ExternalArtifacts and .sourceignore, end to end")
struct FluxArtifactEndToEndTests {
    private static func kustomization(_ name: String, path: String, artifact: String) -> String {
        """
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: \(name)
          namespace: flux-system
        spec:
          interval: 1h
          sourceRef:
            kind: ExternalArtifact
            name: \(artifact)
          path: \(path)
          prune: true

        """
    }

    private static func files(namespace: String) -> [String: String] {
        let configMap = RepositorySourcesEndToEndTests.configMap
        return [
            // The example's rules, and a draft that must stay out of the artifact.
            ".sourceignore": "/*\n!/apps/\n!/clusters/\n!/infrastructure/\n/infrastructure/controllers/draft.yaml\n",
            "scripts/broken.yaml": "this: [is not, valid",
            "clusters/production/apps.yaml": kustomization("apps", path: "./production", artifact: "apps"),
            "clusters/production/infrastructure.yaml": kustomization("infra-controllers", path: "./controllers", artifact: "infrastructure")
                + kustomization("infra-configs", path: "./configs", artifact: "infrastructure"),
            "clusters/production/artifacts.yaml": """
                apiVersion: source.extensions.fluxcd.io/v1beta1
                kind: ArtifactGenerator
                metadata:
                  name: flux-system
                  namespace: flux-system
                spec:
                  sources:
                    - alias: monorepo
                      kind: GitRepository
                      name: flux-system
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
                """,
            "clusters/production/flux-system/gotk-components.yaml": "# This file will be generated automatically by flux bootstrap.\n",
            "clusters/production/flux-system/gotk-sync.yaml": "# This file will be generated automatically by flux bootstrap.\n",
            "clusters/production/flux-system/kustomization.yaml": "resources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n",
            // No kustomization.yaml: kustomize-controller lists every manifest the artifact holds.
            "infrastructure/controllers/controller.yaml": configMap("controller-settings", namespace, "fast"),
            "infrastructure/controllers/draft.yaml": configMap("draft", namespace, "fast"),
            "infrastructure/configs/kustomization.yaml": "resources:\n  - issuer.yaml\n",
            "infrastructure/configs/issuer.yaml": configMap("issuer", namespace, "fast"),
            "apps/base/podinfo/kustomization.yaml": "namespace: \(namespace)\nresources:\n  - settings.yaml\n",
            "apps/base/podinfo/settings.yaml": configMap("podinfo-settings", nil, "fast"),
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

    @Test("diff --flux -f clusters/production renders the ExternalArtifacts' units, apply makes them in sync, a hand edit is drift")
    func exampleRepository() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let root = try RepositorySourcesEndToEndTests.repository(Self.files(namespace: namespace))
            let arguments = ["--flux", "-f", "clusters/production"]

            let first = try await DriftBinary.run(["diff"] + arguments + ["-o", "json"], in: root)
            #expect(first.status == 1, "\(first.output)\(first.errorOutput)")
            let objects = try JSONValue.parse(first.output)["objects"]?.arrayValue ?? []
            #expect(Set(objects.compactMap { $0["name"]?.stringValue }) == ["controller-settings", "issuer", "podinfo-settings"])
            let text = try await DriftBinary.run(["diff"] + arguments, in: root)
            for unit in ["flux-system/apps (path ./production", "flux-system/infra-controllers (path ./controllers",
                         "flux-system/infra-configs (path ./configs"] {
                #expect(text.output.contains("Flux Kustomization \(unit)"), "\(text.output)")
            }

            let applied = try await DriftBinary.run(["apply"] + arguments, in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let settings = try client.get("/api/v1/namespaces/\(namespace)/configmaps/podinfo-settings")
            #expect(settings[["data", "mode"]] == "production")
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client).isSuperset(of: ["controller-settings", "issuer"]))
            #expect(!(try FluxTestAPI.configMaps(in: namespace, client: client).contains("draft")), ".sourceignore keeps it out")
            let inSync = try await DriftBinary.run(["diff"] + arguments, in: root)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.errorOutput)")

            let edit = try await TestCluster.kubectl(
                ["-n", namespace, "patch", "configmap", "podinfo-settings", "--type", "merge", "-p", #"{"data":{"mode":"hand"}}"#])
            try #require(edit.status == 0, "\(edit.errorOutput)")
            let drift = try await DriftBinary.run(["diff"] + arguments + ["-o", "json"], in: root)
            #expect(drift.status == 1, "\(drift.output)\(drift.errorOutput)")
            let drifted = try JSONValue.parse(drift.output)["objects"]?.arrayValue ?? []
            let changes = try #require(drifted.first { $0["name"] == "podinfo-settings" }?["changes"]?.arrayValue, "\(drifted)")
            let change = try #require(changes.first { $0["path"] == "/data/mode" }, "\(changes)")
            #expect(change["live"] == "hand")
            #expect(change["desired"] == "production")
            #expect(change["manager"] == "kubectl-patch")
        }
    }
}
