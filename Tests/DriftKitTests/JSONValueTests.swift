import Foundation
import Testing
@testable import DriftKit

@Suite("JSON values")
struct JSONValueTests {
    @Test("integers stay integers and doubles stay doubles")
    func numberKinds() throws {
        let value = try JSONValue.parse(#"{"a": 3, "b": 2.5, "c": -9007199254740993, "d": 1e3}"#)
        #expect(value["a"] == .int(3))
        #expect(value["b"] == .double(2.5))
        #expect(value["c"] == .int(-9_007_199_254_740_993))
        guard case .double = value["d"] else { Issue.record("1e3 should be a double"); return }
    }

    @Test("member order is kept for display but ignored for equality")
    func memberOrder() throws {
        let first = try JSONValue.parse(#"{"z": 1, "a": {"y": true, "b": null}}"#)
        let second = try JSONValue.parse(#"{"a": {"b": null, "y": true}, "z": 1}"#)
        #expect(first == second)
        #expect(first.jsonText() == #"{"z":1,"a":{"y":true,"b":null}}"#)
    }

    @Test("strings round-trip through escapes and surrogate pairs")
    func stringEscapes() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\n\u00e9\ud83d\ude00\/", "\u0001"]"#)
        #expect(value == .array([.string("a\"b\\c\né😀/"), .string("\u{01}")]))
        #expect(try JSONValue.parse(value.jsonText()) == value)
        #expect(value.jsonText().contains(#"\u0001"#))
    }

    @Test("malformed input names the byte offset", arguments: [
        (#"{"a": }"#, 6), (#"[1, 2"#, 5), (#"{"a": 1} x"#, 9), (#""abc"#, 4), (#"tru"#, 0),
    ])
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        do { _ = try JSONValue.parse(text) } catch { #expect(error.offset == offset) }
    }

    @Test("malformed input names line and column (in characters) too", arguments: [
        ("{\n  \"a\": }", 2, 8), ("[\n1,\n\"é\", x]", 3, 6), ("tru", 1, 1), ("{\"a\": 1}\n\n  x", 3, 3),
    ])
    func lineAndColumn(text: String, line: Int, column: Int) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.description.hasPrefix("invalid JSON at line \(line), column \(column): ") == true)
    }

    @Test("pretty printing indents nested containers")
    func prettyPrinting() {
        let value: JSONValue = ["kind": "ConfigMap", "data": ["k": "v"], "list": [1, 2.5], "empty": [:]]
        #expect(value.jsonText(indent: 2) == """
            {
              "kind": "ConfigMap",
              "data": {
                "k": "v"
              },
              "list": [
                1,
                2.5
              ],
              "empty": {}
            }
            """)
    }
}
