/// Works out what deployed changes will do to the live cluster, object by object, with the
/// server's own dry runs: the new commit's objects say what is updated, created or refused,
/// the previous commit's objects say what the cluster changed since (and who did).
///
/// Only the changed objects are sent to the server; Secret values are masked.
public struct ImpactPreview: Sendable {
    public var detector: DriftDetector
    public var removal: RemovalPolicy

    public init(detector: DriftDetector, removal: RemovalPolicy) {
        self.detector = detector
        self.removal = removal
    }

    public func preview(_ deployed: DeployedChanges) throws(DriftError) -> ImpactReport {
        let changes = deployed.changeSet.changes
        let newer = try verdicts(changes.compactMap(\.after))
        let older = try verdicts(changes.compactMap { $0.kind == .added ? nil : $0.before })
        let impacts = changes.map { change -> ObjectImpact in
            let previous = change.before.flatMap { older[$0.source] }
            let drift = previous.map(Self.clusterDrift) ?? []
            guard let after = change.after else {
                return ObjectImpact(
                    change: change, identity: previous?.identity, effect: removedEffect(previous, deployed: deployed))
            }
            guard let verdict = newer[after.source] else {
                return ObjectImpact(change: change, effect: .fail("the server gave no verdict"), clusterDrift: drift)
            }
            let effect: ObjectImpact.Effect
            switch verdict.status {
            case .missing: effect = .create
            case .inSync: effect = .unchanged
            case .error: effect = .fail(verdict.error ?? "unknown error")
            // Never met: the hook's change sets hold only the objects that can be compared.
            case .skipped: effect = .unchanged
            case .drifted:
                effect = verdict.recreateReason.map { .fail("Git changes a field that cannot change in place: \($0)") } ?? .update
            }
            return ObjectImpact(
                change: change, identity: verdict.identity, effect: effect,
                changes: effect == .update ? verdict.changes : [], clusterDrift: drift)
        }
        return ImpactReport(changeSet: deployed.changeSet, impacts: impacts, server: detector.connection.server)
    }

    /// The dry-run verdicts of `manifests`, Secrets masked, by where each manifest came from.
    private func verdicts(_ manifests: [Manifest]) throws(DriftError) -> [ManifestLocation: ObjectDrift] {
        guard !manifests.isEmpty else { return [:] }
        let report = SecretMasker.mask(try detector.detect(manifests))
        return Dictionary(report.objects.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// What differs live from the previous commit and was not Git's own doing.
    private static func clusterDrift(_ previous: ObjectDrift) -> [FieldChange] {
        guard previous.status == .drifted, !previous.needsRecreate else { return [] }
        return previous.changes.filter { $0.cause != .git }
    }

    private func removedEffect(_ previous: ObjectDrift?, deployed: DeployedChanges) -> ObjectImpact.Effect {
        guard let previous else { return .keep("the server gave no verdict") }
        switch previous.status {
        case .missing: return .gone
        case .error: return .keep("cannot be checked: \(previous.error ?? "unknown error")")
        case .skipped: return .keep(previous.skipReason?.description ?? "not compared")
        case .inSync, .drifted: return removal.effect(on: previous, previousFluxUnits: deployed.previousFluxUnits)
        }
    }
}

/// Who deletes what the commits removed from Git, and whether the reconcile does it now.
public enum RemovalPolicy: Sendable {
    /// kubectl-drift's ApplySet: only its members are ever deleted, and only when `prunes`
    /// (`hook.reconcile: apply` with `hook.prune: true`).
    case applySet(ApplySet, prunes: Bool, reason: String)
    /// Flux: the previous commit's Kustomization that deployed the object prunes it, or not.
    case flux
    /// Argo CD: its Application's sync policy decides.
    case argocd

    func effect(on previous: ObjectDrift, previousFluxUnits: [FluxUnit]) -> ObjectImpact.Effect {
        switch self {
        case let .applySet(applySet, prunes, reason):
            let labels = previous.live?[["metadata", "labels"]]
            guard labels?[ApplySet.partOfLabel]?.stringValue == applySet.id else {
                return .keep("not applied by kubectl-drift (not a member of ApplySet \(applySet.parentDescription)), so never deleted by it")
            }
            return prunes ? .delete : .keep(reason)
        case .flux:
            guard let unit = previousFluxUnits.first(where: { unit in unit.manifests.contains { $0.source == previous.source } }) else {
                return .keep("not deployed by a Flux Kustomization of this repository")
            }
            let name = "Kustomization \(unit.kustomization.key)"
            return unit.kustomization.prune ? .delete : .keep("\(name) does not prune (spec.prune: false)")
        case .argocd:
            return .keep("Argo CD deletes it only if its Application's sync policy prunes")
        }
    }
}
