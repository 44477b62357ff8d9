import Foundation

/// The human-readable report: a table of verdicts (one per section, such as a Flux
/// Kustomization, with that section's diffs), the reasons for errors, a unified YAML diff per
/// drifted or missing object as `kubectl diff` prints it, and a summary line.
public struct TextReporter: Sendable {
    /// ANSI colours, for a terminal that wants them (the caller applies `NO_COLOR`).
    public var color: Bool
    /// The time that "12m ago" is counted from.
    public var now: Date

    public init(color: Bool, now: Date = Date()) {
        self.color = color
        self.now = now
    }

    public func write<Target: TextOutputStream>(_ report: DriftReport, to output: inout Target) {
        if report.groups.isEmpty {
            writeTable(report.objects, to: &output)
        }
        // An object to recreate has no dry-run result to show; its line below says why.
        let diffed = { (drift: ObjectDrift) in (drift.status == .drifted && !drift.needsRecreate) || drift.status == .missing }
        var grouped = Set<Int>()
        for group in report.groups {
            output.write(paint(group.title, .bold) + "\n")
            let members = report.objects.indices.filter { group.sources.contains(report.objects[$0].source.file) }
            if !members.isEmpty { writeTable(members.map { report.objects[$0] }, to: &output) }
            for note in group.notes { output.write("  \(note)\n") }
            // Each section's diffs inside it, so that a layer reads as one.
            for index in members where diffed(report.objects[index]) {
                output.write("\n")
                writeDiff(report.objects[index], to: &output)
            }
            grouped.formUnion(members)
            output.write("\n")
        }
        for drift in report.objects where drift.status == .error {
            output.write(paint("error: ", .red) + "\(drift.identity) from \(drift.source): \(drift.error ?? "unknown error")\n")
        }
        for drift in report.objects {
            guard let reason = drift.skipReason else { continue }
            output.write(paint("skipped: ", statusColor(.skipped)) + "\(drift.identity) from \(drift.source): \(reason)\n")
        }
        for drift in report.objects {
            guard let reason = drift.recreateReason else { continue }
            output.write(paint("recreate: ", .yellow) + "\(drift.identity) from \(drift.source): Git changes a field that "
                + "cannot change in place; kubectl drift apply --force-recreate deletes and recreates it: \(reason)\n")
        }
        for identity in report.prunable {
            output.write(paint("prune", .red) + ": \(identity) is no longer in Git; kubectl drift apply --prune deletes it"
                + Self.cascade(report.pruneContents[identity]) + "\n")
        }
        for hold in report.pruneHeld {
            output.write(paint("kept", .yellow) + ": \(hold.identity): \(Self.keptReason(hold))\n")
        }
        for index in report.objects.indices where !grouped.contains(index) && diffed(report.objects[index]) {
            output.write("\n")
            writeDiff(report.objects[index], to: &output)
        }
        output.write("\n" + summary(report) + "\n")
    }

    /// `3 objects: 1 drifted, 1 missing, 1 in sync, 0 errors`, and `, 2 skipped` when any was.
    public func summary(_ report: DriftReport) -> String {
        let total = report.objects.count
        let ignored = report.objects.reduce(0) { $0 + $1.ignoredChanges.count }
        return "\(total) object\(total == 1 ? "" : "s"): \(report.count(.drifted)) drifted, "
            + "\(report.count(.missing)) missing, \(report.count(.inSync)) in sync, "
            + "\(report.count(.error)) error\(report.count(.error) == 1 ? "" : "s")"
            + (report.count(.skipped) > 0 ? ", \(report.count(.skipped)) skipped" : "")
            + (ignored > 0 ? " (\(ignored) ignored change\(ignored == 1 ? "" : "s"))" : "")
            + (report.prunable.isEmpty ? "" : "; \(report.prunable.count) to prune")
    }

    private func writeTable<Target: TextOutputStream>(_ objects: [ObjectDrift], to output: inout Target) {
        let attributed = objects.contains { $0.changes.contains { $0.cause != nil } }
        let rows = [["STATUS", "NAMESPACE", "OBJECT", "SOURCE"] + (attributed ? ["CHANGED BY"] : [])] + objects.map { drift in
            [drift.status.rawValue + (drift.needsRecreate ? " (recreate)" : ""), drift.identity.namespace ?? "", drift.identity.kubectlName, drift.source.description]
                + (attributed ? [changedBy(drift.changes)] : [])
        }
        for (index, cells) in TextTable.pad(rows).enumerated() {
            let status = index == 0 ? nil : objects[index - 1].status
            output.write((status.map { paint(cells[0], statusColor($0)) } ?? cells[0]) + cells.dropFirst().joined() + "\n")
        }
    }

    private func writeDiff<Target: TextOutputStream>(_ drift: ObjectDrift, to output: inout Target) {
        let name = [
            drift.apiVersion.replacingOccurrences(of: "/", with: "."), drift.identity.kind,
            drift.identity.namespace, drift.identity.name,
        ].compactMap { $0 }.joined(separator: ".")
        let old = drift.live.map { YAML.text(for: $0, sortKeys: true).splitLines() } ?? []
        let new = drift.desired.map { YAML.text(for: $0, sortKeys: true).splitLines() } ?? []
        if !drift.changes.isEmpty {
            let count = drift.changes.count
            output.write(paint("\(drift.identity): \(count) change\(count == 1 ? "" : "s")", .bold) + "\n")
            for cells in TextTable.pad(drift.changes.map(changeRow)) {
                output.write("  " + cells.joined() + "\n")
            }
        }
        output.write(paint("diff -u -N live/\(name) desired/\(name)", .bold) + "\n")
        output.write(paint("--- live/\(name)", .bold) + "\n")
        output.write(paint("+++ desired/\(name)", .bold) + "\n")
        for line in LineDiff.unifiedHunks(from: old, to: new) {
            switch line.first {
            case "@": output.write(paint(line, .cyan) + "\n")
            case "-": output.write(paint(line, .red) + "\n")
            case "+": output.write(paint(line, .green) + "\n")
            default: output.write(line + "\n")
            }
        }
    }

    /// `no longer in Git but not pruned: it holds 1 object kubectl-drift did not apply (...)`.
    static func keptReason(_ hold: PruneHold) -> String {
        "no longer in Git but not pruned: \(hold.reason)"
    }

    /// ` and the 2 objects in it (configmap/a, secret/b)` for what a Namespace's deletion takes along.
    static func cascade(_ contents: [ObjectIdentity]?) -> String {
        guard let contents, !contents.isEmpty else { return "" }
        let shown = contents.prefix(5).map(\.kubectlName).joined(separator: ", ") + (contents.count > 5 ? ", ..." : "")
        return " and the \(contents.count) object\(contents.count == 1 ? "" : "s") in it (\(shown))"
    }

    /// `/spec/replicas  5 → 3  (kubectl scale, 12m ago)`.
    func changeRow(_ change: FieldChange) -> [String] {
        let values = "\(change.live.map(Self.brief) ?? "(none)") → \(change.desired.map(Self.brief) ?? "(removed)")"
        return [change.path, values] + (change.cause.map { ["(\(describe($0)))"] } ?? [])
    }

    /// Who made an object's changes, latest first: `kubectl-set 2m ago, Git`.
    private func changedBy(_ changes: [FieldChange]) -> String {
        var writers: [FieldWriter] = []
        var fromGit = false
        for change in changes {
            switch change.cause {
            case let .cluster(writer)? where !writers.contains { $0.displayName == writer.displayName }: writers.append(writer)
            case .git?: fromGit = true
            default: break
            }
        }
        writers.sort { ($0.time ?? "") > ($1.time ?? "") }
        var names = writers.prefix(2).map { writer in [writer.displayName, age(writer.time)].compactMap { $0 }.joined(separator: " ") }
        if writers.count > 2 { names.append("+\(writers.count - 2) more") }
        if fromGit { names.append("Git") }
        return names.joined(separator: ", ")
    }

    func describe(_ cause: ChangeCause) -> String {
        switch cause {
        case let .cluster(writer): return [writer.displayName, age(writer.time)].compactMap { $0 }.joined(separator: ", ")
        case .git: return "changed in Git since it was applied"
        case .unknown: return "no field manager owns it"
        }
    }

    /// `12m ago` for an RFC 3339 time; nil when there is none.
    func age(_ time: String?) -> String? {
        guard let time, let date = ISO8601DateFormatter().date(from: time) else { return nil }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86400: return "\(seconds / 3600)h ago"
        default: return "\(seconds / 86400)d ago"
        }
    }

    /// A value on one line: strings as they are, anything else as compact JSON, long ones cut.
    static func brief(_ value: JSONValue) -> String {
        let text = value.stringValue.map { $0.isEmpty ? "\"\"" : $0 } ?? value.jsonText()
        let flat = text.replacingOccurrences(of: "\n", with: "\\n")
        return flat.count > 48 ? String(flat.prefix(45)) + "..." : flat
    }

    private func statusColor(_ status: DriftStatus) -> TerminalStyle.Color {
        switch status {
        case .inSync: return .green
        case .drifted: return .yellow
        case .missing: return .cyan
        case .error: return .red
        case .skipped: return .cyan
        }
    }

    private func paint(_ text: String, _ style: TerminalStyle.Color) -> String {
        TerminalStyle(enabled: color).paint(text, style)
    }
}

extension String {
    /// The lines of a text, without a last empty line after a final newline.
    func splitLines() -> [String] {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
