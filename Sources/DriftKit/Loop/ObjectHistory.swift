import Foundation

/// What the loop remembers of one desired object between verdicts: its last status, when it
/// may be remediated again after failures, and whether another manager keeps re-taking the
/// fields it puts back.
struct ObjectHistory {
    /// The last verdict's status; nil before the first.
    var status: DriftStatus?
    /// Whether the loop remediated it since it was last in sync.
    var remediated = false
    /// Verify it again at once: it was just remediated, and only the server says whether it is
    /// now as Git says (the watch may not have been running to tell).
    var verifyAgain = false
    /// Failures in a row, for the backoff.
    var failures = 0
    /// Not remediated before this time (backoff after failures).
    var notBefore: Date?
    /// The fields the last remediation put back, with when.
    var lastRemediation: (paths: Set<String>, time: Date)?
    /// Rounds in which the same manager re-took a field the loop had put back.
    var fightRounds: [String: Int] = [:]
    /// Set once the loop gives up remediating the object: the manager and the field.
    var fight: (manager: String, path: String)?

    /// The delay after the `failures`-th failure in a row: `base` doubling, at most `limit`.
    static func backoff(failures: Int, base: Double, limit: Double) -> Double {
        min(limit, base * pow(2, Double(max(0, failures - 1))))
    }

    /// Counts a fight round when `changes` re-take, by another manager than `ours`, a field
    /// the last remediation put back within `window` seconds; returns the manager and field
    /// once `rounds` rounds are reached.
    mutating func recordDrift(
        _ changes: [FieldChange], ours: String, now: Date, window: Double, rounds: Int
    ) -> (manager: String, path: String)? {
        guard let last = lastRemediation, now.timeIntervalSince(last.time) <= window else {
            fightRounds = [:]
            return nil
        }
        for change in changes where last.paths.contains(change.path) {
            guard case let .cluster(writer) = change.cause, writer.manager != ours else { continue }
            let key = writer.manager + " " + change.path
            fightRounds[key, default: 0] += 1
            if fightRounds[key, default: 0] >= rounds {
                fight = (writer.manager, change.path)
                return fight
            }
        }
        return nil
    }
}
