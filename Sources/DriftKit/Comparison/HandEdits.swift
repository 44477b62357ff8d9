/// Hand edits: what people changed in the cluster, recognised by kubectl's own field managers.
///
/// Plain server-side-apply semantics leave alone what another field manager added, which is
/// right for controllers (an autoscaler, a sidecar injector) and wrong for people: a label
/// added with `kubectl label` or a variable added with `kubectl set env` is drift. Fields that
/// only hand-edit managers own, and that Git does not set, are removed by remediation, and so
/// the detector reports them.
public enum HandEdits {
    /// kubectl's field managers (`kubectl <command>` writes as `kubectl-<command>`; `kubectl`
    /// alone for `scale` and `apply --server-side`), and the server's placeholder for objects
    /// written before managedFields existed. `kubectl-rollout` is not among them: reverting
    /// `kubectl rollout restart` would restart the pods once more.
    public static let defaultManagers = [
        "kubectl", "kubectl-client-side-apply", "kubectl-annotate", "kubectl-create", "kubectl-edit",
        "kubectl-expose", "kubectl-label", "kubectl-patch", "kubectl-replace", "kubectl-run", "kubectl-set",
        "kubectl-taint", "before-first-apply",
    ]

    /// Whether remediation takes over this entry's fields: written by a hand-edit manager, and
    /// not through the status subresource (status is never compared or applied).
    static func isTakenOver(_ entry: ManagedFields.Entry, managers: Set<String>) -> Bool {
        isTakenOver(manager: entry.manager, subresource: entry.subresource, managers: managers)
    }

    static func isTakenOver(manager: String, subresource: String?, managers: Set<String>) -> Bool {
        managers.contains(manager) && subresource != "status"
    }

    /// The fields of `object` that hand-edit managers own and no other manager does.
    ///
    /// `object` is the result of the server-side apply dry run: there, every field Git sets is
    /// already ours, so what is left to hand-edit managers alone is what Git does not set. A
    /// field is kept when another manager owns it, owns something inside it, or owns a whole
    /// value around it; so is a field at or around one of `kept`.
    static func handOnlyFields(
        in object: JSONValue, managers: Set<String>, keeping kept: [JSONPointer] = []
    ) throws(ManagedFieldsError) -> [OwnedField] {
        guard !managers.isEmpty, let managedFields = object[["metadata", "managedFields"]] else { return [] }
        let entries = try ManagedFields.entries(managedFields)
        let (hand, others) = entries.reduce(into: ([ManagedFields.Entry](), [ManagedFields.Entry]())) { split, entry in
            if isTakenOver(entry, managers: managers) { split.0.append(entry) } else { split.1.append(entry) }
        }
        guard !hand.isEmpty else { return [] }
        let otherFields = ManagedFields.ownedFields(of: others, in: object)
        var result: [OwnedField] = []
        for field in ManagedFields.ownedFields(of: hand, in: object) {
            let shared = otherFields.contains { other in
                field.pointer.contains(other.pointer) || (other.wholeValue && other.pointer.contains(field.pointer))
            } || kept.contains { field.pointer.contains($0) || $0.contains(field.pointer) }
            // A field inside an element that is removed anyway goes with it.
            let inRemoved = result.contains { $0.pointer.contains(field.pointer) }
            if !shared, !inRemoved, !result.contains(where: { $0.pointer == field.pointer }) {
                result.removeAll { field.pointer.contains($0.pointer) }
                result.append(field)
            }
        }
        return result
    }

    /// Fields that the manifest sets under another name, which the server-side apply records
    /// under that name: a Secret's `stringData` keys become `data` keys.
    static func fieldsSetThroughAliases(by manifest: JSONValue) -> [JSONPointer] {
        guard manifest["apiVersion"] == "v1", manifest["kind"] == "Secret",
            case let .object(stringData)? = manifest["stringData"]
        else { return [] }
        return stringData.orderedMembers.map { JSONPointer(tokens: ["data", $0.key]) }
    }

    /// `object` without `fields`; list elements are removed from the highest index down, so
    /// that every pointer still addresses what it did.
    static func removing(_ fields: [OwnedField], from object: JSONValue) -> JSONValue {
        fields.sorted { Overlay.precedes($1.steps, $0.steps) }
            .reduce(object) { result, field in field.pointer.updating(result, to: nil) }
    }
}
