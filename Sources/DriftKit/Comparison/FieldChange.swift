/// One field whose live value differs from the desired one.
public struct FieldChange: Sendable, Equatable {
    /// RFC 6901 JSON pointer, such as `/spec/replicas` or `/metadata/labels/app.kubernetes.io~1name`.
    public var path: String
    /// nil when the field is absent in the live object.
    public var live: JSONValue?
    /// nil when applying the desired state removes the field.
    public var desired: JSONValue?
    /// Who made the live value what it is; nil when not attributed.
    public var cause: ChangeCause?

    public init(path: String, live: JSONValue?, desired: JSONValue?, cause: ChangeCause? = nil) {
        self.path = path
        self.live = live
        self.desired = desired
        self.cause = cause
    }
}

/// Who wrote a field: one entry of `metadata.managedFields`, without its field set.
public struct FieldWriter: Sendable, Hashable {
    public var manager: String
    /// `Apply` (server-side apply) or `Update` (any other write).
    public var operation: String
    /// `scale` or `status` when written through a subresource.
    public var subresource: String?
    /// When the manager last changed the object (RFC 3339), when the server recorded it.
    public var time: String?

    public init(manager: String, operation: String, subresource: String? = nil, time: String? = nil) {
        self.manager = manager
        self.operation = operation
        self.subresource = subresource
        self.time = time
    }

    /// `kubectl scale` for kubectl through the scale subresource, else the manager's name.
    public var displayName: String {
        subresource.map { "\(manager) \($0)" } ?? manager
    }
}

/// Why a live value differs from Git, read from the live object's `managedFields`.
public enum ChangeCause: Sendable, Hashable {
    /// Another field manager wrote the live value: a person or a controller changed the cluster.
    case cluster(FieldWriter)
    /// The live value is ours, as applied from an earlier Git state: Git moved on since, the
    /// cluster did not drift.
    case git
    /// No field manager owns the live value: a field that is absent live (managedFields do not
    /// record removals) or that nobody set.
    case unknown

    /// `cluster`, `git` or `unknown`, as in the JSON report.
    public var name: String {
        switch self {
        case .cluster: return "cluster"
        case .git: return "git"
        case .unknown: return "unknown"
        }
    }
}

/// Field-by-field comparison of two JSON values.
public enum FieldDiff {
    /// Every leaf where `live` and `desired` differ, in document order.
    ///
    /// Objects are compared member by member; arrays of equal length element by element. When
    /// an array only gained or only lost elements, each of them is a change of its own, at its
    /// index in the array that has it (a removed element at its live index, an added one at
    /// its desired index); any other change of length reports the array whole, since index
    /// pointers would mislead.
    public static func changes(from live: JSONValue, to desired: JSONValue) -> [FieldChange] {
        var changes: [FieldChange] = []
        collect(live, desired, path: "", into: &changes)
        return changes
    }

    /// Escapes one reference token of a JSON pointer (RFC 6901 section 3).
    public static func escapePointerToken(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The indices of `longer` that are not in `shorter`, when `shorter` is `longer` with
    /// only those elements left out (in order); nil otherwise.
    private static func extraElements(_ longer: [JSONValue], beyond shorter: [JSONValue]) -> [Int]? {
        guard longer.count > shorter.count else { return nil }
        var extra: [Int] = []
        var next = 0
        for (index, element) in longer.enumerated() {
            if next < shorter.count, element == shorter[next] {
                next += 1
            } else {
                extra.append(index)
            }
        }
        return next == shorter.count ? extra : nil
    }

    private static func collect(_ live: JSONValue, _ desired: JSONValue, path: String, into changes: inout [FieldChange]) {
        guard live != desired else { return }
        switch (live, desired) {
        case let (.object(liveObject), .object(desiredObject)):
            for (key, desiredValue) in desiredObject.orderedMembers {
                let childPath = path + "/" + escapePointerToken(key)
                if let liveValue = liveObject[key] {
                    collect(liveValue, desiredValue, path: childPath, into: &changes)
                } else {
                    changes.append(FieldChange(path: childPath, live: nil, desired: desiredValue))
                }
            }
            for (key, liveValue) in liveObject.orderedMembers where desiredObject[key] == nil {
                changes.append(FieldChange(path: path + "/" + escapePointerToken(key), live: liveValue, desired: nil))
            }
        case let (.array(liveElements), .array(desiredElements)) where liveElements.count == desiredElements.count:
            for (index, pair) in zip(liveElements, desiredElements).enumerated() {
                collect(pair.0, pair.1, path: path + "/\(index)", into: &changes)
            }
        case let (.array(liveElements), .array(desiredElements)):
            if let removed = extraElements(liveElements, beyond: desiredElements) {
                changes += removed.map { FieldChange(path: path + "/\($0)", live: liveElements[$0], desired: nil) }
            } else if let added = extraElements(desiredElements, beyond: liveElements) {
                changes += added.map { FieldChange(path: path + "/\($0)", live: nil, desired: desiredElements[$0]) }
            } else {
                changes.append(FieldChange(path: path, live: live, desired: desired))
            }
        default:
            changes.append(FieldChange(path: path, live: live, desired: desired))
        }
    }
}
