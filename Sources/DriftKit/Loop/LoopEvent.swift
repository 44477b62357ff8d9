import Foundation

/// One thing `kubectl drift watch` says: a line on standard output, or a JSON line with `-o json`.
public enum LoopEvent: Sendable, Equatable {
    /// The object differs from Git (or is missing); `changes` are live → Git.
    case drifted(ObjectIdentity, missing: Bool, changes: [FieldChange])
    /// The object was put back to Git.
    case remediated(ObjectIdentity)
    /// Comparing or remediating the object failed; the loop tries again after `retry` seconds.
    case failed(ObjectIdentity, reason: String, retry: Double?)
    /// The object is as Git says again, without the loop writing it.
    case recovered(ObjectIdentity)
    /// Deleted by `--prune`: Git no longer has it.
    case pruned(ObjectIdentity)
    /// Another field manager sets `path` again after every remediation: the loop stopped
    /// remediating the object; `rule` is the drift.yaml ignore rule that would end the fight.
    case fight(ObjectIdentity, manager: String, path: String, rule: String)
    /// Git moved from one revision to another; `changed` objects are verified again.
    case git(from: String, to: String, changed: Int)
    /// Something the loop cannot check or do, said once; it carries on with the rest.
    case problem(String)

    /// The event's name, first on its line and `event` in JSON.
    public var name: String {
        switch self {
        case .drifted: return "drifted"
        case .remediated: return "remediated"
        case .failed: return "failed"
        case .recovered: return "recovered"
        case .pruned: return "pruned"
        case .fight: return "fight"
        case .git: return "git"
        case .problem: return "problem"
        }
    }

    /// `drifted deployment.apps/web (namespace shop): /spec/replicas 5 → 3 (kubectl scale)`.
    public var line: String {
        switch self {
        case let .drifted(identity, missing, changes):
            if missing { return "drifted \(identity): missing from the cluster" }
            let shown = changes.prefix(3).map { change in
                let writer = change.cause.flatMap { cause -> String? in
                    if case let .cluster(writer) = cause { return " (\(writer.displayName))" }
                    return nil
                } ?? ""
                return "\(change.path) \(change.live.map(TextReporter.brief) ?? "(none)") → \(change.desired.map(TextReporter.brief) ?? "(removed)")\(writer)"
            }
            let more = changes.count > 3 ? ", +\(changes.count - 3) more" : ""
            return "drifted \(identity): " + shown.joined(separator: ", ") + more
        case let .remediated(identity): return "remediated \(identity)"
        case let .failed(identity, reason, retry):
            return "failed \(identity): \(reason)" + (retry.map { String(format: "; retrying in %gs", $0) } ?? "")
        case let .recovered(identity): return "recovered \(identity): as Git says again"
        case let .pruned(identity): return "pruned \(identity): no longer in Git"
        case let .fight(identity, manager, path, rule):
            return "fight \(identity): \(manager) sets \(path) again after every remediation; stopped remediating it. "
                + "To end it, let \(manager) own the field (drift.yaml ignoreDifferences: \(rule)) or take it out of Git"
        case let .git(from, to, changed):
            return "git: \(from) → \(to) (\(changed) object\(changed == 1 ? "" : "s") to verify)"
        case let .problem(message): return "problem: \(message)"
        }
    }

    /// The event as one JSON object: `time`, `event`, the object, and what the event carries.
    public func json(at time: Date) -> JSONValue {
        var entry = JSONObject()
        entry["time"] = .string(Self.timestamp(time))
        entry["event"] = .string(name)
        func object(_ identity: ObjectIdentity) {
            for (key, value) in ReportDocument.reference(identity).orderedMembers { entry[key] = value }
        }
        switch self {
        case let .drifted(identity, missing, changes):
            object(identity)
            entry["missing"] = .bool(missing)
            entry["changes"] = .array(changes.map { .object(ReportDocument.entry(for: $0)) })
        case let .remediated(identity), let .recovered(identity), let .pruned(identity):
            object(identity)
        case let .failed(identity, reason, retry):
            object(identity)
            entry["reason"] = .string(reason)
            if let retry { entry["retryAfterSeconds"] = .double(retry) }
        case let .fight(identity, manager, path, rule):
            object(identity)
            entry["manager"] = .string(manager)
            entry["path"] = .string(path)
            entry["rule"] = .string(rule)
        case let .git(from, to, changed):
            entry["from"] = .string(from)
            entry["to"] = .string(to)
            entry["changed"] = .int(Int64(changed))
        case let .problem(message):
            entry["message"] = .string(message)
        }
        return .object(entry)
    }

    /// RFC 3339 UTC with milliseconds: how soon a change was found is the loop's whole point.
    static func timestamp(_ time: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.string(from: time)
    }
}
