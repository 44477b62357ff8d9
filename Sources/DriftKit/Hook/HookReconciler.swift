import Foundation

/// Brings the cluster up to the merged or pushed commits, as `hook.reconcile` says: applies
/// the changed objects (`apply`), or asks Flux or Argo CD to reconcile now (`flux`, `argocd`).
/// Its failures are warnings: the merge or push has already happened.
struct HookReconciler {
    var settings: DriftConfig.HookSettings
    var color: Bool
    var json: Bool
    var output = ""
    var warnings: [String] = []
    /// With JSON output: what was done, for the preview document's `reconcile`.
    var document: JSONValue?

    init(settings: DriftConfig.HookSettings, color: Bool, json: Bool) {
        self.settings = settings
        self.color = color
        self.json = json
    }

    mutating func reconcile(_ preview: HookPreviewResult, repository: GitRepository) {
        switch settings.reconcile {
        case .none: return
        case .apply: apply(preview)
        case .flux, .argocd: requestGitOps(preview, repository: repository)
        }
    }

    /// `kubectl drift apply` of what the commits changed; with `hook.prune`, what they removed
    /// is pruned (and nothing else: the run sees only the changed objects).
    private mutating func apply(_ preview: HookPreviewResult) {
        var options = RemediationOptions()
        options.prune = settings.prune
        options.pruneOnly = Set(preview.report.impacts.filter { $0.change.kind == .removed }.map(\.identity))
        options.fluxUnits = preview.deployed.fluxUnits
        let manifests = preview.deployed.changeSet.changes.compactMap(\.after)
        do {
            let report = SecretMasker.mask(
                try Remediator(detector: preview.cluster.detector, options: options).remediate(manifests))
            if json {
                document = ["mode": "apply", "report": RemediationReporter.document(report)]
            } else {
                RemediationReporter(color: color).write(report, to: &output)
            }
            if report.exitCode != 0 {
                warnings.append("the apply did not finish everything; kubectl drift diff shows what is left")
            }
        } catch {
            warnings.append("the apply failed: \(error); kubectl drift diff shows what is left")
        }
    }

    /// Annotates the GitRepository and Kustomizations (Flux) or Applications (Argo CD) of this
    /// repository that hold changed files, so that their controller reconciles now.
    private mutating func requestGitOps(_ preview: HookPreviewResult, repository: GitRepository) {
        let request = ReconcileRequest(
            repositoryURLs: repository.remoteURLs(), source: settings.source,
            changedPaths: preview.deployed.changedFiles, now: Date())
        do {
            let outcome = try ReconcileTrigger.request(
                settings.reconcile, request, client: preview.cluster.detector.client,
                fieldManager: preview.cluster.detector.options.fieldManager)
            if json {
                var json = outcome.json.objectValue ?? JSONObject()
                json["mode"] = .string(settings.reconcile.rawValue)
                document = .object(json)
            } else {
                outcome.write(to: &output)
            }
        } catch {
            warnings.append("the \(settings.reconcile.rawValue) reconcile was not requested: \(error)")
        }
    }
}
