/// Which paths Flux's source-controller leaves out of a source's artifact: gitignore-syntax
/// patterns from `.sourceignore` files and a GitRepository's `spec.ignore`, over its default
/// exclusions.
///
/// Matching is fluxcd/pkg `sourceignore/gitignore` (go-git's): patterns are tried from the
/// last to the first and the first that matches decides, excluding, or including again when
/// it starts with `!`. A pattern without `/` (a trailing one aside) matches a name at any
/// depth; one with a `/` is anchored to the folder of its `.sourceignore` file, `**` standing
/// for any number of directories. A pattern matches a path when it matches the path or one of
/// its directories, so `!/apps/` brings back everything below `apps` that `/*` left out. A
/// trailing `/` matches directories only; `#` starts a comment line.
public struct SourceIgnore: Sendable {
    /// The patterns, lowest priority first.
    let patterns: [Pattern]

    /// What source-controller always leaves out (fluxcd/pkg `sourceignore.ExcludeVCS`).
    static let versionControl = ".git/,.gitignore,.gitmodules,.gitattributes"
    /// Left out too unless a `.sourceignore` file or `spec.ignore` has patterns, since their
    /// patterns replace these (`ExcludeExt`, `ExcludeCI`, `ExcludeExtra`).
    static let defaults = "*.jpg,*.jpeg,*.gif,*.png,*.wmv,*.flv,*.tar.gz,*.zip,"
        + ".github/,.circleci/,.travis.yml,.gitlab-ci.yml,appveyor.yml,.drone.yml,cloudbuild.yaml,codeship-services.yml,"
        + "codeship-steps.yml,**/.goreleaser.yml,**/.sops.yaml,**/.flux.yaml"
    static let fileName = ".sourceignore"

    init(patterns: [Pattern]) {
        self.patterns = patterns
    }

    /// The exclusions of an artifact that has no ignore rules of its own, such as the
    /// ExternalArtifacts an ArtifactGenerator writes.
    static let defaultExclusions = SourceIgnore(patterns: parse(list: versionControl + "," + defaults))

    /// The exclusions of a GitRepository's artifact: `.sourceignore` files found in `tree`
    /// (root first, then each folder's, folders in name order, each applying to its folder),
    /// then `spec.ignore`, as source-controller loads them.
    static func gitRepository(_ tree: any SourceTree, specIgnore: String?) throws(SourceError) -> SourceIgnore {
        var patterns: [Pattern] = []
        try collectFiles(in: "", tree: tree, depth: 0, into: &patterns)
        if let specIgnore { patterns += parse(specIgnore, domain: []) }
        let base = parse(list: patterns.isEmpty ? versionControl + "," + defaults : versionControl)
        return SourceIgnore(patterns: base + patterns)
    }

    private static func collectFiles(
        in directory: String, tree: any SourceTree, depth: Int, into patterns: inout [Pattern]
    ) throws(SourceError) {
        guard depth < 64 else { throw .unreadable(path: directory, reason: "directories nest too deep (a symbolic link loop?)") }
        let domain = directory.split(separator: "/").map(String.init)
        let entries = try tree.entries(of: directory)
        if entries.contains(fileName), try tree.node(at: TreePath.join(directory, fileName)) == .file {
            let data = try tree.contents(of: TreePath.join(directory, fileName))
            patterns += parse(String(decoding: data, as: UTF8.self), domain: domain)
        }
        for entry in entries where entry != ".git" {
            let path = TreePath.join(directory, entry)
            if try tree.node(at: path) == .directory { try collectFiles(in: path, tree: tree, depth: depth + 1, into: &patterns) }
        }
    }

    /// The patterns of a `.sourceignore` file or `spec.ignore` text, applying below `domain`.
    static func parse(_ text: String, domain: [String]) -> [Pattern] {
        // Swift reads "\r\n" as one character; Go's line scanner drops the "\r" too.
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            guard !line.hasPrefix("#"), line.contains(where: { !$0.isWhitespace }) else { return nil }
            return Pattern(line, domain: domain)
        }
    }

    private static func parse(list: String) -> [Pattern] {
        list.split(separator: ",").map { Pattern($0, domain: []) }
    }

    /// Whether `path` (relative to the artifact's root, `/`-separated) is left out.
    func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        for pattern in patterns.reversed() {
            if let excluded = pattern.match(parts, isDirectory: isDirectory) { return excluded }
        }
        return false
    }

    /// Whether some pattern includes again (`!`): without one, nothing below a left-out
    /// directory comes back.
    var includesAgain: Bool { patterns.contains(where: \.inclusion) }

    /// One line of ignore rules.
    struct Pattern: Sendable {
        /// The folder of the `.sourceignore` file, whose paths alone the pattern matches.
        let domain: [String]
        let inclusion: Bool
        let directoryOnly: Bool
        let kind: Kind

        enum Kind: Sendable {
            /// No `/`: the name at any depth (nil when it does not parse, so it never matches).
            case name(GlobSegment?)
            /// With a `/`: segments from the domain's root.
            case anchored([Segment])
        }

        enum Segment: Sendable {
            /// What a leading `/` or a doubled one leaves.
            case empty
            case anyDirectories
            /// A segment that can never match: one holding `**` among other characters, or
            /// one that does not parse.
            case never
            case name(GlobSegment)
        }

        init(_ line: Substring, domain: [String]) {
            self.domain = domain
            var text = line
            inclusion = text.hasPrefix("!")
            if inclusion { text = text.dropFirst() }
            if !text.hasSuffix("\\ ") {
                while text.hasSuffix(" ") { text = text.dropLast() }
            }
            directoryOnly = text.hasSuffix("/")
            if directoryOnly { text = text.dropLast() }
            let pattern = String(text)
            guard text.contains("/") else {
                kind = .name(try? GlobSegment(text, in: pattern))
                return
            }
            kind = .anchored(text.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                if segment.isEmpty { return .empty }
                if segment == "**" { return .anyDirectories }
                if segment.contains("**") { return .never }
                return (try? GlobSegment(segment, in: pattern)).map(Segment.name) ?? .never
            })
        }

        /// true when the pattern excludes the path, false when it includes it again, nil
        /// when it does not match.
        func match(_ path: [String], isDirectory: Bool) -> Bool? {
            guard path.count > domain.count, zip(domain, path).allSatisfy({ $0 == $1 }) else { return nil }
            let relative = path.dropFirst(domain.count)
            let matched: Bool
            switch kind {
            case let .name(segment): matched = segment.map { matchName($0, relative, isDirectory: isDirectory) } ?? false
            case let .anchored(segments): matched = matchAnchored(segments, relative, isDirectory: isDirectory)
            }
            return matched ? !inclusion : nil
        }

        /// The first name of the path that matches decides; a directory-only pattern does
        /// not match a file by its own name.
        private func matchName(_ segment: GlobSegment, _ path: ArraySlice<String>, isDirectory: Bool) -> Bool {
            guard let index = path.firstIndex(where: { segment.matches(Substring($0)) }) else { return false }
            return !(directoryOnly && !isDirectory && index == path.index(before: path.endIndex))
        }

        /// go-git's walk: each segment takes the next name, or after `**` the first name it
        /// matches further on; names left over are below a matched directory.
        private func matchAnchored(_ segments: [Segment], _ path: ArraySlice<String>, isDirectory: Bool) -> Bool {
            var path = path
            var matched = false
            var canTraverse = false
            walk: for (index, segment) in segments.enumerated() {
                switch segment {
                case .empty:
                    canTraverse = false
                case .anyDirectories:
                    // A last `**` matches whatever is left.
                    if index == segments.count - 1 { break walk }
                    canTraverse = true
                case .never:
                    return false
                case let .name(name):
                    guard !path.isEmpty else { return false }
                    if canTraverse {
                        canTraverse = false
                        matched = false
                        while let next = path.popFirst() {
                            if name.matches(Substring(next)) {
                                matched = true
                                break
                            }
                        }
                    } else {
                        guard name.matches(Substring(path.removeFirst())) else { return false }
                        matched = true
                    }
                }
            }
            return matched && !(directoryOnly && !isDirectory && path.isEmpty)
        }
    }
}
