/// Hand edits of a key field: a person changed the key of a keyed-list element, such as a
/// Service port's number or a container port, with `kubectl edit` or `kubectl patch`.
///
/// For server-side apply the edited element is a new element beside Git's, so the dry run
/// fails validation (two ports named `http`), although remediation, which takes the hand edit
/// over before it applies, replaces the element cleanly. This rebuilds what remediation
/// stores: a dry run of the manifest without those lists, the lists put back as Git has them
/// (with what nobody owns in the live elements kept, such as server defaults and allocated
/// node ports, as the apply keeps it), and then the detector's replace dry run, which
/// validates and defaults the result.
struct KeyFieldEdits {
    /// The lists holding hand-added elements, as steps into the live object.
    let lists: [[PathStep]]
    /// The fields of the live object that our manager or hand-edit managers own.
    let owned: [OwnedField]
    /// The hand-edit managers of the re-keyed elements.
    let managers: Set<String>

    /// The lists of `live` with elements that only hand-edit managers own and whose keys the
    /// manifest does not have, when nobody else owns anything in those lists and every element
    /// has an owner (so that Git's list replaces the live one whole, as the apply will); nil
    /// otherwise.
    ///
    /// - Parameter live: the live object with its managedFields.
    static func find(live: JSONValue, manifest: JSONValue, managers: Set<String>, fieldManager: String) -> KeyFieldEdits? {
        guard let managedFields = live[["metadata", "managedFields"]],
            let entries = try? ManagedFields.entries(managedFields),
            let handOnly = try? HandEdits.handOnlyFields(in: live, managers: managers)
        else { return nil }
        var lists: [[PathStep]] = []
        var editors: Set<String> = []
        for field in handOnly where !field.wholeValue {
            guard case let .element(_, match)? = field.steps.last, case .key = match else { continue }
            let list = Array(field.steps.dropLast())
            // An element Git has too was only taken over by hand, not re-keyed.
            guard Overlay.lookup(manifest, list[...])?.arrayValue?.contains(where: match.matches) != true else { continue }
            editors.insert(field.manager)
            if !lists.contains(list) { lists.append(list) }
        }
        guard !lists.isEmpty else { return nil }
        let isOursOrHand = { (entry: ManagedFields.Entry) in
            (entry.manager == fieldManager && entry.operation == "Apply") || HandEdits.isTakenOver(entry, managers: managers)
        }
        let owned = ManagedFields.ownedFields(of: entries.filter(isOursOrHand), in: live)
        let others = ManagedFields.ownedFields(of: entries.filter { !isOursOrHand($0) }, in: live)
        for list in lists {
            let pointer = JSONPointer(tokens: list.map(\.token))
            guard !others.contains(where: { pointer.contains($0.pointer) }),
                let elements = pointer.value(in: live)?.arrayValue
            else { return nil }
            let unowned = elements.indices.contains { index in
                let element = pointer.appending(String(index))
                return !owned.contains { element.contains($0.pointer) }
            }
            if unowned { return nil }
        }
        return KeyFieldEdits(lists: lists, owned: owned, managers: editors)
    }

    /// The manifest without the lists, for a dry run that the edited elements cannot fail.
    func removingLists(from manifest: JSONValue) -> JSONValue {
        lists.reduce(manifest) { result, steps in
            Self.pointer(for: steps, in: result).map { $0.updating(result, to: nil) } ?? result
        }
    }

    /// `object` with each list as the manifest has it; an element whose key is live keeps
    /// what nobody owns in the live element.
    func restoringLists(in object: JSONValue, manifest: JSONValue, live: JSONValue) -> JSONValue {
        var result = object
        for steps in lists {
            guard let desired = Overlay.lookup(manifest, steps[...])?.arrayValue,
                let target = Self.pointer(for: steps, in: result)
            else { continue }
            let listPointer = JSONPointer(tokens: steps.map(\.token))
            let liveElements = listPointer.value(in: live)?.arrayValue ?? []
            let keyNames = Set(owned.compactMap { field -> [String]? in
                guard field.steps.count == steps.count + 1, field.steps.starts(with: steps),
                    case let .element(_, .key(fields))? = field.steps.last
                else { return nil }
                return fields.orderedMembers.map(\.key)
            }.joined())
            let merged = desired.map { element -> JSONValue in
                guard let index = liveElements.firstIndex(where: { Self.sameKey($0, element, keyNames: keyNames) }) else {
                    return element
                }
                return Self.merging(element, over: unownedPart(of: liveElements[index], at: listPointer.appending(String(index))))
            }
            result = target.updating(result, to: .array(merged))
        }
        return result
    }

    /// The live element without the fields our manager and hand-edit managers own.
    private func unownedPart(of element: JSONValue, at pointer: JSONPointer) -> JSONValue {
        owned.filter { pointer.contains($0.pointer) && $0.pointer != pointer }
            .sorted { Overlay.precedes($1.steps, $0.steps) }
            .map { JSONPointer(tokens: Array($0.pointer.tokens.dropFirst(pointer.tokens.count))) }
            .reduce(element) { result, relative in relative.updating(result, to: nil) }
    }

    /// Whether a manifest element names the same key as a live one: every key field it sets
    /// is equal (a key field it leaves to the server's default, such as a port's protocol,
    /// matches any), and it sets at least one.
    private static func sameKey(_ live: JSONValue, _ element: JSONValue, keyNames: Set<String>) -> Bool {
        let named = keyNames.filter { element[$0] != nil }
        return !named.isEmpty && named.allSatisfy { live[$0] == element[$0] }
    }

    /// `overlay` on top of `base`: maps member by member, anything else replaced.
    private static func merging(_ overlay: JSONValue, over base: JSONValue) -> JSONValue {
        guard case let .object(top) = overlay, case var .object(merged) = base else { return overlay }
        for (key, value) in top.orderedMembers {
            merged[key] = merged[key].map { merging(value, over: $0) } ?? value
        }
        return .object(merged)
    }

    /// Where `steps` lead in `document`: list elements found by their key there.
    static func pointer(for steps: [PathStep], in document: JSONValue) -> JSONPointer? {
        var tokens: [String] = []
        var current: JSONValue? = document
        for step in steps {
            switch (step, current) {
            case let (.token(token), .object(object)?):
                tokens.append(token)
                current = object[token]
            case let (.token(token), .array(elements)?):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                tokens.append(token)
                current = elements[index]
            case let (.element(_, match), .array(elements)?):
                guard let index = elements.firstIndex(where: match.matches) else { return nil }
                tokens.append(String(index))
                current = elements[index]
            default:
                return nil
            }
        }
        return JSONPointer(tokens: tokens)
    }
}
