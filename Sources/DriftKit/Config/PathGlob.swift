/// A pattern for repository paths, as `exclude` in `drift.yaml` takes them.
///
/// Patterns are relative to the repository root and use `/` between directories (a leading
/// `/` is allowed and changes nothing). Each path segment is a `GlobSegment` (`*`, `?`,
/// `[a-z]`, `\`); a segment that is exactly `**` matches any number of directories, none
/// included. A pattern that matches a directory matches every file below it; a trailing `/`
/// makes a pattern match directories only.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let segments: [Segment]
    private let directoryOnly: Bool

    private enum Segment: Sendable, Hashable {
        case anyDirectories
        case pattern(GlobSegment)
    }

    public init(_ pattern: String) throws(PathGlobError) {
        self.pattern = pattern
        func fail(_ reason: String) -> PathGlobError { PathGlobError(pattern: pattern, reason: reason) }
        var body = Substring(pattern)
        if body.hasPrefix("/") { body = body.dropFirst() }
        directoryOnly = body.hasSuffix("/")
        if directoryOnly { body = body.dropLast() }
        guard !body.isEmpty else { throw fail("the pattern is empty") }
        var segments: [Segment] = []
        for raw in body.split(separator: "/", omittingEmptySubsequences: false) {
            switch raw {
            case "": throw fail("it has an empty path segment (//)")
            case ".", "..": throw fail("\(raw) segments are not allowed; patterns are relative to the repository root")
            case "**": segments.append(.anyDirectories)
            default:
                if raw.contains("**") { throw fail("** must be a whole path segment, as in a/**/b") }
                segments.append(.pattern(try GlobSegment(raw, in: pattern)))
            }
        }
        self.segments = segments
    }

    /// Whether `path` (relative to the repository root, `/`-separated) is matched, itself or
    /// through one of its directories. `./` and a leading `/` are ignored.
    public func matches(_ path: String) -> Bool {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !parts.isEmpty else { return false }
        // The path itself (a file or a directory), unless only directories may match.
        if !directoryOnly, Self.match(segments[...], parts[...]) { return true }
        // A matched directory excludes everything below it.
        parts.removeLast()
        while !parts.isEmpty {
            if Self.match(segments[...], parts[...]) { return true }
            parts.removeLast()
        }
        return false
    }

    /// Whether `path` itself is matched, not through one of its directories, as doublestar
    /// matches (an ArtifactGenerator's `exclude`); `a/**` matches `a` too.
    func matchesExactly(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return !parts.isEmpty && Self.match(segments[...], parts[...])
    }

    private static func match(_ segments: ArraySlice<Segment>, _ parts: ArraySlice<Substring>) -> Bool {
        guard let segment = segments.first else { return parts.isEmpty }
        switch segment {
        case .anyDirectories:
            let rest = segments.dropFirst()
            var remaining = parts
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case let .pattern(segment):
            guard let part = parts.first, segment.matches(part) else { return false }
            return match(segments.dropFirst(), parts.dropFirst())
        }
    }

    public var description: String { pattern }

    public static func == (lhs: PathGlob, rhs: PathGlob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

/// Why a path pattern was refused.
public struct PathGlobError: Error, Equatable, CustomStringConvertible {
    public let pattern: String
    public let reason: String

    public var description: String { "invalid path pattern \"\(pattern)\": \(reason)" }
}
