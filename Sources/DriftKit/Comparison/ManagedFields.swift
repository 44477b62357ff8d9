/// One step of a structured-merge-diff field path, as written in `fieldsV1`.
///
/// - `f:NAME`: the member NAME of a map or struct;
/// - `k:{"name":"web"}`: the element of an associative list whose key fields have these values;
/// - `v:VALUE`: the element of a set (a list of scalars) with this value;
/// - `i:N`: the element at index N of a list that has no keys.
public enum FieldPathElement: Sendable, Hashable, CustomStringConvertible {
    case field(String)
    case key(JSONObject)
    case value(JSONValue)
    case index(Int)

    /// Reads one serialised element (sigs.k8s.io/structured-merge-diff `DeserializePathElement`).
    /// nil for an unknown type letter, which structured-merge-diff skips as well.
    public init?(serialized text: String) throws(ManagedFieldsError) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[1] == UInt8(ascii: ":") else {
            throw .malformed("\"\(text)\" is not a field path element (expected f:, k:, v: or i: and its content)")
        }
        let content = String(text.dropFirst(2))
        switch bytes[0] {
        case UInt8(ascii: "f"):
            self = .field(content)
        case UInt8(ascii: "v"):
            do {
                self = .value(try JSONValue.parse(content))
            } catch {
                throw .malformed("the value in \"\(text)\" is not JSON: \(error)")
            }
        case UInt8(ascii: "k"):
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(content)
            } catch {
                throw .malformed("the key in \"\(text)\" is not JSON: \(error)")
            }
            guard case let .object(fields) = parsed else {
                throw .malformed("the key in \"\(text)\" is not a JSON object")
            }
            self = .key(fields)
        case UInt8(ascii: "i"):
            guard let index = Int(content), index >= 0 else {
                throw .malformed("the index in \"\(text)\" is not a whole number")
            }
            self = .index(index)
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case let .field(name): return "f:" + name
        case let .key(fields): return "k:" + JSONValue.object(fields).jsonText()
        case let .value(value): return "v:" + value.jsonText()
        case let .index(index): return "i:\(index)"
        }
    }
}

/// A set of field paths in the `FieldsV1` format of `metadata.managedFields[].fieldsV1`.
///
/// Each member of the JSON object is a path element; its value holds the set below it. A
/// path is itself in the set when its value is `{}` (a leaf: the whole value is owned) or
/// has a `"."` member (the map or list element is kept in existence, its own members being
/// listed beside the `"."`).
public struct FieldSet: Sendable, Equatable {
    /// Whether the path leading here is in the set.
    public var isMember: Bool
    /// The sets below this path, in written order.
    public var children: [(element: FieldPathElement, set: FieldSet)]

    public init(isMember: Bool = false, children: [(element: FieldPathElement, set: FieldSet)] = []) {
        self.isMember = isMember
        self.children = children
    }

    /// Reads a `fieldsV1` value.
    public init(fieldsV1: JSONValue) throws(ManagedFieldsError) {
        guard case let .object(members) = fieldsV1 else {
            throw .malformed("fieldsV1 is \(fieldsV1.typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(fieldsV1.typeName), not an object")
        }
        self = try Self.read(members)
        // The root of an object is never a member of anything.
        isMember = false
    }

    private static func read(_ members: JSONObject) throws(ManagedFieldsError) -> FieldSet {
        var set = FieldSet()
        for (key, value) in members.orderedMembers {
            if key == "." {
                set.isMember = true
                continue
            }
            guard let element = try FieldPathElement(serialized: key) else { continue }
            guard case let .object(childMembers) = value else {
                throw .malformed("the value of \"\(key)\" is \(value.typeName), not an object")
            }
            set.children.append((element, try read(childMembers)))
        }
        // A path with nothing below it is a leaf, and so a member (structured-merge-diff `readIterV1`).
        if set.children.isEmpty { set.isMember = true }
        return set
    }

    public static func == (lhs: FieldSet, rhs: FieldSet) -> Bool {
        lhs.isMember == rhs.isMember && lhs.children.count == rhs.children.count
            && zip(lhs.children, rhs.children).allSatisfy { $0.element == $1.element && $0.set == $1.set }
    }
}

/// Why `metadata.managedFields` could not be read.
public enum ManagedFieldsError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case let .malformed(reason): return "cannot read managedFields: \(reason)"
        }
    }
}

/// A field of a live object that a field manager owns, located in that object.
public struct OwnedField: Sendable, Hashable, CustomStringConvertible {
    /// Where the field is in the live object; list elements by their index there.
    public var pointer: JSONPointer
    /// True for a leaf of the field set: the manager owns the whole value. False for a list
    /// element the manager only keeps in existence (`"."`); what it sets inside the element
    /// is listed separately.
    public var wholeValue: Bool
    /// The managedFields entry that owns it.
    public var writer: FieldWriter
    public var manager: String { writer.manager }
    /// How each step finds its way: by name or index, or by the key of a list element, so the
    /// same element can be found in another version of the list.
    var steps: [PathStep]

    public var description: String { pointer.description }
}

/// One step from a value to a value inside it.
enum PathStep: Sendable, Hashable {
    /// An object member, or a list element by position (a pointer token).
    case token(String)
    /// A list element found by its key fields (`k:`) or its value (`v:`); `index` is where it
    /// is in the live object.
    case element(index: Int, match: ElementMatch)

    var token: String {
        switch self {
        case let .token(token): return token
        case let .element(index, _): return String(index)
        }
    }
}

/// How to recognise one element of a list.
enum ElementMatch: Sendable, Hashable {
    /// An associative list element: every key field has this value.
    case key(JSONObject)
    /// A set element: the element is this value.
    case value(JSONValue)

    func matches(_ element: JSONValue) -> Bool {
        switch self {
        case let .key(fields):
            guard case let .object(object) = element else { return false }
            return fields.orderedMembers.allSatisfy { object[$0.key] == $0.value }
        case let .value(value):
            return element == value
        }
    }
}

/// Reading `metadata.managedFields` and locating what a manager owns.
public enum ManagedFields {
    /// One entry of `metadata.managedFields`.
    public struct Entry: Sendable, Equatable {
        public var manager: String
        /// `Apply` or `Update`.
        public var operation: String
        public var apiVersion: String?
        /// `status` or `scale` when the manager wrote through a subresource.
        public var subresource: String?
        /// When the manager last changed the object (RFC 3339); the server leaves it out of
        /// some entries, such as those written through the scale subresource.
        public var time: String?
        public var fields: FieldSet

        /// The entry without its fields.
        public var writer: FieldWriter {
            FieldWriter(manager: manager, operation: operation, subresource: subresource, time: time)
        }
    }

    /// The entries of a `metadata.managedFields` list. Entries whose `fieldsType` is not
    /// `FieldsV1` are skipped, as the API server does not write any other.
    public static func entries(_ managedFields: JSONValue) throws(ManagedFieldsError) -> [Entry] {
        if case .null = managedFields { return [] }
        guard case let .array(items) = managedFields else {
            throw .malformed("managedFields is \(managedFields.typeName), not a list")
        }
        var entries: [Entry] = []
        for (index, item) in items.enumerated() {
            guard case .object = item else { throw .malformed("entry \(index) is \(item.typeName), not an object") }
            if let type = item["fieldsType"]?.stringValue, type != "FieldsV1" { continue }
            guard let manager = item["manager"]?.stringValue else {
                throw .malformed("entry \(index) has no manager")
            }
            let fields = try item["fieldsV1"].map { value throws(ManagedFieldsError) in try FieldSet(fieldsV1: value) } ?? FieldSet()
            entries.append(Entry(
                manager: manager, operation: item["operation"]?.stringValue ?? "",
                apiVersion: item["apiVersion"]?.stringValue, subresource: item["subresource"]?.stringValue,
                time: item["time"]?.stringValue, fields: fields))
        }
        return entries
    }

    /// The fields of `object` owned by any of `managers`, through any operation or subresource.
    ///
    /// Paths are resolved against `object` (the live object the managed fields belong to):
    /// `k:{"name":"web"}` becomes the index of the list element whose `name` is `web`. A path
    /// naming a list element the object does not have is left out.
    public static func ownedFields(managedFields: JSONValue, object: JSONValue, managers: Set<String>) throws(ManagedFieldsError) -> [OwnedField] {
        ownedFields(of: try entries(managedFields).filter { managers.contains($0.manager) }, in: object)
    }

    /// The fields of `object` that these entries of its managedFields own.
    public static func ownedFields(of entries: [Entry], in object: JSONValue) -> [OwnedField] {
        var owned: [OwnedField] = []
        for entry in entries {
            collect(entry.fields, in: object, steps: [], writer: entry.writer, into: &owned)
        }
        return owned
    }

    /// The JSON pointers of every field `manager` owns in `object`: whole values and the list
    /// elements it keeps in existence.
    public static func ownedPointers(managedFields: JSONValue, object: JSONValue, manager: String) throws(ManagedFieldsError) -> Set<String> {
        Set(try ownedFields(managedFields: managedFields, object: object, managers: [manager]).map(\.pointer.description))
    }

    private static func collect(_ set: FieldSet, in value: JSONValue?, steps: [PathStep], writer: FieldWriter, into owned: inout [OwnedField]) {
        for (element, child) in set.children {
            let step: PathStep
            let childValue: JSONValue?
            switch element {
            case let .field(name):
                step = .token(name)
                childValue = value?[name]
            case let .index(index):
                guard case let .array(items)? = value, index < items.count else { continue }
                step = .token(String(index))
                childValue = items[index]
            case let .key(fields):
                let match = ElementMatch.key(fields)
                guard case let .array(items)? = value, let index = items.firstIndex(where: match.matches) else { continue }
                step = .element(index: index, match: match)
                childValue = items[index]
            case let .value(member):
                let match = ElementMatch.value(member)
                guard case let .array(items)? = value, let index = items.firstIndex(where: match.matches) else { continue }
                step = .element(index: index, match: match)
                childValue = items[index]
            }
            let childSteps = steps + [step]
            if child.isMember {
                owned.append(OwnedField(
                    pointer: JSONPointer(tokens: childSteps.map(\.token)), wholeValue: child.children.isEmpty,
                    writer: writer, steps: childSteps))
            }
            collect(child, in: childValue, steps: childSteps, writer: writer, into: &owned)
        }
    }
}
