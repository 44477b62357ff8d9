/// Helm values as helm-controller composes them for a HelmRelease.
///
/// `valuesFrom` entries are merged in order, then `spec.values` over them (so inline values
/// always win); an entry with a `targetPath` sets one value at that path, as `helm --set`
/// does. Merging is Helm's: mappings merge key by key, anything else replaces.
public enum HelmValues {
    /// `overlay` merged into `base`: nested mappings are merged, every other value of
    /// `overlay` (a list, a scalar, null) replaces what `base` has.
    public static func merge(_ base: JSONObject, _ overlay: JSONObject) -> JSONObject {
        var result = base
        for (key, value) in overlay.orderedMembers {
            if case let .object(overlayMembers) = value, case let .object(baseMembers)? = result[key] {
                result[key] = .object(merge(baseMembers, overlayMembers))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// `values` with `path=value` set as `helm --set` sets it: dots separate keys (`\.` is a
    /// dot in a key), `name[2]` is an index of a list, and the value is typed (`true`,
    /// `false`, `null`, whole numbers without a leading zero) unless `literal`, or unless
    /// it is quoted, which helm-controller reads as a string with the quotes removed.
    public static func setting(
        _ path: String, to value: String, literal: Bool = false, in values: JSONObject
    ) throws(HelmValuesError) -> JSONObject {
        let keys = try Self.keys(path)
        var text = value
        var typed = !literal
        if text.count >= 2, (text.hasPrefix("\"") && text.hasSuffix("\"")) || (text.hasPrefix("'") && text.hasSuffix("'")) {
            text = String(text.dropFirst().dropLast())
            typed = false
        }
        let scalar = typed ? Self.typed(text) : .string(text)
        guard case let .object(result) = try set(keys[...], to: scalar, in: .object(values), path: path) else {
            throw HelmValuesError(path: path, reason: "it does not name a key of the values")
        }
        return result
    }

    /// One step of a path: a mapping key, or a list index after it.
    enum Key: Equatable {
        case member(String)
        case index(Int)
    }

    static func keys(_ path: String) throws(HelmValuesError) -> [Key] {
        var keys: [Key] = []
        var current = ""
        var escaped = false
        var characters = Array(path)[...]
        func flush() throws(HelmValuesError) {
            guard !current.isEmpty else { throw HelmValuesError(path: path, reason: "it has an empty key") }
            keys.append(.member(current))
            current = ""
        }
        while let character = characters.popFirst() {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case ".":
                if case .index? = keys.last, current.isEmpty { continue }
                try flush()
            case "[":
                if !current.isEmpty { try flush() }
                var digits = ""
                while let next = characters.popFirst(), next != "]" { digits.append(next) }
                guard let index = Int(digits), index >= 0, index <= 65536 else {
                    throw HelmValuesError(path: path, reason: "\"[\(digits)]\" is not a list index")
                }
                keys.append(.index(index))
            default: current.append(character)
            }
        }
        if !current.isEmpty || keys.isEmpty { try flush() }
        return keys
    }

    private static func set(_ keys: ArraySlice<Key>, to value: JSONValue, in node: JSONValue?, path: String) throws(HelmValuesError) -> JSONValue {
        guard let key = keys.first else { return value }
        let rest = keys.dropFirst()
        switch key {
        case let .member(name):
            var members: JSONObject
            if case let .object(existing)? = node { members = existing } else { members = JSONObject() }
            members[name] = try set(rest, to: value, in: members[name], path: path)
            return .object(members)
        case let .index(index):
            var items: [JSONValue]
            if case let .array(existing)? = node { items = existing } else { items = [] }
            while items.count <= index { items.append(.null) }
            items[index] = try set(rest, to: value, in: items[index], path: path)
            return .array(items)
        }
    }

    /// `helm --set`'s typing of a value.
    static func typed(_ text: String) -> JSONValue {
        switch text.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if text == "0" { return .int(0) }
        if !text.hasPrefix("0"), !text.hasPrefix("+"), let number = Int64(text) { return .int(number) }
        return .string(text)
    }
}

/// A `valuesFrom` target path that cannot be set.
public struct HelmValuesError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "the target path \"\(path)\" cannot be set: \(reason)" }
}
