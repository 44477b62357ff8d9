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
        summary["skipped"] = .int(Int64(report.count(.skipped)))
        var document = JSONObject()
        document["apiVersion"] = .string(apiVersion)
        document["kind"] = "DriftReport"
        document["server"] = .string(report.server)
        document["summary"] = .object(summary)
        document["objects"] = .array(report.objects.map { .object(object($0)) })
        if !report.prunable.isEmpty {
            document["prune"] = .array(report.prunable.map { identity in
                var entry = reference(identity)
                if let contents = report.pruneContents[identity] { entry["contains"] = .array(contents.map { .object(reference($0)) }) }
                return .object(entry)
            })
        }
        if !report.pruneHeld.isEmpty { document["pruneKept"] = .array(report.pruneHeld.map { .object(held($0)) }) }
        if !report.notChecked.isEmpty { document["notChecked"] = notChecked(report.notChecked) }
        if !report.groups.isEmpty {
            document["groups"] = .array(report.groups.map { group in
                let members = report.objects.filter { group.sources.contains($0.source.file) }
                var entry = JSONObject([
                    ("title", .string(group.title)),
                    ("objects", .array(members.map { .object(reference($0.identity)) })),
                    ("notes", .array(group.notes.map { .string($0) })),
                ])
                if let suspended = group.suspended { entry["suspended"] = .string(suspended) }
                if let order = group.order { entry["order"] = .int(Int64(order)) }
                if !group.dependsOn.isEmpty { entry["dependsOn"] = .array(group.dependsOn.map { .string($0) }) }
                return .object(entry)
            })
        }
        return .object(document)
    }

    /// One entry of `objects[]`: the object, where Git has it, its status and its changes.
    static func object(_ drift: ObjectDrift) -> JSONObject {
        var object = JSONObject()
        object["apiVersion"] = .string(drift.apiVersion)
        object["kind"] = .string(drift.identity.kind)
        if let namespace = drift.identity.namespace { object["namespace"] = .string(namespace) }
        if let generateName = drift.generateName {
            object["generateName"] = .string(generateName)
        } else {
            object["name"] = .string(drift.identity.name)
        }
        object["source"] = source(drift.source)
        object["status"] = .string(drift.status.rawValue)
        object["changes"] = .array(drift.changes.map { .object(entry(for: $0)) })
        if let reason = drift.skipReason { object["reason"] = .string(reason.description) }
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
        return object
    }

    /// Where a manifest is: the file as given, its document's 1-based first line and 0-based index.
    static func source(_ location: ManifestLocation) -> JSONValue {
        ["file": .string(location.file), "line": .int(Int64(location.line)), "document": .int(Int64(location.documentIndex))]
    }

    /// `notChecked[]`: what was not checked, its kind, namespace and name when it is a Flux
    /// object, and why.
    public static func notChecked(_ entries: [NotChecked]) -> JSONValue {
        .array(entries.map { entry in
            var item = JSONObject()
            item["what"] = .string(entry.what)
            if let kind = entry.kind { item["kind"] = .string(kind) }
            if let namespace = entry.namespace { item["namespace"] = .string(namespace) }
            if let name = entry.name { item["name"] = .string(name) }
            item["reason"] = .string(entry.reason)
            return .object(item)
        })
    }

    /// An object that is not in `objects[]`: its group, kind, namespace and name.
    static func reference(_ identity: ObjectIdentity) -> JSONObject {
        var entry = JSONObject()
        entry["group"] = .string(identity.group)
        entry["kind"] = .string(identity.kind)
        if let namespace = identity.namespace { entry["namespace"] = .string(namespace) }
        entry["name"] = .string(identity.name)
        return entry
    }

    /// An object pruning keeps: its reference and `reason`.
    static func held(_ hold: PruneHold) -> JSONObject {
        var entry = reference(hold.identity)
        entry["reason"] = .string(hold.reason)
        return entry
    }

    /// One entry of `changes[]`: the path, both values and who made the live one.
    static func entry(for change: FieldChange) -> JSONObject {
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
