import Foundation
import Testing
@testable import DriftKit

/// kustomize, Flux Kustomizations and drift.yaml, end to end against the real server.
@Suite("kubectl drift diff with kustomize, Flux and drift.yaml, end to end")
struct RepositorySourcesEndToEndTests {
    static func configMap(_ name: String, namespace: String? = nil, mode: String = "fast") -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)" } ?? "")
        data:
          mode: \(mode)
        """
    }

    /// Writes files (paths may contain folders) under a new folder, as a Git repository.
    static func repository(_ files: [String: String]) throws -> String {
        let root = try DiffEndToEndTests.folder([:])
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try GitSourceEndToEndTests.git(root, "init", "-q", "-b", "main")
        try GitSourceEndToEndTests.git(root, "add", ".")
        try GitSourceEndToEndTests.git(root, "commit", "-q", "-m", "initial")
        return root
    }

    @Test("a kustomize overlay is rendered with kubectl kustomize, from the working tree and from a commit")
    func kustomizeOverlay() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try Self.repository([
                "base/kustomization.yaml": "resources:\n- settings.yaml\n",
                "base/settings.yaml": Self.configMap("settings"),
                "overlays/prod/kustomization.yaml": "namespace: \(namespace)\nnamePrefix: prod-\nresources:\n- ../../base\n",
            ])
            let applied = try await TestCluster.kubectl(["apply", "--server-side", "-k", root + "/overlays/prod"])
            #expect(applied.status == 0, "\(applied.errorOutput)")

            for arguments in [["-k", "overlays/prod"], ["-f", "overlays/prod"], ["-k", "overlays/prod", "--ref", "main"]] {
                let result = try await DriftBinary.run(["diff"] + arguments + ["-o", "json"], in: root)
                #expect(result.status == 0, "\(arguments): \(result.output)\(result.errorOutput)")
                let object = try JSONValue.parse(result.output)["objects"]?.arrayValue?.first
                #expect(object?["name"] == "prod-settings")
                #expect(object?["namespace"] == .string(namespace))
            }
            let broken = try Self.repository(["overlay/kustomization.yaml": "resources:\n- missing.yaml\n"])
            let failure = try await DriftBinary.run(["diff", "-k", "overlay"], in: broken)
            #expect(failure.status == 2)
            #expect(failure.errorOutput.contains("missing.yaml"))
        }
    }

    @Test("Flux Kustomizations: targetNamespace applied, one section per Kustomization, ssa: Ignore not checked")
    func flux() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try Self.repository([
                "clusters/dev/apps.yaml": """
                    apiVersion: kustomize.toolkit.fluxcd.io/v1
                    kind: Kustomization
                    metadata:
                      name: apps
                      namespace: flux-system
                    spec:
                      interval: 10m
                      path: ./apps
                      prune: true
                      sourceRef:
                        kind: GitRepository
                        name: flux-system
                      targetNamespace: \(namespace)
                    """,
                "apps/settings.yaml": Self.configMap("settings"),
                "apps/ignored.yaml": """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: hands-off
                      annotations:
                        kustomize.toolkit.fluxcd.io/ssa: Ignore
                    data:
                      mode: fast
                    """,
            ])
            let result = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(result.status == 1, "\(result.output)\(result.errorOutput)")
            #expect(result.output.contains("Flux Kustomization flux-system/apps (path ./apps, prune)"))
            #expect(result.output.contains("not checked: configmap/hands-off"))
            #expect(result.output.contains("missing  \(namespace)"))
            #expect(!result.output.contains("missing  \(namespace)  configmap/hands-off"))

            let json = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            let objects = try JSONValue.parse(json.output)["objects"]?.arrayValue ?? []
            #expect(objects.map { $0["name"] } == ["settings"])
            #expect(objects.first?["namespace"] == .string(namespace))
        }
    }

    @Test("Flux postBuild.substituteFrom variables are read from the cluster's ConfigMap")
    func substituteFrom() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try Self.repository([
                "clusters/dev/apps.yaml": """
                    apiVersion: kustomize.toolkit.fluxcd.io/v1
                    kind: Kustomization
                    metadata:
                      name: apps
                      namespace: \(namespace)
                    spec:
                      interval: 10m
                      path: ./apps
                      prune: false
                      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
                      targetNamespace: \(namespace)
                      postBuild:
                        substituteFrom:
                        - kind: ConfigMap
                          name: cluster-vars
                    """,
                "apps/settings.yaml": Self.configMap("settings", mode: "${mode}"),
            ])
            let unreadable = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(unreadable.output.contains("postBuild.substituteFrom ConfigMap \(namespace)/cluster-vars"))

            let admin = try await TestCluster.client()
            try TestCluster.create(
                ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cluster-vars"], "data": ["mode": "slow"]],
                in: "/api/v1/namespaces/\(namespace)/configmaps", client: admin)
            try TestCluster.create(
                ["apiVersion": "v1", "kind": "ConfigMap", "data": ["mode": "slow"], "metadata": [
                    "name": "settings",
                    // The owner labels Flux puts on everything it applies.
                    "labels": ["kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": .string(namespace)],
                ]],
                in: "/api/v1/namespaces/\(namespace)/configmaps", client: admin)
            let resolved = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(resolved.status == 0, "\(resolved.output)\(resolved.errorOutput)")
            #expect(!resolved.output.contains("substituteFrom"))
        }
    }

    @Test("drift.yaml ignore rules and --ignore-manager keep fields out of the drift; other fields still count")
    func ignoreRules() async throws {
        try await TestCluster.withNamespace { namespace in
            let deployment = DemoScenario.deploymentManifest(namespace: namespace)
            let root = try Self.repository(["apps/my-app.yaml": deployment])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", root + "/apps"])
            // An autoscaler-like controller takes over the replica count. It writes the Deployment
            // itself: kube-apiserver 1.20 keeps no managedFields entry for writes through /scale.
            let admin = try await TestCluster.client()
            _ = try admin.mergePatch(
                ["spec": ["replicas": 7]], at: "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app",
                fieldManager: "hpa-controller")

            let plain = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(plain.status == 1)

            let byManager = try await DriftBinary.run(["diff", "-f", "apps", "--ignore-manager", "hpa-controller", "-o", "json"], in: root)
            #expect(byManager.status == 0, "\(byManager.output)\(byManager.errorOutput)")
            let ignored = try JSONValue.parse(byManager.output)["objects"]?.arrayValue?.first?["ignored"]
            #expect(ignored == [["path": "/spec/replicas", "live": 7, "desired": 3, "reason": "owned by field manager hpa-controller"]])

            try """
                apiVersion: drift.kubectl-drift.dev/v1alpha1
                kind: DriftConfig
                ignoreDifferences:
                - paths: [/spec/replicas]
                  target:
                    kind: Deployment
                """.write(toFile: root + "/drift.yaml", atomically: true, encoding: .utf8)
            // From a subfolder, drift.yaml is still found at the repository root.
            let byRule = try await DriftBinary.run(["diff", "-f", "."], in: root + "/apps")
            #expect(byRule.status == 0, "\(byRule.output)\(byRule.errorOutput)")
            #expect(byRule.output.contains("(1 ignored change)"))

            _ = try await TestCluster.kubectl(["-n", namespace, "label", "deployment", "my-app", "app=edited", "--overwrite"])
            let otherField = try await DriftBinary.run(["diff", "-f", "apps", "-o", "json"], in: root)
            #expect(otherField.status == 1)
            let object = try JSONValue.parse(otherField.output)["objects"]?.arrayValue?.first
            #expect(DiffEndToEndTests.fieldChanges(object) == [["path": "/metadata/labels/app", "live": "edited", "desired": "my-app"]])
        }
    }

    @Test("an invalid drift.yaml names the key and the line, exit 2; a pinned cluster that differs is a warning for diff")
    func configErrorsAndPin() async throws {
        let root = try Self.repository([
            "apps/settings.yaml": Self.configMap("settings", namespace: "default"),
            "drift.yaml": "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nignoreDiferences: []\n",
        ])
        let invalid = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
        #expect(invalid.status == 2)
        #expect(invalid.errorOutput.contains("drift.yaml:3"))
        #expect(invalid.errorOutput.contains("ignoreDiferences"))

        try "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\ncluster:\n  context: production\npaths: [apps]\n"
            .write(toFile: root + "/drift.yaml", atomically: true, encoding: .utf8)
        let pinned = try await DriftBinary.run(["diff"], in: root)
        #expect(pinned.errorOutput.contains("warning: "))
        #expect(pinned.errorOutput.contains("production"))
        #expect(pinned.output.contains("configmap/settings"), "drift.yaml's paths are used without -f")
    }
}
