import Foundation

extension ChangeSet {
    /// The objects that differ from commit `from` to commit `to` under the `-f` `paths`
    /// (relative to the repository root; folders descended with `recursive`, as `-R`).
    ///
    /// Reads only what changed: libgit2's tree-to-tree diff, restricted to `paths`, names the
    /// files whose blobs differ, and only the old and new versions of those files are parsed.
    /// Objects are matched by identity across all of them, so an object moved to another
    /// changed file, or a renamed file, is no change; objects are compared as parsed values,
    /// so whitespace, comments and key order do not count.
    ///
    /// A path may be missing from one of the revisions (a folder added or removed); missing
    /// from both, it is an error. A path whose links lead elsewhere in the two revisions is read
    /// in full from both. Limitation: an edit made through a link, to a file outside `paths`
    /// that a link inside `paths` points to, is not seen (the diff only sees `paths`).
    ///
    /// - Parameters:
    ///   - namespace: where objects that name no namespace are placed, as the server would
    ///     place them (the context's namespace); nil leaves them without one.
    ///   - duplicateKeys: how a key written twice is read; the newer revision's warnings are kept.
    public static func between(
        _ from: GitCommit, _ to: GitCommit, paths: [String], recursive: Bool, namespace: String? = nil,
        duplicateKeys: DuplicateKeyPolicy = .lastWins
    ) throws(ChangeSetError) -> ChangeSet {
        let old: GitRevisionTree
        let new: GitRevisionTree
        do {
            old = try from.tree()
            new = try to.tree()
        } catch {
            throw .git(error)
        }
        var oldSelections: [ChangeSetSelection] = []
        var newSelections: [ChangeSetSelection] = []
        // Read in full from both revisions: paths that resolve differently in each.
        var fullyRead: [String] = []
        do throws(SourceError) {
            for path in paths {
                let before = try ChangeSetSelection(given: path, recursive: recursive, tree: old)
                let after = try ChangeSetSelection(given: path, recursive: recursive, tree: new)
                switch (before, after) {
                case (nil, nil):
                    throw SourceError.pathNotFound(path: path, tree: "either \(old.name) or \(new.name)")
                case let (before?, after?) where before.resolved != after.resolved || before.node != after.node:
                    fullyRead.append(path)
                default:
                    if let before { oldSelections.append(before) }
                    if let after { newSelections.append(after) }
                }
            }
        } catch {
            throw .source(error)
        }

        let resolved = Set((oldSelections + newSelections).map(\.resolved))
        let pathspecs = resolved.contains("") ? [] : resolved.sorted()
        var beforeFiles = ChangeSetFiles(tree: old, recursive: recursive)
        var afterFiles = ChangeSetFiles(tree: new, recursive: recursive)
        if !oldSelections.isEmpty || !newSelections.isEmpty {
            let deltas: [GitTreeDelta]
            do {
                deltas = try old.deltas(to: new, pathspecs: pathspecs)
            } catch {
                throw .git(error)
            }
            for delta in deltas {
                if let (path, entry) = delta.old { try beforeFiles.add(path: path, entry: entry, selections: oldSelections) }
                if let (path, entry) = delta.new { try afterFiles.add(path: path, entry: entry, selections: newSelections) }
            }
        }
        for path in fullyRead {
            try beforeFiles.addAll(under: path)
            try afterFiles.addAll(under: path)
        }

        var before = try beforeFiles.manifests(duplicateKeys: duplicateKeys).manifests
        let afterParsed = try afterFiles.manifests(duplicateKeys: duplicateKeys)
        var after = afterParsed.manifests
        if let namespace {
            // An object moved from no namespace to the one it lands in is the same object.
            before = KnownScopes(defining: before).placing(before, in: namespace)
            after = KnownScopes(defining: after).placing(after, in: namespace)
        }
        var changeSet = ChangeSet(
            from: from.revision, fromID: from.id, to: to.revision, toID: to.id,
            changes: Change.compare(before: before, after: after))
        changeSet.warnings = afterParsed.warnings
        return changeSet
    }
}

extension ChangeSet.Change {
    /// The changes from one list of objects to another, matched by identity and compared as
    /// parsed values.
    static func compare(before: [Manifest], after: [Manifest]) -> [ChangeSet.Change] {
        let afterByIdentity = Dictionary(after.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        let beforeIdentities = Set(before.map(\.identity))
        var changes: [ChangeSet.Change] = []
        for manifest in before {
            if let newer = afterByIdentity[manifest.identity] {
                if newer.object != manifest.object { changes.append(ChangeSet.Change(before: manifest, after: newer)) }
            } else {
                changes.append(ChangeSet.Change(before: manifest, after: nil))
            }
        }
        for manifest in after where !beforeIdentities.contains(manifest.identity) {
            changes.append(ChangeSet.Change(before: nil, after: manifest))
        }
        return changes
    }
}
