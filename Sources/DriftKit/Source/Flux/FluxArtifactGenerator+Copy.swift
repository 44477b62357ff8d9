/// The copy rules of an artifact, as source-watcher's builder applies them (`cp`-like):
///
/// - `from` without `*?[]` names a file or a folder: a file goes to `to`, or into it when
///   `to` ends in `/` or is a folder already; a folder is copied with its contents as a
///   subfolder of `to` (`@repo/` copies the whole source into `to`).
/// - Otherwise `from` is a glob matched segment by segment (Go's `fs.Glob`: `**` is `*`, one
///   level); matched folders are copied recursively. `dir/**` copies the contents of `dir`
///   into `to`; other globs keep the matched path (`*.yaml` to `to/x.yaml`, `a/*.yaml` to
///   `to/a/x.yaml`). No match, or every match excluded, fails the artifact.
/// - `exclude` patterns (doublestar) are matched against the path in the source and against
///   it relative to the literal prefix of `from`; a pattern without `/` also matches the name
///   at any depth. An excluded folder is skipped with everything below it.
/// - Rules run in order, a later file replacing an earlier one at the same path.
extension FluxArtifactGenerator {
    /// Composes `artifact` from `sources` (trees by alias), `Overwrite` rules only.
    func compose(_ artifact: Artifact, sources: [String: any SourceTree], name treeName: String) throws(FluxError) -> ComposedTree {
        var tree = ComposedTree(name: treeName)
        for rule in artifact.copy {
            do {
                try apply(rule, sources: sources, to: &tree)
            } catch {
                throw .artifactGenerator(
                    name: key, source: source,
                    reason: "artifact \(artifact.name): cannot copy \(rule.from) to \(rule.to): \(error.reason)")
            }
        }
        return tree
    }

    /// Why a copy rule failed.
    private struct CopyFailure: Error {
        let reason: String

        init(_ reason: String) { self.reason = reason }
    }

    private func apply(_ rule: CopyRule, sources: [String: any SourceTree], to tree: inout ComposedTree) throws(CopyFailure) {
        guard let alias = rule.alias else { throw CopyFailure("from must be @alias/pattern") }
        guard rule.to.hasPrefix("@artifact/") else { throw CopyFailure("to must start with @artifact/") }
        guard let source = sources[alias] else { throw CopyFailure("the source alias \(alias) is not in spec.sources") }
        let pattern = String(rule.from.drop { $0 != "/" }.dropFirst())
        let destination = String(rule.to.dropFirst("@artifact/".count))
        var excludes: [PathGlob] = []
        for text in rule.exclude {
            do {
                excludes.append(try PathGlob(text))
            } catch {
                throw CopyFailure("invalid exclude pattern: \(error)")
            }
        }
        let copier = Copier(source: source, excludes: excludes)
        do {
            guard GlobSegment.hasWildcards(pattern) else {
                guard let path = TreePath.normalize(pattern) else { throw CopyFailure("\(pattern) climbs above the source root") }
                switch try source.node(at: path) {
                case .directory:
                    try copier.copyDirectory(path, to: try Self.join(destination, Self.lastName(path)), base: path, into: &tree)
                case .file:
                    guard !copier.isExcluded(path, base: "") else { return }
                    let target = try Self.join(destination, "")
                    let intoFolder = rule.to.hasSuffix("/") || tree.isDirectory(target)
                    try tree.addFile(intoFolder ? try Self.join(target, Self.lastName(path)) : target, from: .init(tree: source, path: path))
                case .missing, .submodule:
                    throw CopyFailure("\(path) does not exist in the source \(alias)")
                }
                return
            }
            let matches = try copier.glob(pattern)
            guard !matches.isEmpty else { throw CopyFailure("no files match \(pattern) in the source \(alias)") }
            let base = Self.literalPrefix(pattern)
            let kept = matches.filter { !copier.isExcluded($0, base: base) }
            guard !kept.isEmpty else { throw CopyFailure("every file matching \(pattern) in the source \(alias) is excluded") }
            for match in kept {
                let target: String
                if pattern.hasSuffix("/**"), match.hasPrefix(pattern.dropLast(2)) {
                    target = try Self.join(destination, String(match.dropFirst(pattern.count - 2)))
                } else {
                    target = try Self.join(destination, match)
                }
                if try source.node(at: match) == .directory {
                    try copier.copyDirectory(match, to: target, base: base, into: &tree)
                } else {
                    try tree.addFile(target, from: .init(tree: source, path: match))
                }
            }
        } catch let error as CopyFailure {
            throw error
        } catch let error as ComposedTree.Conflict {
            throw CopyFailure(error.description)
        } catch let error as SourceError {
            throw CopyFailure(error.description)
        } catch let error as PathGlobError {
            throw CopyFailure(error.description)
        } catch {
            throw CopyFailure(String(describing: error))
        }
    }

    /// `directory/name` within the artifact, refused when it climbs above its root.
    private static func join(_ directory: String, _ name: String) throws(CopyFailure) -> String {
        guard let path = TreePath.normalize(name.isEmpty ? directory : TreePath.join(directory, name)) else {
            throw CopyFailure("\(directory) climbs above the artifact root")
        }
        return path
    }

    private static func lastName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? ""
    }

    /// The segments of `pattern` before the first with a wildcard: what `exclude` patterns
    /// are also matched relative to.
    private static func literalPrefix(_ pattern: String) -> String {
        pattern.split(separator: "/").prefix { !GlobSegment.hasWildcards($0) }.joined(separator: "/")
    }

    /// Reads files of one source for one rule.
    private struct Copier {
        let source: any SourceTree
        let excludes: [PathGlob]

        /// The paths `pattern` matches, one segment per level, in name order.
        func glob(_ pattern: String) throws -> [String] {
            var candidates = [""]
            for text in pattern.split(separator: "/", omittingEmptySubsequences: false) {
                let segment = try GlobSegment(text, in: pattern)
                var next: [String] = []
                for directory in candidates {
                    guard try source.node(at: directory) == .directory else { continue }
                    for entry in try source.entries(of: directory) where segment.matches(Substring(entry)) {
                        next.append(TreePath.join(directory, entry))
                    }
                }
                candidates = next
            }
            return candidates
        }

        func isExcluded(_ path: String, base: String) -> Bool {
            if matchesExclude(path) { return true }
            guard !base.isEmpty, path.hasPrefix(base + "/") else { return false }
            return matchesExclude(String(path.dropFirst(base.count + 1)))
        }

        private func matchesExclude(_ path: String) -> Bool {
            let name = FluxArtifactGenerator.lastName(path)
            return excludes.contains { $0.matchesExactly(path) || (!$0.pattern.contains("/") && $0.matchesExactly(name)) }
        }

        func copyDirectory(_ directory: String, to target: String, base: String, into tree: inout ComposedTree) throws {
            try tree.addDirectory(target)
            for entry in try source.entries(of: directory) {
                let path = TreePath.join(directory, entry)
                guard !isExcluded(path, base: base) else { continue }
                switch try source.node(at: path) {
                case .directory: try copyDirectory(path, to: TreePath.join(target, entry), base: base, into: &tree)
                case .file: try tree.addFile(TreePath.join(target, entry), from: .init(tree: source, path: path))
                case .missing, .submodule: continue
                }
            }
        }
    }
}
