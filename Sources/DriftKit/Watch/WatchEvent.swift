import Foundation

/// One line of a watch stream: `{"type": "ADDED", "object": {...}}`.
struct WatchEvent: Sendable, Equatable {
    enum Kind: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR"
    }

    var kind: Kind
    /// The object; for ERROR a `Status`, for BOOKMARK an object carrying only its resourceVersion.
    var object: JSONValue

    init(kind: Kind, object: JSONValue) {
        self.kind = kind
        self.object = object
    }

    /// Reads one event line (without its newline).
    init(line: Data) throws(WatchError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw .malformedEvent(reason: error.description, line: Self.excerpt(line))
        }
        guard let type = value["type"]?.stringValue else {
            throw .malformedEvent(reason: "no type", line: Self.excerpt(line))
        }
        guard let kind = Kind(rawValue: type) else {
            throw .malformedEvent(reason: "unknown type \(type)", line: Self.excerpt(line))
        }
        guard let object = value["object"], object.objectValue != nil else {
            throw .malformedEvent(reason: "no object", line: Self.excerpt(line))
        }
        self.init(kind: kind, object: object)
    }

    /// The object's `metadata.resourceVersion`, where a watch resumes after this event.
    var resourceVersion: String? { object[["metadata", "resourceVersion"]]?.stringValue }

    /// The change this event reports, nil for BOOKMARK and ERROR.
    var change: LiveEvent.Change? {
        switch kind {
        case .added: return .added
        case .modified: return .modified
        case .deleted: return .deleted
        case .bookmark, .error: return nil
        }
    }

    /// For an ERROR event, the `Status` it carries.
    var status: APIStatus? {
        guard kind == .error else { return nil }
        return APIStatus(
            code: object["code"]?.intValue.map { Int($0) } ?? 0,
            reason: object["reason"]?.stringValue ?? "",
            message: object["message"]?.stringValue ?? "",
            method: "GET", path: "")
    }

    /// The start of a bad line, enough to recognise it without flooding a log.
    private static func excerpt(_ line: Data) -> String {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return line.count > 200 ? text + "…" : text
    }
}
