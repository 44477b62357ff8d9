import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift <TAB>` through real kubectl, and the completion scripts through real bash,
/// zsh and fish, in a real repository with a real kubeconfig.
@Suite("Shell completion, end to end")
struct CompletionEndToEndTests {
    /// A repository with branches main and feature and tag v1, a kubeconfig of two contexts,
    /// and a PATH where kubectl finds the plugin and its completion program.
    struct Sandbox {
        let repository: String
        let environment: [String]

        init() throws {
            let root = try DiffEndToEndTests.folder(["kubeconfig": """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: prod, context: {cluster: c, user: u}}, {name: staging, context: {cluster: c, user: u}}]
                current-context: prod
                """])
            repository = root + "/repo"
            try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
            try "a: 1\n".write(toFile: repository + "/a.yaml", atomically: true, encoding: .utf8)
            try GitSourceEndToEndTests.git(repository, "init", "-q", "-b", "main")
            try GitSourceEndToEndTests.git(repository, "add", ".")
            try GitSourceEndToEndTests.git(repository, "commit", "-q", "-m", "one")
            try GitSourceEndToEndTests.git(repository, "tag", "v1")
            try GitSourceEndToEndTests.git(repository, "branch", "feature")

            // The plugin by the name kubectl looks for, beside the program krew and install.sh install.
            let bin = root + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl-drift", withDestinationPath: DriftBinary.path)
            let plugin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("plugins/kubectl_complete-drift").path
            try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl_complete-drift", withDestinationPath: plugin)
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            environment = ["PATH=" + path, "KUBECONFIG=" + root + "/kubeconfig", "HOME=" + root]
        }

        /// Runs a command line in the repository with the sandbox's PATH and kubeconfig.
        func run(_ commandLine: [String]) async throws -> CommandResult {
            let commandLine = environment + commandLine
            return try await TestCluster.offThePool { try TestCluster.run(commandLine, in: repository) }
        }

        /// The candidates a shell offers: its output's lines, descriptions cut off.
        func candidates(_ commandLine: [String]) async throws -> [String] {
            let result = try await run(commandLine)
            #expect(result.status == 0, "\(result.errorOutput)")
            return result.output.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
    }

    @Test("kubectl drift <TAB> completes through kubectl_complete-drift: commands, --ref from branches and tags, --context from the kubeconfig", arguments: [
        (["ap"], ["apply", ":4"]),
        (["diff", "--ref", ""], ["feature", "main", "v1", ":4"]),
        (["changes", "v1", "f"], ["feature", ":4"]),
        (["diff", "--context", ""], ["prod", "staging", ":4"]),
        (["apply", "--prune", "--app"], ["--applyset", ":4"]),
    ])
    func throughKubectl(words: [String], expected: [String]) async throws {
        let sandbox = try Sandbox()
        #expect(try await sandbox.candidates(["kubectl", "__complete", "drift"] + words) == expected)
    }

    @Test("bash completes kubectl-drift, --flag=value and files included")
    func bash() async throws {
        let sandbox = try Sandbox()
        func complete(_ line: String) async throws -> [String] {
            let script = """
                source <(kubectl-drift completion bash)
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                _kubectl_drift
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            return try await sandbox.candidates(["bash", "-c", script])
        }
        #expect(try await complete("kubectl-drift di") == ["diff"])
        #expect(try await complete("kubectl-drift diff --context=st") == ["staging"])
        #expect(try await complete("kubectl-drift diff --st") == ["--staged", "--strict"])
        #expect(try await complete("kubectl-drift changes main ") == ["feature", "main", "v1"])
        #expect(try await complete("kubectl-drift diff -f a.") == ["a.yaml"])
    }

    @Test("fish completes kubectl-drift with the descriptions")
    func fish() async throws {
        let sandbox = try Sandbox()
        let result = try await sandbox.run(["fish", "--no-config", "-c", "kubectl-drift completion fish | source; complete -C 'kubectl-drift ch'; complete -C 'kubectl-drift diff --ref '"])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.split(separator: "\n") == [
            "changes\tList the objects Git added, modified or removed between two revisions", "feature", "main", "v1",
        ])
    }

    @Test("zsh's script hands the candidates, with descriptions, to _describe and files to _files")
    func zsh() async throws {
        let sandbox = try Sandbox()
        // Stand-ins for the completion system's functions, which need an interactive shell.
        let script = """
            compdef() { }
            _describe() { print -rl -- "${candidates[@]}" }
            _files() { print -r -- '(files)' }
            source <(kubectl-drift completion zsh)
            words=(kubectl-drift ap); CURRENT=2; _kubectl-drift
            words=(kubectl-drift --context ''); CURRENT=3; _kubectl-drift
            words=(kubectl-drift diff -f ''); CURRENT=4; _kubectl-drift
            """
        let result = try await sandbox.run(["zsh", "-f", "-c", script])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.split(separator: "\n") == [
            "apply:Put the cluster back to Git: apply what drifted or is missing",
            "prod", "staging", "(files)",
        ])
    }
}
