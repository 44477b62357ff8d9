import Foundation
@testable import DriftKit

/// The `kubectl-drift` executable built beside the tests, run as a user would run it.
enum DriftBinary {
    /// `$KUBECTL_DRIFT`, else the binary in the test bundle's build folder.
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["KUBECTL_DRIFT"] { return path }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test bundle is an executable in the build folder.
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("kubectl-drift").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return "kubectl-drift"
    }

    /// The `XDG_CACHE_HOME` of every run of this test process (the verdict cache), shared so
    /// that the suite's runs are warm-cached as a user's are.
    static let cacheFolder = FileManager.default.temporaryDirectory
        .appendingPathComponent("drift-test-cache-\(ProcessInfo.processInfo.processIdentifier)").path

    /// Runs `kubectl-drift` against the shared server (`--context` picks the identity);
    /// `environment` is added to the test process's.
    static func run(
        _ arguments: [String], context: LocalAPIServer.Identity = .admin, input: String? = nil,
        kubeconfig: String? = nil, in folder: String? = nil, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        let config: String
        if let kubeconfig { config = kubeconfig } else { config = try await TestCluster.server().kubeconfigPath }
        // The verdict cache goes to a folder of the test run's, never the user's, unless the test names one.
        let environment = environment.merging(["XDG_CACHE_HOME": cacheFolder]) { given, _ in given }
        // `run` starts the command through env(1), which takes NAME=VALUE words first.
        let commandLine = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [path] + arguments + ["--kubeconfig", config] + (kubeconfig == nil ? ["--context", context.rawValue] : [])
        return try await TestCluster.offThePool { try TestCluster.run(commandLine, input: input, in: folder) }
    }

    /// Runs `kubectl-drift` against the shared server on a terminal of its own (util-linux
    /// `script`), as a person at a prompt: `input` is typed in, and the output is what the
    /// terminal showed, standard error included, with `\r\n` line ends. `environment` is added
    /// to the test process's, less the `NO_COLOR` that `swift test` sets.
    static func runInTerminal(
        _ arguments: [String], input: String, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        let config = try await TestCluster.server().kubeconfigPath
        let command = ([path] + arguments + ["--kubeconfig", config, "--context", LocalAPIServer.Identity.admin.rawValue])
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // `run` starts the command through env(1), which takes its options and NAME=VALUE words first.
        let commandLine = ["-u", "NO_COLOR"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + ["script", "--quiet", "--return", "--command", command, "/dev/null"]
        return try await TestCluster.offThePool { try TestCluster.run(commandLine, input: input) }
    }

    /// Runs `kubectl-drift` with arguments as given, no cluster flags added.
    static func runPlain(_ arguments: [String], input: String? = nil, in folder: String? = nil) async throws -> CommandResult {
        let commandLine = [path] + arguments
        return try await TestCluster.offThePool { try TestCluster.run(commandLine, input: input, in: folder) }
    }
}
