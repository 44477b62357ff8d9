/// YAML reading and writing for Kubernetes manifests.
///
/// The reader follows what `kubectl` does with a manifest: sigs.k8s.io/yaml decodes it with
/// go-yaml v2 (YAML 1.1 scalar resolution, libyaml's scanner) and converts the result to JSON.
/// The rules that differ from a plain YAML 1.2 reading are documented where they are applied,
/// mostly in `YAMLResolver.swift`.

/// One document of a YAML stream.
public struct YAMLDocument: Sendable, Equatable {
    /// The document's content; `.null` for an empty document.
    public let value: JSONValue
    /// 0-based position in the stream, counting empty documents too.
    public let index: Int
    /// 1-based line where the document's content starts (its `---` line when it is empty).
    public let line: Int

    public init(value: JSONValue, index: Int, line: Int) {
        self.value = value
        self.index = index
        self.line = line
    }
}

/// Where a value sits in a YAML document: `ignoreDifferences[2].target.kind`.
public struct YAMLPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The document itself.
    public static let root = YAMLPath()

    public func appending(_ key: String) -> YAMLPath { YAMLPath(components + [.key(key)]) }
    public func appending(_ index: Int) -> YAMLPath { YAMLPath(components + [.index(index)]) }

    public var parent: YAMLPath? {
        components.isEmpty ? nil : YAMLPath(Array(components.dropLast()))
    }

    /// Dotted keys with list indices in brackets; `(top level)` for the document itself.
    public var description: String {
        guard !components.isEmpty else { return "(top level)" }
        var text = ""
        for component in components {
            switch component {
            case let .key(key): text += text.isEmpty ? key : "." + key
            case let .index(index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// Why YAML could not be read. Messages name `file:line:column` and what was expected.
public enum YAMLError: Error, Equatable, CustomStringConvertible {
    /// The text is not well-formed YAML (or uses syntax this reader does not accept).
    case syntax(file: String, line: Int, column: Int, message: String)
    /// Well-formed YAML that cannot become a JSON value the way kubectl reads it:
    /// duplicate keys, `.inf`/`.nan`, unknown aliases, values that contradict their tag.
    case invalidValue(file: String, line: Int, column: Int, message: String)

    public var file: String {
        switch self {
        case let .syntax(file, _, _, _), let .invalidValue(file, _, _, _): return file
        }
    }

    /// 1-based line of the problem.
    public var line: Int {
        switch self {
        case let .syntax(_, line, _, _), let .invalidValue(_, line, _, _): return line
        }
    }

    /// 1-based column (in characters) of the problem.
    public var column: Int {
        switch self {
        case let .syntax(_, _, column, _), let .invalidValue(_, _, column, _): return column
        }
    }

    public var message: String {
        switch self {
        case let .syntax(_, _, _, message), let .invalidValue(_, _, _, message): return message
        }
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// How a key written twice in one mapping is read.
public enum DuplicateKeyPolicy: Sendable, Equatable {
    /// An error naming both lines: for files this tool defines (drift.yaml, kubeconfig), and
    /// for manifests with `--strict`.
    case reject
    /// The last value wins, as kubectl reads a manifest, with a warning naming both lines.
    case lastWins

    /// Manifests' policy: `--strict` rejects, else as kubectl reads them.
    public init(strict: Bool) { self = strict ? .reject : .lastWins }
}

/// Something a reading accepted that a person should know about: `file:line:column: message`.
public struct YAMLWarning: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column (in characters).
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

public enum YAML {
    /// All documents of a stream (`---`, `...`), in order. `file` is only used in error messages.
    /// A key written twice in a mapping is an error.
    public static func documents(in text: String, file: String) throws(YAMLError) -> [YAMLDocument] {
        var composer = try YAMLComposer(text: text, file: file)
        return try composer.composeStream()
    }

    /// All documents of a stream, reading keys written twice as `duplicateKeys` says; what was
    /// accepted with a warning is added to `warnings`.
    public static func documents(
        in text: String, file: String, duplicateKeys: DuplicateKeyPolicy, warnings: inout [YAMLWarning]
    ) throws(YAMLError) -> [YAMLDocument] {
        var composer = try YAMLComposer(text: text, file: file, duplicateKeys: duplicateKeys)
        let documents = try composer.composeStream()
        warnings += composer.warnings
        return documents
    }

    /// The documents of a stream and, for each one, the 1-based line where every mapping key
    /// and sequence item starts: the line of the key for a mapping member, of the item's first
    /// token for a sequence item, of the root node for `.root`. Keys are named by their JSON
    /// member name (`"quoted key"` is `.key("quoted key")`). For error messages that point at
    /// a key; reading the lines costs nothing unless asked for.
    public static func documentsWithKeyLines(in text: String, file: String) throws(YAMLError)
        -> (documents: [YAMLDocument], keyLines: [[YAMLPath: Int]]) {
        var composer = try YAMLComposer(text: text, file: file, recordsKeyLines: true)
        let documents = try composer.composeStream()
        return (documents, composer.documentKeyLines)
    }

    /// One map per document of the stream (empty documents included): see
    /// `documentsWithKeyLines(in:file:)`.
    public static func keyLines(in text: String, file: String) throws(YAMLError) -> [[YAMLPath: Int]] {
        try documentsWithKeyLines(in: text, file: file).keyLines
    }

    /// Block-style YAML for display, keys in stored order (or sorted when `sortKeys`), quoting
    /// every string that would otherwise read back as another type or not at all, so the output
    /// reads back (with `documents(in:file:)`) as the same value.
    public static func text(for value: JSONValue, sortKeys: Bool = false) -> String {
        var output = ""
        write(value, sortKeys: sortKeys, to: &output)
        return output
    }

    /// Writes `value` as one block-style YAML document (no `---` line), ending with a newline.
    public static func write<Target: TextOutputStream>(_ value: JSONValue, sortKeys: Bool, to output: inout Target) {
        var writer = YAMLWriter(sortKeys: sortKeys)
        writer.writeDocument(value)
        output.write(writer.output)
    }
}
