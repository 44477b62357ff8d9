extension NotificationSummary {
    /// What a remediation run did, for the notification.
    public init(_ report: RemediationReport) {
        var summary = NotificationSummary()
        for result in report.results {
            let identity = result.drift.identity
            switch result.outcome {
            case .applied, .recreated, .wouldApply, .wouldRecreate: summary.applied.append(identity)
            case let .failed(reason), let .blocked(reason): summary.failed.append(Problem(identity, reason))
            case let .skipped(reason), let .suspended(reason): summary.skipped.append(Problem(identity, reason))
            case .unchanged: break
            }
        }
        for pruned in report.pruned {
            switch pruned.outcome {
            case .deleted: summary.pruned.append(pruned.identity)
            case let .failed(reason): summary.failed.append(Problem(pruned.identity, "prune failed: \(reason)"))
            }
        }
        summary.skipped += report.pruneDeclined.map { Problem($0, "pruning it was not confirmed") }
        self = summary
    }
}

extension RemediationReport {
    /// The drift found before remediating, with the objects `--prune` found that Git no longer has.
    public var driftReport: DriftReport {
        var report = DriftReport(objects: results.map(\.drift), server: server)
        report.prunable = pruneCandidates
        return report
    }
}
