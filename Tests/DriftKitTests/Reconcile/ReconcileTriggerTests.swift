import Foundation
import Testing
@testable import DriftKit

@Suite("Reconcile: notes when nothing is installed, errors when the cluster refuses, and the outcome's forms")
struct ReconcileTriggerTests {
    typealias Transport = HealthWaiterTests.ScriptedTransport

    static let request = ReconcileRequest(
        repositoryURLs: ["git@github.com:org/deploy.git"], source: nil, changedPaths: ["apps/x.yaml"],
        now: Date(timeIntervalSince1970: 1_796_153_400.123))

    static func trigger(
        _ mode: DriftConfig.HookSettings.Reconcile, _ script: [String: [HTTPResponse]], request: ReconcileRequest = request
    ) throws(ReconcileError) -> ReconcileOutcome {
        try ReconcileTrigger.request(mode, request, client: APIClient(transport: Transport(script)), fieldManager: "git-drift-hook")
    }

    static func list(_ items: JSONValue...) -> HTTPResponse {
        HTTPResponse(statusCode: 200, body: (["kind": "List", "metadata": [:], "items": .array(items)] as JSONValue).jsonData)
    }

    static func forbidden(_ message: String) -> HTTPResponse {
        HTTPResponse(statusCode: 403, body: (["kind": "Status", "reason": "Forbidden", "message": .string(message)] as JSONValue).jsonData)
    }

    @Test("a cluster without Flux's or Argo CD's API is a note, not an error")
    func notInstalled() throws {
        #expect(try Self.trigger(.flux, [:]) == ReconcileOutcome(notes: [
            "flux: the cluster has no source.toolkit.fluxcd.io/v1 GitRepository API (Flux is not installed?)",
        ]))
        #expect(try Self.trigger(.argocd, [:]) == ReconcileOutcome(notes: [
            "argocd: the cluster has no argoproj.io/v1alpha1 Application API (Argo CD is not installed?)",
        ]))
    }

    @Test("a GitRepository found while the Kustomization API is missing: the source is annotated, and a note says so")
    func withoutKustomizations() throws {
        let repository: JSONValue = [
            "metadata": ["namespace": "flux-system", "name": "flux-system"], "spec": ["url": "https://github.com/org/deploy"],
        ]
        let patched = HTTPResponse(statusCode: 200, body: repository.jsonData)
        let outcome = try Self.trigger(.flux, [
            "/apis/source.toolkit.fluxcd.io/v1/gitrepositories?limit=500": [Self.list(repository)],
            "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system?fieldManager=git-drift-hook": [patched],
        ])
        #expect(outcome.requested.map(\.identity.name) == ["flux-system"])
        #expect(outcome.notes == [
            "flux: the cluster has no kustomize.toolkit.fluxcd.io/v1 Kustomization API; only the source is annotated",
        ])
    }

    @Test("a refused list is a ReconcileError naming what was listed")
    func forbiddenList() {
        #expect {
            try Self.trigger(.argocd, ["/apis/argoproj.io/v1alpha1/applications?limit=500": [Self.forbidden("applications is forbidden")]])
        } throws: { error in
            (error as? ReconcileError)?.description
                == "could not list the argoproj.io/v1alpha1 Application objects of all namespaces: forbidden (403): applications is forbidden"
        }
    }

    @Test("Flux's requestedAt is RFC 3339 in UTC with fractional seconds")
    func requestedAt() {
        #expect(ReconcileTrigger.requestedAt(Date(timeIntervalSince1970: 1_796_153_400.123)) == "2026-12-01T19:30:00.123Z")
    }

    @Test("the text lines and the JSON value of an outcome")
    func rendering() {
        let outcome = ReconcileOutcome(
            requested: [ReconciledObject(
                identity: ObjectIdentity(group: "source.toolkit.fluxcd.io", kind: "GitRepository", namespace: "flux-system", name: "flux-system"),
                apiVersion: "source.toolkit.fluxcd.io/v1", annotation: "reconcile.fluxcd.io/requestedAt", value: "2026-12-01T19:30:00.123Z")],
            notes: ["flux: no Kustomization of GitRepository flux-system/flux-system holds the changed paths; only the source is annotated"])
        var text = ""
        outcome.write(to: &text)
        #expect(text == """
            reconcile: requested GitRepository flux-system/flux-system (reconcile.fluxcd.io/requestedAt=2026-12-01T19:30:00.123Z)
            flux: no Kustomization of GitRepository flux-system/flux-system holds the changed paths; only the source is annotated

            """)
        #expect(outcome.json == [
            "requested": [[
                "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "namespace": "flux-system", "name": "flux-system",
                "annotation": "reconcile.fluxcd.io/requestedAt", "value": "2026-12-01T19:30:00.123Z",
            ]],
            "notes": ["flux: no Kustomization of GitRepository flux-system/flux-system holds the changed paths; only the source is annotated"],
        ])
        #expect(ReconcileOutcome().json == ["requested": [], "notes": []])
    }
}
