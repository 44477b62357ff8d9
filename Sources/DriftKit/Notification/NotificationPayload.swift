/// Builds notification bodies from a `NotificationContent`. Pure: no I/O.
///
/// No body carries a field value: changes are listed by JSON pointer only, and the report
/// has been through `SecretMasker` besides. Every list stops after `maxObjects` entries.
public enum NotificationPayload {
    public static let apiVersion = ReportDocument.apiVersion

    /// The body for `format`.
    public static func body(_ format: NotificationFormat, _ content: NotificationContent) -> JSONValue {
        switch format {
        case .generic: return generic(content)
        case .slack: return slack(content)
        case .teams: return teams(content)
        }
    }

    // MARK: - Generic

    /// kubectl-drift's own notification document (schema: docs/report-schema.md). Stable within
    /// `v1alpha1`: fields may be added, none removed or renamed.
    ///
    /// ```json
    /// {
    ///   "apiVersion": "drift.kubectl-drift.dev/v1alpha1",
    ///   "kind": "DriftNotification",
    ///   "mode": "apply",
    ///   "server": "https://10.0.0.1:6443",
    ///   "cluster": "prod-eu",
    ///   "context": "prod",
    ///   "revision": "4f0c529",
    ///   "text": "kubectl-drift on prod-eu: 1 drifted of 12 objects; 1 applied, 1 failed",
    ///   "summary": { "total": 12, "inSync": 11, "drifted": 1, "missing": 0, "errors": 0, "prune": 0,
    ///                "applied": 1, "failed": 1, "pruned": 0, "skipped": 0 },
    ///   "drifted": [
    ///     { "group": "apps", "kind": "Deployment", "namespace": "default", "name": "web",
    ///       "source": { "file": "apps/web.yaml", "line": 1, "document": 0 },
    ///       "status": "drifted", "paths": ["/spec/replicas"] }
    ///   ],
    ///   "prune": [],
    ///   "applied": [ { "group": "apps", "kind": "Deployment", "namespace": "default", "name": "web" } ],
    ///   "pruned": [],
    ///   "failed": [ { "group": "", "kind": "ConfigMap", "namespace": "default", "name": "cfg",
    ///                 "reason": "forbidden" } ],
    ///   "skipped": []
    /// }
    /// ```
    ///
    /// - `mode`: `apply` when a remediation summary was given, else `diff`; the remediation
    ///   counts and lists are then 0 and empty.
    /// - `cluster` (the kubeconfig cluster name), `context`, `revision`: absent when not known.
    ///   `text`: the one-line headline.
    /// - `summary`: counts over all objects, never truncated.
    /// - `drifted[]`: every object not in sync (`status` `drifted`, `missing` or `error`), in
    ///   report order; `group` is `""` for the core group, `namespace` absent when the object
    ///   names none; `paths` are RFC 6901 pointers, at most `maxPathsPerObject`, with
    ///   `morePaths` giving how many were left out (absent when none); `error` for `error`.
    /// - `prune[]`: with `--prune`, the live objects Git no longer has (what `apply --prune`
    ///   deletes, or did).
    /// - `applied[]`, `pruned[]`, `failed[]`, `skipped[]`: remediation results; `reason` on the
    ///   last two, on one line and at most 300 characters.
    /// - `omitted`: how many entries each list left out after `maxObjects`, keyed by list name;
    ///   absent when nothing was left out.
    public static func generic(_ content: NotificationContent) -> JSONValue {
        let report = content.report
        let remediation = content.remediation ?? NotificationSummary()
        var document = JSONObject()
        document["apiVersion"] = .string(apiVersion)
        document["kind"] = "DriftNotification"
        document["mode"] = content.remediation == nil ? "diff" : "apply"
        document["server"] = .string(report.server)
        if let cluster = content.cluster { document["cluster"] = .string(cluster) }
        if let context = content.context { document["context"] = .string(context) }
        if let revision = content.revision { document["revision"] = .string(revision) }
        document["text"] = .string(content.headline)

        var summary = JSONObject()
        summary["total"] = count(report.objects.count)
        summary["inSync"] = count(report.count(.inSync))
        summary["drifted"] = count(report.count(.drifted))
        summary["missing"] = count(report.count(.missing))
        summary["errors"] = count(report.count(.error))
        summary["prune"] = count(report.prunable.count)
        summary["applied"] = count(remediation.applied.count)
        summary["failed"] = count(remediation.failed.count)
        summary["pruned"] = count(remediation.pruned.count)
        summary["skipped"] = count(remediation.skipped.count)
        document["summary"] = .object(summary)

        var omitted = JSONObject()
        func list<T>(_ name: String, _ items: [T], _ entry: (T) -> JSONObject) {
            let (shown, more) = content.limited(items)
            document[name] = .array(shown.map { .object(entry($0)) })
            if more > 0 { omitted[name] = count(more) }
        }
        list("drifted", content.outOfSync) { drift in
            var entry = ReportDocument.reference(drift.identity)
            entry["source"] = ReportDocument.source(drift.source)
            entry["status"] = .string(drift.status.rawValue)
            let (paths, more) = content.paths(of: drift)
            entry["paths"] = .array(paths.map { .string($0) })
            if more > 0 { entry["morePaths"] = count(more) }
            if let error = drift.error { entry["error"] = .string(NotificationContent.shorten(error)) }
            return entry
        }
        list("prune", report.prunable, ReportDocument.reference)
        list("applied", remediation.applied, ReportDocument.reference)
        list("pruned", remediation.pruned, ReportDocument.reference)
        list("failed", remediation.failed, problemObject)
        list("skipped", remediation.skipped, problemObject)
        if !omitted.isEmpty { document["omitted"] = .object(omitted) }
        return .object(document)
    }

    static func count(_ value: Int) -> JSONValue { .int(Int64(value)) }

    private static func problemObject(_ problem: NotificationSummary.Problem) -> JSONObject {
        var entry = ReportDocument.reference(problem.identity)
        entry["reason"] = .string(NotificationContent.shorten(problem.reason))
        return entry
    }

    // MARK: - Slack

    /// Slack's limit for a section's text is 3,000 characters.
    static let slackSectionLimit = 2_900

    /// A Slack incoming-webhook body: `text` (the headline, used in notifications) and
    /// Block Kit `blocks`: a header, a section of facts, then one mrkdwn section per
    /// non-empty list (Failed, Out of sync, To prune, Skipped, Applied, Pruned).
    public static func slack(_ content: NotificationContent) -> JSONValue {
        slack(title: "Drift on \(content.clusterName)", headline: content.headline, facts: facts(content),
              sections: sections(content))
    }

    /// A Slack body: the header `title`, `headline` as the text notifications show, the facts,
    /// then one section per list; an item with no name is its detail alone.
    static func slack(title: String, headline: String, facts: [(title: String, value: String)], sections: [Section]) -> JSONValue {
        var blocks: [JSONValue] = [
            ["type": "header", "text": ["type": "plain_text", "text": .string(clip(title, 150))]],
            mrkdwnSection(facts.map { "*\(slackEscape($0.title)):* \(slackEscape($0.value))" }.joined(separator: "\n")),
        ]
        for section in sections {
            var lines = ["*\(section.title)*"]
            lines += section.items.map { item in
                if item.name.isEmpty { return "• \(slackEscape(item.detail))" }
                return "• `\(slackEscape(item.name))`" + (item.detail.isEmpty ? "" : ": \(slackEscape(item.detail))")
            }
            if section.more > 0 { lines.append("_and \(section.more) more_") }
            blocks.append(mrkdwnSection(lines.joined(separator: "\n")))
        }
        return ["text": .string(slackEscape(headline)), "blocks": .array(blocks)]
    }

    private static func mrkdwnSection(_ text: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(clip(text, slackSectionLimit))]]
    }

    /// Slack's mrkdwn escapes: `&`, `<` and `>` only.
    static func slackEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    // MARK: - Teams

    /// A Microsoft Teams body in the `attachments` format that both incoming webhooks and
    /// Workflows accept: one Adaptive Card (version 1.4) with a title, a FactSet of counts,
    /// then per non-empty list a bold heading and a FactSet of object → paths or reason.
    public static func teams(_ content: NotificationContent) -> JSONValue {
        teams(headline: content.headline, facts: facts(content), sections: sections(content))
    }

    /// A Teams body: `headline` as the card's title, the facts, then one FactSet per list.
    static func teams(headline: String, facts: [(title: String, value: String)], sections: [Section]) -> JSONValue {
        var body: [JSONValue] = [
            ["type": "TextBlock", "text": .string(headline), "weight": "Bolder", "size": "Medium", "wrap": true],
            factSet(facts),
        ]
        for section in sections {
            body.append(["type": "TextBlock", "text": .string(section.title), "weight": "Bolder", "wrap": true,
                         "spacing": "Medium", "separator": true])
            body.append(factSet(section.items.map { ($0.name, $0.detail.isEmpty ? "-" : $0.detail) }))
            if section.more > 0 {
                body.append(["type": "TextBlock", "text": .string("and \(section.more) more"), "isSubtle": true,
                             "wrap": true])
            }
        }
        let card: JSONValue = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": .array(body),
            "msteams": ["width": "Full"],
        ]
        return [
            "type": "message",
            "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil,
                             "content": card]],
        ]
    }

    private static func factSet(_ facts: [(title: String, value: String)]) -> JSONValue {
        ["type": "FactSet", "facts": .array(facts.map { ["title": .string($0.title), "value": .string($0.value)] })]
    }

    // MARK: - Shared text

    private static func facts(_ content: NotificationContent) -> [(title: String, value: String)] {
        let report = content.report
        var facts: [(title: String, value: String)] = []
        if let cluster = content.cluster { facts.append(("Cluster", cluster)) }
        if let context = content.context { facts.append(("Context", context)) }
        facts.append(("Server", report.server))
        if let revision = content.revision { facts.append(("Revision", revision)) }
        facts.append(("Objects", "\(report.objects.count) checked: \(report.count(.inSync)) in sync, "
            + "\(report.count(.drifted)) drifted, \(report.count(.missing)) missing, \(report.count(.error)) errors"
            + (report.prunable.isEmpty ? "" : "; \(report.prunable.count) to prune")))
        if let remediation = content.remediation {
            facts.append(("Remediation", "\(remediation.applied.count) applied, \(remediation.pruned.count) pruned, "
                + "\(remediation.failed.count) failed, \(remediation.skipped.count) skipped"))
        }
        return facts
    }

    struct Section {
        var title: String
        var items: [(name: String, detail: String)]
        var more: Int
    }

    /// The non-empty lists, most urgent first, each cut to `maxObjects`.
    static func sections(_ content: NotificationContent) -> [Section] {
        let remediation = content.remediation ?? NotificationSummary()
        var sections: [Section] = []
        func add<T>(_ title: String, _ items: [T], _ describe: (T) -> (String, String)) {
            guard !items.isEmpty else { return }
            let (shown, more) = content.limited(items)
            sections.append(Section(title: title, items: shown.map(describe), more: more))
        }
        add("Failed", remediation.failed) { ($0.identity.description, NotificationContent.shorten($0.reason)) }
        add("Out of sync", content.outOfSync) { drift in
            switch drift.status {
            case .missing: return (drift.identity.description, "missing")
            case .error: return (drift.identity.description, "not compared: " + NotificationContent.shorten(drift.error ?? ""))
            default:
                let (paths, more) = content.paths(of: drift)
                return (drift.identity.description, paths.joined(separator: ", ") + (more > 0 ? " +\(more) more" : ""))
            }
        }
        // Once remediation ran, what became of them is in Pruned, Failed and Skipped.
        if content.remediation == nil { add("To prune", content.report.prunable) { ($0.description, "no longer in Git") } }
        add("Skipped", remediation.skipped) { ($0.identity.description, NotificationContent.shorten($0.reason)) }
        add("Applied", remediation.applied) { ($0.description, "") }
        add("Pruned", remediation.pruned) { ($0.description, "") }
        return sections
    }
}
