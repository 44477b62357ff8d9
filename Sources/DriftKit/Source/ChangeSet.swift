/// The objects added, modified and removed between two revisions.
///
/// Compared object by object, not file by file: an object that moved to another file, a
/// renamed file, or an edit of whitespace, comments or key order is no change. Built with
/// ``ChangeSet/between(_:_:paths:recursive:namespace:duplicateKeys:)``; this is what the Git hooks show.
public struct ChangeSet: Sendable {
    /// The older revision as it was named (`main`, `HEAD~1`, a commit id).
    public let from: String
    /// The older revision's full commit id.
    public let fromID: String
    /// The newer revision as it was named.
    public let to: String
    /// The newer revision's full commit id.
    public let toID: String
    /// One entry per changed object, ordered by namespace, group, kind and name.
    public let changes: [Change]
    /// What the newer revision's files hold that was read as kubectl reads it but deserves a word.
    public var warnings: [YAMLWarning] = []

    public init(from: String, fromID: String, to: String, toID: String, changes: [Change]) {
        self.from = from
        self.fromID = fromID
        self.to = to
        self.toID = toID
        self.changes = changes.sorted { $0.identity < $1.identity }
    }

    /// True when no object changed.
    public var isEmpty: Bool { changes.isEmpty }
}
