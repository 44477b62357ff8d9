import Foundation
import Testing
@testable import DriftKit

@Suite("YAML structure")
struct YAMLStructureTests {
    static func value(_ text: String) throws -> JSONValue { try YAMLTestSupport.value(text) }

    static func documents(_ text: String) throws -> [YAMLDocument] {
        try YAML.documents(in: text, file: "test.yaml")
    }

    // MARK: Block collections

    @Test("block mappings keep their key order")
    func keyOrder() throws {
        let value = try Self.value("zeta: 1\nalpha: 2\nmid:\n  b: 1\n  a: 2\n")
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(value["mid"]?.objectValue?.keys == ["b", "a"])
    }

    @Test("sequences at the same column as their key (kubectl's compact style)")
    func compactSequences() throws {
        let text = """
            containers:
            - name: a
              ports:
              - containerPort: 80
              - containerPort: 443
              args:
              - -c
              - run
            - name: b
            volumes:
              - name: indented
            """
        #expect(try Self.value(text) == [
            "containers": [
                ["name": "a", "ports": [["containerPort": 80], ["containerPort": 443]], "args": ["-c", "run"]],
                ["name": "b"],
            ],
            "volumes": [["name": "indented"]],
        ])
    }

    @Test("nested sequences, empty entries and maps starting on the next line")
    func nestedSequences() throws {
        let text = """
            - - a
              - b
            - - - deep
            -
            - ~
            -
              key: value
              other: 2
            -   spaced: 1
                more: 2
            """
        #expect(try Self.value(text) == [
            ["a", "b"], [["deep"]], nil, nil, ["key": "value", "other": 2], ["spaced": 1, "more": 2],
        ])
    }

    @Test("empty values are null")
    func emptyValues() throws {
        #expect(try Self.value("a:\nb: ~\nc:\n  # only a comment\nd: x\n") == ["a": nil, "b": nil, "c": nil, "d": "x"])
    }

    @Test("explicit keys with '?'")
    func explicitKeys() throws {
        let text = """
            ? plain key
            : value
            ? |
              block key
            : 2
            ? lonely
            simple: 3
            """
        #expect(try Self.value(text) == ["plain key": "value", "block key\n": 2, "lonely": nil, "simple": 3])
    }

    // MARK: Flow collections

    @Test("flow collections: nested, multi-line, trailing commas, pairs and keys without values")
    func flowCollections() throws {
        let text = """
            a: [1, 2, ]
            b: {x: 1, w: [a, {z: w}], }
            c: [
                 one,
                 two  # comment
               ]
            d: {a, b: }
            e: [a: 1, b]
            f: [[], {}, [[]]]
            g: {"json": "style", "n": [true, false, null, 1.5]}
            h: [a:b, http://x.y/z]
            i: {a:b}
            """
        #expect(try Self.value(text) == [
            "a": [1, 2],
            "b": ["x": 1, "w": ["a", ["z": "w"]]],
            "c": ["one", "two"],
            "d": ["a": nil, "b": nil],
            "e": [["a": 1], "b"],
            "f": [[], [:], [[]]],
            "g": ["json": "style", "n": [true, false, nil, 1.5]],
            "h": ["a:b", "http://x.y/z"],
            "i": ["a:b": nil],
        ])
    }

    @Test("JSON documents are YAML")
    func jsonDocument() throws {
        let json = #"{"apiVersion":"v1","kind":"List","items":[{"a":1,"b":-2.5e3,"c":"\u00e9\ud83d\ude80","d":[],"e":{}}],"f":null,"g":"a\/b"}"#
        let value = try Self.value(json)
        #expect(value == (try JSONValue.parse(json)))
    }

    @Test("a stream of JSON objects separated by whitespace, as kubectl accepts")
    func jsonStream() throws {
        let documents = try Self.documents("{\"a\": 1}\n{\"b\": 2}\n[3]\n")
        #expect(documents.map(\.value) == [["a": 1], ["b": 2], [3]])
        #expect(documents.map(\.line) == [1, 2, 3])
    }

    // MARK: Block scalars

    @Test("block scalars: literal, folded, chomping, indentation indicators")
    func blockScalars() throws {
        let text = """
            literal: |
              line1
                indented

              line3
            folded: >
              folded
              text

              para
                more indented
              back
            strip: |-
              strip
            keep: |+
              keep

            explicit: |2
                two extra
            leading-blank: >-

              after blank
            empty: |
            empty-keep: >+
            one-indent: |1-
               x
            header-comment: |  # comment
              y
            tagged: ! |
              z
            last: end
            """
        #expect(try Self.value(text) == [
            "literal": "line1\n  indented\n\nline3\n",
            "folded": "folded text\npara\n  more indented\nback\n",
            "strip": "strip",
            "keep": "keep\n\n",
            "explicit": "  two extra\n",
            "leading-blank": "\nafter blank",
            "empty": "",
            "empty-keep": "",
            "one-indent": "  x",
            "header-comment": "y\n",
            "tagged": "z\n",
            "last": "end",
        ])
    }

    @Test("block scalar content keeps '#', quotes and colons")
    func blockScalarContent() throws {
        let text = "script: |\n  # not a comment\n  echo \"a: b\" 'c' # d\n\n\n  done\nnext: 1\n"
        #expect(try Self.value(text) == ["script": "# not a comment\necho \"a: b\" 'c' # d\n\n\ndone\n", "next": 1])
    }

    @Test("keep chomping at the end of the stream keeps every final line break")
    func keepAtEnd() throws {
        #expect(try Self.value("a: |+\n  x\n\n\n") == ["a": "x\n\n\n"])
        #expect(try Self.value("a: |\n  x\n\n\n") == ["a": "x\n"])
        #expect(try Self.value("a: |-\n  x\n\n\n") == ["a": "x"])
    }

    // MARK: Comments and whitespace

    @Test("comments wherever they are legal")
    func comments() throws {
        let text = """
            # leading
            a: 1 # after a value
            # between keys
            b:   # after a key
              - x   # after an item
              # between items
              - z
            c: [1, # inside flow
                2]
            d: "quoted" # after quotes
            e: |  # after a block header
              text
            # trailing
            """
        #expect(try Self.value(text) == ["a": 1, "b": ["x", "z"], "c": [1, 2], "d": "quoted", "e": "text\n"])
    }

    @Test("tabs are fine as separators and inside values")
    func tabsAsSeparators() throws {
        #expect(try Self.value("a:\tb\nc: x\ty\nd: 1\t# comment\ne: [1,\t2]\n") == ["a": "b", "c": "x\ty", "d": 1, "e": [1, 2]])
    }

    @Test("CRLF line endings and a byte order mark")
    func crlfAndBOM() throws {
        let text = "\u{FEFF}a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 'p\r\n  q'\r\n"
        #expect(try Self.value(text) == ["a": 1, "b": "x\ny\n", "c": "p q"])
    }

    @Test("NEL, LS and PS are YAML 1.1 line breaks")
    func unicodeLineBreaks() throws {
        // why: libyaml (and so kubectl) breaks lines at U+0085, U+2028 and U+2029.
        #expect(try Self.value("a: 1\u{85}b: 2\u{2028}c: 3\n") == ["a": 1, "b": 2, "c": 3])
        #expect(try Self.value("a: \"x\u{2028}y\"\n") == ["a": "x\u{2028}y"])
    }

    // MARK: Anchors, aliases, merges

    @Test("anchors and aliases on scalars, maps, sequences and keys")
    func anchorsAndAliases() throws {
        let text = """
            scalar: &s hello
            map: &m {a: 1}
            seq: &q [1, 2]
            &k key: value
            uses: [*s, *m, *q, *k]
            redefined: &s again
            after: *s
            """
        #expect(try Self.value(text) == [
            "scalar": "hello", "map": ["a": 1], "seq": [1, 2], "key": "value",
            "uses": ["hello", ["a": 1], [1, 2], "key"], "redefined": "again", "after": "again",
        ])
    }

    @Test("an alias can be a key, converted like any key")
    func aliasAsKey() throws {
        #expect(try Self.value("a: &n 1\n*n : one\n") == ["a": 1, "1": "one"])
    }

    @Test("anchors belong to one document")
    func anchorsPerDocument() {
        #expect(throws: YAMLError.self) { try Self.documents("a: &x 1\n---\nb: *x\n") }
    }

    @Test("merge keys: one map, a list of maps, explicit keys after '<<' win")
    func mergeKeys() throws {
        let text = """
            base: &base {a: 1, b: 2}
            extra: &extra {b: 20, c: 30}
            one:
              <<: *base
              b: 3
            list:
              <<: [*extra, *base]
              d: 4
            inline:
              <<: {x: 1}
              w: 2
            nested:
              <<: {<<: *base, c: 5}
            """
        #expect(try Self.value(text) == [
            "base": ["a": 1, "b": 2], "extra": ["b": 20, "c": 30],
            "one": ["a": 1, "b": 3],
            // why: in a list, earlier maps win (go-yaml merges them in reverse).
            "list": ["a": 1, "b": 20, "c": 30, "d": 4],
            "inline": ["x": 1, "w": 2],
            "nested": ["a": 1, "b": 2, "c": 5],
        ])
    }

    @Test("a key written before '<<' is overwritten by the merge, as go-yaml v2 (kubectl) does")
    func mergeAfterKey() throws {
        #expect(try Self.value("base: &b {a: 1}\nm:\n  a: 10\n  <<: *b\n") == ["base": ["a": 1], "m": ["a": 1]])
    }

    @Test("merged keys put into the mapping's order where '<<' stands")
    func mergeOrder() throws {
        let value = try Self.value("b: &b {x: 1, z: 2}\nm:\n  first: 0\n  <<: *b\n  last: 3\n")
        #expect(value["m"]?.objectValue?.keys == ["first", "x", "z", "last"])
    }

    @Test("only a plain or !!merge '<<' is a merge key")
    func quotedMergeKey() throws {
        #expect(try Self.value("m:\n  '<<': {a: 1}\n") == ["m": ["<<": ["a": 1]]])
        #expect(try Self.value("m:\n  !!merge <<: {a: 1}\n") == ["m": ["a": 1]])
        #expect(try Self.value("v: <<\n") == ["v": "<<"])
    }

    @Test("merge values must be maps", arguments: ["<<: 1", "<<: [1]", "<<:", "<<: [[a]]", "s: &s [1]\n<<: *s"])
    func badMerges(text: String) {
        let error = #expect(throws: YAMLError.self) { try Self.documents(text + "\n") }
        #expect(error?.message.contains("map merge requires map or sequence of maps") == true)
    }

    @Test("self-referencing and unknown aliases are errors")
    func badAliases() {
        let own = #expect(throws: YAMLError.self) { try Self.documents("a: &x [1, *x]\n") }
        #expect(own?.message == "anchor 'x' value contains itself")
        let unknown = #expect(throws: YAMLError.self) { try Self.documents("a: *nope\n") }
        #expect(unknown?.message.hasPrefix("unknown anchor 'nope' referenced") == true)
        #expect(unknown?.line == 1 && unknown?.column == 4)
    }

    @Test("exponential alias expansion is refused")
    func billionLaughs() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let error = #expect(throws: YAMLError.self) { try Self.documents(text) }
        #expect(error?.message == "document contains excessive aliasing")
    }

    // MARK: Duplicate keys

    @Test("duplicate keys are errors that name the first definition", arguments: [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "mapping key \"a\" already defined at line 1"),
        ("m:\n  x: 1\n  'x': 2\n", 3, 3, "mapping key \"x\" already defined at line 2"),
        ("{a: 1, a: 2}", 1, 8, "mapping key \"a\" already defined at line 1"),
        // why: keys are compared after conversion to JSON member names.
        ("y: 1\ntrue: 2\n", 2, 1, "mapping key \"true\" already defined at line 1"),
        ("1: a\n'1': b\n", 2, 1, "mapping key \"1\" already defined at line 1"),
        ("b: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3\n", 5, 3, "mapping key \"x\" already defined at line 4"),
    ])
    func duplicates(text: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: YAMLError.self) { try Self.documents(text) }
        #expect(error == .invalidValue(file: "test.yaml", line: line, column: column, message: message))
    }

    @Test("read as kubectl reads them, a key written twice keeps its last value, in its first place, with a warning", arguments: [
        ("a: 1\nb: 2\na: 3\n", .object(JSONObject([("a", 3), ("b", 2)])), 3, 1, "\"a\" already defined at line 1"),
        ("m:\n  x: 1\n  'x': 2\n", ["m": ["x": 2]], 3, 3, "\"x\" already defined at line 2"),
        ("{a: 1, a: 2}", ["a": 2], 1, 8, "\"a\" already defined at line 1"),
        ("y: 1\ntrue: 2\n", ["true": 2], 2, 1, "\"true\" already defined at line 1"),
        // A key written after `<<` overrides the merged value without a word; written again, it warns.
        ("b: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3\n", ["b": ["x": 1], "m": ["x": 3]], 5, 3, "\"x\" already defined at line 4"),
    ] as [(String, JSONValue, Int, Int, String)])
    func duplicatesLastWins(text: String, value: JSONValue, line: Int, column: Int, message: String) throws {
        var warnings: [YAMLWarning] = []
        let documents = try YAML.documents(in: text, file: "test.yaml", duplicateKeys: .lastWins, warnings: &warnings)
        #expect(documents.map(\.value) == [value])
        #expect(warnings == [YAMLWarning(
            file: "test.yaml", line: line, column: column,
            message: "mapping key \(message); the last value is used, as kubectl does")])
    }

    @Test("the third definition of a key warns again, naming the line of the one it replaces")
    func duplicatesWarnEachTime() throws {
        var warnings: [YAMLWarning] = []
        let documents = try YAML.documents(
            in: "a: 1\na: 2\na: 3\n", file: "t.yaml", duplicateKeys: .lastWins, warnings: &warnings)
        #expect(documents.first?.value == ["a": 3])
        #expect(warnings.map(\.description) == [
            "t.yaml:2:1: mapping key \"a\" already defined at line 1; the last value is used, as kubectl does",
            "t.yaml:3:1: mapping key \"a\" already defined at line 2; the last value is used, as kubectl does",
        ])
    }

    @Test("rejecting duplicates reads as the strict reader does; unique keys warn of nothing")
    func duplicatesRejected() throws {
        var warnings: [YAMLWarning] = []
        #expect(throws: YAMLError.invalidValue(file: "t.yaml", line: 2, column: 1, message: "mapping key \"a\" already defined at line 1")) {
            try YAML.documents(in: "a: 1\na: 2\n", file: "t.yaml", duplicateKeys: .reject, warnings: &warnings)
        }
        let documents = try YAML.documents(in: "a: 1\nb: {a: 2}\n", file: "t.yaml", duplicateKeys: .lastWins, warnings: &warnings)
        #expect(documents.first?.value == ["a": 1, "b": ["a": 2]])
        #expect(warnings.isEmpty)
    }

    // MARK: Documents

    @Test("multi-document streams with '---', '...', empty documents and comments")
    func documentsInStream() throws {
        let text = """
            # leading comment
            ---
            a: 1
            ...
            ---
            # empty
            --- # comment after the marker
            b: 2
            ---

            c: 3
            ...
            """
        let documents = try Self.documents(text)
        #expect(documents.map(\.value) == [["a": 1], nil, ["b": 2], ["c": 3]])
        #expect(documents.map(\.index) == [0, 1, 2, 3])
        #expect(documents.map(\.line) == [3, 5, 8, 11])
    }

    static let boundaryCases: [(String, [JSONValue])] = [
        ("", [JSONValue]()), ("# only a comment\n", []), ("---\n", [nil]), ("---\n---\n", [nil, nil]),
        ("a: 1\n---\n", [["a": 1], nil]), ("--- text\n", ["text"]), ("--- [1, 2]\n", [[1, 2]]),
        ("--- |\n  block\n", ["block\n"]), ("a: 1\n...\n", [["a": 1]]), ("plain\n", ["plain"]),
        // why: after an explicit '...' a new document may start without '---' (YAML 1.2).
        ("a: 1\n...\nb: 2\n", [["a": 1], ["b": 2]]), ("a: 1\n...\n...\nb: 2\n", [["a": 1], ["b": 2]]),
        ("...\na: 1\n", [["a": 1]]), ("--- 1\n...\n--- 2\n", [1, 2]),
        ("- 1\n--- \n- 2\n", [[1], [2]]), ("a: ---\n", [["a": "---"]]), ("a: b --- c\n", [["a": "b --- c"]]),
    ]

    @Test("document boundaries", arguments: boundaryCases)
    func documentBoundaries(text: String, expected: [JSONValue]) throws {
        #expect(try Self.documents(text).map(\.value) == expected)
    }

    @Test("%YAML and %TAG directives are tolerated")
    func directives() throws {
        let text = "%YAML 1.1\n%TAG !e! tag:example.com,2024:\n---\na: !e!thing 1\n---\nb: 2\n%YAML 1.2\n---\nc: 3\n"
        #expect(try Self.documents(text).map(\.value) == [["a": "1"], ["b": 2], ["c": 3]])
    }

    @Test("the document line is where its content starts")
    func documentLines() throws {
        let documents = try Self.documents("\n\n# c\nkind: A\n---\n\n\n  # x\nkind: B\n--- &x\nkind: C\n")
        #expect(documents.map(\.line) == [4, 9, 10])
    }

    // MARK: Limits

    @Test("deep nesting is an error, not a crash", arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "{a: ", count: 20_000),
        String(repeating: "- ", count: 50_000) + "x",
        (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
    ])
    func deepNesting(text: String) {
        let error = #expect(throws: YAMLError.self) { try Self.documents(text) }
        #expect(error?.message.contains("nested more than") == true, "\(String(describing: error))")
    }

    @Test("nesting well beyond any manifest still parses")
    func reasonableNesting() throws {
        let depth = 200
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try Self.value(text)
        var levels = 0
        while case let .array(items) = value {
            levels += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(levels == depth)
    }

    @Test("keys longer than 1024 characters must use '?'")
    func longKeys() throws {
        let key = String(repeating: "k", count: 1100)
        #expect(throws: YAMLError.self) { try Self.documents("\(key): v\n") }
        #expect(try Self.value("? \(key)\n: v\n") == [key: "v"])
    }
}
