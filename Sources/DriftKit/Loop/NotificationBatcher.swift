import Foundation

/// Which of the loop's events are notified, and when: transitions only, gathered into
/// batches, at most one batch per interval. Pure: the caller says what time it is.
///
/// An object is notified when its state changes (drifted, missing, remediated, failed,
/// recovered, pruned, in a fight): one that stays drifted, or whose remediation keeps failing,
/// is notified once. Problems are notified as the loop says them (once each); a new Git
/// revision only with `NotificationPolicy.always`.
struct NotificationBatcher {
    /// At most one batch per this many seconds.
    var interval: Double
    var policy: NotificationPolicy
    /// Transitions listed per batch; the rest are counted.
    var maxEntries: Int

    private var entries: [WatchNotification.Entry] = []
    private var counts: [String: Int] = [:]
    private var first: Date?
    private var last: Date?
    private var lastSent: Date?
    /// The state each object was last notified in.
    private var notified: [ObjectIdentity: String] = [:]

    init(interval: Double, policy: NotificationPolicy, maxEntries: Int = 20) {
        self.interval = interval
        self.policy = policy
        self.maxEntries = max(1, maxEntries)
    }

    /// Events after the first of a batch wait this long to join it, so that a drift and its
    /// remediation arrive in one message; never longer than the interval.
    var gathering: Double { min(5, interval) }

    /// Takes in one event said at `time`; false when it is not notified.
    @discardableResult
    mutating func add(_ event: LoopEvent, at time: Date) -> Bool {
        switch event {
        case .git:
            guard policy == .always else { return false }
        case .problem:
            break
        default:
            guard let (identity, state) = Self.state(event) else { return false }
            guard notified[identity] != state else { return false }
            // Bounded for a loop that runs for days: objects come and go with Git.
            if notified.count > 100_000 { notified = [:] }
            notified[identity] = state
        }
        counts[event.name, default: 0] += 1
        if entries.count < maxEntries { entries.append(WatchNotification.Entry(event, at: time)) }
        if first == nil { first = time }
        last = time
        return true
    }

    /// When the pending batch is to be sent; nil when nothing is pending.
    var due: Date? {
        guard let first else { return nil }
        let gathered = first.addingTimeInterval(gathering)
        guard let lastSent else { return gathered }
        return max(gathered, lastSent.addingTimeInterval(interval))
    }

    /// The pending batch when it is due at `now`, or whatever is pending with `force` (the
    /// loop is stopping); the batch is then sent, as far as the rate limit knows.
    mutating func take(at now: Date, force: Bool = false, server: String, cluster: String?, context: String?, revision: String?)
        -> WatchNotification?
    {
        guard let due, let first, let last, force || due <= now else { return nil }
        let notification = WatchNotification(
            entries: entries, counts: counts, server: server, cluster: cluster, context: context, revision: revision,
            since: first, until: last)
        entries = []
        counts = [:]
        self.first = nil
        self.last = nil
        lastSent = now
        return notification
    }

    /// The object an event is about and the state it leaves it in.
    static func state(_ event: LoopEvent) -> (ObjectIdentity, String)? {
        switch event {
        case let .drifted(identity, missing, _): return (identity, missing ? "missing" : "drifted")
        case let .remediated(identity): return (identity, "remediated")
        case let .failed(identity, _, _): return (identity, "failed")
        case let .recovered(identity): return (identity, "in sync")
        case let .pruned(identity): return (identity, "pruned")
        case let .fight(identity, _, _, _): return (identity, "fight")
        case .git, .problem: return nil
        }
    }
}
