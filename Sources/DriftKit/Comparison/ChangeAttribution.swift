/// Who made each change: the live object's `managedFields` say which field manager wrote a
/// value, with what operation and when.
public enum ChangeAttribution {
    /// The changes with their causes. A change is the cluster's when any manager but ours
    /// owns the live value (at the changed path, inside it, or a whole value around it; the
    /// latest such write names it), Git's when only our own apply does, and unknown when
    /// nobody owns it. Unreadable managedFields leave the changes unattributed.
    public static func attribute(
        _ changes: [FieldChange], managedFields: JSONValue, live: JSONValue, fieldManager: String
    ) -> [FieldChange] {
        guard !changes.isEmpty, let entries = try? ManagedFields.entries(managedFields) else { return changes }
        let owned = ManagedFields.ownedFields(of: entries, in: live)
        return changes.map { change in
            var change = change
            change.cause = cause(of: change, owned: owned, fieldManager: fieldManager)
            return change
        }
    }

    static func cause(of change: FieldChange, owned: [OwnedField], fieldManager: String) -> ChangeCause {
        guard let pointer = try? JSONPointer(change.path) else { return .unknown }
        let owners = owned.filter { field in
            pointer.contains(field.pointer) || (field.wholeValue && field.pointer.contains(pointer))
        }
        let others = owners.filter { !($0.writer.manager == fieldManager && $0.writer.operation == "Apply") }
        // RFC 3339 times in UTC compare as text; an entry without a time counts as the oldest.
        if let latest = others.max(by: { ($0.writer.time ?? "") < ($1.writer.time ?? "") }) {
            return .cluster(latest.writer)
        }
        return owners.isEmpty ? .unknown : .git
    }
}
