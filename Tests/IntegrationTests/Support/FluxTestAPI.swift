import Foundation
import Testing
@testable import DriftKit

/// Flux's Kustomization and HelmRelease APIs, defined by the tests themselves, and live objects
/// as kustomize-controller and `flux suspend` leave them.
///
/// The Kustomization schema is kustomize-controller's `config/crd` v1 reduced to the fields
/// that matter here, with the same types and requirements: `spec.interval` (its pattern),
/// `prune` and `sourceRef` required, `path`, `suspend`, `targetNamespace`, and
/// `status.inventory.entries[]` with `id` and `v` required, behind the status subresource.
/// The HelmRelease is helm-controller's v2 reduced the same way (`spec.chart` left open).
enum FluxTestAPI {
    static let kustomizations = "/apis/kustomize.toolkit.fluxcd.io/v1"
    static let helmReleases = "/apis/helm.toolkit.fluxcd.io/v2"

    /// Installs both CRDs (idempotent: every test applies the same definitions) and waits until served.
    static func install(client: APIClient) async throws {
        let string: JSONValue = ["type": "string"]
        let kustomizationSpec: JSONValue = [
            "type": "object", "required": ["interval", "prune", "sourceRef"],
            "properties": [
                "interval": ["type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"],
                "path": string, "prune": ["type": "boolean"], "suspend": ["type": "boolean"],
                "targetNamespace": ["type": "string", "minLength": 1, "maxLength": 63],
                "sourceRef": [
                    "type": "object", "required": ["kind", "name"],
                    "properties": [
                        "apiVersion": string, "name": string, "namespace": string,
                        "kind": ["type": "string", "enum": ["OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"]],
                    ],
                ],
            ],
        ]
        let inventory: JSONValue = [
            "type": "object", "required": ["entries"],
            "properties": ["entries": ["type": "array", "items": [
                "type": "object", "required": ["id", "v"], "properties": ["id": string, "v": string],
            ]]],
        ]
        try await define(
            group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization", plural: "kustomizations", version: "v1",
            spec: kustomizationSpec, status: ["type": "object", "properties": ["inventory": inventory]], client: client)
        let helmReleaseSpec: JSONValue = [
            "type": "object", "required": ["interval"],
            "properties": [
                "interval": string, "suspend": ["type": "boolean"], "targetNamespace": string, "releaseName": string,
                "storageNamespace": string,
                "chart": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "chartRef": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "values": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "valuesFrom": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                "postRenderers": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                "dependsOn": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                "driftDetection": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "install": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "commonMetadata": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
            ],
        ]
        try await define(
            group: "helm.toolkit.fluxcd.io", kind: "HelmRelease", plural: "helmreleases", version: "v2",
            spec: helmReleaseSpec, status: ["type": "object", "x-kubernetes-preserve-unknown-fields": true], client: client)
    }

    static func define(
        group: String, kind: String, plural: String, version: String, spec: JSONValue, status: JSONValue, client: APIClient
    ) async throws {
        let name = "\(plural).\(group)"
        _ = try client.apply([
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": .string(name)],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": ["plural": .string(plural), "singular": .string(kind.lowercased()), "kind": .string(kind)],
                "versions": [[
                    "name": .string(version), "served": true, "storage": true, "subresources": ["status": [:]],
                    "schema": ["openAPIV3Schema": [
                        "type": "object",
                        "properties": ["apiVersion": ["type": "string"], "kind": ["type": "string"], "metadata": ["type": "object"],
                            "spec": spec, "status": status],
                    ]],
                ]],
            ],
        ], at: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(name)", fieldManager: "test", force: true, dryRun: false)
        for _ in 0..<100 {
            let resources = (try? client.getIfPresent("/apis/\(group)/\(version)"))?["resources"]?.arrayValue ?? []
            if resources.contains(where: { $0["name"] == .string(plural) }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the CRD \(name) was not served within 10s")
    }

    /// A Kustomization manifest as Git holds it: `path` applied into `namespace`, pruned.
    static func kustomization(_ name: String, namespace: String, path: String, suspend: Bool = false) -> String {
        """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          interval: 10m
          path: \(path)
          prune: true
          sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
          targetNamespace: \(namespace)
        \(suspend ? "  suspend: true\n" : "")
        """
    }

    /// Creates the Kustomization of `manifest` in the cluster with `inventory` (ids) in its status,
    /// as kustomize-controller records what it applied; `suspended` as `flux suspend ks` leaves it.
    static func deploy(
        _ manifest: String, inventory: [String], suspended: Bool = false, client: APIClient
    ) throws {
        var object = try ManifestLoader.parse([ManifestFile(path: "kustomization.yaml", text: manifest)])[0].object
        object = FluxObjects.setting(["spec", "suspend"], to: false, in: object)
        let name = try #require(object[["metadata", "name"]]?.stringValue)
        let namespace = try #require(object[["metadata", "namespace"]]?.stringValue)
        let path = "\(kustomizations)/namespaces/\(namespace)/kustomizations/\(name)"
        try TestCluster.create(object, in: "\(kustomizations)/namespaces/\(namespace)/kustomizations", client: client)
        let entries: JSONValue = .array(inventory.map { ["id": .string($0), "v": "v1"] })
        _ = try client.json(HTTPRequest(
            method: .patch, path: path + "/status", headers: ["Content-Type": "application/merge-patch+json"],
            body: (["status": ["inventory": ["entries": entries]]] as JSONValue).jsonData))
        if suspended { try suspend(path, client: client) }
    }

    /// What `flux suspend` does: a merge patch of `spec.suspend: true` by the flux CLI.
    static func suspend(_ path: String, client: APIClient) throws {
        _ = try client.mergePatch(["spec": ["suspend": true]], at: path, fieldManager: "flux")
    }

    /// The labels kustomize-controller sets on what it applies for `namespace/name`.
    static func ownerLabels(_ name: String, namespace: String) -> JSONValue {
        ["kustomize.toolkit.fluxcd.io/name": .string(name), "kustomize.toolkit.fluxcd.io/namespace": .string(namespace)]
    }

    /// Creates a ConfigMap with these labels and annotations.
    static func configMap(
        _ name: String, namespace: String, labels: JSONValue = [:], annotations: JSONValue = [:], client: APIClient
    ) throws {
        try TestCluster.create(
            ["apiVersion": "v1", "kind": "ConfigMap",
             "metadata": ["name": .string(name), "labels": labels, "annotations": annotations], "data": ["k": "v"]],
            in: "/api/v1/namespaces/\(namespace)/configmaps", client: client)
    }

    /// The names of the ConfigMaps in `namespace`.
    static func configMaps(in namespace: String, client: APIClient) throws -> Set<String> {
        Set(try client.list("/api/v1/namespaces/\(namespace)/configmaps").compactMap { $0[["metadata", "name"]]?.stringValue })
    }
}
