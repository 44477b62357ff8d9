/// What merged or pushed commits will do to one object of the live cluster.
public struct ObjectImpact: Sendable {
    /// The reconcile's effect on the object.
    public enum Effect: Sendable, Equatable {
        /// Its fields change: `changes`, live value → new value.
        case update
        /// It is not in the cluster yet.
        case create
        /// Git no longer has it and the reconcile deletes it (its owner prunes).
        case delete
        /// The cluster already holds it as the new commit says.
        case unchanged
        /// Git no longer has it but it stays in the cluster; the reason says why.
        case keep(String)
        /// Git no longer has it and the cluster does not either.
        case gone
        /// The server would refuse it: the reason, in the server's words.
        case fail(String)

        /// Every effect's name, in the order reports count them.
        public static let names = ["update", "create", "delete", "keep", "unchanged", "gone", "fail"]

        /// `update`, `create`, `delete`, `unchanged`, `keep`, `gone` or `fail`.
        public var name: String {
            switch self {
            case .update: return "update"
            case .create: return "create"
            case .delete: return "delete"
            case .unchanged: return "unchanged"
            case .keep: return "keep"
            case .gone: return "gone"
            case .fail: return "fail"
            }
        }
    }

    /// The object as the commits changed it.
    public var change: ChangeSet.Change
    public var effect: Effect
    /// With `update`: every field the reconcile changes, live value → new value.
    public var changes: [FieldChange]
    /// Fields that differ live from the previous commit: changes made in the cluster since it
    /// was deployed, each with who made it, which the reconcile also overwrites.
    public var clusterDrift: [FieldChange]

    /// The object in the cluster: its namespace is the one it is applied to, where the
    /// manifest names none.
    public var identity: ObjectIdentity

    public init(
        change: ChangeSet.Change, identity: ObjectIdentity? = nil, effect: Effect, changes: [FieldChange] = [],
        clusterDrift: [FieldChange] = []
    ) {
        self.change = change
        self.identity = identity ?? change.identity
        self.effect = effect
        self.changes = changes
        self.clusterDrift = clusterDrift
    }

    /// Whether the server would refuse the object.
    public var fails: Bool { if case .fail = effect { return true } else { return false } }
}

/// What merged or pushed commits will do to the live cluster, object by object.
public struct ImpactReport: Sendable {
    /// The commits compared.
    public var changeSet: ChangeSet
    public var impacts: [ObjectImpact]
    /// The API server's address.
    public var server: String

    public init(changeSet: ChangeSet, impacts: [ObjectImpact], server: String) {
        self.changeSet = changeSet
        self.impacts = impacts
        self.server = server
    }

    /// The objects the server would refuse.
    public var failures: [ObjectImpact] { impacts.filter(\.fails) }

    /// How many impacts have the effect named `name`.
    public func count(_ name: String) -> Int { impacts.filter { $0.effect.name == name }.count }
}
