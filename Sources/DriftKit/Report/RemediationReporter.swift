/// How a remediation run is shown: a line per object with what was done, the reasons for
/// failures and skips, what `--prune` did, and a summary; and a document for `-o json|yaml`
/// (schema: docs/report-schema.md).
public struct RemediationReporter: Sendable {
    /// ANSI colours, for a terminal that wants them (the caller applies `NO_COLOR`).
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    public func write<Target: TextOutputStream>(_ report: RemediationReport, to output: inout Target) {
        let style = TerminalStyle(enabled: color)
        let rows = [["RESULT", "NAMESPACE", "OBJECT", "SOURCE"]] + report.results.map { result in
            [result.outcome.label, result.drift.identity.namespace ?? "", result.drift.identity.kubectlName,
             result.drift.source.description]
        }
        for (index, cells) in TextTable.pad(rows).enumerated() {
            let label = index == 0 ? cells[0] : style.paint(cells[0], Self.color(of: report.results[index - 1].outcome))
            output.write(label + cells.dropFirst().joined() + "\n")
        }
        for result in report.results {
            guard let reason = result.outcome.reason else { continue }
            output.write(style.paint(result.outcome.label, Self.color(of: result.outcome))
                + ": \(result.drift.identity) from \(result.drift.source): \(reason)\n")
        }
        for result in report.results {
            guard let health = result.health, !health.isHealthy else { continue }
            output.write(style.paint("unhealthy", .red) + ": \(result.drift.identity) after it was applied: \(health)\n")
        }
        for entry in Self.pruneEntries(report) {
            let detail = entry.reason.map { ": \($0)" } ?? ", no longer in Git"
            output.write(style.paint(entry.result.rawValue, entry.result.color) + ": \(entry.identity)\(detail)"
                + TextReporter.cascade(entry.contents) + "\n")
        }
        for problem in report.pruneProblems { output.write(style.paint("prune-incomplete", .red) + ": \(problem)\n") }
        output.write("\n" + summary(report) + "\n")
    }

    /// `3 objects: 1 applied, 1 unchanged, 1 failed, 0 skipped`, then what `--prune` did when it
    /// found anything: `; 2 pruned, 1 failed to prune`.
    public func summary(_ report: RemediationReport) -> String {
        let total = report.results.count
        let dryRun = report.count("would-apply") + report.count("would-recreate") > 0
        let applied = report.count("applied") + report.count("would-apply")
        let recreated = report.count("recreated") + report.count("would-recreate")
        let prune = Self.pruneEntries(report)
        let pruning = [
            (PruneResultLabel.pruned, "pruned"), (.wouldPrune, "would be pruned"), (.failed, "failed to prune"),
            (.declined, "not pruned (not confirmed)"), (.kept, "kept"),
        ].compactMap { result, words in
            let count = prune.count { $0.result == result }
            return count > 0 ? "\(count) \(words)" : nil
        }
        return "\(total) object\(total == 1 ? "" : "s"): \(applied) \(dryRun ? "would be applied" : "applied"), "
            + (recreated > 0 ? "\(recreated) \(dryRun ? "would be recreated" : "recreated"), " : "")
            + "\(report.count("unchanged")) unchanged, \(report.count("failed")) failed, \(report.count("skipped")) skipped"
            + (pruning.isEmpty ? "" : "; " + pruning.joined(separator: ", "))
    }

    public static func document(_ report: RemediationReport) -> JSONValue {
        var summary = JSONObject()
        summary["total"] = .int(Int64(report.results.count))
        for (key, label) in [
            ("applied", "applied"), ("wouldApply", "would-apply"), ("recreated", "recreated"),
            ("wouldRecreate", "would-recreate"), ("unchanged", "unchanged"), ("failed", "failed"), ("skipped", "skipped"),
        ] {
            summary[key] = .int(Int64(report.count(label)))
        }
        let prune = pruneEntries(report)
        for (key, result) in [
            ("pruned", PruneResultLabel.pruned), ("wouldPrune", .wouldPrune), ("pruneFailed", .failed),
            ("pruneDeclined", .declined), ("pruneKept", .kept),
        ] {
            summary[key] = .int(Int64(prune.count { $0.result == result }))
        }
        var document = JSONObject()
        document["apiVersion"] = .string(ReportDocument.apiVersion)
        document["kind"] = "RemediationReport"
        document["server"] = .string(report.server)
        document["summary"] = .object(summary)
        document["objects"] = .array(report.results.map { result in
            var entry = ReportDocument.object(result.drift)
            entry["result"] = .string(result.outcome.label)
            if let reason = result.outcome.reason { entry["reason"] = .string(reason) }
            if let health = result.health {
                entry["health"] = .string(health.isHealthy ? "healthy" : health.description)
            }
            return .object(entry)
        })
        if !prune.isEmpty {
            document["prune"] = .array(prune.map { item in
                var entry = ReportDocument.reference(item.identity)
                entry["result"] = .string(item.result.rawValue)
                if let reason = item.reason { entry["reason"] = .string(reason) }
                if !item.contents.isEmpty { entry["contains"] = .array(item.contents.map { .object(ReportDocument.reference($0)) }) }
                return .object(entry)
            })
        }
        if !report.pruneProblems.isEmpty { document["pruneProblems"] = .array(report.pruneProblems.map { .string($0) }) }
        if !report.notChecked.isEmpty { document["notChecked"] = ReportDocument.notChecked(report.notChecked) }
        return .object(document)
    }

    /// What became of one object Git no longer has; the raw values are the text and JSON labels.
    enum PruneResultLabel: String {
        case pruned, wouldPrune = "would-prune", failed = "prune-failed", declined = "prune-declined", kept

        var color: TerminalStyle.Color {
            switch self {
            case .pruned: return .green
            case .wouldPrune: return .cyan
            case .failed: return .red
            case .declined, .kept: return .yellow
            }
        }
    }

    struct PruneEntry {
        var identity: ObjectIdentity
        var result: PruneResultLabel
        var reason: String?
        /// For a Namespace: what its deletion takes with it.
        var contents: [ObjectIdentity] = []
    }

    /// Every object Git no longer has with its result, in the order the run met them.
    static func pruneEntries(_ report: RemediationReport) -> [PruneEntry] {
        let contents = { (identity: ObjectIdentity) in report.pruneContents[identity] ?? [] }
        return report.wouldPrune.map { PruneEntry(identity: $0, result: .wouldPrune, contents: contents($0)) }
            + report.pruned.map { pruned in
                switch pruned.outcome {
                case .deleted: return PruneEntry(identity: pruned.identity, result: .pruned, contents: contents(pruned.identity))
                case let .failed(reason): return PruneEntry(identity: pruned.identity, result: .failed, reason: reason)
                }
            }
            + report.pruneDeclined.map { PruneEntry(identity: $0, result: .declined, reason: "deleting it was not confirmed") }
            + report.pruneHeld.map { PruneEntry(identity: $0.identity, result: .kept, reason: TextReporter.keptReason($0)) }
    }

    private static func color(of outcome: RemediationOutcome) -> TerminalStyle.Color {
        switch outcome {
        case .applied, .recreated, .unchanged: return .green
        case .wouldApply, .wouldRecreate: return .cyan
        case .skipped, .suspended: return .yellow
        case .failed, .blocked: return .red
        }
    }
}
