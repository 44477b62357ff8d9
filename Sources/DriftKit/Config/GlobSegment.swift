/// A pattern for one path segment (a file or directory name), as Go's `path.Match` reads it.
///
/// `*` matches any run of characters, `?` one character, `[abc]`, `[a-z]` and `[!abc]` or
/// `[^abc]` one character of (or not of) a set, and `\` takes the next character literally.
/// `*` and `?` also match a leading dot. `PathGlob`, `.sourceignore` patterns and an
/// ArtifactGenerator's copy rules are made of these.
struct GlobSegment: Sendable, Hashable {
    private let pieces: [Piece]

    private enum Piece: Sendable, Hashable {
        case literal(Character)
        case anyRun
        case anyOne
        case set(negated: Bool, ranges: [ClosedRange<Character>])
    }

    /// Reads `text`; `pattern` is the whole pattern, for the error's message.
    init(_ text: Substring, in pattern: String) throws(PathGlobError) {
        func fail(_ reason: String) -> PathGlobError { PathGlobError(pattern: pattern, reason: reason) }
        var pieces: [Piece] = []
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            switch c {
            case "*": pieces.append(.anyRun)
            case "?": pieces.append(.anyOne)
            case "\\":
                guard let next = characters.popFirst() else { throw fail("it ends with \\, which escapes nothing") }
                pieces.append(.literal(next))
            case "[":
                var negated = false
                if let first = characters.first, first == "!" || first == "^" {
                    negated = true
                    characters.removeFirst()
                }
                var ranges: [ClosedRange<Character>] = []
                var closed = false
                var isFirst = true
                while let member = characters.popFirst() {
                    if member == "]" && !isFirst {
                        closed = true
                        break
                    }
                    isFirst = false
                    var low = member
                    if low == "\\" {
                        guard let escaped = characters.popFirst() else { break }
                        low = escaped
                    }
                    if characters.count >= 2, characters.first == "-", characters[characters.startIndex + 1] != "]" {
                        characters.removeFirst()
                        var high = characters.removeFirst()
                        if high == "\\" {
                            guard let escaped = characters.popFirst() else { break }
                            high = escaped
                        }
                        guard low <= high else { throw fail("the range \(low)-\(high) in [...] is reversed") }
                        ranges.append(low...high)
                    } else {
                        ranges.append(low...low)
                    }
                }
                guard closed else { throw fail("[ is not closed by ]") }
                pieces.append(.set(negated: negated, ranges: ranges))
            default: pieces.append(.literal(c))
            }
        }
        self.pieces = pieces
    }

    /// Whether `text` has any of `*?[]`, as opposed to naming entries literally.
    static func hasWildcards(_ text: some StringProtocol) -> Bool {
        text.contains { "*?[]".contains($0) }
    }

    func matches(_ name: Substring) -> Bool {
        Self.match(pieces[...], Array(name)[...])
    }

    private static func match(_ pieces: ArraySlice<Piece>, _ text: ArraySlice<Character>) -> Bool {
        guard let piece = pieces.first else { return text.isEmpty }
        switch piece {
        case .anyRun:
            var remaining = text
            while true {
                if match(pieces.dropFirst(), remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case .anyOne:
            return !text.isEmpty && match(pieces.dropFirst(), text.dropFirst())
        case let .literal(c):
            return text.first == c && match(pieces.dropFirst(), text.dropFirst())
        case let .set(negated, ranges):
            guard let c = text.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && match(pieces.dropFirst(), text.dropFirst())
        }
    }
}
