import Foundation

extension ReconcileTrigger {
    /// The annotation `flux reconcile` sets: a controller reconciles when its value changes.
    static let fluxAnnotation = "reconcile.fluxcd.io/requestedAt"

    /// This repository's GitRepositories, then their Kustomizations whose path holds a changed file.
    static func fluxPlan(_ selection: ReconcileSelection, now: Date, client: APIClient) throws(ReconcileError) -> Plan {
        var plan = Plan(annotation: fluxAnnotation, value: requestedAt(now))
        guard let repositories = try listAll(.gitRepository, client: client) else {
            plan.note("flux: the cluster has no \(GitOpsKind.gitRepository.apiName) API (Flux is not installed?)")
            return plan
        }
        let sources = selection.gitRepositories(in: repositories)
        guard !sources.isEmpty else {
            plan.note(selection.source.map { "flux: hook.source names the GitRepository \($0), which is not in the cluster; nothing to reconcile" }
                ?? "flux: no GitRepository in the cluster fetches \(selection.repositoryName); nothing to reconcile")
            return plan
        }
        // The source first: it fetches the new commits the Kustomizations then apply.
        plan.annotate(.gitRepository, sources)
        let onlySources = sources.count == 1 ? "only the source is annotated" : "only the sources are annotated"
        guard let kustomizations = try listAll(.kustomization, client: client) else {
            plan.note("flux: the cluster has no \(GitOpsKind.kustomization.apiName) API; \(onlySources)")
            return plan
        }
        let selected = selection.kustomizations(in: kustomizations, of: sources)
        if selected.isEmpty {
            let sourceNames = sources.map { "GitRepository \($0.namespacedName)" }.joined(separator: ", ")
            plan.note("flux: no Kustomization of \(sourceNames) holds the changed paths; \(onlySources)")
        }
        plan.annotate(.kustomization, selected)
        return plan
    }

    /// `now` as Go's `time.RFC3339Nano` writes it in UTC, to the millisecond.
    static func requestedAt(_ now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: now)
    }
}
