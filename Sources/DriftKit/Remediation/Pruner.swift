import Foundation

extension ApplySetMembership {
    /// The membership a run records in `applySet`, checked against its live parent: when the
    /// parent records another repository's objects, or may not be read (a user without access
    /// to Secrets), a run that prunes is refused, and any other run records nothing (the reason
    /// is returned, to warn with).
    public static func checked(
        _ applySet: ApplySet, prune: Bool, repository: String?, client: APIClient
    ) throws(PruneError) -> (membership: ApplySetMembership?, warning: String?) {
        let parent: ApplySetParentState
        do {
            parent = try Pruner(client: client, discovery: Discovery(client: client), applySet: applySet).readParent()
        } catch let .api(error) where error.statusCode == 403 && !prune {
            return (nil, "cannot read the ApplySet parent \(applySet.parentDescription): \(error); ownership of what this run applies is not recorded")
        }
        guard let conflict = parent.conflict(with: repository, parent: applySet) else {
            return (ApplySetMembership(applySet: applySet, required: prune, repository: repository, recorded: parent), nil)
        }
        if prune { throw .otherRepository(conflict) }
        return (nil, "\(conflict); ownership of what this run applies is not recorded")
    }
}

/// Why pruning cannot go ahead at all.
public enum PruneError: Error, Equatable, CustomStringConvertible {
    /// The live parent carries another ApplySet id than the one computed from its reference.
    case parentIDMismatch(parent: String, expected: String, found: String)
    /// The live parent is managed by another tool (`applyset.kubernetes.io/tooling`).
    case foreignTooling(parent: String, tooling: String)
    case api(APIError)
    /// The live parent records objects applied from another repository (`ApplySetParentState.conflict`).
    case otherRepository(String)

    public var description: String {
        switch self {
        case let .otherRepository(reason):
            return "\(reason); refusing to prune"
        case let .parentIDMismatch(parent, expected, found):
            return "the ApplySet parent \(parent) has id \(found), expected \(expected); refusing to record or prune its members"
        case let .foreignTooling(parent, tooling):
            return "the ApplySet parent \(parent) is managed by \(tooling), not kubectl-drift; refusing to record or prune its members"
        case let .api(error):
            return "cannot read the ApplySet parent: \(error.description)"
        }
    }
}

/// One object that pruning would delete.
public struct PruneCandidate: Sendable, Hashable {
    public var identity: ObjectIdentity
    /// The object's REST path.
    public var path: String
    /// The live object's uid, sent as a precondition so that a recreated object is not deleted.
    public var uid: String?
    /// For a Namespace: the objects (all ours) that deleting it deletes too.
    public var contents: [ObjectIdentity]

    public init(identity: ObjectIdentity, path: String, uid: String?, contents: [ObjectIdentity] = []) {
        self.identity = identity
        self.path = path
        self.uid = uid
        self.contents = contents
    }
}

extension PruneCandidate {
    /// What deleting each Namespace among `candidates` deletes with it, by Namespace.
    public static func contents(of candidates: [PruneCandidate]) -> [ObjectIdentity: [ObjectIdentity]] {
        Dictionary(uniqueKeysWithValues: candidates.filter { !$0.contents.isEmpty }.map { ($0.identity, $0.contents) })
    }
}

/// An object Git no longer has that pruning keeps all the same, and why.
public struct PruneHold: Sendable, Hashable {
    public var identity: ObjectIdentity
    public var reason: String

    public init(identity: ObjectIdentity, reason: String) {
        self.identity = identity
        self.reason = reason
    }

    /// Keeps the Namespaces among `candidates` that hold anything not ours or still in Git,
    /// and lists what deleting each of the others takes with it.
    ///
    /// - Parameter isOwned: whether a live object is one of pruning's members.
    public static func holdingNamespaces(
        _ candidates: [PruneCandidate], desired: Set<ObjectIdentity>, client: APIClient, concurrency: Int,
        isOwned: @Sendable @escaping (JSONValue) -> Bool
    ) -> (candidates: [PruneCandidate], held: [PruneHold]) {
        var kept: [PruneCandidate] = []
        var held: [PruneHold] = []
        // The namespaced types are discovered once, and only when a Namespace is to be checked.
        var types: Result<(resources: [APIResource], unreadable: [String]), APIError>?
        for var candidate in candidates {
            guard candidate.identity.group.isEmpty, candidate.identity.kind == "Namespace" else {
                kept.append(candidate)
                continue
            }
            let namespace = candidate.identity.name
            let inGit = desired.filter { $0.namespace == namespace }.count
            if inGit > 0 {
                held.append(PruneHold(identity: candidate.identity, reason: "Git still has \(inGit) object\(inGit == 1 ? "" : "s") in it"))
                continue
            }
            let discovered = types ?? Result { () throws(APIError) in
                try Discovery.namespacedListableResources(client: client, concurrency: concurrency)
            }
            types = discovered
            let contents = NamespaceContents.read(
                namespace: namespace, types: discovered, client: client, concurrency: concurrency, isOwned: isOwned)
            if let reason = contents.reasonToKeep {
                held.append(PruneHold(identity: candidate.identity, reason: reason))
            } else {
                candidate.contents = contents.owned
                kept.append(candidate)
            }
        }
        return (kept, held)
    }
}

/// What pruning would do: the members to delete, the members kept by annotation, and the
/// group-kinds that could not be listed (their members are neither deleted nor known).
public struct PrunePlan: Sendable {
    public var applySet: ApplySet
    public var candidates: [PruneCandidate]
    public var protected: [ObjectIdentity]
    /// Namespaces kept because deleting them would delete what is not ours.
    public var held: [PruneHold]
    /// Each listing that failed: its members are unknown, so none of them is deleted.
    public var problems: [PruneProblem]
    /// The group-kinds and namespaces that were listed (what the parent recorded plus Git's).
    public var groupKinds: Set<ApplySetGroupKind>
    public var namespaces: Set<String>

    public var isComplete: Bool { problems.isEmpty }
}

public struct PruneProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var groupKind: ApplySetGroupKind
    public var namespace: String?
    public var reason: String

    public var description: String {
        "cannot list \(groupKind)" + (namespace.map { " in namespace \($0)" } ?? "") + ": \(reason)"
    }
}

/// The result of deleting one candidate.
public struct PruneResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case deleted
        case failed(String)
    }

    public var identity: ObjectIdentity
    public var outcome: Outcome
}

/// Deletes the members of an ApplySet that are no longer in Git.
///
/// Only objects labelled `applyset.kubernetes.io/part-of: <id>` are ever considered (the server
/// filters by label selector and every item is checked again); objects annotated
/// `drift.kubectl-drift.dev/prune: disabled` or `kustomize.toolkit.fluxcd.io/prune: disabled`
/// are kept.
public struct Pruner: Sendable {
    public let client: APIClient
    public let discovery: Discovery
    public let applySet: ApplySet
    /// The field manager this tool applies with: a member's label must be its own.
    public let fieldManager: String

    public init(client: APIClient, discovery: Discovery, applySet: ApplySet, fieldManager: String = "kubectl-drift") {
        self.client = client
        self.discovery = discovery
        self.applySet = applySet
        self.fieldManager = fieldManager
    }

    /// Why a labelled object is not proven to be a member this tool applied, or nil when it is:
    /// the part-of label must be owned by our own apply, and written no earlier than the live
    /// parent was created (labels that outlived a parent deleted by hand prove nothing).
    func unproven(_ object: JSONValue, parent: ApplySetParentState) -> String? {
        let ours = object[["metadata", "managedFields"]]?.arrayValue?.first { entry in
            entry["manager"]?.stringValue == fieldManager && entry["operation"] == "Apply"
                && entry[["fieldsV1", "f:metadata", "f:labels", "f:" + ApplySet.partOfLabel]] != nil
        }
        guard let ours else {
            return "it carries the ApplySet's label, but not from an apply by \(fieldManager) (labelled by hand?)"
        }
        if let created = parent.created, let time = ours["time"]?.stringValue, time < created {
            return "it was last applied before the ApplySet \(applySet.parentDescription) was created "
                + "(the parent was deleted and made again?)"
        }
        return nil
    }

    /// The live parent's record, or `.absent` when there is no parent yet. Throws when the parent
    /// belongs to another ApplySet id or another tool.
    public func readParent(allowForeignTooling: Bool = false) throws(PruneError) -> ApplySetParentState {
        let live: JSONValue?
        do {
            live = try client.getIfPresent(applySet.parentPath)
        } catch {
            throw .api(error)
        }
        guard let live else { return .absent }
        let state = ApplySetParentState(parent: live)
        if let found = state.id, found != applySet.id {
            throw .parentIDMismatch(parent: applySet.parentDescription, expected: applySet.id, found: found)
        }
        if !allowForeignTooling, !state.isOwnTooling, let tooling = state.tooling {
            throw .foreignTooling(parent: applySet.parentDescription, tooling: tooling)
        }
        return state
    }

    /// The members to delete: labelled with this set's id, not in `desired`, not protected.
    ///
    /// - Parameters:
    ///   - desired: the identities in Git. A nil namespace of a namespaced object means the
    ///     parent's namespace.
    ///   - parent: the live parent's record (see `readParent`); its group-kinds and namespaces
    ///     are listed as well as those of `desired`.
    public func plan(desired: Set<ObjectIdentity>, parent: ApplySetParentState, concurrency: Int = 4) -> PrunePlan {
        var groupKinds = parent.groupKinds
        var namespaces = parent.additionalNamespaces.union([applySet.namespace])
        for identity in desired {
            groupKinds.insert(ApplySetGroupKind(identity))
            if let ns = identity.namespace { namespaces.insert(ns) }
        }
        let wanted = Set(desired.map { key(group: $0.group, kind: $0.kind, namespace: $0.namespace, name: $0.name) })

        // One listing per group-kind (cluster-scoped) or per group-kind and namespace.
        struct Listing: Sendable { var groupKind: ApplySetGroupKind; var namespace: String?; var resource: APIResource? ; var error: String? }
        var listings: [Listing] = []
        for groupKind in groupKinds.sorted() {
            do {
                let resource = try resolve(groupKind)
                if resource.namespaced {
                    listings += namespaces.sorted().map { Listing(groupKind: groupKind, namespace: $0, resource: resource) }
                } else {
                    listings.append(Listing(groupKind: groupKind, namespace: nil, resource: resource))
                }
            } catch {
                listings.append(Listing(groupKind: groupKind, namespace: nil, resource: nil, error: error.description))
            }
        }

        let selector = "labelSelector=" + ResourcePath.escape("\(ApplySet.partOfLabel)=\(applySet.id)")
        let results = BoundedConcurrency.map(listings, limit: max(1, concurrency)) { listing -> Result<[JSONValue], PruneProblem> in
            guard let resource = listing.resource else {
                return .failure(PruneProblem(groupKind: listing.groupKind, namespace: nil, reason: listing.error ?? "unknown type"))
            }
            do {
                return .success(try client.list(ResourcePath.collection(resource, namespace: listing.namespace) + "?" + selector))
            } catch {
                return .failure(PruneProblem(groupKind: listing.groupKind, namespace: listing.namespace, reason: String(describing: error)))
            }
        }

        var candidates: [PruneCandidate] = [], protected: [ObjectIdentity] = [], problems: [PruneProblem] = []
        var unproven: [PruneHold] = []
        for (listing, result) in zip(listings, results) {
            switch result {
            case let .failure(problem): problems.append(problem)
            case let .success(items):
                guard let resource = listing.resource else { continue }
                for item in items {
                    // The label selector already filtered; check again, never trusting the filter alone.
                    guard applySet.isMember(item), let name = item[["metadata", "name"]]?.stringValue else { continue }
                    // Objects already being deleted need nothing more.
                    if item[["metadata", "deletionTimestamp"]]?.stringValue != nil { continue }
                    let namespace = resource.namespaced ? item[["metadata", "namespace"]]?.stringValue ?? listing.namespace : nil
                    let identity = ObjectIdentity(group: resource.group, kind: resource.kind, namespace: namespace, name: name)
                    if wanted.contains(key(group: identity.group, kind: identity.kind, namespace: namespace, name: name)) { continue }
                    if ApplySet.isProtected(item) {
                        protected.append(identity)
                        continue
                    }
                    if parent.exists, let reason = self.unproven(item, parent: parent) {
                        unproven.append(PruneHold(identity: identity, reason: reason))
                        continue
                    }
                    candidates.append(PruneCandidate(
                        identity: identity,
                        path: ResourcePath.object(resource, namespace: namespace, name: name),
                        uid: item[["metadata", "uid"]]?.stringValue))
                }
            }
        }
        // Each object once, in a stable order.
        var seen = Set<ObjectIdentity>()
        candidates = candidates.filter { seen.insert($0.identity).inserted }.sorted { $0.identity < $1.identity }
        let pruner = self
        guard parent.exists else {
            // Labels that claim membership of a set whose parent is gone prove nothing.
            let reason = "it claims membership of the ApplySet \(applySet.parentDescription), which does not exist "
                + "(deleted by hand?); objects of an ApplySet without its parent are never pruned"
            return PrunePlan(
                applySet: applySet, candidates: [], protected: Array(Set(protected)).sorted(),
                held: candidates.map { PruneHold(identity: $0.identity, reason: reason) }, problems: problems,
                groupKinds: groupKinds, namespaces: namespaces)
        }
        // What a Namespace holds is ours only when it is a proven member too.
        let checked = PruneHold.holdingNamespaces(
            candidates, desired: desired, client: client, concurrency: concurrency,
            isOwned: { pruner.applySet.isMember($0) && pruner.unproven($0, parent: parent) == nil })
        return PrunePlan(
            applySet: applySet, candidates: checked.candidates, protected: Array(Set(protected)).sorted(),
            held: unproven.sorted { $0.identity < $1.identity } + checked.held, problems: problems,
            groupKinds: groupKinds, namespaces: namespaces)
    }

    /// Deletes every candidate of `plan` (background propagation, uid precondition); a failure on
    /// one object does not stop the others. An object already gone counts as deleted.
    public func execute(_ plan: PrunePlan, concurrency: Int = 4) -> [PruneResult] {
        Self.delete(plan.candidates, client: client, concurrency: concurrency)
    }

    /// Deletes candidates (background propagation, uid precondition); a failure on one object
    /// does not stop the others. An object already gone counts as deleted.
    public static func delete(_ candidates: [PruneCandidate], client: APIClient, concurrency: Int) -> [PruneResult] {
        BoundedConcurrency.map(candidates, limit: max(1, concurrency)) { candidate in
            PruneResult(identity: candidate.identity, outcome: delete(candidate, client: client))
        }
    }

    private static func delete(_ candidate: PruneCandidate, client: APIClient) -> PruneResult.Outcome {
        var options = JSONObject()
        options["apiVersion"] = "v1"
        options["kind"] = "DeleteOptions"
        options["propagationPolicy"] = "Background"
        if let uid = candidate.uid { options["preconditions"] = ["uid": .string(uid)] }
        do {
            _ = try client.json(HTTPRequest(
                method: .delete, path: candidate.path,
                headers: ["Content-Type": "application/json"], body: JSONValue.object(options).jsonData))
            return .deleted
        } catch where error.statusCode == 404 {
            return .deleted
        } catch {
            return .failed(error.description)
        }
    }

    /// The resource serving a group-kind, at the group's preferred version.
    private func resolve(_ groupKind: ApplySetGroupKind) throws(APIError) -> APIResource {
        let apiVersion: String
        if groupKind.group.isEmpty {
            apiVersion = "v1"
        } else {
            guard let group = try client.getIfPresent("/apis/\(ResourcePath.escape(groupKind.group))") else {
                throw APIError.invalidResponse(path: "/apis/\(groupKind.group)", reason: "the server does not serve group \(groupKind.group)")
            }
            guard let preferred = group[["preferredVersion", "groupVersion"]]?.stringValue
                ?? group["versions"]?.arrayValue?.first?["groupVersion"]?.stringValue
            else {
                throw APIError.invalidResponse(path: "/apis/\(groupKind.group)", reason: "a group without versions")
            }
            apiVersion = preferred
        }
        do {
            return try discovery.resource(apiVersion: apiVersion, kind: groupKind.kind)
        } catch {
            throw APIError.invalidResponse(path: ResourcePath.groupVersionRoot(apiVersion), reason: error.description)
        }
    }

    private func key(group: String, kind: String, namespace: String?, name: String) -> String {
        [group, kind, namespace ?? applySet.namespace, name].joined(separator: "\u{0}")
    }
}
