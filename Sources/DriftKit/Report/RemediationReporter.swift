/// How a remediation run is shown: a line per object with what was done, the reasons for
/// failures and skips, and a summary; and a document for `-o json|yaml`.
public struct RemediationReporter: Sendable {
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    public func write<Target: TextOutputStream>(_ report: RemediationReport, to output: inout Target) {
        let rows = [["RESULT", "NAMESPACE", "OBJECT", "SOURCE"]] + report.results.map { result in
            [result.outcome.label, result.drift.identity.namespace ?? "", result.drift.identity.kubectlName,
             result.drift.source.description]
        }
        for cells in TextTable.pad(rows) { output.write(cells.joined() + "\n") }
        for result in report.results {
            guard let reason = result.outcome.reason else { continue }
            output.write("\(result.outcome.label): \(result.drift.identity) from \(result.drift.source): \(reason)\n")
        }
        for result in report.results {
            guard let health = result.health, !health.isHealthy else { continue }
            output.write("unhealthy: \(result.drift.identity) after it was applied: \(health)\n")
        }
        for identity in report.wouldPrune {
            output.write("would-prune: \(identity), no longer in Git" + TextReporter.cascade(report.pruneContents[identity]) + "\n")
        }
        for pruned in report.pruned {
            switch pruned.outcome {
            case .deleted:
                output.write("pruned: \(pruned.identity), no longer in Git" + TextReporter.cascade(report.pruneContents[pruned.identity]) + "\n")
            case let .failed(reason): output.write("prune-failed: \(pruned.identity): \(reason)\n")
            }
        }
        for hold in report.pruneHeld { output.write("kept: \(hold.identity) is no longer in Git but is not pruned: \(hold.reason)\n") }
        for problem in report.pruneProblems { output.write("prune-incomplete: \(problem)\n") }
        output.write("\n" + summary(report) + "\n")
    }

    /// `3 objects: 1 applied, 1 unchanged, 1 failed, 0 skipped`.
    public func summary(_ report: RemediationReport) -> String {
        let total = report.results.count
        let dryRun = report.count("would-apply") + report.count("would-recreate") > 0
        let applied = report.count("applied") + report.count("would-apply")
        let recreated = report.count("recreated") + report.count("would-recreate")
        return "\(total) object\(total == 1 ? "" : "s"): \(applied) \(dryRun ? "would be applied" : "applied"), "
            + (recreated > 0 ? "\(recreated) \(dryRun ? "would be recreated" : "recreated"), " : "")
            + "\(report.count("unchanged")) unchanged, \(report.count("failed")) failed, \(report.count("skipped")) skipped"
    }

    public static func document(_ report: RemediationReport) -> JSONValue {
        var summary = JSONObject()
        for label in ["applied", "would-apply", "recreated", "would-recreate", "unchanged", "failed", "skipped"] {
            summary[label] = .int(Int64(report.count(label)))
        }
        var document = JSONObject()
        document["apiVersion"] = .string(ReportDocument.apiVersion)
        document["kind"] = "RemediationReport"
        document["server"] = .string(report.server)
        document["summary"] = .object(summary)
        if !report.wouldPrune.isEmpty { document["wouldPrune"] = .array(report.wouldPrune.map(ReportDocument.reference)) }
        if !report.pruned.isEmpty {
            document["pruned"] = .array(report.pruned.map { pruned in
                guard case var .object(entry) = ReportDocument.reference(pruned.identity) else { return .null }
                if case let .failed(reason) = pruned.outcome { entry["error"] = .string(reason) }
                return .object(entry)
            })
        }
        if !report.pruneProblems.isEmpty { document["pruneProblems"] = .array(report.pruneProblems.map { .string($0) }) }
        if !report.pruneHeld.isEmpty { document["pruneKept"] = .array(report.pruneHeld.map(ReportDocument.held)) }
        document["objects"] = .array(report.results.map { result in
            guard case var .object(entry) = ReportDocument.object(result.drift) else { return .null }
            entry["result"] = .string(result.outcome.label)
            if let reason = result.outcome.reason { entry["reason"] = .string(reason) }
            if let health = result.health {
                entry["health"] = .string(health.isHealthy ? "healthy" : health.description)
            }
            return .object(entry)
        })
        return .object(document)
    }
}
