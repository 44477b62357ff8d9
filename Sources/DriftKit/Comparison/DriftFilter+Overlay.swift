/// Comparing a changed value again with some of its parts taken from the live side.
enum Overlay {
    /// The value at `steps` below `value`; list elements found by key where the step has one.
    static func lookup(_ value: JSONValue?, _ steps: ArraySlice<PathStep>) -> JSONValue? {
        var current = value
        for step in steps {
            switch (step, current) {
            case let (.token(token), .object(object)?):
                current = object[token]
            case let (.token(token), .array(elements)?):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            case let (.element(_, match), .array(elements)?):
                current = elements.first(where: match.matches)
            default:
                return nil
            }
        }
        return current
    }

    /// The differences left in `change` (found at `pointer`) once every path in `paths`
    /// (relative to the change) holds its live value on the desired side too.
    static func rediff(_ change: FieldChange, at pointer: JSONPointer, ignoring paths: [IgnoredPath]) -> [FieldChange] {
        // Deepest paths and highest indices first, so a removed element does not shift the
        // others; list elements kept in existence last, so they come back whole.
        let values = paths.filter(\.wholeValue).sorted { precedes($1.steps, $0.steps) }
        let elements = paths.filter { !$0.wholeValue }.sorted { precedes($0.steps, $1.steps) }
        var desired = change.desired
        for path in values + elements {
            desired = apply(desired, live: change.live, steps: path.steps[...], wholeValue: path.wholeValue)
        }
        switch (change.live, desired) {
        case (nil, nil):
            return []
        case let (nil, desired?):
            // Only ignored members made the desired value: an empty map or list is no drift.
            if isEmptyContainer(desired), let original = change.desired, !isEmptyContainer(original) { return [] }
            return [FieldChange(path: change.path, live: nil, desired: desired)]
        case let (live?, nil):
            return [FieldChange(path: change.path, live: live, desired: nil)]
        case let (live?, desired?):
            let prefix = pointer.description
            return FieldDiff.changes(from: live, to: desired).map {
                FieldChange(path: prefix + $0.path, live: $0.live, desired: $0.desired)
            }
        }
    }

    /// `desired` with the value at `steps` replaced by the live one (removed when it is not
    /// live). For a list element kept in existence (`wholeValue` false) the desired element
    /// stays when there is one; otherwise the live element is inserted.
    static func apply(_ desired: JSONValue?, live: JSONValue?, steps: ArraySlice<PathStep>, wholeValue: Bool) -> JSONValue? {
        guard let step = steps.first else { return wholeValue ? live : (desired ?? live) }
        let rest = steps.dropFirst()
        switch step {
        case let .token(token):
            switch desired {
            case var .object(members)?:
                let liveChild = live?.objectValue?[token]
                members[token] = apply(members[token], live: liveChild, steps: rest, wholeValue: wholeValue)
                return .object(members)
            case var .array(elements)?:
                guard let index = JSONPointer.arrayIndex(token) else { return desired }
                let liveChild = live?.arrayValue.flatMap { index < $0.count ? $0[index] : nil }
                if index < elements.count {
                    if let child = apply(elements[index], live: liveChild, steps: rest, wholeValue: wholeValue) {
                        elements[index] = child
                    } else {
                        elements.remove(at: index)
                    }
                } else if index == elements.count, let child = apply(nil, live: liveChild, steps: rest, wholeValue: wholeValue) {
                    elements.append(child)
                }
                return .array(elements)
            case nil:
                // Absent on the desired side: build the container only if it gets content.
                let empty: JSONValue
                switch live {
                case .object?: empty = .object(JSONObject())
                case .array?: empty = .array([])
                default: return nil
                }
                let built = apply(empty, live: live, steps: steps, wholeValue: wholeValue)
                return built.map(isEmptyContainer) == true ? nil : built
            default:
                return desired
            }
        case let .element(index, match):
            var elements: [JSONValue]
            switch desired {
            case let .array(items)?: elements = items
            case nil:
                guard case .array? = live else { return nil }
                elements = []
            default: return desired
            }
            let liveChild = live?.arrayValue?.first(where: match.matches)
            if let position = elements.firstIndex(where: match.matches) {
                if let child = apply(elements[position], live: liveChild, steps: rest, wholeValue: wholeValue) {
                    elements[position] = child
                } else {
                    elements.remove(at: position)
                }
            } else if rest.isEmpty, let child = apply(nil, live: liveChild, steps: rest, wholeValue: wholeValue) {
                elements.insert(child, at: min(index, elements.count))
            }
            return desired == nil && elements.isEmpty ? nil : .array(elements)
        }
    }

    private static func isEmptyContainer(_ value: JSONValue) -> Bool {
        switch value {
        case let .object(members): return members.isEmpty
        case let .array(elements): return elements.isEmpty
        default: return false
        }
    }

    /// Orders paths by their tokens, numbers by value.
    static func precedes(_ lhs: [PathStep], _ rhs: [PathStep]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            let a = left.token, b = right.token
            if a == b { continue }
            if let x = JSONPointer.arrayIndex(a), let y = JSONPointer.arrayIndex(b) { return x < y }
            return a < b
        }
        return lhs.count < rhs.count
    }
}
