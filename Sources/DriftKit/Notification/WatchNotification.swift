import Foundation

/// What one notification of `kubectl drift watch` says: the loop's transitions since the
/// previous notification, oldest first, and where they happened.
public struct WatchNotification: Sendable, Equatable {
    /// One transition and when the loop said it.
    public struct Entry: Sendable, Equatable {
        public var event: LoopEvent
        public var time: Date

        public init(_ event: LoopEvent, at time: Date) {
            self.event = event
            self.time = time
        }
    }

    /// The transitions, oldest first; at most the batch's limit.
    public var entries: [Entry]
    /// Every transition of the batch by event name, those left out of `entries` too.
    public var counts: [String: Int]
    /// The server URL.
    public var server: String
    /// The kubeconfig cluster entry's name; nil when not known.
    public var cluster: String?
    /// The kubeconfig context; nil when none (in-cluster configuration).
    public var context: String?
    /// The Git revision the loop follows; nil before the first read.
    public var revision: String?
    /// When the first and the last transition of the batch happened.
    public var since: Date
    public var until: Date

    public init(
        entries: [Entry], counts: [String: Int], server: String, cluster: String? = nil, context: String? = nil,
        revision: String? = nil, since: Date, until: Date
    ) {
        self.entries = entries
        self.counts = counts
        self.server = server
        self.cluster = cluster
        self.context = context
        self.revision = revision
        self.since = since
        self.until = until
    }

    /// Event names with their section titles, most urgent first: the order of counts in the
    /// headline and of sections.
    static let kinds: [(name: String, title: String)] = [
        ("fight", "Fights"), ("failed", "Failed"), ("problem", "Problems"), ("drifted", "Drifted"),
        ("remediated", "Remediated"), ("pruned", "Pruned"), ("recovered", "Recovered"), ("git", "Git"),
    ]
    static let urgency = kinds.map(\.name)

    /// Transitions not in `entries`.
    public var omitted: Int { max(0, counts.values.reduce(0, +) - entries.count) }

    /// `kubectl-drift watch on prod-eu: 1 failed, 2 drifted, 2 remediated`.
    var headline: String {
        let parts = Self.urgency.compactMap { name in counts[name].map { "\($0) \(name)" } }
        return "kubectl-drift watch on \(cluster ?? server): " + parts.joined(separator: ", ")
    }

    /// What `entry` is about, as a section lists it: the object (empty for events of no
    /// object) and what happened, without any field value.
    static func describe(_ event: LoopEvent) -> (name: String, detail: String) {
        switch event {
        case let .drifted(identity, missing, changes):
            if missing { return (identity.description, "missing from the cluster") }
            let paths = changes.map(\.path)
            let more = paths.count > 5 ? " +\(paths.count - 5) more" : ""
            return (identity.description, paths.prefix(5).joined(separator: ", ") + more)
        case let .remediated(identity): return (identity.description, "put back as Git says")
        case let .failed(identity, reason, _): return (identity.description, NotificationContent.shorten(reason))
        case let .recovered(identity): return (identity.description, "as Git says again")
        case let .pruned(identity): return (identity.description, "no longer in Git")
        case let .fight(identity, manager, path, rule):
            return (identity.description, "\(manager) sets \(path) again after every remediation; "
                + "no longer remediated. Ignore rule: \(rule)")
        case let .git(from, to, changed):
            return ("", "\(from.isEmpty ? "(none)" : from) → \(to), \(changed) object\(changed == 1 ? "" : "s") changed")
        case let .problem(message): return ("", NotificationContent.shorten(message))
        }
    }
}
