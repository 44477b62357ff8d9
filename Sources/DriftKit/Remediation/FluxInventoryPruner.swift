/// Prunes with Flux's own ownership record, deleting exactly what kustomize-controller would.
///
/// An object is deleted only when it is listed in the `status.inventory` of a live Flux
/// Kustomization with `prune: true`, Git no longer renders it, it carries that
/// Kustomization's owner labels, and no label or annotation opts it out
/// (`FluxPruneRules`). A suspended Kustomization prunes nothing. What is kept is reported
/// with the reason.
public struct FluxInventoryPruner: Sendable {
    public let client: APIClient
    public let discovery: Discovery

    public init(client: APIClient, discovery: Discovery) {
        self.client = client
        self.discovery = discovery
    }

    /// What to delete and what is kept, reading each stale object once.
    ///
    /// - Parameter desired: the identities Git renders (of every unit: an object that moved to
    ///   another Kustomization is not stale).
    public func plan(_ live: FluxLiveState, desired: Set<ObjectIdentity>, concurrency: Int = 4) -> FluxPrunePlan {
        // Objects Flux leaves alone (ssa: Ignore, reconcile: disabled) stay in its new inventory.
        let rendered = desired.union(live.units.flatMap { $0.excluded.map(\.identity) })
        var plan = FluxPrunePlan()
        var stale: [(kustomization: FluxKustomization, suspension: FluxSuspension?, entry: FluxInventoryEntry)] = []
        for unit in live.units where unit.prune {
            let key = unit.kustomization.key
            switch live.kustomization(of: unit) {
            case .absent:
                // Suspended in Git, it would prune nothing even if it were deployed.
                if !unit.suspend { plan.problems.append(.notDeployed(kustomization: key)) }
            case let .unreadable(error):
                plan.problems.append(.unreadable(kustomization: key, error))
            case let .present(object):
                switch FluxInventoryEntry.entries(of: object, kustomization: key) {
                case let .failure(problem): plan.problems.append(problem)
                case let .success(entries):
                    // Present, so it is active or suspended, never unknown.
                    var suspension: FluxSuspension?
                    if case let .suspended(reason) = live.reconciliation(of: unit) { suspension = reason }
                    stale += entries.filter { !rendered.contains($0.identity) }.map { (unit.kustomization, suspension, $0) }
                }
            }
        }
        let verdicts = BoundedConcurrency.map(stale, limit: max(1, concurrency)) { kustomization, suspension, entry in
            verdict(entry, of: kustomization, suspension: suspension)
        }
        for verdict in verdicts {
            switch verdict {
            case let .delete(candidate): plan.candidates.append(candidate)
            case let .keep(hold): plan.held.append(hold)
            case let .problem(problem): plan.problems.append(problem)
            case .gone: break
            }
        }
        plan.candidates.sort { $0.identity < $1.identity }
        // Stricter than kustomize-controller on one point: a Namespace goes only when all it
        // holds is a pruning Kustomization's own, never with other people's objects in it.
        let owners = live.units.filter(\.prune).map(\.kustomization)
        let namespaces = PruneHold.holdingNamespaces(
            plan.candidates, desired: desired, client: client, concurrency: concurrency,
            isOwned: { object in owners.contains { FluxPruneRules.exemption(for: object, kustomization: $0) == nil } })
        plan.candidates = namespaces.candidates
        plan.held = (plan.held + namespaces.held).sorted { $0.identity < $1.identity }
        return plan
    }

    private enum Verdict: Sendable {
        case delete(PruneCandidate)
        case keep(PruneHold)
        case problem(FluxPruneError)
        /// Already deleted: nothing to do, as kustomize-controller counts it deleted.
        case gone
    }

    private func verdict(_ entry: FluxInventoryEntry, of kustomization: FluxKustomization, suspension: FluxSuspension?) -> Verdict {
        let path: String, object: JSONValue?
        do {
            let resource = try discovery.resource(apiVersion: entry.apiVersion, kind: entry.identity.kind)
            path = ResourcePath.object(resource, namespace: entry.identity.namespace, name: entry.identity.name)
            object = try client.getIfPresent(path)
        } catch {
            return .problem(.entry(kustomization: kustomization.key, object: entry.identity, reason: "\(error)"))
        }
        guard let object else { return .gone }
        // The object's own reason first: it still holds once the Kustomization is resumed.
        if let exemption = FluxPruneRules.exemption(for: object, kustomization: kustomization) ?? suspension.map(FluxPruneExemption.suspended) {
            return .keep(PruneHold(identity: entry.identity, reason: exemption.description))
        }
        return .delete(PruneCandidate(identity: entry.identity, path: path, uid: object[["metadata", "uid"]]?.stringValue))
    }
}

/// What `--flux --prune` deletes, keeps and could not decide.
public struct FluxPrunePlan: Sendable {
    public var candidates: [PruneCandidate] = []
    public var held: [PruneHold] = []
    public var problems: [FluxPruneError] = []
}

/// Why some of a Kustomization's inventory could not be pruned; nothing of it is deleted
/// unless the message names a single object.
public enum FluxPruneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Kustomization is not in the cluster, so there is no inventory to prune from.
    case notDeployed(kustomization: String)
    case unreadable(kustomization: String, APIError)
    /// An inventory entry that names no object: kustomize-controller cannot diff such an
    /// inventory, so it prunes nothing of that Kustomization, and neither does this.
    case malformedEntry(kustomization: String, entry: String)
    /// One stale object could not be read; the others are pruned.
    case entry(kustomization: String, object: ObjectIdentity, reason: String)

    public var description: String {
        switch self {
        case let .notDeployed(kustomization):
            return "the Flux Kustomization \(kustomization) has no inventory in the cluster (is it deployed by Flux?); nothing of it is pruned"
        case let .unreadable(kustomization, error):
            return "cannot read the Flux Kustomization \(kustomization): \(error); nothing of it is pruned"
        case let .malformedEntry(kustomization, entry):
            return "the inventory of the Flux Kustomization \(kustomization) has a malformed entry \(entry) "
                + "(expected an id <namespace>_<name>_<group>_<kind> and a version v); as kustomize-controller, nothing of it is pruned"
        case let .entry(kustomization, object, reason):
            return "cannot check \(object) from the inventory of the Flux Kustomization \(kustomization): \(reason)"
        }
    }
}

/// One entry of a Kustomization's `status.inventory`: the object and the version it was applied at.
public struct FluxInventoryEntry: Sendable, Equatable {
    public var identity: ObjectIdentity
    public var version: String

    public var apiVersion: String { identity.group.isEmpty ? version : "\(identity.group)/\(version)" }

    /// Reads an id as Flux writes it, `<namespace>_<name>_<group>_<kind>` (the namespace empty
    /// for cluster-scoped objects, the group for the core group), the way Flux reads it back:
    /// the name is what lies between the first and the last two separators, with `__` standing
    /// for the `:` of RBAC names. Nil when it names no object.
    public init?(id: String, version: String) {
        guard let first = id.firstIndex(of: "_") else { return nil }
        let rest = id[id.index(after: first)...]
        guard let last = rest.lastIndex(of: "_") else { return nil }
        let head = rest[..<last]
        guard let middle = head.lastIndex(of: "_") else { return nil }
        let name = head[..<middle].replacingOccurrences(of: "__", with: ":")
        let kind = String(rest[rest.index(after: last)...])
        guard !name.isEmpty, !kind.isEmpty, !version.isEmpty else { return nil }
        let namespace = String(id[..<first])
        identity = ObjectIdentity(
            group: String(head[head.index(after: middle)...]), kind: kind, namespace: namespace.isEmpty ? nil : namespace, name: name)
        self.version = version
    }

    /// The entries of a live Kustomization, or the first malformed one.
    static func entries(of kustomization: JSONValue, kustomization key: String) -> Result<[FluxInventoryEntry], FluxPruneError> {
        var entries: [FluxInventoryEntry] = []
        for value in kustomization[["status", "inventory", "entries"]]?.arrayValue ?? [] {
            guard let id = value["id"]?.stringValue, let entry = FluxInventoryEntry(id: id, version: value["v"]?.stringValue ?? "") else {
                return .failure(.malformedEntry(kustomization: key, entry: value.jsonText()))
            }
            entries.append(entry)
        }
        return .success(entries)
    }
}

/// Why kustomize-controller would not delete a stale object of a Kustomization's inventory.
public enum FluxPruneExemption: Sendable, Equatable, CustomStringConvertible {
    /// It carries neither owner label: kustomize-controller deletes only objects labelled as its own.
    case unlabelled(kustomization: String)
    /// Its owner labels name another Kustomization (`namespace/name`, `?` for a missing one).
    case ownedByOther(owner: String, kustomization: String)
    /// A label or annotation opts it out of pruning.
    case optedOut(field: String, key: String, value: String)
    case suspended(FluxSuspension)

    public var description: String {
        switch self {
        case let .unlabelled(kustomization):
            return "it does not carry the owner labels of the Flux Kustomization \(kustomization) "
                + "(\(FluxPruneRules.nameLabel), \(FluxPruneRules.namespaceLabel)), so kustomize-controller does not delete it"
        case let .ownedByOther(owner, kustomization):
            return "its owner labels name the Flux Kustomization \(owner), not \(kustomization)"
        case let .optedOut(field, key, value):
            return "its \(field) \(key): \(value) keeps it"
        case let .suspended(suspension):
            return "suspended: \(suspension)"
        }
    }
}

/// kustomize-controller's rules for deleting a stale inventory object (fluxcd/pkg ssa
/// `DeleteAll` with the owner labels as inclusions, the opt-outs as exclusions), as a pure check.
public enum FluxPruneRules {
    public static let nameLabel = "\(FluxKustomization.group)/name"
    public static let namespaceLabel = "\(FluxKustomization.group)/namespace"
    /// Labels or annotations that keep an object, compared case-insensitively as Flux does;
    /// with this tool's own `drift.kubectl-drift.dev/prune: disabled`.
    public static let optOuts: [(key: String, value: String)] = [
        ("\(FluxKustomization.group)/prune", "disabled"),
        ("\(FluxKustomization.group)/reconcile", "disabled"),
        ("\(FluxKustomization.group)/ssa", "Ignore"),
        (ApplySet.pruneAnnotation, "disabled"),
    ]

    /// Why the live `object` must not be deleted for `kustomization`; nil when it may be.
    public static func exemption(for object: JSONValue, kustomization: FluxKustomization) -> FluxPruneExemption? {
        let name = object[["metadata", "labels", nameLabel]]?.stringValue
        let namespace = object[["metadata", "labels", namespaceLabel]]?.stringValue
        if name == nil, namespace == nil { return .unlabelled(kustomization: kustomization.key) }
        // A label selector: both labels, exactly.
        guard name == kustomization.name, namespace == kustomization.namespace else {
            return .ownedByOther(owner: "\(namespace ?? "?")/\(name ?? "?")", kustomization: kustomization.key)
        }
        for (key, value) in optOuts {
            if let field = FluxObjects.field(of: object, holding: key, value: value) {
                return .optedOut(field: field, key: key, value: value)
            }
        }
        return nil
    }
}
