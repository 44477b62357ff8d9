import Testing
@testable import DriftKit

/// One invalid file and the error it must give.
struct InvalidConfigCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The file after the apiVersion and kind lines (which are lines 1 and 2), unless `whole`.
    var text: String
    var whole = false
    var kind: String
    var key: String?
    var line: Int

    var testDescription: String { name }

    var document: String { whole ? text : ConfigTestSupport.header + text }
}

extension DriftConfigError {
    /// The case name, for comparing errors without their payloads.
    var caseName: String {
        switch self {
        case .yaml: return "yaml"
        case .multipleDocuments: return "multipleDocuments"
        case .unknownKey: return "unknownKey"
        case .missingKey: return "missingKey"
        case .wrongType: return "wrongType"
        case .invalidValue: return "invalidValue"
        case .invalidRegex: return "invalidRegex"
        case .invalidPointer: return "invalidPointer"
        case .invalidLabelSelector: return "invalidLabelSelector"
        case .invalidGlob: return "invalidGlob"
        case .conflictingKeys: return "conflictingKeys"
        }
    }
}

@Suite("drift.yaml: validation errors name the key and the line")
struct DriftConfigValidationTests {
    static let cases: [InvalidConfigCase] = [
        InvalidConfigCase(name: "unknown top-level key (typo)", text: "concurency: 8\n", kind: "unknownKey", key: "concurency", line: 3),
        InvalidConfigCase(
            name: "unknown key deep in a rule",
            text: """
                ignoreDifferences:
                  - paths: [/spec/replicas]
                    target:
                      group: apps
                      knd: Deployment

                """,
            kind: "unknownKey", key: "ignoreDifferences[0].target.knd", line: 7),
        InvalidConfigCase(
            name: "unknown key in a flow mapping", text: "cluster: {context: prod,\n  sever: https://x}\n",
            kind: "unknownKey", key: "cluster.sever", line: 4),
        InvalidConfigCase(name: "metadata is not a key of DriftConfig", text: "metadata:\n  name: x\n", kind: "unknownKey", key: "metadata", line: 3),
        InvalidConfigCase(name: "quoted number for concurrency", text: "concurrency: \"8\"\n", kind: "wrongType", key: "concurrency", line: 3),
        InvalidConfigCase(name: "a string where a list is expected", text: "paths: apps\n", kind: "wrongType", key: "paths", line: 3),
        InvalidConfigCase(
            name: "a number in a list of strings", text: "ignoreManagers:\n  - hpa\n  - 3\n",
            kind: "wrongType", key: "ignoreManagers[1]", line: 5),
        InvalidConfigCase(name: "a quoted boolean", text: "kustomize: \"yes\"\n", kind: "wrongType", key: "kustomize", line: 3),
        InvalidConfigCase(
            name: "an unknown hook reconcile mode", text: "hook:\n  block: errors\n  reconcile: kubectl\n",
            kind: "invalidValue", key: "hook.reconcile", line: 5),
        InvalidConfigCase(name: "a misspelt hook key", text: "hook:\n  branch: [main]\n", kind: "unknownKey", key: "hook.branch", line: 4),
        InvalidConfigCase(name: "a hook timeout that is no duration", text: "hook:\n  timeout: soon\n", kind: "invalidValue", key: "hook.timeout", line: 4),
        InvalidConfigCase(name: "a hook section that is a list", text: "hook: [apply]\n", kind: "wrongType", key: "hook", line: 3),
        InvalidConfigCase(name: "the document is a list", text: "- a\n", whole: true, kind: "wrongType", key: "(top level)", line: 1),
        InvalidConfigCase(
            name: "invalid regex in the third rule",
            text: """
                ignoreDifferences:
                  - paths: [/a]
                  - paths: [/b]
                    target: {kind: Deployment}
                  - paths: [/c]
                    target:
                      name: web
                      kind: "Deploy["

                """,
            kind: "invalidRegex", key: "ignoreDifferences[2].target.kind", line: 10),
        InvalidConfigCase(
            name: "pointer without leading slash", text: "ignoreDifferences:\n  - paths:\n      - /ok\n      - spec/replicas\n",
            kind: "invalidPointer", key: "ignoreDifferences[0].paths[1]", line: 6),
        InvalidConfigCase(
            name: "pointer with a bad escape", text: "ignoreDifferences:\n  - kind: Secret\n    jsonPointers: [/data/a~2b]\n",
            kind: "invalidPointer", key: "ignoreDifferences[0].jsonPointers[0]", line: 5),
        InvalidConfigCase(
            name: "the empty pointer", text: "ignoreDifferences:\n  - paths: [\"\"]\n",
            kind: "invalidValue", key: "ignoreDifferences[0].paths[0]", line: 4),
        InvalidConfigCase(
            name: "label selector with an empty set",
            text: "ignoreDifferences:\n  - paths: [/a]\n    target:\n      labelSelector: app in ()\n",
            kind: "invalidLabelSelector", key: "ignoreDifferences[0].target.labelSelector", line: 6),
        InvalidConfigCase(
            name: "label selector with an invalid key",
            text: "ignoreDifferences:\n  - paths: [/a]\n    target: {annotationSelector: \"-bad=1\"}\n",
            kind: "invalidLabelSelector", key: "ignoreDifferences[0].target.annotationSelector", line: 5),
        InvalidConfigCase(name: "** inside a segment", text: "exclude:\n  - ok/*.yaml\n  - a**\n", kind: "invalidGlob", key: "exclude[1]", line: 5),
        InvalidConfigCase(name: "unclosed [", text: "exclude: ['[abc']\n", kind: "invalidGlob", key: "exclude[0]", line: 3),
        InvalidConfigCase(name: "missing apiVersion", text: "kind: DriftConfig\n", whole: true, kind: "missingKey", key: "apiVersion", line: 1),
        InvalidConfigCase(name: "empty file", text: "# nothing\n", whole: true, kind: "missingKey", key: "apiVersion", line: 1),
        InvalidConfigCase(
            name: "unsupported apiVersion", text: "kind: DriftConfig\napiVersion: drift.kubectl-drift.dev/v9\n", whole: true,
            kind: "invalidValue", key: "apiVersion", line: 2),
        InvalidConfigCase(
            name: "wrong kind", text: "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: Kustomization\n", whole: true,
            kind: "invalidValue", key: "kind", line: 2),
        InvalidConfigCase(name: "concurrency out of range", text: "concurrency: 0\n", kind: "invalidValue", key: "concurrency", line: 3),
        InvalidConfigCase(name: "fractional concurrency", text: "concurrency: 2.5\n", kind: "wrongType", key: "concurrency", line: 3),
        InvalidConfigCase(
            name: "field manager too long", text: "fieldManager: \(String(repeating: "m", count: 129))\n",
            kind: "invalidValue", key: "fieldManager", line: 3),
        InvalidConfigCase(name: "paths and flux together", text: "paths: [apps]\nflux: true\n", kind: "conflictingKeys", key: "flux", line: 4),
        InvalidConfigCase(
            name: "Flux and Argo CD keys mixed in one rule", text: "ignoreDifferences:\n  - paths: [/a]\n    jsonPointers: [/b]\n",
            kind: "conflictingKeys", key: "ignoreDifferences[0].jsonPointers", line: 5),
        InvalidConfigCase(
            name: "Argo CD rule without kind", text: "ignoreDifferences:\n  - group: apps\n    jsonPointers: [/spec/replicas]\n",
            kind: "missingKey", key: "ignoreDifferences[0].kind", line: 4),
        InvalidConfigCase(
            name: "a rule that ignores nothing", text: "ignoreDifferences:\n  - target: {kind: Deployment}\n",
            kind: "invalidValue", key: "ignoreDifferences[0]", line: 4),
        InvalidConfigCase(
            name: "jq path expressions", text: "ignoreDifferences:\n  - kind: Deployment\n    jqPathExpressions: ['.spec']\n",
            kind: "invalidValue", key: "ignoreDifferences[0].jqPathExpressions", line: 5),
        InvalidConfigCase(name: "server that is not a URL", text: "cluster:\n  server: prod-cluster\n", kind: "invalidValue", key: "cluster.server", line: 4),
        InvalidConfigCase(name: "cluster without context or server", text: "cluster: {}\n", kind: "invalidValue", key: "cluster", line: 3),
        InvalidConfigCase(name: "absolute path", text: "paths:\n  - /etc/k8s\n", kind: "invalidValue", key: "paths[0]", line: 4),
        InvalidConfigCase(name: "path leaving the repository", text: "paths:\n  - path: ../other\n", kind: "invalidValue", key: "paths[0].path", line: 4),
        InvalidConfigCase(name: "path entry without path", text: "paths:\n  - recursive: true\n", kind: "missingKey", key: "paths[0].path", line: 4),
        InvalidConfigCase(
            name: "Kustomization reference with two slashes", text: "flux:\n  kustomizations: [a/b/c]\n",
            kind: "invalidValue", key: "flux.kustomizations[0]", line: 4),
        InvalidConfigCase(name: "two documents", text: "---\nkind: DriftConfig\n", kind: "multipleDocuments", key: nil, line: 4),
        InvalidConfigCase(name: "duplicate key", text: "concurrency: 4\nconcurrency: 8\n", kind: "yaml", key: nil, line: 4),
        InvalidConfigCase(name: "YAML syntax error", text: "paths: [apps\n", kind: "yaml", key: nil, line: 4),
    ]

    @Test("each invalid file gives its error", arguments: cases)
    func invalid(_ invalid: InvalidConfigCase) throws {
        let error = try #require(ConfigTestSupport.error(invalid.document))
        #expect(error.caseName == invalid.kind, "\(error)")
        #expect(error.key == invalid.key, "\(error)")
        #expect(error.line == invalid.line, "\(error)")
        #expect(error.file == "drift.yaml")
        #expect(error.description.hasPrefix("drift.yaml:\(invalid.line)"), "\(error)")
        if let key = invalid.key { #expect(error.description.contains(key)) }
    }

    @Test("an unknown key suggests the key it was probably meant to be")
    func suggestions() throws {
        let typo = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "ignoreDiferences: []\n"))
        #expect(typo == .unknownKey(ConfigErrorLocation(file: "drift.yaml", line: 3, key: "ignoreDiferences"), suggestion: "ignoreDifferences"))
        #expect(typo.description == "drift.yaml:3: ignoreDiferences: unknown key (did you mean ignoreDifferences?)")
        let caseOnly = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "FieldManager: x\n"))
        #expect(caseOnly == .unknownKey(ConfigErrorLocation(file: "drift.yaml", line: 3, key: "FieldManager"), suggestion: "fieldManager"))
        let unrelated = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "colour: red\n"))
        #expect(unrelated == .unknownKey(ConfigErrorLocation(file: "drift.yaml", line: 3, key: "colour"), suggestion: nil))
    }

    @Test("the first problem in the file is the one reported")
    func firstInDocumentOrder() throws {
        let error = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "concurrency: 0\nbogus: 1\n"))
        #expect(error.key == "concurrency")
    }

    @Test("messages say what was expected and what was found")
    func messages() throws {
        let error = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "concurrency: \"8\"\n"))
        #expect(error.description == "drift.yaml:3: concurrency: expected a whole number, found a string (\"8\")")
        let regex = try #require(ConfigTestSupport.error(ConfigTestSupport.header + "ignoreDifferences: [{paths: [/a], target: {kind: 'a(b'}}]\n"))
        #expect(regex.description == "drift.yaml:3: ignoreDifferences[0].target.kind: invalid regular expression \"a(b\": missing ) to close a group")
    }
}
