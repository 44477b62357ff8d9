/// Small edits and reads of rendered objects' metadata.
enum FluxObjects {
    /// The object with the value at `path` (object keys) set, creating objects on the way.
    static func setting(_ path: [String], to value: JSONValue, in object: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members = object.objectValue ?? JSONObject()
        members[key] = setting(Array(path.dropFirst()), to: value, in: members[key] ?? .object(JSONObject()))
        return .object(members)
    }

    /// The object with `members` set in `metadata.<field>` (labels or annotations), replacing
    /// values of the same keys, as Flux's common metadata does.
    static func merging(_ members: JSONObject, into field: String, of object: JSONValue) -> JSONValue {
        guard !members.isEmpty else { return object }
        var map = object[["metadata", field]]?.objectValue ?? JSONObject()
        for (key, value) in members.orderedMembers { map[key] = value }
        return setting(["metadata", field], to: .object(map), in: object)
    }

    /// Whether a label or an annotation `key` has `value` (case-insensitively), as Flux's
    /// selectors on metadata match.
    static func metadata(_ object: JSONValue, _ key: String, is value: String) -> Bool {
        field(of: object, holding: key, value: value) != nil
    }

    /// `"label"` or `"annotation"`: where `key` has `value` (case-insensitively); nil when neither has.
    static func field(of object: JSONValue, holding key: String, value: String) -> String? {
        for field in ["labels", "annotations"] {
            if let text = object[["metadata", field, key]]?.stringValue, text.lowercased() == value.lowercased() {
                return String(field.dropLast())
            }
        }
        return nil
    }
}
