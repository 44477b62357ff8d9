/// Typed reads of an object's fields, failing with the field's full name.
struct FluxFieldReader {
    var object: JSONObject
    var prefix: String
    var invalid: (String) -> FluxError

    func string(_ key: String) throws(FluxError) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard case let .string(text) = value else { throw invalid("\(prefix).\(key) must be a string, not \(value.typeName)") }
        return text
    }

    func bool(_ key: String) throws(FluxError) -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case let .bool(flag) = value else { throw invalid("\(prefix).\(key) must be true or false, not \(value.typeName)") }
        return flag
    }

    func object(_ key: String) throws(FluxError) -> JSONObject? {
        guard let value = object[key], value != .null else { return nil }
        guard case let .object(member) = value else { throw invalid("\(prefix).\(key) must be an object, not \(value.typeName)") }
        return member
    }

    func array(_ key: String) throws(FluxError) -> [JSONValue] {
        guard let value = object[key], value != .null else { return [] }
        guard case let .array(items) = value else { throw invalid("\(prefix).\(key) must be a list, not \(value.typeName)") }
        return items
    }

    /// A map of strings, as `map[string]string` fields are; numbers and booleans are refused
    /// as the API server refuses them (they must be quoted).
    func stringMap(_ key: String) throws(FluxError) -> JSONObject {
        guard let map = try object(key) else { return JSONObject() }
        for (member, value) in map.orderedMembers {
            guard case .string = value else {
                throw invalid("\(prefix).\(key).\(member) must be a string, not \(value.typeName) (quote it)")
            }
        }
        return map
    }

    /// `spec.dependsOn`: references by `name` and optional `namespace` (the object's own
    /// when not set) to objects of `kind`.
    func dependencies(kind: String, defaultNamespace: String) throws(FluxError) -> [FluxReference] {
        var references: [FluxReference] = []
        for (index, item) in try array("dependsOn").enumerated() {
            guard case let .object(entry) = item else { throw invalid("\(prefix).dependsOn[\(index)] must be an object") }
            let fields = FluxFieldReader(object: entry, prefix: "\(prefix).dependsOn[\(index)]", invalid: invalid)
            guard let name = try fields.string("name"), !name.isEmpty else {
                throw invalid("\(prefix).dependsOn[\(index)].name is required")
            }
            let namespace = try fields.string("namespace").flatMap { $0.isEmpty ? nil : $0 } ?? defaultNamespace
            references.append(FluxReference(kind: kind, name: name, namespace: namespace))
        }
        return references
    }
}
