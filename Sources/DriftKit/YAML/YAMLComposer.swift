/// Builds `JSONValue` documents from the scanner's tokens.
///
/// The grammar is libyaml's parser (go-yaml v2 `parserc.go`); the construction of values is
/// go-yaml v2's decoder into `interface{}` followed by sigs.k8s.io/yaml's conversion to JSON,
/// which is what kubectl does with each manifest.
struct YAMLComposer {
    enum NodeKind { case scalar, sequence, mapping }

    struct Node {
        var value: JSONValue
        var kind: NodeKind
        var mark: YAMLMark
        /// A plain (or `!!merge`-tagged) `<<` scalar: a merge key when used as a key.
        var isMerge = false
        /// An integer above Int64.max (kept as a double): kubectl rejects it as a map key.
        var isUInt = false
    }

    private struct Anchor {
        var value: JSONValue
        var kind: NodeKind
        var isUInt: Bool
        /// Nodes decoded to build the value, nested alias expansions included.
        var weight: Int
    }

    // why: recursion depth is bounded so hostile input cannot overflow the stack; real
    // manifests (even CRD schemas) nest a few dozen levels.
    static let maxNesting = 256

    private var scanner: YAMLScanner
    private let file: String
    private var anchors: [String: Anchor] = [:]
    private var anchorsInProgress: [String] = []
    private var tagHandles: [String: String] = [:]
    private var depth = 0
    private var decodeCount = 0
    private var aliasCount = 0
    /// The line where each key of the mappings being built was defined (see `beginMapping`).
    private var keyLines: [Int] = []
    /// Whether `recorder` notes where keys and items start; checked once per member or item,
    /// so a plain reading pays nothing for it.
    private let recordsKeyLines: Bool
    private var recorder = KeyLineRecorder()
    /// With `recordsKeyLines`, one map of key lines per composed document.
    private(set) var documentKeyLines: [[YAMLPath: Int]] = []
    private let duplicateKeys: DuplicateKeyPolicy
    /// With `duplicateKeys: .lastWins`, one warning for each key written again in its mapping.
    private(set) var warnings: [YAMLWarning] = []

    init(
        text: String, file: String, recordsKeyLines: Bool = false, duplicateKeys: DuplicateKeyPolicy = .reject
    ) throws(YAMLError) {
        self.file = file
        self.recordsKeyLines = recordsKeyLines
        self.duplicateKeys = duplicateKeys
        scanner = try YAMLScanner(text: text, file: file)
    }

    // MARK: Key lines

    /// The path of the node being composed and the line of every key and item seen so far.
    ///
    /// Merge keys and aliases: a key brought in by `<<` is placed on the line of its `<<`
    /// (a key written after `<<` keeps its own line), and nothing inside the value of `<<` or
    /// inside a complex (non-scalar) key is recorded; an alias records only the line of the
    /// key or item that holds it, so paths below it resolve to that line through their
    /// ancestors (the anchored original is recorded under its own path).
    ///
    /// Keys are named by their JSON member name; a plain key spelled otherwise in the text
    /// (`y`, `on`, `0x10` become `true`, `true`, `16`) is also recorded under its spelling,
    /// though what is below it only under the member name.
    private struct KeyLineRecorder {
        var path: [YAMLPath.Component] = []
        var lines: [YAMLPath: Int] = [:]
        /// Above 0 inside a region that is not recorded.
        var muted = 0
        /// The text of the last key parsed when it was a plain scalar.
        var keySpelling: String?

        mutating func recordSpelling(_ line: Int, key: String) {
            guard muted == 0, let spelling = keySpelling, spelling != key else { return }
            path.append(.key(spelling))
            lines[YAMLPath(path)] = line
            path.removeLast()
        }

        mutating func record(_ line: Int) {
            if muted == 0 { lines[YAMLPath(path)] = line }
        }

        mutating func record(_ line: Int, key: String) {
            guard muted == 0 else { return }
            path.append(.key(key))
            lines[YAMLPath(path)] = line
            path.removeLast()
        }

        /// Enters a mapping member; a key without a usable name (or a merge key) mutes it.
        mutating func enter(_ key: String?, line: Int) {
            if let key {
                recordSpelling(line, key: key)
                path.append(.key(key))
                record(line)
            } else {
                muted += 1
            }
        }

        mutating func leave(_ key: String?) {
            if key != nil { path.removeLast() } else { muted -= 1 }
        }
    }

    /// A key's member name for the key-line map, without the errors of `keyString`.
    private func recordedName(_ key: Node) -> String? {
        if key.isMerge || key.isUInt { return nil }
        switch key.value {
        case let .string(text): return text
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .double(value): return YAMLResolver.goFloat32String(value)
        case .null, .array, .object: return nil
        }
    }

    /// Parses a mapping key; with key lines recorded, nothing inside the key is.
    private mutating func parseKey(block: Bool, indentless: Bool) throws(YAMLError) -> Node {
        guard recordsKeyLines else { return try parseNode(block: block, indentless: indentless) }
        let token = try scanner.peek()
        recorder.muted += 1
        let key = try parseNode(block: block, indentless: indentless)
        recorder.muted -= 1
        recorder.keySpelling = token.kind == .scalar && token.style == .plain ? token.value : nil
        return key
    }

    /// Parses a mapping member's value under the path of its key, or returns an empty node
    /// at `mark` when there is none.
    private mutating func parseValue(of key: Node, emptyAt mark: YAMLMark, hasValue: Bool, block: Bool, indentless: Bool) throws(YAMLError) -> Node {
        guard recordsKeyLines else {
            return hasValue ? try parseNode(block: block, indentless: indentless) : emptyNode(at: mark)
        }
        let name = recordedName(key)
        recorder.enter(name, line: key.mark.line)
        let value = hasValue ? try parseNode(block: block, indentless: indentless) : emptyNode(at: mark)
        recorder.leave(name)
        return value
    }

    /// Records a mapping key that has no value (`? key`, `{a, b}`).
    private mutating func recordKeyOnly(_ key: Node) {
        guard let name = recordedName(key) else { return }
        recorder.recordSpelling(key.mark.line, key: name)
        recorder.record(key.mark.line, key: name)
    }

    /// Parses a sequence item under the path of its index; `line` is where an empty item is.
    private mutating func parseItem(_ index: Int, emptyAt mark: YAMLMark, line: Int, hasValue: Bool, block: Bool) throws(YAMLError) -> Node {
        guard recordsKeyLines else {
            return hasValue ? try parseNode(block: block, indentless: false) : emptyNode(at: mark)
        }
        recorder.path.append(.index(index))
        let item = hasValue ? try parseNode(block: block, indentless: false) : emptyNode(at: mark)
        recorder.record(hasValue ? item.mark.line : line)
        recorder.path.removeLast()
        return item
    }

    // MARK: Errors

    private func syntaxError(_ message: String, at mark: YAMLMark) -> YAMLError {
        .syntax(file: file, line: mark.line, column: mark.column + 1, message: message)
    }

    private func valueError(_ message: String, at mark: YAMLMark) -> YAMLError {
        .invalidValue(file: file, line: mark.line, column: mark.column + 1, message: message)
    }

    private func describe(_ token: YAMLToken) -> String {
        switch token.kind {
        case .streamStart: return "start of input"
        case .streamEnd: return "end of input"
        case .versionDirective: return "a %YAML directive"
        case .tagDirective: return "a %TAG directive"
        case .documentStart: return "'---'"
        case .documentEnd: return "'...'"
        case .blockSequenceStart, .blockEntry: return "'-'"
        case .blockMappingStart: return "a mapping key"
        case .blockEnd: return "the end of an indented block"
        case .flowSequenceStart: return "'['"
        case .flowSequenceEnd: return "']'"
        case .flowMappingStart: return "'{'"
        case .flowMappingEnd: return "'}'"
        case .flowEntry: return "','"
        case .key: return token.start.index == token.end.index ? "a mapping key" : "'?'"
        case .value: return "':'"
        case .alias: return "alias '*\(token.value)'"
        case .anchor: return "anchor '&\(token.value)'"
        case .tag: return "tag '\(token.handle)\(token.value)'"
        case .scalar:
            switch token.style {
            case .literal, .folded: return "a block scalar"
            default:
                let text = token.value.count > 30 ? String(token.value.prefix(27)) + "..." : token.value
                return "\"\(text)\""
            }
        }
    }

    // MARK: Stream and documents

    mutating func composeStream() throws(YAMLError) -> [YAMLDocument] {
        _ = try scanner.next()  // STREAM-START
        var documents: [YAMLDocument] = []
        var implicitAllowed = true
        var previousRootWasFlow = false
        while true {
            // Extra `...` markers end nothing more; a document may start without `---` after them.
            while try scanner.peekKind() == .documentEnd {
                _ = try scanner.next()
                implicitAllowed = true
            }
            let token = try scanner.peek()
            resetDocumentState()
            let value: JSONValue
            let line: Int
            switch token.kind {
            case .streamEnd:
                return documents
            case .versionDirective, .tagDirective, .documentStart:
                try processDirectives()
                let start = try scanner.peek()
                guard start.kind == .documentStart else {
                    throw syntaxError("expected '---' to start the document after its directives, found \(describe(start))", at: start.start)
                }
                _ = try scanner.next()
                switch try scanner.peekKind() {
                case .versionDirective, .tagDirective, .documentStart, .documentEnd, .streamEnd:
                    value = .null
                    line = start.start.line
                default:
                    let root = try parseNode(block: true, indentless: false)
                    try checkPlaceable(root)
                    value = root.value
                    line = root.mark.line
                    if recordsKeyLines { recorder.record(line) }
                }
            default:
                // why: kubectl reads a file that starts with '{' as a stream of JSON objects
                // separated only by whitespace, so a flow collection may follow another.
                let continuesJSONStream = previousRootWasFlow
                    && (token.kind == .flowMappingStart || token.kind == .flowSequenceStart)
                guard implicitAllowed || continuesJSONStream else {
                    throw syntaxError("expected '---' before another document, found \(describe(token)) (is the indentation of this line wrong?)", at: token.start)
                }
                let root = try parseNode(block: true, indentless: false)
                try checkPlaceable(root)
                value = root.value
                line = root.mark.line
                if recordsKeyLines { recorder.record(line) }
            }
            previousRootWasFlow = token.kind == .flowMappingStart || token.kind == .flowSequenceStart
            documents.append(YAMLDocument(value: value, index: documents.count, line: line))
            if recordsKeyLines {
                documentKeyLines.append(recorder.lines)
                recorder = KeyLineRecorder()
            }
            // why: after an explicit `...` YAML 1.2 allows a new document without `---`
            // (kubectl would silently drop it); otherwise anything after the root node must
            // start with `---`.
            implicitAllowed = false
        }
    }

    private mutating func resetDocumentState() {
        anchors.removeAll(keepingCapacity: true)
        anchorsInProgress.removeAll(keepingCapacity: true)
        tagHandles = ["!": "!", "!!": YAMLResolver.yamlTagPrefix]
        decodeCount = 0
        aliasCount = 0
    }

    /// Reads `%YAML` and `%TAG` directives before a document.
    private mutating func processDirectives() throws(YAMLError) {
        var sawVersion = false
        var declared: Set<String> = []
        while true {
            let token = try scanner.peek()
            switch token.kind {
            case .versionDirective:
                if sawVersion { throw syntaxError("found a second %YAML directive for the same document", at: token.start) }
                sawVersion = true
                // why: go-yaml v2 only accepts 1.1; 1.x is tolerated here since the reading
                // rules do not change with the declared version.
                if !token.value.hasPrefix("1.") {
                    throw syntaxError("unsupported YAML version \(token.value); expected 1.x", at: token.start)
                }
            case .tagDirective:
                if declared.contains(token.handle) {
                    throw syntaxError("found a second %TAG directive for handle '\(token.handle)'", at: token.start)
                }
                declared.insert(token.handle)
                tagHandles[token.handle] = token.value
            default:
                return
            }
            _ = try scanner.next()
        }
    }

    // MARK: Nodes

    private mutating func parseNode(block: Bool, indentless: Bool) throws(YAMLError) -> Node {
        var kind = try scanner.peekKind()
        if kind == .scalar {
            // The common case: a scalar without anchor or tag.
            let token = try scanner.next()
            decodeCount += 1
            return try scalarNode(token, tag: nil, mark: token.start)
        }
        if kind == .alias {
            return try resolveAlias(try scanner.next())
        }
        var startMark: YAMLMark?
        var anchor: String?
        var tagToken: YAMLToken?
        if kind == .anchor {
            let token = try scanner.next()
            anchor = token.value
            startMark = token.start
            kind = try scanner.peekKind()
            if kind == .tag {
                tagToken = try scanner.next()
                kind = try scanner.peekKind()
            }
        } else if kind == .tag {
            let token = try scanner.next()
            tagToken = token
            startMark = token.start
            kind = try scanner.peekKind()
            if kind == .anchor {
                anchor = try scanner.next().value
                kind = try scanner.peekKind()
            }
        }
        var tag: String?
        if let tagToken {
            if tagToken.handle.isEmpty {
                tag = tagToken.value
            } else if let prefix = tagHandles[tagToken.handle] {
                tag = prefix + tagToken.value
            } else {
                throw syntaxError("undefined tag handle '\(tagToken.handle)' (declare it with a %TAG directive)", at: tagToken.start)
            }
        }

        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting {
            throw syntaxError("values are nested more than \(Self.maxNesting) levels deep", at: try scanner.peek().start)
        }
        if let anchor { anchorsInProgress.append(anchor) }
        let countBefore = decodeCount
        var node: Node
        switch kind {
        case .blockEntry where indentless:
            node = try parseIndentlessSequence(mark: startMark)
        case .scalar:
            let token = try scanner.next()
            node = try scalarNode(token, tag: tag, mark: startMark ?? token.start)
        case .flowSequenceStart:
            node = try parseFlowSequence(mark: startMark)
        case .flowMappingStart:
            node = try parseFlowMapping(mark: startMark)
        case .blockSequenceStart where block:
            node = try parseBlockSequence(mark: startMark)
        case .blockMappingStart where block:
            node = try parseBlockMapping(mark: startMark)
        default:
            var token = try scanner.peek()
            if let startMark {
                // An anchor or tag with no content: an empty scalar.
                token.value = ""
                token.style = .plain
                node = try scalarNode(token, tag: tag, mark: startMark)
            } else {
                throw syntaxError("expected a value, found \(describe(token))", at: token.start)
            }
        }
        decodeCount += 1
        if let anchor {
            anchorsInProgress.removeLast()
            anchors[anchor] = Anchor(value: node.value, kind: node.kind, isUInt: node.isUInt,
                                     weight: decodeCount - countBefore)
        }
        return node
    }

    private func scalarNode(_ token: YAMLToken, tag: String?, mark: YAMLMark) throws(YAMLError) -> Node {
        let text = token.value
        let resolved: YAMLResolved
        let plainImplicit: Bool
        if let tag {
            plainImplicit = tag == "!"
            do {
                resolved = try YAMLResolver.resolveTagged(text, tag: YAMLResolver.shortTag(tag))
            } catch {
                switch error {
                case let .mismatch(message): throw valueError(message, at: mark)
                }
            }
        } else if token.style == .plain {
            plainImplicit = true
            resolved = YAMLResolver.resolvePlain(text)
        } else {
            // why: quoted and block scalars are always strings.
            plainImplicit = false
            resolved = .string(text)
        }
        var node: Node
        switch resolved {
        case .null: node = Node(value: .null, kind: .scalar, mark: mark)
        case let .bool(value): node = Node(value: .bool(value), kind: .scalar, mark: mark)
        case let .int(value): node = Node(value: .int(value), kind: .scalar, mark: mark)
        case let .uint(value):
            // why: kubectl's JSON round trip turns integers above Int64.max into float64.
            node = Node(value: .double(Double(value)), kind: .scalar, mark: mark)
            node.isUInt = true
        case let .float(value): node = Node(value: .double(value), kind: .scalar, mark: mark)
        case let .string(value): node = Node(value: .string(value), kind: .scalar, mark: mark)
        }
        // why: go-yaml treats `<<` as a merge key when plain (or tagged !!merge), never when quoted.
        if text.utf8.count == 2, text == "<<", plainImplicit || (tag.map(YAMLResolver.shortTag) == "!!merge") {
            node.isMerge = true
        }
        return node
    }

    private mutating func resolveAlias(_ token: YAMLToken) throws(YAMLError) -> Node {
        let name = token.value
        if anchorsInProgress.contains(name) {
            throw valueError("anchor '\(name)' value contains itself", at: token.start)
        }
        guard let anchor = anchors[name] else {
            throw valueError("unknown anchor '\(name)' referenced (anchors must be defined earlier in the same document)", at: token.start)
        }
        decodeCount += anchor.weight
        aliasCount += anchor.weight
        // why: go-yaml v2 refuses "billion laughs" documents whose size comes mostly from
        // alias expansion; the same budget keeps consumers of the value from blowing up.
        if aliasCount > 100, decodeCount > 1000, Double(aliasCount) / Double(decodeCount) > Self.allowedAliasRatio(decodeCount) {
            throw valueError("document contains excessive aliasing", at: token.start)
        }
        var node = Node(value: anchor.value, kind: anchor.kind, mark: token.start)
        node.isUInt = anchor.isUInt
        return node
    }

    private static func allowedAliasRatio(_ decodeCount: Int) -> Double {
        if decodeCount <= 400_000 { return 0.99 }
        if decodeCount >= 4_000_000 { return 0.10 }
        return 0.99 - 0.89 * (Double(decodeCount - 400_000) / 3_600_000)
    }

    private func emptyNode(at mark: YAMLMark) -> Node {
        Node(value: .null, kind: .scalar, mark: mark)
    }

    /// Values must be representable in JSON: kubectl's json.Marshal fails on NaN and infinities.
    private func checkPlaceable(_ node: Node) throws(YAMLError) {
        if case let .double(value) = node.value, !value.isFinite {
            let spelled = value.isNaN ? ".nan" : (value < 0 ? "-.inf" : ".inf")
            throw valueError("\(spelled) cannot be represented in JSON (kubectl fails with \"json: unsupported value\"); quote it if a string is meant", at: node.mark)
        }
    }

    // MARK: Sequences

    private mutating func parseBlockSequence(mark: YAMLMark?) throws(YAMLError) -> Node {
        let open = try scanner.next()  // BLOCK-SEQUENCE-START
        let mark = mark ?? open.start
        var items: [JSONValue] = []
        while true {
            switch try scanner.peekKind() {
            case .blockEntry:
                let entry = try scanner.next()
                let next = try scanner.peekKind()
                let item = try parseItem(items.count, emptyAt: entry.end, line: entry.start.line,
                                         hasValue: next != .blockEntry && next != .blockEnd, block: true)
                try checkPlaceable(item)
                items.append(item.value)
            case .blockEnd:
                _ = try scanner.next()
                return Node(value: .array(items), kind: .sequence, mark: mark)
            case .blockMappingStart, .blockSequenceStart:
                let token = try scanner.peek()
                let what = token.kind == .blockMappingStart ? "a mapping key" : "a '-' sequence entry"
                throw syntaxError("found \(what) indented to column \(token.start.column + 1), but the entries of the sequence starting at line \(mark.line) are at column \(mark.column + 1); check the indentation", at: token.start)
            default:
                let token = try scanner.peek()
                throw syntaxError("expected a '-' sequence entry, found \(describe(token)) (the sequence starts at line \(mark.line), column \(mark.column + 1))", at: token.start)
            }
        }
    }

    /// A sequence whose `-` entries sit at the same column as the mapping key that owns it.
    private mutating func parseIndentlessSequence(mark: YAMLMark?) throws(YAMLError) -> Node {
        var items: [JSONValue] = []
        var mark = mark
        while try scanner.peekKind() == .blockEntry {
            let entry = try scanner.next()
            if mark == nil { mark = entry.start }
            let next = try scanner.peekKind()
            let item = try parseItem(items.count, emptyAt: entry.end, line: entry.start.line,
                                     hasValue: next != .blockEntry && next != .key && next != .value && next != .blockEnd, block: true)
            try checkPlaceable(item)
            items.append(item.value)
        }
        return Node(value: .array(items), kind: .sequence, mark: mark ?? scanner.currentMark)
    }

    private mutating func parseFlowSequence(mark: YAMLMark?) throws(YAMLError) -> Node {
        let open = try scanner.next()  // '['
        let mark = mark ?? open.start
        var items: [JSONValue] = []
        var first = true
        while true {
            var kind = try scanner.peekKind()
            if kind != .flowSequenceEnd {
                if !first {
                    guard kind == .flowEntry else {
                        let token = try scanner.peek()
                        throw syntaxError("expected ',' or ']', found \(describe(token)) (the flow sequence starts at line \(open.start.line), column \(open.start.column + 1))", at: token.start)
                    }
                    _ = try scanner.next()
                    kind = try scanner.peekKind()
                }
                first = false
                if kind == .key {
                    // `[a: b]`: a single-pair mapping inside a flow sequence.
                    let keyToken = try scanner.next()
                    if recordsKeyLines {
                        recorder.path.append(.index(items.count))
                        recorder.record(keyToken.start.line)
                    }
                    var builder = beginMapping()
                    let next = try scanner.peekKind()
                    let key = next != .value && next != .flowEntry && next != .flowSequenceEnd
                        ? try parseKey(block: false, indentless: false) : emptyNode(at: keyToken.end)
                    var value = emptyNode(at: key.mark)
                    if try scanner.peekKind() == .value {
                        let colon = try scanner.next()
                        let next = try scanner.peekKind()
                        value = try parseValue(of: key, emptyAt: colon.end, hasValue: next != .flowEntry && next != .flowSequenceEnd,
                                               block: false, indentless: false)
                    } else if recordsKeyLines {
                        recordKeyOnly(key)
                    }
                    try add(key: key, value: value, to: &builder)
                    items.append(endMapping(builder))
                    if recordsKeyLines { recorder.path.removeLast() }
                    continue
                }
                if kind != .flowSequenceEnd {
                    if recordsKeyLines { recorder.path.append(.index(items.count)) }
                    let item = try parseNode(block: false, indentless: false)
                    if recordsKeyLines {
                        recorder.record(item.mark.line)
                        recorder.path.removeLast()
                    }
                    try checkPlaceable(item)
                    items.append(item.value)
                    continue
                }
            }
            _ = try scanner.next()  // ']'
            return Node(value: .array(items), kind: .sequence, mark: mark)
        }
    }

    // MARK: Mappings

    /// Collects one mapping's members with kubectl's rules for duplicates and merges.
    struct MappingBuilder {
        var object = JSONObject()
        /// Where this mapping's key lines start in the composer's shared `keyLines` stack.
        let linesBase: Int
        /// Keys present only because a `<<` merge brought them in.
        var mergedOnly: Set<String> = []

        init(linesBase: Int) { self.linesBase = linesBase }
    }

    /// Starts a mapping. Its key lines go on a stack shared by all mappings (nested mappings
    /// finish before their parent adds its next key), so no mapping allocates its own list.
    private func beginMapping() -> MappingBuilder { MappingBuilder(linesBase: keyLines.count) }

    private mutating func endMapping(_ builder: MappingBuilder) -> JSONValue {
        if builder.linesBase < keyLines.count { keyLines.removeSubrange(builder.linesBase...) }
        return .object(builder.object)
    }

    private mutating func add(key: Node, value: Node, to builder: inout MappingBuilder) throws(YAMLError) {
        if key.isMerge {
            try merge(value, at: key.mark, into: &builder)
            return
        }
        let name = try keyString(key)
        try checkPlaceable(value)
        // Small mappings (most of a manifest) are checked by scanning their few keys,
        // which is cheaper than hashing the key twice.
        let exists = builder.object.count < 16 ? builder.object.keys.contains(name) : builder.object[name] != nil
        if exists {
            if builder.mergedOnly.remove(name) != nil {
                // why: a key written after `<<` overrides the merged value.
                builder.object[name] = value.value
                if let index = builder.object.keys.firstIndex(of: name), builder.linesBase + index < keyLines.count {
                    keyLines[builder.linesBase + index] = key.mark.line
                }
                return
            }
            let index = builder.object.keys.firstIndex(of: name) ?? 0
            let hasLine = builder.linesBase + index < keyLines.count
            let firstLine = hasLine ? keyLines[builder.linesBase + index] : key.mark.line
            switch duplicateKeys {
            case .reject:
                throw valueError("mapping key \"\(name)\" already defined at line \(firstLine)", at: key.mark)
            case .lastWins:
                // why: go-yaml v2 decodes into a Go map, so kubectl keeps the last value
                // without a word; the value is kept where the key first stood.
                warnings.append(YAMLWarning(
                    file: file, line: key.mark.line, column: key.mark.column + 1,
                    message: "mapping key \"\(name)\" already defined at line \(firstLine); the last value is used, as kubectl does"))
                builder.object[name] = value.value
                if hasLine { keyLines[builder.linesBase + index] = key.mark.line }
                return
            }
        }
        builder.object[name] = value.value
        keyLines.append(key.mark.line)
    }

    /// Applies a `<<` merge the way go-yaml v2 does: the merged members are written into the
    /// mapping at the point where `<<` appears, so keys written after `<<` win and keys
    /// written before it are overwritten; in a list of maps, earlier maps win.
    private mutating func merge(_ value: Node, at mark: YAMLMark, into builder: inout MappingBuilder) throws(YAMLError) {
        var merged: JSONObject
        switch (value.kind, value.value) {
        case let (.mapping, .object(object)):
            merged = object
        case let (.sequence, .array(items)):
            merged = JSONObject()
            for item in items {
                guard case let .object(object) = item else {
                    throw valueError("map merge requires map or sequence of maps as the value", at: value.mark)
                }
                for (name, member) in object.orderedMembers where merged[name] == nil {
                    merged[name] = member
                }
            }
        default:
            throw valueError("map merge requires map or sequence of maps as the value", at: value.mark)
        }
        for (name, member) in merged.orderedMembers {
            if builder.object[name] == nil {
                keyLines.append(mark.line)
                builder.mergedOnly.insert(name)
                if recordsKeyLines { recorder.record(mark.line, key: name) }
            }
            builder.object[name] = member
        }
    }

    /// The JSON member name for a key node, as sigs.k8s.io/yaml converts YAML keys.
    private func keyString(_ key: Node) throws(YAMLError) -> String {
        switch key.value {
        case let .string(text): return text
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .double(value):
            if key.isUInt {
                throw valueError("unsupported map key: an integer above 9223372036854775807 cannot be a key (kubectl rejects it); quote it", at: key.mark)
            }
            return YAMLResolver.goFloat32String(value)
        case .null:
            throw valueError("a mapping key cannot be null (kubectl: unsupported map key of type <nil>); quote it if the text \"null\" is meant", at: key.mark)
        case .array, .object:
            throw valueError("a mapping key cannot be a sequence or a mapping (kubectl: invalid map key)", at: key.mark)
        }
    }

    private mutating func parseBlockMapping(mark: YAMLMark?) throws(YAMLError) -> Node {
        let open = try scanner.next()  // BLOCK-MAPPING-START
        let mark = mark ?? open.start
        var builder = beginMapping()
        while true {
            switch try scanner.peekKind() {
            case .key:
                let keyToken = try scanner.next()
                var next = try scanner.peekKind()
                let key = next != .key && next != .value && next != .blockEnd
                    ? try parseKey(block: true, indentless: true) : emptyNode(at: keyToken.end)
                var value = emptyNode(at: key.mark)
                if try scanner.peekKind() == .value {
                    let colon = try scanner.next()
                    next = try scanner.peekKind()
                    value = try parseValue(of: key, emptyAt: colon.end, hasValue: next != .key && next != .value && next != .blockEnd,
                                           block: true, indentless: true)
                } else if recordsKeyLines {
                    recordKeyOnly(key)
                }
                try add(key: key, value: value, to: &builder)
            case .blockEnd:
                _ = try scanner.next()
                return Node(value: endMapping(builder), kind: .mapping, mark: mark)
            case .blockMappingStart, .blockSequenceStart:
                let token = try scanner.peek()
                let what = token.kind == .blockMappingStart ? "a mapping key" : "a '-' sequence entry"
                throw syntaxError("found \(what) indented to column \(token.start.column + 1), but the keys of the mapping starting at line \(mark.line) are at column \(mark.column + 1); check the indentation", at: token.start)
            default:
                let token = try scanner.peek()
                throw syntaxError("expected a mapping key, found \(describe(token)) (the mapping starts at line \(mark.line), column \(mark.column + 1))", at: token.start)
            }
        }
    }

    private mutating func parseFlowMapping(mark: YAMLMark?) throws(YAMLError) -> Node {
        let open = try scanner.next()  // '{'
        let mark = mark ?? open.start
        var builder = beginMapping()
        var first = true
        while true {
            var kind = try scanner.peekKind()
            if kind != .flowMappingEnd {
                if !first {
                    guard kind == .flowEntry else {
                        let token = try scanner.peek()
                        throw syntaxError("expected ',' or '}', found \(describe(token)) (the flow mapping starts at line \(open.start.line), column \(open.start.column + 1))", at: token.start)
                    }
                    _ = try scanner.next()
                    kind = try scanner.peekKind()
                }
                first = false
                if kind == .key {
                    let keyToken = try scanner.next()
                    var next = try scanner.peekKind()
                    let key = next != .value && next != .flowEntry && next != .flowMappingEnd
                        ? try parseKey(block: false, indentless: false) : emptyNode(at: keyToken.end)
                    var value = emptyNode(at: key.mark)
                    if try scanner.peekKind() == .value {
                        let colon = try scanner.next()
                        next = try scanner.peekKind()
                        value = try parseValue(of: key, emptyAt: colon.end, hasValue: next != .flowEntry && next != .flowMappingEnd,
                                               block: false, indentless: false)
                    } else if recordsKeyLines {
                        recordKeyOnly(key)
                    }
                    try add(key: key, value: value, to: &builder)
                    continue
                }
                if kind != .flowMappingEnd {
                    // `{a, b: c}`: a key without ':' has a null value.
                    let key = try parseKey(block: false, indentless: false)
                    if recordsKeyLines { recordKeyOnly(key) }
                    try add(key: key, value: emptyNode(at: key.mark), to: &builder)
                    continue
                }
            }
            _ = try scanner.next()  // '}'
            return Node(value: endMapping(builder), kind: .mapping, mark: mark)
        }
    }
}
