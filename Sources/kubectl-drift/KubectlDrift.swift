import DriftKit
import Foundation

/// The `kubectl drift` plugin: parses arguments, runs the command, maps errors to exit codes.
enum KubectlDrift {
    /// Exit status for errors, as `kubectl diff` uses 2 and above.
    static let failure: Int32 = 2

    static func run(_ arguments: [String]) -> Int32 {
        var output = StandardStream.output
        let command: DriftCommand
        do {
            command = try DriftCommand.parse(arguments)
        } catch {
            let topic = arguments.first.map { DriftCommand.subcommands.contains($0) ? " \($0)" : "" } ?? ""
            StandardStream.printError("error: \(error)\nSee 'kubectl drift\(topic) --help'.")
            return failure
        }
        defer { output.flush() }
        do {
            switch command {
            case let .diff(invocation): return try DiffCommand(invocation: invocation).run(output: &output)
            case let .render(invocation): return try RenderCommand(invocation: invocation).run(output: &output)
            case let .changes(invocation): return try ChangesCommand(invocation: invocation).run(output: &output)
            case let .demo(invocation): return try DemoCommand(invocation: invocation).run(output: &output)
            case let .watch(invocation): return try WatchCommand(invocation: invocation).run(output: &output)
            case .version:
                output.write("kubectl-drift \(DriftVersion.current)\n")
                return 0
            case let .help(topic):
                output.write(HelpText.text(for: topic))
                return 0
            case let .completion(shell):
                output.write(shell.script)
                return 0
            case let .complete(words):
                Completion.complete(words, sources: completionSources()).write(to: &output)
                return 0
            }
        } catch {
            output.flush()
            StandardStream.printError("error: \(error)")
            return failure
        }
    }

    /// The kubeconfig and the repository of this machine, read only when a candidate needs them.
    private static func completionSources() -> Completion.Sources {
        let environment = ProcessInfo.processInfo.environment
        let folder = FileManager.default.currentDirectoryPath
        return Completion.Sources(
            kubeconfig: { overrides in try? KubeconfigLoader(environment: environment, currentDirectory: folder).load(overrides) },
            revisions: { (try? GitRepository.discover(from: folder, environment: environment))?.revisionNames() ?? [] })
    }
}
