import Foundation
import Testing
@testable import DriftKit

/// `hook.reconcile: flux` and `argocd` against a real API server: exactly the objects of this
/// repository whose paths hold the changed files get the annotation their controller acts on.
///
/// Every test's repository URL names its own namespace, so the objects other tests leave in the
/// cluster (listed too, across all namespaces) are never this repository's.
@Suite("git-drift-hook reconcile triggers, end to end")
struct ReconcileTriggerEndToEndTests {
    static let changed = ["apps/web/deployment.yaml", "README.md"]

    static func request(
        _ namespace: String, source: String? = nil, changed: [String] = changed
    ) -> ReconcileRequest {
        ReconcileRequest(
            repositoryURLs: ["https://github.com/org/\(namespace).git"], source: source, changedPaths: changed, now: Date())
    }

    static func trigger(
        _ mode: DriftConfig.HookSettings.Reconcile, _ request: ReconcileRequest, client: APIClient
    ) async throws -> ReconcileOutcome {
        try await TestCluster.offThePool { try ReconcileTrigger.request(mode, request, client: client, fieldManager: "git-drift-hook") }
    }

    /// The live object's annotation `key`, read back from the server.
    static func annotation(_ key: String, at path: String, client: APIClient) throws -> String? {
        try client.get(path)[["metadata", "annotations", key]]?.stringValue
    }

    static func identity(_ kind: String, _ group: String, _ namespace: String, _ name: String) -> ObjectIdentity {
        ObjectIdentity(group: group, kind: kind, namespace: namespace, name: name)
    }

    /// In `namespace`: the GitRepository `deploy` fetching this repository (scp form), `other`
    /// fetching another, and Kustomizations of both, with paths holding the changed files or not.
    static func fluxObjects(_ namespace: String, client: APIClient) throws {
        try GitOpsTestAPI.gitRepository("deploy", namespace: namespace, url: "git@github.com:org/\(namespace).git", client: client)
        try GitOpsTestAPI.gitRepository("other", namespace: namespace, url: "https://github.com/org/\(namespace)-other", client: client)
        try GitOpsTestAPI.kustomization("apps", namespace: namespace, path: "./apps", source: "deploy", client: client)
        try GitOpsTestAPI.kustomization("infra", namespace: namespace, path: "./infrastructure", source: "deploy", client: client)
        try GitOpsTestAPI.kustomization("apps2", namespace: namespace, path: "./apps2", source: "deploy", client: client)
        try GitOpsTestAPI.kustomization("other-apps", namespace: namespace, path: "./apps", source: "other", client: client)
    }

    static func gitRepository(_ namespace: String, _ name: String) -> String {
        "\(GitOpsTestAPI.gitRepositories)/namespaces/\(namespace)/gitrepositories/\(name)"
    }

    static func kustomization(_ namespace: String, _ name: String) -> String {
        "\(FluxTestAPI.kustomizations)/namespaces/\(namespace)/kustomizations/\(name)"
    }

    static func application(_ namespace: String, _ name: String) -> String {
        "\(GitOpsTestAPI.applications)/namespaces/\(namespace)/applications/\(name)"
    }

    @Test("flux: this repository's GitRepository, then its Kustomizations holding changed paths, in any namespace; nothing else")
    func flux() async throws {
        try await TestCluster.withNamespace { namespace in
            try await TestCluster.withNamespace { elsewhere in
                let client = try await TestCluster.client()
                try await GitOpsTestAPI.install(client: client)
                try Self.fluxObjects(namespace, client: client)
                try GitOpsTestAPI.kustomization("web", namespace: elsewhere, path: "apps/web/", source: "\(namespace)/deploy", client: client)
                try GitOpsTestAPI.kustomization("deploy-here", namespace: elsewhere, path: "./apps", source: "deploy", client: client)

                let outcome = try await Self.trigger(.flux, Self.request(namespace), client: client)

                let group = "kustomize.toolkit.fluxcd.io"
                let kustomizations = [
                    Self.identity("Kustomization", group, namespace, "apps"), Self.identity("Kustomization", group, elsewhere, "web"),
                ].sorted()
                #expect(outcome.requested.map(\.identity)
                    == [Self.identity("GitRepository", "source.toolkit.fluxcd.io", namespace, "deploy")] + kustomizations)
                #expect(outcome.requested.map(\.apiVersion)
                    == ["source.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1"])
                #expect(outcome.notes.isEmpty)
                let value = try #require(outcome.requested.first?.value)
                #expect(outcome.requested.allSatisfy { $0.annotation == "reconcile.fluxcd.io/requestedAt" && $0.value == value })
                let rfc3339 = ISO8601DateFormatter()
                rfc3339.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                #expect(rfc3339.date(from: value) != nil && value.hasSuffix("Z"), "\(value) is RFC 3339 in UTC with fractional seconds")

                let key = "reconcile.fluxcd.io/requestedAt"
                let annotated = [Self.gitRepository(namespace, "deploy"), Self.kustomization(namespace, "apps"), Self.kustomization(elsewhere, "web")]
                let untouched = [
                    Self.gitRepository(namespace, "other"), Self.kustomization(namespace, "infra"), Self.kustomization(namespace, "apps2"),
                    Self.kustomization(namespace, "other-apps"), Self.kustomization(elsewhere, "deploy-here"),
                ]
                for path in annotated { #expect(try Self.annotation(key, at: path, client: client) == value, "\(path)") }
                for path in untouched { #expect(try Self.annotation(key, at: path, client: client) == nil, "\(path)") }
                let managers = try client.get(Self.gitRepository(namespace, "deploy"))[["metadata", "managedFields"]]?.arrayValue ?? []
                #expect(managers.contains { $0["manager"] == "git-drift-hook" })
            }
        }
    }

    @Test("flux: hook.source names the GitRepository whatever its URL; one not in the cluster is a note")
    func fluxSource() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await GitOpsTestAPI.install(client: client)
            try Self.fluxObjects(namespace, client: client)

            let named = try await Self.trigger(.flux, Self.request(namespace, source: "\(namespace)/other"), client: client)
            #expect(named.requested.map(\.identity.name) == ["other", "other-apps"])
            #expect(try Self.annotation("reconcile.fluxcd.io/requestedAt", at: Self.kustomization(namespace, "other-apps"), client: client) != nil)
            #expect(try Self.annotation("reconcile.fluxcd.io/requestedAt", at: Self.gitRepository(namespace, "deploy"), client: client) == nil)

            let missing = try await Self.trigger(.flux, Self.request(namespace, source: "\(namespace)/gone"), client: client)
            #expect(missing == ReconcileOutcome(notes: [
                "flux: hook.source names the GitRepository \(namespace)/gone, which is not in the cluster; nothing to reconcile",
            ]))
        }
    }

    @Test("flux: no GitRepository of this repository is a note; one whose Kustomizations hold no changed path is still annotated, with a note")
    func fluxNothingToReconcile() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await GitOpsTestAPI.install(client: client)
            try Self.fluxObjects(namespace, client: client)

            let unknown = try await Self.trigger(.flux, Self.request("\(namespace)-unknown"), client: client)
            #expect(unknown == ReconcileOutcome(notes: [
                "flux: no GitRepository in the cluster fetches github.com/org/\(namespace)-unknown; nothing to reconcile",
            ]))

            let docsOnly = try await Self.trigger(.flux, Self.request(namespace, changed: ["docs/readme.md"]), client: client)
            #expect(docsOnly.requested.map(\.identity.kind) == ["GitRepository"])
            #expect(docsOnly.notes == [
                "flux: no Kustomization of GitRepository \(namespace)/deploy holds the changed paths; only the source is annotated",
            ])
            #expect(try Self.annotation("reconcile.fluxcd.io/requestedAt", at: Self.gitRepository(namespace, "deploy"), client: client) != nil)
            #expect(try Self.annotation("reconcile.fluxcd.io/requestedAt", at: Self.kustomization(namespace, "apps"), client: client) == nil)
        }
    }

    @Test("argocd: the Applications with a source of this repository (source or sources[]) whose path holds changed files; nothing else")
    func argoCD() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await GitOpsTestAPI.install(client: client)
            let repository = "git@github.com:org/\(namespace).git"
            func application(_ name: String, _ sources: JSONValue...) throws {
                try GitOpsTestAPI.application(name, namespace: namespace, sources: sources, client: client)
            }
            try application("web", GitOpsTestAPI.source(repository, path: "apps/web"))
            try application("root", GitOpsTestAPI.source("https://github.com/org/\(namespace)"))
            try application("multi", GitOpsTestAPI.source("https://charts.example.com"), GitOpsTestAPI.source(repository, path: "./apps"))
            try application("infra", GitOpsTestAPI.source(repository, path: "infrastructure"))
            try application("apps2", GitOpsTestAPI.source(repository, path: "apps2"))
            try application("other", GitOpsTestAPI.source("https://github.com/org/\(namespace)-other", path: "apps"))
            try application("multi-other", GitOpsTestAPI.source("https://github.com/org/\(namespace)-other", path: "apps"),
                GitOpsTestAPI.source(repository, path: "infrastructure"))

            let outcome = try await Self.trigger(.argocd, Self.request(namespace), client: client)
            #expect(outcome.requested.map(\.identity.name) == ["multi", "root", "web"])
            #expect(outcome.requested.allSatisfy {
                $0.annotation == "argocd.argoproj.io/refresh" && $0.value == "normal" && $0.apiVersion == "argoproj.io/v1alpha1"
            })
            #expect(outcome.notes.isEmpty)
            for name in ["multi", "root", "web"] {
                #expect(try Self.annotation("argocd.argoproj.io/refresh", at: Self.application(namespace, name), client: client) == "normal", "\(name)")
            }
            for name in ["infra", "apps2", "other", "multi-other"] {
                #expect(try Self.annotation("argocd.argoproj.io/refresh", at: Self.application(namespace, name), client: client) == nil, "\(name)")
            }

            let named = try await Self.trigger(.argocd, Self.request(namespace, source: "\(namespace)/other"), client: client)
            #expect(named.requested.map(\.identity.name) == ["other"])
            #expect(try Self.annotation("argocd.argoproj.io/refresh", at: Self.application(namespace, "other"), client: client) == "normal")

            let unknown = try await Self.trigger(.argocd, Self.request("\(namespace)-unknown"), client: client)
            #expect(unknown == ReconcileOutcome(notes: [
                "argocd: no Application in the cluster deploys github.com/org/\(namespace)-unknown from the changed paths",
            ]))
            let missing = try await Self.trigger(.argocd, Self.request(namespace, source: "\(namespace)/gone"), client: client)
            #expect(missing == ReconcileOutcome(notes: [
                "argocd: hook.source names the Application \(namespace)/gone, which is not in the cluster; nothing to refresh",
            ]))
        }
    }

    @Test("a user who may list but not patch gets a ReconcileError naming the object it could not annotate")
    func forbidden() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await GitOpsTestAPI.install(client: client)
            try Self.fluxObjects(namespace, client: client)
            let readonly = try await TestCluster.client(.readonly)
            await #expect {
                _ = try await Self.trigger(.flux, Self.request(namespace), client: readonly)
            } throws: { error in
                (error as? ReconcileError)?.description.hasPrefix("could not annotate GitRepository \(namespace)/deploy: forbidden (403): ") == true
            }
            #expect(try Self.annotation("reconcile.fluxcd.io/requestedAt", at: Self.gitRepository(namespace, "deploy"), client: client) == nil)
        }
    }
}
