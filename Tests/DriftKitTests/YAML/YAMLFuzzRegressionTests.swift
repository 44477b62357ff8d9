import Foundation
import Testing
import DriftKit

/// Inputs of the kind the libFuzzer targets (`Fuzz/`, `scripts/fuzz.sh`) produce: each must
/// end in one clear error with file, line and column, never a crash, a hang or runaway memory.
@Suite("YAML fuzz regressions")
struct YAMLFuzzRegressionTests {
    /// A document whose size comes from alias expansion, and where the reader must stop.
    struct AliasBomb: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let line: Int
        let column: Int
        var testDescription: String { name }
    }

    /// Thirty levels of ten aliases each would expand to 10^30 nodes.
    static let billionLaughs: String = {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<30 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }()

    // why: the budget is go-yaml v2's, counted in decoded nodes, so the reader stops at the
    // first alias past it; these positions show that nothing after it was expanded.
    static let aliasBombs = [
        AliasBomb(name: "billion laughs", text: billionLaughs, line: 4, column: 10),
        // One 500-key mapping merged into a thousand others: each merge copies every key.
        AliasBomb(name: "merge bomb", text: "a: &a {" + (0..<500).map { "k\($0): \($0)" }.joined(separator: ", ") + "}\nb:\n"
            + (0..<1_000).map { "  m\($0): {<<: *a}\n" }.joined(), line: 143, column: 14),
        // Five thousand aliases of one 1000-item list, all on one line.
        AliasBomb(name: "wide aliases", text: "a: &a [" + Array(repeating: "x", count: 1_000).joined(separator: ", ") + "]\n"
            + "b: [" + Array(repeating: "*a", count: 5_000).joined(separator: ", ") + "]\n", line: 2, column: 401),
    ]

    @Test("alias expansion stops at the alias that exceeds the budget", arguments: aliasBombs)
    func aliasBudget(bomb: AliasBomb) {
        let expected = YAMLError.invalidValue(file: "test.yaml", line: bomb.line, column: bomb.column, message: "document contains excessive aliasing")
        #expect(throws: expected) { try YAML.documents(in: bomb.text, file: "test.yaml") }
        #expect(throws: expected) { try YAML.documentsWithKeyLines(in: bomb.text, file: "test.yaml") }
    }

    @Test("kubeconfig and drift.yaml report excessive aliasing as a YAML error at its position")
    func aliasBudgetInConfigFiles() {
        let expected = YAMLError.invalidValue(file: "f.yaml", line: 4, column: 10, message: "document contains excessive aliasing")
        #expect(throws: DriftConfigError.yaml(expected)) { try DriftConfig.parse(Self.billionLaughs, file: "f.yaml") }
        let kubeconfig = #expect(throws: KubeconfigError.self) { try Kubeconfig.parse(Self.billionLaughs, file: "f.yaml") }
        guard case let .invalidYAML(error)? = kubeconfig else {
            Issue.record("expected a YAML error, got \(String(describing: kubeconfig))")
            return
        }
        #expect(error == expected)
    }

    static let deepNesting = [
        String(repeating: "[", count: 100_000),
        String(repeating: "{a: ", count: 20_000),
        String(repeating: "- ", count: 50_000) + "x",
        (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
    ]

    @Test("deep nesting in kubeconfig and drift.yaml is a YAML error, not a stack overflow", arguments: deepNesting)
    func deepNestingInConfigFiles(text: String) {
        let config = #expect(throws: DriftConfigError.self) { try DriftConfig.parse(text, file: "drift.yaml") }
        #expect(config?.file == "drift.yaml" && config?.description.contains("nested more than 256 levels deep") == true,
                "\(String(describing: config))")
        let kubeconfig = #expect(throws: KubeconfigError.self) { try Kubeconfig.parse(text, file: "/k/config") }
        guard case let .invalidYAML(error)? = kubeconfig else {
            Issue.record("expected a YAML error, got \(String(describing: kubeconfig))")
            return
        }
        #expect(error.file == "/k/config" && error.message.contains("nested more than 256 levels deep"), "\(error)")
    }

    @Test("deep JSON nesting is an error at the first level too deep", arguments: ["[", "{\"a\":"])
    func deepJSONNesting(opening: String) {
        let text = String(repeating: opening, count: 100_000)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        #expect(error?.reason == "nesting deeper than 512 levels")
        #expect(error?.offset == 512 * opening.utf8.count)
    }
}
