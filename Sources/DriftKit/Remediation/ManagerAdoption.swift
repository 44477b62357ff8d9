import Foundation

/// Takes over the fields of hand-edit managers (kubectl's), so that the server-side apply that
/// follows removes what only they set and Git does not (as client-go's `csaupgrade` and Flux
/// do for `kubectl apply`'s own manager).
///
/// Without it, a field Git removes, or one a person added, stays in the cluster after a
/// server-side apply, because `kubectl-client-side-apply` or `kubectl-label` still owns it.
public enum ManagerAdoption {
    /// The JSON patch that moves the fields of `managers`' entries (but not of their status
    /// subresource entries) into `manager`'s Apply entry; nil when there is nothing to adopt.
    /// When `kubectl-client-side-apply` is adopted, the apply then drops the
    /// last-applied-configuration annotation it owned, as Git does not set it.
    ///
    /// The patch starts with a test of `resourceVersion`, so it fails instead of overwriting a
    /// change made meanwhile.
    public static func patch(for live: JSONValue, manager: String, adopting managers: Set<String>) -> JSONValue? {
        guard let entries = live[["metadata", "managedFields"]]?.arrayValue,
            let resourceVersion = live[["metadata", "resourceVersion"]]
        else { return nil }
        let isOurs = { (entry: JSONValue) in entry["manager"]?.stringValue == manager && entry["operation"] == "Apply" }
        let adopted = entries.filter { entry in
            guard let name = entry["manager"]?.stringValue, !isOurs(entry) else { return false }
            return HandEdits.isTakenOver(manager: name, subresource: entry["subresource"]?.stringValue, managers: managers)
        }
        guard !adopted.isEmpty else { return nil }

        var fields = entries.first(where: isOurs)?["fieldsV1"] ?? .object(JSONObject())
        for entry in adopted { fields = union(fields, entry["fieldsV1"] ?? .object(JSONObject())) }
        var ours = JSONObject()
        ours["manager"] = .string(manager)
        ours["operation"] = "Apply"
        ours["apiVersion"] = live["apiVersion"] ?? adopted[0]["apiVersion"]
        ours["time"] = .string(ISO8601DateFormatter().string(from: Date()))
        ours["fieldsType"] = "FieldsV1"
        ours["fieldsV1"] = fields
        let kept = entries.filter { entry in !isOurs(entry) && !adopted.contains(entry) }
        return [
            ["op": "test", "path": "/metadata/resourceVersion", "value": resourceVersion],
            ["op": "replace", "path": "/metadata/managedFields", "value": .array(kept + [.object(ours)])],
        ]
    }

    /// The union of two managed field sets (`fieldsV1` trees).
    static func union(_ first: JSONValue, _ second: JSONValue) -> JSONValue {
        guard case var .object(merged) = first, case let .object(other) = second else { return first }
        for (key, value) in other.orderedMembers {
            merged[key] = merged[key].map { union($0, value) } ?? value
        }
        return .object(merged)
    }
}
