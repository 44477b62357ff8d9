import Foundation
import Synchronization

/// What `kubectl drift watch` counts, in Prometheus' text format for `--metrics-address`.
public final class LoopMetrics: Sendable {
    private struct State {
        var statuses: [ObjectIdentity: DriftStatus] = [:]
        var driftDetected = 0
        var remediations = 0
        var remediationFailures = 0
        var pruned = 0
        var revision = ""
        var lastSync: Date?
    }

    private let state = Mutex(State())

    public init() {}

    /// The Git revision of the last read of Git; empty before the first.
    public var revision: String { state.withLock(\.revision) }

    func record(_ identity: ObjectIdentity, status: DriftStatus) {
        state.withLock { $0.statuses[identity] = status }
    }

    func count(_ event: LoopEvent) {
        state.withLock { state in
            switch event {
            case .drifted: state.driftDetected += 1
            case .remediated: state.remediations += 1
            case .failed: state.remediationFailures += 1
            case .pruned: state.pruned += 1
            case .recovered, .fight, .git, .problem: break
            }
        }
    }

    func synced(revision: String, objects: Set<ObjectIdentity>, at time: Date) {
        state.withLock { state in
            state.revision = revision
            state.lastSync = time
            state.statuses = state.statuses.filter { objects.contains($0.key) }
        }
    }

    /// The metrics as Prometheus text; `watchRestarts` comes from the cluster watch.
    public func text(watchRestarts: Int) -> String {
        state.withLock { state in
            var lines: [String] = []
            func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
                lines.append("# HELP \(name) \(help)")
                lines.append("# TYPE \(name) \(type)")
                for (labels, value) in samples { lines.append("\(name)\(labels) \(value)") }
            }
            let byStatus = DriftStatus.allCases.map { status in
                ("{status=\"\(status.rawValue)\"}", String(state.statuses.values.filter { $0 == status }.count))
            }
            metric("kubectl_drift_objects", "gauge", "Desired objects by their last verdict.", byStatus)
            metric("kubectl_drift_drift_detected_total", "counter", "Times an object was found drifted or missing.", [("", String(state.driftDetected))])
            metric("kubectl_drift_remediations_total", "counter", "Objects put back to Git.", [("", String(state.remediations))])
            metric("kubectl_drift_failures_total", "counter", "Failed comparisons and remediations.", [("", String(state.remediationFailures))])
            metric("kubectl_drift_pruned_total", "counter", "Objects pruned.", [("", String(state.pruned))])
            let revision = state.revision.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            metric("kubectl_drift_git_revision_info", "gauge", "The Git revision being reconciled.", [("{revision=\"\(revision)\"}", "1")])
            metric("kubectl_drift_last_sync_timestamp_seconds", "gauge", "When Git was last read and everything verified.",
                [("", state.lastSync.map { String(format: "%.3f", $0.timeIntervalSince1970) } ?? "0")])
            metric("kubectl_drift_watch_restarts_total", "counter", "Watches started again (dropped connections, 410 Gone).", [("", String(watchRestarts))])
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
