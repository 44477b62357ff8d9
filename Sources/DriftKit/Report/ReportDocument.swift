/// The machine-readable report behind `-o json` and `-o yaml` (schema: docs/report-schema.md).
public enum ReportDocument {
    public static let apiVersion = "drift.kubectl-drift.dev/v1alpha1"

    public static func make(_ report: DriftReport) -> JSONValue {
        var summary = JSONObject()
        summary["total"] = .int(Int64(report.objects.count))
        summary["inSync"] = .int(Int64(report.count(.inSync)))
        summary["drifted"] = .int(Int64(report.count(.drifted)))
        summary["missing"] = .int(Int64(report.count(.missing)))
        summary["errors"] = .int(Int64(report.count(.error)))
        var document = JSONObject()
        document["apiVersion"] = .string(apiVersion)
        document["kind"] = "DriftReport"
        document["server"] = .string(report.server)
        document["summary"] = .object(summary)
        document["objects"] = .array(report.objects.map(object))
        if !report.prunable.isEmpty {
            document["prune"] = .array(report.prunable.map { identity in
                guard case var .object(entry) = reference(identity), let contents = report.pruneContents[identity] else {
                    return reference(identity)
                }
                entry["contains"] = .array(contents.map(reference))
                return .object(entry)
            })
        }
        if !report.pruneHeld.isEmpty { document["pruneKept"] = .array(report.pruneHeld.map(held)) }
        if !report.groups.isEmpty {
            document["groups"] = .array(report.groups.map { group in
                let members = report.objects.filter { group.sources.contains($0.source.file) }
                var entry = JSONObject([
                    ("title", .string(group.title)),
                    ("objects", .array(members.map { .string(describe($0)) })),
                    ("notes", .array(group.notes.map { .string($0) })),
                ])
                if let suspended = group.suspended { entry["suspended"] = .string(suspended) }
                return .object(entry)
            })
        }
        return .object(document)
    }

    static func object(_ drift: ObjectDrift) -> JSONValue {
        var object = JSONObject()
        object["apiVersion"] = .string(drift.apiVersion)
        object["kind"] = .string(drift.identity.kind)
        if let namespace = drift.identity.namespace { object["namespace"] = .string(namespace) }
        object["name"] = .string(drift.identity.name)
        object["source"] = [
            "file": .string(drift.source.file), "line": .int(Int64(drift.source.line)),
            "document": .int(Int64(drift.source.documentIndex)),
        ]
        object["status"] = .string(drift.status.rawValue)
        object["changes"] = .array(drift.changes.map { .object(entry(for: $0)) })
        if !drift.ignoredChanges.isEmpty {
            object["ignored"] = .array(drift.ignoredChanges.map { ignored in
                var entry = entry(for: ignored.change)
                entry["reason"] = .string(ignored.reason.description)
                return .object(entry)
            })
        }
        if let reason = drift.recreateReason {
            object["recreate"] = "required"
            object["recreateReason"] = .string(reason)
        }
        if let error = drift.error { object["error"] = .string(error) }
        return .object(object)
    }

    /// An object that is not in `objects[]`: its group, kind, namespace and name.
    static func reference(_ identity: ObjectIdentity) -> JSONValue {
        var entry = JSONObject()
        entry["group"] = .string(identity.group)
        entry["kind"] = .string(identity.kind)
        if let namespace = identity.namespace { entry["namespace"] = .string(namespace) }
        entry["name"] = .string(identity.name)
        return .object(entry)
    }

    /// An object pruning keeps: its reference and `reason`.
    static func held(_ hold: PruneHold) -> JSONValue {
        guard case var .object(entry) = reference(hold.identity) else { return .null }
        entry["reason"] = .string(hold.reason)
        return .object(entry)
    }

    /// `Deployment apps/web` style reference to an entry of `objects[]`.
    private static func describe(_ drift: ObjectDrift) -> String {
        "\(drift.identity.kind) " + [drift.identity.namespace, drift.identity.name].compactMap { $0 }.joined(separator: "/")
    }

    private static func entry(for change: FieldChange) -> JSONObject {
        var entry = JSONObject()
        entry["path"] = .string(change.path)
        // An absent side is left out, so `null` always means a null value.
        if let live = change.live { entry["live"] = live }
        if let desired = change.desired { entry["desired"] = desired }
        if let cause = change.cause {
            entry["cause"] = .string(cause.name)
            if case let .cluster(writer) = cause {
                entry["manager"] = .string(writer.manager)
                entry["operation"] = .string(writer.operation)
                if let subresource = writer.subresource { entry["subresource"] = .string(subresource) }
                if let time = writer.time { entry["time"] = .string(time) }
            }
        }
        return entry
    }
}
