import Foundation

/// The hook's preview on a terminal: one line per changed object with its effect, the fields
/// the reconcile changes (live → new), the cluster drift it also overwrites (with who made
/// it and when), and a summary line; or the same as JSON for tools.
public struct ImpactReporter: Sendable {
    public var color: Bool
    /// The time that "12m ago" is counted from.
    public var now: Date

    public init(color: Bool, now: Date = Date()) {
        self.color = color
        self.now = now
    }

    public func write<Target: TextOutputStream>(_ report: ImpactReport, to output: inout Target) {
        let set = report.changeSet
        let range = "\(String(set.fromID.prefix(7)))..\(String(set.toID.prefix(7)))"
        guard !report.impacts.isEmpty else {
            output.write("drift: \(range) changes no object the repository deploys\n")
            return
        }
        let count = report.impacts.count
        output.write(paint("drift: \(range) changes \(count) object\(count == 1 ? "" : "s") on \(report.server)", .bold) + "\n")
        let fields = TextReporter(color: color, now: now)
        let rows = report.impacts.map { impact in
            ["  " + impact.effect.name, impact.identity.kubectlName, impact.identity.namespace.map { "(namespace \($0))" } ?? "",
             (impact.change.after ?? impact.change.before).map { "\($0.source)" } ?? ""]
        }
        for (impact, cells) in zip(report.impacts, TextTable.pad(rows)) {
            output.write(paint(cells[0], Self.color(impact.effect)) + cells.dropFirst().joined() + "\n")
            switch impact.effect {
            case let .fail(reason): output.write("      " + paint("would fail: ", .red) + reason + "\n")
            case let .keep(reason): output.write("      stays in the cluster: \(reason)\n")
            case .gone: output.write("      already absent from the cluster\n")
            case .delete: output.write("      deleted: Git no longer has it and its owner prunes\n")
            case .unchanged: output.write("      already as Git says\n")
            case .create, .update: break
            }
            // Who wrote a value matters when it was not Git; an update of Git's own value says nothing more.
            let updates = impact.changes.map { change in
                var change = change
                if change.cause == .git { change.cause = nil }
                return fields.changeRow(change)
            }
            for cells in TextTable.pad(updates) {
                output.write("      " + cells.joined() + "\n")
            }
            if !impact.clusterDrift.isEmpty {
                output.write("      " + paint("changed in the cluster since the previous commit (the reconcile overwrites it):", .yellow) + "\n")
                let drift = impact.clusterDrift.map { change in
                    [change.path, "\(change.live.map(TextReporter.brief) ?? "(none)") (Git had \(change.desired.map(TextReporter.brief) ?? "nothing"))"]
                        + (change.cause.map { ["by " + fields.describe($0)] } ?? [])
                }
                for cells in TextTable.pad(drift) { output.write("      " + cells.joined() + "\n") }
            }
        }
        output.write(summary(report) + "\n")
    }

    /// `drift: 1 to update, 1 to create, 1 would fail`.
    public func summary(_ report: ImpactReport) -> String {
        let words = [
            "update": "to update", "create": "to create", "delete": "to delete", "keep": "left in place",
            "unchanged": "unchanged", "gone": "already gone", "fail": "would fail",
        ]
        let counted = ObjectImpact.Effect.names.compactMap { name in
            report.count(name) > 0 ? "\(report.count(name)) \(words[name] ?? name)" : nil
        }
        return "drift: " + counted.joined(separator: ", ")
    }

    /// The preview as one JSON document (docs/report-schema.md, "Hook preview").
    public static func document(_ report: ImpactReport) -> JSONValue {
        var document = JSONObject()
        document["apiVersion"] = .string(ReportDocument.apiVersion)
        document["kind"] = "HookPreview"
        document["from"] = .string(report.changeSet.fromID)
        document["to"] = .string(report.changeSet.toID)
        document["server"] = .string(report.server)
        document["objects"] = .array(report.impacts.map { impact in
            var entry = ReportDocument.reference(impact.identity)
            entry["apiVersion"] = .string(impact.change.apiVersion)
            entry["change"] = .string(impact.change.kind.rawValue)
            if let manifest = impact.change.after ?? impact.change.before {
                entry["source"] = ReportDocument.source(manifest.source)
            }
            entry["effect"] = .string(impact.effect.name)
            switch impact.effect {
            case let .fail(reason), let .keep(reason): entry["reason"] = .string(reason)
            default: break
            }
            entry["changes"] = .array(impact.changes.map { .object(ReportDocument.entry(for: $0)) })
            entry["clusterDrift"] = .array(impact.clusterDrift.map { .object(ReportDocument.entry(for: $0)) })
            return .object(entry)
        })
        var summary = JSONObject()
        for name in ObjectImpact.Effect.names {
            summary[name] = .int(Int64(report.count(name)))
        }
        document["summary"] = .object(summary)
        return .object(document)
    }

    private static func color(_ effect: ObjectImpact.Effect) -> TerminalStyle.Color {
        switch effect {
        case .update, .keep: return .yellow
        case .create: return .cyan
        case .delete, .fail: return .red
        case .unchanged, .gone: return .green
        }
    }

    private func paint(_ text: String, _ style: TerminalStyle.Color) -> String {
        TerminalStyle(enabled: color).paint(text, style)
    }
}
