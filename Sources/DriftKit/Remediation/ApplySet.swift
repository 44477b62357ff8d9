import Foundation

/// A group and kind, written the way ApplySet annotations write them: `ConfigMap`, `Deployment.apps`.
public struct ApplySetGroupKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `""` for the core group.
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public init(_ identity: ObjectIdentity) {
        self.init(group: identity.group, kind: identity.kind)
    }

    /// Reads `Kind` or `Kind.group` (a kind never contains a dot, a group may).
    public init?(annotationEntry entry: some StringProtocol) {
        let text = entry.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let dot = text.firstIndex(of: ".") {
            let kind = String(text[..<dot]), group = String(text[text.index(after: dot)...])
            guard !kind.isEmpty, !group.isEmpty else { return nil }
            self.init(group: group, kind: kind)
        } else {
            self.init(group: "", kind: text)
        }
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }

    public static func < (lhs: ApplySetGroupKind, rhs: ApplySetGroupKind) -> Bool {
        lhs.description < rhs.description
    }
}

/// A set of applied objects tracked as kubectl's ApplySet specification (KEP-3659) describes:
/// a parent object carrying `applyset.kubernetes.io/id` and every member labelled
/// `applyset.kubernetes.io/part-of: <id>`, so that `kubectl apply --prune --applyset` and this
/// tool recognise the same members.
public struct ApplySet: Sendable, Hashable {
    /// The parent types this tool writes; both are core-group, namespaced kinds.
    public enum ParentKind: String, Sendable, Hashable {
        case secret = "Secret"
        case configMap = "ConfigMap"

        public var resource: APIResource {
            switch self {
            case .secret: return APIResource(group: "", version: "v1", name: "secrets", kind: "Secret", namespaced: true)
            case .configMap: return APIResource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true)
            }
        }
    }

    public static let defaultParentName = "kubectl-drift-applyset"

    public static let partOfLabel = "applyset.kubernetes.io/part-of"
    public static let idLabel = "applyset.kubernetes.io/id"
    public static let toolingAnnotation = "applyset.kubernetes.io/tooling"
    public static let containsGroupKindsAnnotation = "applyset.kubernetes.io/contains-group-kinds"
    public static let additionalNamespacesAnnotation = "applyset.kubernetes.io/additional-namespaces"
    /// On the parent: the repository whose applies record members in it (`DesiredState.repository`).
    public static let repositoryAnnotation = "drift.kubectl-drift.dev/repository"
    /// This tool's per-object protection from pruning.
    public static let pruneAnnotation = "drift.kubectl-drift.dev/prune"
    /// Flux's per-object protection from pruning, honoured too.
    public static let fluxPruneAnnotation = "kustomize.toolkit.fluxcd.io/prune"

    public var parentKind: ParentKind
    public var name: String
    public var namespace: String

    public init(parentKind: ParentKind = .secret, name: String = ApplySet.defaultParentName, namespace: String) {
        self.parentKind = parentKind
        self.name = name
        self.namespace = namespace
    }

    /// The parent's group; `""` for both parent kinds this tool writes.
    public var parentGroup: String { "" }

    /// `applyset-<base64url-nopad(sha256("<name>.<namespace>.<kind>.<group>"))>-v1`, exactly as
    /// kubectl computes it (`ApplySet.ID()` in kubectl's `pkg/cmd/apply/applyset.go`).
    public var id: String { Self.id(name: name, namespace: namespace, kind: parentKind.rawValue, group: parentGroup) }

    public static func id(name: String, namespace: String, kind: String, group: String) -> String {
        let digest = SHA256.hash([name, namespace, kind, group].joined(separator: "."))
        return "applyset-\(base64URLNoPadding(digest))-v1"
    }

    static func base64URLNoPadding(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `secret/kubectl-drift-applyset (namespace shop)`.
    public var parentDescription: String { "\(parentKind.rawValue.lowercased())/\(name) (namespace \(namespace))" }

    public var parentPath: String { ResourcePath.object(parentKind.resource, namespace: namespace, name: name) }

    /// `object` with `metadata.labels["applyset.kubernetes.io/part-of"] = id`, other fields untouched.
    public func labelled(_ object: JSONValue) -> JSONValue {
        guard case var .object(root) = object else { return object }
        var metadata = root["metadata"]?.objectValue ?? JSONObject()
        var labels = metadata["labels"]?.objectValue ?? JSONObject()
        labels[Self.partOfLabel] = .string(id)
        metadata["labels"] = .object(labels)
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    /// Whether the live `object` carries this set's part-of label.
    public func isMember(_ object: JSONValue) -> Bool {
        object[["metadata", "labels", Self.partOfLabel]]?.stringValue == id
    }

    /// Whether `object` is annotated to be kept by pruning (`drift.kubectl-drift.dev/prune` or
    /// `kustomize.toolkit.fluxcd.io/prune` set to `disabled`).
    public static func isProtected(_ object: JSONValue) -> Bool {
        [pruneAnnotation, fluxPruneAnnotation].contains { key in
            object[["metadata", "annotations", key]]?.stringValue?.lowercased() == "disabled"
        }
    }

    /// The parent object to server-side apply, recording the group-kinds of the members and the
    /// namespaces other than the parent's in which members live.
    ///
    /// Before applying members write it with the union of what the live parent records and what
    /// is about to be applied (so an interrupted run leaves nothing untracked); after a complete
    /// prune, write it with only the current set.
    public func parentObject(groupKinds: Set<ApplySetGroupKind>, namespaces: Set<String>, repository: String? = nil) -> JSONValue {
        var annotations = JSONObject()
        annotations[Self.toolingAnnotation] = .string(Self.tooling)
        if let repository { annotations[Self.repositoryAnnotation] = .string(repository) }
        annotations[Self.containsGroupKindsAnnotation] = .string(groupKinds.sorted().map(\.description).joined(separator: ","))
        let additional = namespaces.subtracting([namespace, ""]).sorted()
        if !additional.isEmpty {
            annotations[Self.additionalNamespacesAnnotation] = .string(additional.joined(separator: ","))
        }
        var metadata = JSONObject()
        metadata["name"] = .string(name)
        metadata["namespace"] = .string(namespace)
        metadata["labels"] = .object(JSONObject([(Self.idLabel, JSONValue.string(id))]))
        metadata["annotations"] = .object(annotations)
        return .object(JSONObject([
            ("apiVersion", .string("v1")),
            ("kind", .string(parentKind.rawValue)),
            ("metadata", .object(metadata)),
        ]))
    }

    /// The parent object for the objects `members` (Git's identities; a nil namespace of a
    /// namespaced object counts as the parent's).
    public func parentObject(members: some Sequence<ObjectIdentity>) -> JSONValue {
        var groupKinds = Set<ApplySetGroupKind>(), namespaces = Set<String>()
        for member in members {
            groupKinds.insert(ApplySetGroupKind(member))
            if let ns = member.namespace { namespaces.insert(ns) }
        }
        return parentObject(groupKinds: groupKinds, namespaces: namespaces)
    }

    /// `kubectl-drift/<version>`.
    public static var tooling: String { "kubectl-drift/\(DriftVersion.current)" }
}

/// How desired objects carry membership of an ApplySet (its part-of label), so that a later
/// `--prune` can delete what any earlier apply created, and nothing else.
public struct ApplySetMembership: Sendable, Hashable {
    public var applySet: ApplySet
    /// With `--prune`: every desired object is a member, so a label missing live is drift.
    /// Otherwise membership is bookkeeping: the objects an apply writes become members, a live
    /// object keeps the membership it has (of whatever ApplySet), and a difference in it alone
    /// is no drift.
    public var required: Bool
    /// The repository recorded on the parent (`DesiredState.repository`).
    public var repository: String?
    /// What the live parent recorded when the run started (`.absent` when there was none):
    /// read once, for the check, the prune plan and the parent the run writes.
    public var recorded: ApplySetParentState

    public init(applySet: ApplySet, required: Bool, repository: String? = nil, recorded: ApplySetParentState) {
        self.applySet = applySet
        self.required = required
        self.repository = repository
        self.recorded = recorded
    }

    /// The manifest as applied: labelled with this set's id, or, when membership is not
    /// required and the live object already names a set, with the live one.
    public func body(_ manifest: JSONValue, live: JSONValue?) -> JSONValue {
        let labelled = applySet.labelled(manifest)
        guard !required, let current = live?[["metadata", "labels", ApplySet.partOfLabel]] else { return labelled }
        return JSONPointer(tokens: ["metadata", "labels", ApplySet.partOfLabel]).updating(labelled, to: current)
    }

    /// Whether every one of `changes` only adds the membership label, which is then no drift:
    /// the object is not written, so it stays unrecorded. Never with `required`.
    public func onlyAddsMembership(_ changes: [FieldChange]) -> Bool {
        !required && !changes.isEmpty && changes.allSatisfy { change in
            change.live == nil && (change.path == Self.labelPath
                || (change.path == "/metadata/labels" && change.desired?.objectValue?.orderedMembers.map(\.key) == [ApplySet.partOfLabel]))
        }
    }

    static let labelPath = JSONPointer(tokens: ["metadata", "labels", ApplySet.partOfLabel]).description
}

/// What a live ApplySet parent records.
public struct ApplySetParentState: Sendable, Hashable {
    public var id: String?
    public var tooling: String?
    public var groupKinds: Set<ApplySetGroupKind>
    /// Additional namespaces only (the parent's own is implied).
    public var additionalNamespaces: Set<String>
    /// The repository whose applies record members here; nil when not recorded.
    public var repository: String?

    public init(
        id: String?, tooling: String?, groupKinds: Set<ApplySetGroupKind>, additionalNamespaces: Set<String>,
        repository: String? = nil
    ) {
        self.id = id
        self.tooling = tooling
        self.groupKinds = groupKinds
        self.additionalNamespaces = additionalNamespaces
        self.repository = repository
    }

    /// Why a run from `repository` may not record members here or prune them: the parent
    /// names another repository. nil when it names this one, or none.
    public func conflict(with repository: String?, parent: ApplySet) -> String? {
        guard let recorded = self.repository, let repository, recorded != repository else { return nil }
        return "the ApplySet \(parent.parentDescription) records objects applied from \(recorded), not from this "
            + "repository (\(repository)); give each repository its own ApplySet (drift.yaml applySet: NAME, or --applyset NAME)"
    }

    public static let empty = ApplySetParentState(id: nil, tooling: nil, groupKinds: [], additionalNamespaces: [])
    /// No parent in the cluster: its members' labels claim membership of an ApplySet that does
    /// not exist (its parent deleted by hand), so none of them is pruned.
    public static let absent: ApplySetParentState = {
        var state = ApplySetParentState.empty
        state.exists = false
        return state
    }()

    /// Whether the parent exists in the cluster.
    public var exists = true
    /// When the live parent was created (RFC 3339); nil when not known.
    public var created: String?

    /// Reads the labels and annotations of a live parent.
    public init(parent: JSONValue) {
        let annotations = parent[["metadata", "annotations"]]
        func list(_ key: String) -> [Substring] {
            (annotations?[key]?.stringValue ?? "").split(separator: ",")
        }
        self.init(
            id: parent[["metadata", "labels", ApplySet.idLabel]]?.stringValue,
            tooling: annotations?[ApplySet.toolingAnnotation]?.stringValue,
            groupKinds: Set(list(ApplySet.containsGroupKindsAnnotation).compactMap { ApplySetGroupKind(annotationEntry: $0) }),
            additionalNamespaces: Set(list(ApplySet.additionalNamespacesAnnotation)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }),
            repository: annotations?[ApplySet.repositoryAnnotation]?.stringValue)
        created = parent[["metadata", "creationTimestamp"]]?.stringValue
    }

    /// Whether the tooling annotation names this tool (any version), or is absent.
    public var isOwnTooling: Bool {
        guard let tooling, !tooling.isEmpty else { return true }
        return tooling.split(separator: "/").first == "kubectl-drift"
    }
}
