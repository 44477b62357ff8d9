import Foundation
import Testing
@testable import DriftKit

/// Flux's GitRepository and Argo CD's Application APIs, defined by the tests themselves without
/// a schema (what the reconcile triggers read is checked by the triggers, not the server), beside
/// `FluxTestAPI`'s Kustomization; and objects of them as the controllers' users write them.
enum GitOpsTestAPI {
    static let gitRepositories = "/apis/source.toolkit.fluxcd.io/v1"
    static let applications = "/apis/argoproj.io/v1alpha1"

    /// Installs the GitRepository, Application and Flux's Kustomization and HelmRelease CRDs
    /// (idempotent) and waits until they are served.
    static func install(client: APIClient) async throws {
        try await FluxTestAPI.install(client: client)
        let open: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        try await FluxTestAPI.define(
            group: "source.toolkit.fluxcd.io", kind: "GitRepository", plural: "gitrepositories", version: "v1",
            spec: open, status: open, client: client)
        try await FluxTestAPI.define(
            group: "argoproj.io", kind: "Application", plural: "applications", version: "v1alpha1",
            spec: open, status: open, client: client)
    }

    /// A GitRepository fetching `url`.
    static func gitRepository(_ name: String, namespace: String, url: String, client: APIClient) throws {
        try TestCluster.create(
            ["apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": ["name": .string(name)],
             "spec": ["interval": "1m", "url": .string(url), "ref": ["branch": "main"]]],
            in: "\(gitRepositories)/namespaces/\(namespace)/gitrepositories", client: client)
    }

    /// A Kustomization applying `path` of the GitRepository `source` (`name`, or `namespace/name`).
    static func kustomization(_ name: String, namespace: String, path: String, source: String, client: APIClient) throws {
        let parts = source.split(separator: "/").map(String.init)
        var sourceRef = JSONObject([("kind", "GitRepository"), ("name", .string(parts[parts.count - 1]))])
        if parts.count == 2 { sourceRef["namespace"] = .string(parts[0]) }
        try TestCluster.create(
            ["apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": ["name": .string(name)],
             "spec": ["interval": "10m", "path": .string(path), "prune": true, "sourceRef": .object(sourceRef)]],
            in: "\(FluxTestAPI.kustomizations)/namespaces/\(namespace)/kustomizations", client: client)
    }

    /// An Application source: `repoURL` and, when given, `path`.
    static func source(_ repoURL: String, path: String? = nil) -> JSONValue {
        var source = JSONObject([("repoURL", .string(repoURL)), ("targetRevision", "HEAD")])
        if let path { source["path"] = .string(path) }
        return .object(source)
    }

    /// An Application with one `source`, or with `sources` when there are several.
    static func application(_ name: String, namespace: String, sources: [JSONValue], client: APIClient) throws {
        let destination: JSONValue = ["server": "https://kubernetes.default.svc", "namespace": "default"]
        var spec = JSONObject([("project", "default"), ("destination", destination)])
        if sources.count == 1 { spec["source"] = sources[0] } else { spec["sources"] = .array(sources) }
        try TestCluster.create(
            ["apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": ["name": .string(name)], "spec": .object(spec)],
            in: "\(applications)/namespaces/\(namespace)/applications", client: client)
    }
}
