import Foundation

/// Asks Flux or Argo CD to reconcile what merged or pushed commits changed now, rather than at
/// their next interval, by setting the annotation their controllers act on.
///
/// Everything is listed and chosen before anything is written, so a refused list leaves the
/// cluster untouched.
public enum ReconcileTrigger {
    /// Annotates what `mode` (`.flux` or `.argocd`) reconciles; precondition: not `.none` or `.apply`.
    public static func request(
        _ mode: DriftConfig.HookSettings.Reconcile, _ request: ReconcileRequest, client: APIClient, fieldManager: String
    ) throws(ReconcileError) -> ReconcileOutcome {
        let selection = ReconcileSelection(request)
        let plan: Plan
        switch mode {
        case .flux: plan = try fluxPlan(selection, now: request.now, client: client)
        case .argocd: plan = try argoCDPlan(selection, client: client)
        case .none, .apply: preconditionFailure("ReconcileTrigger annotates for flux and argocd, not \(mode.rawValue)")
        }
        var outcome = ReconcileOutcome(notes: plan.notes)
        let patch: JSONValue = ["metadata": ["annotations": .object(JSONObject([(plan.annotation, .string(plan.value))]))]]
        for (kind, identity) in plan.targets {
            do {
                _ = try client.mergePatch(patch, at: kind.objectPath(identity), fieldManager: fieldManager)
            } catch {
                throw .annotate(identity, error)
            }
            outcome.requested.append(
                ReconciledObject(identity: identity, apiVersion: kind.apiVersion, annotation: plan.annotation, value: plan.value))
        }
        return outcome
    }

    /// What a mode annotates, and with what, decided from the listed objects.
    struct Plan {
        var annotation: String
        var value: String
        private(set) var targets: [(kind: GitOpsKind, identity: ObjectIdentity)] = []
        private(set) var notes: [String] = []

        init(annotation: String, value: String) {
            self.annotation = annotation
            self.value = value
        }

        mutating func annotate(_ kind: GitOpsKind, _ identities: [ObjectIdentity]) {
            targets += identities.map { (kind, $0) }
        }

        mutating func note(_ line: String) {
            notes.append(line)
        }
    }

    /// Every object of `kind` in all namespaces; nil when the server does not serve its API
    /// (the controller is not installed).
    static func listAll(_ kind: GitOpsKind, client: APIClient) throws(ReconcileError) -> [JSONValue]? {
        do {
            return try client.list(kind.collectionPath)
        } catch let error where error.statusCode == 404 {
            return nil
        } catch {
            throw .list(kind: kind.kind, apiVersion: kind.apiVersion, error)
        }
    }
}
