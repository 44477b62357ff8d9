import Foundation

/// How far a live object is from the state its spec asks for.
public enum WorkloadHealth: Sendable, Equatable, CustomStringConvertible {
    /// Rolled out, complete or ready; or nothing to wait for (kstatus "Current").
    case healthy
    /// On its way; the message says what is still awaited, the way `kubectl rollout status` does.
    case progressing(String)
    /// Will not get there without a change: a progress deadline exceeded, a failed Job, `Ready=False`.
    case failed(String)
    /// The object could not be read (gone, forbidden, unreachable server); the message says why.
    case unknown(String)
    /// `--wait` ran out after that many seconds with the object as last seen (progressing or unknown).
    indirect case timedOut(after: Double, last: WorkloadHealth)

    public var isHealthy: Bool { self == .healthy }

    /// Whether polling again can change nothing: healthy, failed, or out of time.
    public var isSettled: Bool {
        switch self {
        case .healthy, .failed, .timedOut: return true
        case .progressing, .unknown: return false
        }
    }

    public var message: String? {
        switch self {
        case .healthy: return nil
        case let .progressing(message), let .failed(message), let .unknown(message): return message
        case let .timedOut(_, last): return last.message
        }
    }

    /// `progressing: Waiting for ...`; `timed out after 5s: progressing: Waiting for ...`.
    public var description: String {
        switch self {
        case .healthy: return "healthy"
        case let .progressing(message): return "progressing: \(message)"
        case let .failed(message): return "failed: \(message)"
        case let .unknown(message): return "unknown: \(message)"
        case let .timedOut(seconds, last): return "timed out after \(Self.duration(seconds)): \(last)"
        }
    }

    /// `5s`, `1.5s`, `5m`, `1h30m`: the way `--timeout` is written.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        guard Double(whole) == seconds, whole >= 60 else { return String(format: "%gs", seconds) }
        let parts = [(whole / 3600, "h"), (whole % 3600 / 60, "m"), (whole % 60, "s")]
        return parts.filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined()
    }
}

/// Health of a live object from its `status`, following `kubectl rollout status`
/// (Deployments, StatefulSets, DaemonSets) and kstatus (Jobs, `Ready`, `Stalled` and
/// `Reconciling` conditions, observedGeneration). Pure: reads only the object given.
public enum HealthCheck {
    public static func evaluate(_ object: JSONValue) -> WorkloadHealth {
        let group = object["apiVersion"]?.stringValue.map(apiGroup) ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        let live = LiveObject(object)
        switch (group, kind) {
        case ("apps", "Deployment"), ("extensions", "Deployment"): return deployment(live)
        case ("apps", "StatefulSet"): return statefulSet(live)
        case ("apps", "DaemonSet"), ("extensions", "DaemonSet"): return daemonSet(live)
        case ("batch", "Job"): return job(live)
        default: return generic(live)
        }
    }

    /// `apps/v1` → `apps`, `v1` → the core group `""`.
    static func apiGroup(_ apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    // MARK: kinds

    static func deployment(_ object: LiveObject) -> WorkloadHealth {
        let name = object.name
        guard object.generationObserved(required: true) else {
            return .progressing("Waiting for deployment \(quoted(name)) spec update to be observed...")
        }
        if let progressing = object.condition("Progressing"), progressing.reason == "ProgressDeadlineExceeded" {
            let detail = progressing.message.map { ": \($0)" } ?? ""
            return .failed("deployment \(quoted(name)) exceeded its progress deadline\(detail)")
        }
        let specReplicas = object.int(["spec", "replicas"]) ?? 1
        let replicas = object.int(["status", "replicas"]) ?? 0
        let updated = object.int(["status", "updatedReplicas"]) ?? 0
        let available = object.int(["status", "availableReplicas"]) ?? 0
        let unavailable = object.int(["status", "unavailableReplicas"]) ?? 0
        let waiting = "Waiting for deployment \(quoted(name)) rollout to finish: "
        if updated < specReplicas {
            return .progressing(waiting + "\(updated) out of \(specReplicas) new replicas have been updated...")
        }
        if replicas > updated {
            return .progressing(waiting + "\(replicas - updated) old replicas are pending termination...")
        }
        if available < updated {
            return .progressing(waiting + "\(available) of \(updated) updated replicas are available...")
        }
        if unavailable > 0 {
            return .progressing(waiting + "\(unavailable) replicas are unavailable...")
        }
        return .healthy
    }

    static func statefulSet(_ object: LiveObject) -> WorkloadHealth {
        let name = object.name
        guard object.generationObserved(required: true) else {
            return .progressing("Waiting for statefulset \(quoted(name)) spec update to be observed...")
        }
        let specReplicas = object.int(["spec", "replicas"]) ?? 1
        let ready = object.int(["status", "readyReplicas"]) ?? 0
        if ready < specReplicas {
            return .progressing("Waiting for statefulset \(quoted(name)): \(specReplicas - ready) pods to be ready...")
        }
        // OnDelete: pods are replaced by hand, there is no rollout to wait for.
        guard (object.string(["spec", "updateStrategy", "type"]) ?? "RollingUpdate") == "RollingUpdate" else {
            return .healthy
        }
        let updated = object.int(["status", "updatedReplicas"]) ?? 0
        let partition = object.int(["spec", "updateStrategy", "rollingUpdate", "partition"]) ?? 0
        if partition > 0 {
            // Only the pods at or above the partition ordinal are updated; the others stay on the old revision.
            let expected = max(0, specReplicas - partition)
            if updated < expected {
                return .progressing("Waiting for statefulset \(quoted(name)) partitioned roll out to finish: "
                    + "\(updated) out of \(expected) new pods have been updated...")
            }
            return .healthy
        }
        let updateRevision = object.string(["status", "updateRevision"]) ?? ""
        let currentRevision = object.string(["status", "currentRevision"]) ?? ""
        if updateRevision != currentRevision {
            return .progressing("Waiting for statefulset \(quoted(name)) rolling update to complete: "
                + "\(updated) of \(specReplicas) pods at revision \(updateRevision)...")
        }
        return .healthy
    }

    static func daemonSet(_ object: LiveObject) -> WorkloadHealth {
        let name = object.name
        guard object.generationObserved(required: true) else {
            return .progressing("Waiting for daemon set \(quoted(name)) spec update to be observed...")
        }
        guard let desired = object.int(["status", "desiredNumberScheduled"]) else {
            return .progressing("Waiting for daemon set \(quoted(name)) to be scheduled...")
        }
        let updated = object.int(["status", "updatedNumberScheduled"]) ?? 0
        let available = object.int(["status", "numberAvailable"]) ?? 0
        let waiting = "Waiting for daemon set \(quoted(name)) rollout to finish: "
        let rolling = (object.string(["spec", "updateStrategy", "type"]) ?? "RollingUpdate") == "RollingUpdate"
        if rolling && updated < desired {
            return .progressing(waiting + "\(updated) out of \(desired) new pods have been updated...")
        }
        if available < desired {
            return .progressing(waiting + "\(available) of \(desired) updated pods are available...")
        }
        return .healthy
    }

    static func job(_ object: LiveObject) -> WorkloadHealth {
        let name = object.name
        if let failed = object.condition("Failed"), failed.status == "True" {
            let reason = failed.message ?? failed.reason ?? "failed"
            return .failed("job \(quoted(name)) failed: \(reason)")
        }
        if let complete = object.condition("Complete"), complete.status == "True" {
            return .healthy
        }
        if object.bool(["spec", "suspend"]) == true {
            return .progressing("Waiting for job \(quoted(name)) to complete: the job is suspended")
        }
        let succeeded = object.int(["status", "succeeded"]) ?? 0
        let active = object.int(["status", "active"]) ?? 0
        let completions = object.int(["spec", "completions"]).map { " of \($0)" } ?? ""
        return .progressing("Waiting for job \(quoted(name)) to complete: \(succeeded)\(completions) succeeded, \(active) active...")
    }

    /// Any other object: kstatus's generic rules, then a `Ready` condition; no status at all is healthy.
    static func generic(_ object: LiveObject) -> WorkloadHealth {
        let name = "\(object.kind.lowercased()) \(quoted(object.name))"
        guard object.generationObserved(required: false) else {
            return .progressing("Waiting for \(name) spec update to be observed...")
        }
        if let stalled = object.condition("Stalled"), stalled.status == "True" {
            return .failed("\(name) is stalled: \(stalled.message ?? stalled.reason ?? "no reason given")")
        }
        if let reconciling = object.condition("Reconciling"), reconciling.status == "True" {
            return .progressing("Waiting for \(name) to reconcile: \(reconciling.message ?? reconciling.reason ?? "in progress")")
        }
        guard let ready = object.condition("Ready") else { return .healthy }
        let detail = ready.message ?? ready.reason
        switch ready.status {
        case "True": return .healthy
        case "False": return .failed("\(name) is not ready: \(detail ?? "Ready is False")")
        default: return .progressing("Waiting for \(name) to be ready\(detail.map { ": \($0)" } ?? "...")")
        }
    }

    static func quoted(_ name: String) -> String { "\"\(name)\"" }
}

/// Typed reads of a live object's fields, tolerant of missing or mistyped ones.
struct LiveObject {
    struct Condition {
        var status: String
        var reason: String?
        var message: String?
    }

    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    var name: String { string(["metadata", "name"]) ?? "" }
    var kind: String { value["kind"]?.stringValue ?? "object" }

    func int(_ path: [String]) -> Int64? { value[path]?.intValue }
    func string(_ path: [String]) -> String? { value[path]?.stringValue }
    func bool(_ path: [String]) -> Bool? { value[path]?.boolValue }

    /// Whether the controller has seen the current spec. When `required`, a missing
    /// observedGeneration means it has not (the controller always sets it); otherwise a
    /// missing one means the kind does not report it.
    func generationObserved(required: Bool) -> Bool {
        guard let observed = int(["status", "observedGeneration"]) else { return !required }
        guard let generation = int(["metadata", "generation"]) else { return true }
        return observed >= generation
    }

    /// The condition of `type` in `status.conditions`, when present.
    func condition(_ type: String) -> Condition? {
        guard let conditions = value[["status", "conditions"]]?.arrayValue else { return nil }
        for condition in conditions where condition["type"]?.stringValue == type {
            return Condition(
                status: condition["status"]?.stringValue ?? "Unknown",
                reason: condition["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                message: condition["message"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
        }
        return nil
    }
}
