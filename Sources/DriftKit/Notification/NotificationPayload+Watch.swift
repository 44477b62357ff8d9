import Foundation

/// Bodies for `kubectl drift watch`'s notifications, in the three formats of the one-shot ones.
/// As there, no body carries a field value: a drifted object lists its changed paths only.
extension NotificationPayload {
    /// The body for `format`.
    public static func body(_ format: NotificationFormat, _ notification: WatchNotification) -> JSONValue {
        switch format {
        case .generic: return generic(notification)
        case .slack:
            return slack(title: "Drift watch on \(notification.cluster ?? notification.server)",
                         headline: notification.headline, facts: facts(notification), sections: sections(notification))
        case .teams: return teams(headline: notification.headline, facts: facts(notification), sections: sections(notification))
        }
    }

    /// kubectl-drift's own document for a batch of the loop's transitions (schema:
    /// docs/report-schema.md, `DriftWatchNotification`).
    ///
    /// ```json
    /// {
    ///   "apiVersion": "drift.kubectl-drift.dev/v1alpha1",
    ///   "kind": "DriftWatchNotification",
    ///   "server": "https://10.0.0.1:6443", "cluster": "prod-eu", "context": "prod", "revision": "4f0c529",
    ///   "text": "kubectl-drift watch on prod-eu: 1 drifted, 1 remediated",
    ///   "since": "2026-12-01T22:01:05.120Z", "until": "2026-12-01T22:01:05.412Z",
    ///   "counts": { "drifted": 1, "remediated": 1 },
    ///   "events": [
    ///     { "time": "2026-12-01T22:01:05.120Z", "event": "drifted", "group": "apps", "kind": "Deployment",
    ///       "namespace": "shop", "name": "web", "missing": false, "paths": ["/spec/replicas"] },
    ///     { "time": "2026-12-01T22:01:05.412Z", "event": "remediated", "group": "apps", "kind": "Deployment",
    ///       "namespace": "shop", "name": "web" }
    ///   ]
    /// }
    /// ```
    ///
    /// `events[]` are the watch's JSON lines (`-o json`) with a drifted object's `changes`
    /// replaced by their `paths`; `omitted` says how many were left out, absent when none;
    /// `counts` count them all.
    public static func generic(_ notification: WatchNotification) -> JSONValue {
        var document = JSONObject()
        document["apiVersion"] = .string(apiVersion)
        document["kind"] = "DriftWatchNotification"
        document["server"] = .string(notification.server)
        if let cluster = notification.cluster { document["cluster"] = .string(cluster) }
        if let context = notification.context { document["context"] = .string(context) }
        if let revision = notification.revision { document["revision"] = .string(revision) }
        document["text"] = .string(notification.headline)
        document["since"] = .string(LoopEvent.timestamp(notification.since))
        document["until"] = .string(LoopEvent.timestamp(notification.until))
        document["counts"] = .object(JSONObject(WatchNotification.urgency.compactMap { name in
            notification.counts[name].map { (name, count($0)) }
        }))
        document["events"] = .array(notification.entries.map { entry in
            guard case var .object(line) = entry.event.json(at: entry.time) else { return .null }
            if case let .drifted(_, _, changes) = entry.event {
                line["changes"] = nil
                line["paths"] = .array(changes.map { .string($0.path) })
            }
            return .object(line)
        })
        if notification.omitted > 0 { document["omitted"] = count(notification.omitted) }
        return .object(document)
    }

    private static func facts(_ notification: WatchNotification) -> [(title: String, value: String)] {
        var facts: [(title: String, value: String)] = []
        if let cluster = notification.cluster { facts.append(("Cluster", cluster)) }
        if let context = notification.context { facts.append(("Context", context)) }
        facts.append(("Server", notification.server))
        if let revision = notification.revision { facts.append(("Revision", revision)) }
        facts.append(("Between", "\(LoopEvent.timestamp(notification.since)) and \(LoopEvent.timestamp(notification.until))"))
        return facts
    }

    /// One section per kind of event, most urgent first; what the batch left out is said last.
    private static func sections(_ notification: WatchNotification) -> [Section] {
        var sections = WatchNotification.kinds.compactMap { kind -> Section? in
            let items = notification.entries.filter { $0.event.name == kind.name }.map { WatchNotification.describe($0.event) }
            return items.isEmpty ? nil : Section(title: kind.title, items: items, more: 0)
        }
        if notification.omitted > 0 {
            let more = "\(notification.omitted) more, counted in the title"
            sections.append(Section(title: "Left out", items: [("", more)], more: 0))
        }
        return sections
    }
}
