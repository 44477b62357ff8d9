/// Why a difference was not counted as drift.
public enum IgnoreReason: Sendable, Hashable, CustomStringConvertible {
    /// An ignore rule (or `--ignore-path`) names this pointer.
    case path(JSONPointer)
    /// The field is owned by this field manager in the live object.
    case manager(String)

    public var description: String {
        switch self {
        case let .path(pointer): return "ignored path \(pointer)"
        case let .manager(name): return "owned by field manager \(name)"
        }
    }
}

/// A difference left out of a verdict, with the reason.
public struct IgnoredChange: Sendable, Equatable {
    public var change: FieldChange
    public var reason: IgnoreReason

    public init(change: FieldChange, reason: IgnoreReason) {
        self.change = change
        self.reason = reason
    }
}

/// A verdict after the ignore rules, and what they left out.
public struct FilteredDrift: Sendable {
    /// The verdict without ignored changes; `drifted` becomes `in-sync` when none is left.
    public var drift: ObjectDrift
    public var ignored: [IgnoredChange]
    /// Problems that kept a rule from applying (such as unreadable managedFields).
    public var warnings: [String]
}

/// Removes the differences that ignore rules and ignored field managers say are not drift.
///
/// A change at an ignored pointer or below it is dropped. A change at a parent of an ignored
/// pointer (say `/metadata/labels` when `/metadata/labels/foo` is ignored) is compared again
/// with the ignored part taken from the live value on both sides, so only the rest counts,
/// and its `desired` value then shows the ignored part as it is live.
public struct DriftFilter: Sendable {
    public var rules: [IgnoreRule]
    /// Field managers whose fields are ignored in every object.
    public var managers: [String]

    public init(rules: [IgnoreRule] = [], managers: [String] = []) {
        self.rules = rules
        self.managers = managers
    }

    public var isEmpty: Bool { rules.isEmpty && managers.isEmpty }


    /// The field managers whose fields are never drift in this object: everywhere, and by the
    /// rules that select it.
    public func ignoredManagers(for drift: ObjectDrift) -> Set<String> {
        Set(managers + matchingRules(drift).flatMap(\.managers))
    }

    private func matchingRules(_ drift: ObjectDrift) -> [IgnoreRule] {
        let subject = IgnoreSubject(drift)
        return rules.filter { $0.target.matches(subject) }
    }

    /// The verdict without ignored changes.
    ///
    /// - Parameter managedFields: the live object's `metadata.managedFields` as the server
    ///   returned them (normalising drops them from `drift.live`); nil when not fetched.
    public func apply(to drift: ObjectDrift, managedFields: JSONValue?) -> ObjectDrift {
        filter(drift, managedFields: managedFields).drift
    }

    public func filter(_ drift: ObjectDrift, managedFields: JSONValue?) -> FilteredDrift {
        var result = FilteredDrift(drift: drift, ignored: [], warnings: [])
        guard drift.status == .drifted, !drift.changes.isEmpty, !isEmpty else { return result }
        let matching = matchingRules(drift)
        var ignoredPaths: [IgnoredPath] = []
        for rule in matching {
            for pointer in rule.paths {
                ignoredPaths.append(IgnoredPath(
                    pointer: pointer, steps: pointer.tokens.map(PathStep.token), wholeValue: true, reason: .path(pointer)))
            }
        }
        let managerNames = Set(managers + matching.flatMap(\.managers))
        if !managerNames.isEmpty, let managedFields, let live = drift.live {
            do {
                for field in try ManagedFields.ownedFields(managedFields: managedFields, object: live, managers: managerNames) {
                    ignoredPaths.append(IgnoredPath(
                        pointer: field.pointer, steps: field.steps, wholeValue: field.wholeValue, reason: .manager(field.manager)))
                }
            } catch {
                result.warnings.append("\(drift.identity): \(error); fields owned by \(managerNames.sorted().joined(separator: ", ")) are not ignored")
            }
        }
        guard !ignoredPaths.isEmpty else { return result }

        var kept: [FieldChange] = []
        for change in drift.changes {
            guard let pointer = try? JSONPointer(change.path) else {
                kept.append(change)
                continue
            }
            if let covering = ignoredPaths.first(where: { $0.covers(change, at: pointer) }) {
                result.ignored.append(IgnoredChange(change: change, reason: covering.reason))
                continue
            }
            let inside = ignoredPaths.filter { $0.pointer.tokens.count > pointer.tokens.count && pointer.contains($0.pointer) }
            guard !inside.isEmpty else {
                kept.append(change)
                continue
            }
            let depth = pointer.tokens.count
            let relative = inside.map { $0.dropping(depth) }
            result.ignored += relative.compactMap { $0.ignoredChange(live: change.live, desired: change.desired) }
            for rediffed in Overlay.rediff(change, at: pointer, ignoring: relative) {
                // The overlay finds list elements by key; a positional pointer may still cover a change.
                if let rediffedPointer = try? JSONPointer(rediffed.path),
                    let covering = ignoredPaths.first(where: { $0.wholeValue && $0.pointer.contains(rediffedPointer) })
                {
                    result.ignored.append(IgnoredChange(change: rediffed, reason: covering.reason))
                } else {
                    kept.append(rediffed)
                }
            }
        }
        result.drift.changes = kept
        if kept.isEmpty { result.drift.status = .inSync }
        return result
    }
}

/// A path whose differences are ignored, resolved for one object.
struct IgnoredPath {
    var pointer: JSONPointer
    var steps: [PathStep]
    var wholeValue: Bool
    var reason: IgnoreReason

    /// Whether the change is wholly ignored: a whole value at or around it, or a list element
    /// kept in existence that applying would remove.
    func covers(_ change: FieldChange, at changed: JSONPointer) -> Bool {
        wholeValue ? pointer.contains(changed) : pointer == changed && change.desired == nil
    }

    /// The same path relative to a value `depth` steps down.
    func dropping(_ depth: Int) -> IgnoredPath {
        IgnoredPath(pointer: pointer, steps: Array(steps.dropFirst(depth)), wholeValue: wholeValue, reason: reason)
    }

    /// The ignored difference at this (relative) path between two values, if any.
    func ignoredChange(live: JSONValue?, desired: JSONValue?) -> IgnoredChange? {
        let liveValue = Overlay.lookup(live, steps[...])
        let desiredValue = Overlay.lookup(desired, steps[...])
        if wholeValue {
            guard liveValue != desiredValue else { return nil }
        } else {
            // A list element kept in existence: ignored only when the desired list lacks it.
            guard liveValue != nil, desiredValue == nil else { return nil }
        }
        return IgnoredChange(change: FieldChange(path: pointer.description, live: liveValue, desired: desiredValue), reason: reason)
    }
}
