import Testing
@testable import DriftKit

/// `kubectl drift <TAB>`: the candidates and the directive cobra's protocol carries.
@Suite("Shell completion")
struct CompletionTests {
    /// A kubeconfig of two contexts (a third with --kubeconfig other), and three revisions.
    static let sources = Completion.Sources(
        kubeconfig: { overrides in
            var config = Kubeconfig()
            let names = overrides.kubeconfig == "other" ? ["elsewhere"] : ["prod", "staging"]
            for name in names { config.contexts[name] = Kubeconfig.Context(cluster: "c-" + name, user: nil, namespace: nil, source: "kc") }
            return config
        },
        revisions: { ["main", "origin/main", "v1.0"] })

    static func complete(_ words: [String]) -> Completion {
        Completion.complete(words, sources: sources)
    }

    @Test("values", arguments: [
        (["d"], ["diff", "demo"]),
        ([""], DriftCommand.summaries.map(\.name)),
        (["diff", "--ref", ""], ["main", "origin/main", "v1.0"]),
        (["diff", "--ref", "v"], ["v1.0"]),
        (["diff", "--ref=or"], ["--ref=origin/main"]),
        (["apply", "--context", ""], ["prod", "staging"]),
        (["--kubeconfig", "other", "diff", "--context", ""], ["elsewhere"]),
        (["diff", "--kubeconfig=other", "--context=e"], ["--context=elsewhere"]),
        (["--context", "st"], ["staging"]),
        (["changes", ""], ["main", "origin/main", "v1.0"]),
        (["changes", "main", "v"], ["v1.0"]),
        (["changes", "main", "v1.0", ""], []),
        (["diff", "-o", ""], ["text", "json", "yaml"]),
        (["render", "--output", ""], ["yaml", "json"]),
        (["watch", "--color", "a"], ["auto", "always"]),
        (["completion", ""], ["bash", "fish", "zsh"]),
        (["help", "ch"], ["changes"]),
        (["diff", "-n", ""], []),
    ])
    func values(words: [String], expected: [String]) {
        let completion = Self.complete(words)
        #expect(completion.candidates.map(\.value) == expected)
        #expect(completion.directive == .noFiles)
    }

    @Test("flags are those of the command, every spelling, watch's own included")
    func flags() {
        #expect(Self.complete(["diff", "--con"]).candidates.map(\.value) == ["--context", "--concurrency", "--config"])
        #expect(Self.complete(["watch", "--int"]).candidates.map(\.value) == ["--interval"])
        #expect(Self.complete(["diff", "--int"]).candidates.isEmpty)
        #expect(Self.complete(["changes", "-"]).candidates.map(\.value).contains("--strict"))
        #expect(Self.complete(["demo", "-"]).candidates.map(\.value) == ["--color", "--keep", "--help", "-h"])
        // Before the command, only kubectl's global flags.
        #expect(Self.complete(["--k"]).candidates.map(\.value) == ["--kubeconfig"])
    }

    @Test("files and folders are left to the shell", arguments: [
        (["diff", "-f", ""], Completion.Directive.files),
        (["diff", "--filename=a"], .files),
        (["--kubeconfig", ""], .files),
        (["render", "-k", ""], .folders),
        (["diff", "--chart-dir", "ch"], .folders),
    ])
    func files(words: [String], directive: Completion.Directive) {
        let completion = Self.complete(words)
        #expect(completion.candidates.isEmpty)
        #expect(completion.directive == directive)
    }

    @Test("subcommands are described; the answer is cobra's: a line a candidate, then the directive")
    func protocolLines() {
        var output = ""
        Self.complete(["ap"]).write(to: &output)
        #expect(output == "apply\tPut the cluster back to Git: apply what drifted or is missing\n:4\n")
        output = ""
        Self.complete(["diff", "-f", ""]).write(to: &output)
        #expect(output == ":0\n")
    }

    @Test("__complete is never parsed as a command; completion names one shell", arguments: [
        (["__complete", "diff", "--bogus", ""], DriftCommand.complete(["diff", "--bogus", ""])),
        (["completion", "zsh"], .completion(.zsh)),
        (["--context", "prod", "completion", "fish"], .completion(.fish)),
    ])
    func commands(arguments: [String], command: DriftCommand) throws {
        #expect(try DriftCommand.parse(arguments) == command)
    }

    @Test("completion without one known shell is a usage error listing them", arguments: [["completion"], ["completion", "tcsh"], ["completion", "bash", "zsh"]])
    func badShell(arguments: [String]) {
        #expect(throws: UsageError("kubectl drift completion needs one shell: bash, zsh, fish")) {
            try DriftCommand.parse(arguments)
        }
    }
}
