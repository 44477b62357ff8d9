extension ReconcileTrigger {
    /// The annotation Argo CD's application controller refreshes on (and then removes).
    static let argoCDAnnotation = "argocd.argoproj.io/refresh"

    /// This repository's Applications whose source path holds a changed file.
    static func argoCDPlan(_ selection: ReconcileSelection, client: APIClient) throws(ReconcileError) -> Plan {
        // `normal` compares Git's latest revision with the live state; `hard` would also drop the repo-server's manifest cache.
        var plan = Plan(annotation: argoCDAnnotation, value: "normal")
        guard let applications = try listAll(.application, client: client) else {
            plan.note("argocd: the cluster has no \(GitOpsKind.application.apiName) API (Argo CD is not installed?)")
            return plan
        }
        let selected = selection.applications(in: applications)
        if selected.isEmpty {
            plan.note(selection.source.map { "argocd: hook.source names the Application \($0), which is not in the cluster; nothing to refresh" }
                ?? "argocd: no Application in the cluster deploys \(selection.repositoryName) from the changed paths")
        }
        plan.annotate(.application, selected)
        return plan
    }
}
