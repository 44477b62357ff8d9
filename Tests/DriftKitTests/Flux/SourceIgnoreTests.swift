import Foundation
import Testing
@testable import DriftKit

/// `.sourceignore` rules as fluxcd/pkg `sourceignore` matches them, and the tree of a
/// GitRepository's artifact they leave.
@Suite("Flux source ignore rules")
struct SourceIgnoreTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rules: String
        var path: String
        var isDirectory = false
        var ignored: Bool

        var testDescription: String { "\(rules.replacingOccurrences(of: "\n", with: " ⏎ ")) on \(path)\(isDirectory ? "/" : "")" }
    }

    @Test("gitignore syntax: names at any depth, anchors, **, directories only, negation, comments", arguments: [
        Case(rules: "*.md", path: "README.md", ignored: true),
        Case(rules: "*.md", path: "docs/deep/guide.md", ignored: true),
        Case(rules: "*.md", path: "apps/app.yaml", ignored: false),
        Case(rules: "/*\n!/apps/", path: "scripts/validate.sh", ignored: true),
        Case(rules: "/*\n!/apps/", path: "LICENSE", ignored: true),
        Case(rules: "/*\n!/apps/", path: "apps/base/app.yaml", ignored: false),
        Case(rules: "/*\n!/apps/", path: "apps", isDirectory: true, ignored: false),
        Case(rules: "/*\n!/apps/", path: "apps", ignored: true),
        Case(rules: "docs/", path: "docs", isDirectory: true, ignored: true),
        Case(rules: "docs/", path: "docs", ignored: false),
        Case(rules: "docs/", path: "apps/docs/page.yaml", ignored: true),
        Case(rules: "/deploy/**/*.md", path: "deploy/a/b/notes.md", ignored: true),
        Case(rules: "/deploy/**/*.md", path: "deploy/notes.md", ignored: true),
        Case(rules: "/deploy/**/*.md", path: "other/deploy/notes.md", ignored: false),
        Case(rules: "foo/**", path: "foo", isDirectory: true, ignored: true),
        Case(rules: "foo/**", path: "foo/bar/baz.yaml", ignored: true),
        Case(rules: "**/secret.yaml", path: "a/b/secret.yaml", ignored: true),
        Case(rules: "**/secret.yaml", path: "secret.yaml", ignored: true),
        Case(rules: "a/b", path: "a/b/c.yaml", ignored: true),
        Case(rules: "a/b", path: "x/a/b", ignored: false),
        Case(rules: "/build/", path: "build", ignored: false),
        Case(rules: "/build/", path: "build/out.yaml", ignored: true),
        Case(rules: "*.yaml\n!keep.yaml", path: "deep/keep.yaml", ignored: false),
        Case(rules: "*.yaml\n!keep.yaml", path: "drop.yaml", ignored: true),
        Case(rules: "!keep.yaml\n*.yaml", path: "keep.yaml", ignored: true),
        Case(rules: "# *.yaml\n   \nfoo  ", path: "foo", ignored: true),
        Case(rules: "# *.yaml\n   \nfoo  ", path: "app.yaml", ignored: false),
        Case(rules: "\\#notes", path: "#notes", ignored: true),
        Case(rules: "app-?.yaml\r\n", path: "app-1.yaml", ignored: true),
        Case(rules: "app-[0-9].yaml", path: "app-x.yaml", ignored: false),
        Case(rules: "x/a**", path: "x/a**", ignored: false),
        Case(rules: "[", path: "[", ignored: false),
    ])
    func patterns(_ test: Case) {
        let ignore = SourceIgnore(patterns: SourceIgnore.parse(test.rules, domain: []))
        #expect(ignore.isIgnored(test.path, isDirectory: test.isDirectory) == test.ignored)
    }

    @Test("a .sourceignore in a folder applies below it only, after the root's")
    func nestedFiles() throws {
        let repository = try RepositoryFixture(prefix: "drift-ignore")
        try repository.write([
            ".sourceignore": "*.txt\n",
            "apps/.sourceignore": "!keep.txt\n*.md\n",
        ])
        let ignore = try SourceIgnore.gitRepository(repository.workingTree, specIgnore: nil)
        #expect(ignore.isIgnored("notes.txt", isDirectory: false))
        #expect(ignore.isIgnored("keep.txt", isDirectory: false))
        #expect(!ignore.isIgnored("apps/keep.txt", isDirectory: false))
        #expect(ignore.isIgnored("apps/base/README.md", isDirectory: false))
        #expect(!ignore.isIgnored("README.md", isDirectory: false))
    }

    @Test("default exclusions apply without ignore rules; .git always, the others only until a .sourceignore or spec.ignore has patterns",
          arguments: [
              ("", nil as String?, ".github/workflows/ci.yaml", true),
              ("", nil, "docs/logo.png", true),
              ("", nil, "apps/.sops.yaml", true),
              ("", nil, ".git/config", true),
              ("", nil, "apps/app.yaml", false),
              ("unrelated\n", nil, ".github/workflows/ci.yaml", false),
              ("unrelated\n", nil, "apps/.sops.yaml", false),
              ("unrelated\n", nil, ".git/config", true),
              ("", "unrelated", "docs/logo.png", false),
              ("/docs/\n", "!/docs/", "docs/page.yaml", false),
              ("/docs/\n", nil, "docs/page.yaml", true),
          ])
    func defaults(_ file: String, _ specIgnore: String?, _ path: String, _ ignored: Bool) throws {
        let repository = try RepositoryFixture(prefix: "drift-ignore")
        if !file.isEmpty { try repository.write(".sourceignore", file) }
        let ignore = try SourceIgnore.gitRepository(repository.workingTree, specIgnore: specIgnore)
        #expect(ignore.isIgnored(path, isDirectory: false) == ignored)
    }

    @Test("the ignoring tree hides what is left out, and keeps a left-out folder that holds a file included again")
    func ignoringTree() throws {
        let repository = try RepositoryFixture(prefix: "drift-ignore")
        try repository.write([
            ".sourceignore": "/*\n!/apps/app.yaml\n/docs/\n",
            "apps/app.yaml": "a: 1\n",
            "apps/other.yaml": "b: 2\n",
            "docs/guide.yaml": "c: 3\n",
        ])
        let tree = try IgnoringTree(
            repository.workingTree, ignoring: SourceIgnore.gitRepository(repository.workingTree, specIgnore: nil))
        #expect(try tree.entries(of: "") == ["apps"])
        #expect(try tree.node(at: "apps") == .directory)
        #expect(try tree.entries(of: "apps") == ["app.yaml"])
        #expect(try tree.node(at: "apps/other.yaml") == .missing)
        #expect(try tree.node(at: "docs") == .missing)
        #expect(try tree.contents(of: "apps/app.yaml") == Data("a: 1\n".utf8))
        #expect(throws: SourceError.pathNotFound(path: "docs/guide.yaml", tree: "the working tree")) {
            try tree.contents(of: "docs/guide.yaml")
        }
    }
}
