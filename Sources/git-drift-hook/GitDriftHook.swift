import DriftKit
import Foundation

/// The command line: `install`, `uninstall` and `status` manage the hooks; a hook's own name
/// is what the installed script runs.
enum GitDriftHook {
    static let usage = """
        git-drift-hook: previews what merged or pushed commits do to the cluster drift.yaml
        pins, then reconciles it (drift.yaml hook.reconcile: none, apply, flux or argocd).

        Usage:
          git-drift-hook install [--hooks post-merge,pre-push,reference-transaction] [--repo DIR]
          git-drift-hook uninstall [--hooks ...] [--repo DIR]
          git-drift-hook status [--hooks ...] [--repo DIR]
          git-drift-hook post-merge [--output json] [--color WHEN] <squash>     (run by Git)
          git-drift-hook pre-push [--output json] [--color WHEN] <remote> <url> (run by Git)
          git-drift-hook reference-transaction <state>                       (run by Git)

        install writes small sh scripts into the repository's hooks folder (as
        `git rev-parse --git-path hooks` reports it): post-merge previews a merge or pull,
        pre-push a push (and with hook.block: errors refuses one the server would refuse),
        reference-transaction runs a push's reconcile once the push has succeeded. An existing
        hook is moved aside to <hook>.drift-saved and runs first; uninstall puts it back.

        Environment: DRIFT_HOOK=skip skips the hook; DRIFT_HOOK_OUTPUT=json prints the
        HookPreview JSON document; NO_COLOR turns colour off; KUBECONFIG as for kubectl.
        Settings: the hook: section of drift.yaml (docs/drift-yaml.md).

        """

    /// The commands that manage the hooks.
    enum Action: String {
        case install, uninstall, status
    }

    static let options = [
        OptionSpec("--hooks", takesValue: true),
        OptionSpec("--repo", "-C", takesValue: true),
        OptionSpec("--help", "-h", takesValue: false),
    ]

    /// Runs one invocation; returns the exit status (2 for any error).
    static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        if arguments.isEmpty, let hook = HookName.preCommitStage(environment: environment) {
            let (gitArguments, input) = hook.preCommitInvocation(environment: environment)
            return runHook(hook, gitArguments, input: input, environment: environment)
        }
        guard let command = arguments.first else {
            printError(usage)
            return 2
        }
        if ["-h", "--help", "help"].contains(command) {
            FileHandle.standardOutput.write(Data(usage.utf8))
            return 0
        }
        if let hook = HookName(rawValue: command) {
            // Git's own arguments follow.
            return runHook(hook, Array(arguments.dropFirst()), input: nil, environment: environment)
        }
        guard let action = Action(rawValue: command) else {
            printError("git-drift-hook: unknown command \"\(command)\"; see git-drift-hook --help")
            return 2
        }
        do {
            let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), options: options)
            if try parsed.flag("--help") {
                FileHandle.standardOutput.write(Data(usage.utf8))
                return 0
            }
            guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument: \(parsed.positionals[0])") }
            let hooks = try parsed.last("--hooks").map { value throws(HookError) in try HookName.list(value) } ?? HookName.defaults
            let directory = parsed.last("--repo") ?? FileManager.default.currentDirectoryPath
            let installer = HookInstaller(hooksFolder: try HooksFolder.locate(in: directory))
            var report = ""
            // What was done before a failure is still said.
            defer { FileHandle.standardOutput.write(Data(report.utf8)) }
            switch action {
            case .install: try installer.install(hooks, to: &report)
            case .uninstall: try installer.uninstall(hooks, to: &report)
            case .status: installer.status(hooks, to: &report)
            }
            return 0
        } catch let error as UsageError {
            printError("git-drift-hook: \(error.message)")
        } catch let error as HookError {
            printError("git-drift-hook: \(error)")
        } catch {
            printError("git-drift-hook: \(error)")
        }
        return 2
    }

    /// Runs an installed hook: `git-drift-hook post-merge 0`, `pre-push origin URL`,
    /// `reference-transaction committed`, with `--output json` or `--color` before git's words.
    /// - Parameter input: git's standard input lines when already known; nil reads them.
    private static func runHook(_ hook: HookName, _ words: [String], input: String?, environment: [String: String]) -> Int32 {
        var json = environment["DRIFT_HOOK_OUTPUT"] == "json"
        var color = ColorMode.auto
        var gitArguments: [String] = []
        var rest = words[...]
        while let word = rest.popFirst() {
            switch word {
            case "--output", "-o":
                guard let value = rest.popFirst(), ["json", "text"].contains(value) else {
                    printError("git-drift-hook: --output takes json or text")
                    return 2
                }
                json = value == "json"
            case "--color":
                guard let value = rest.popFirst(), let mode = ColorMode(rawValue: value) else {
                    printError("git-drift-hook: --color takes auto, always or never")
                    return 2
                }
                color = mode
            default: gitArguments.append(word)
            }
        }
        if environment["DRIFT_HOOK"] == "skip" { return 0 }
        let input = input ?? (hook.readsStandardInput
            ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : "")
        let watch = HookWatch()
        startWatchdog(watch, hook: hook)
        let run = HookRun(
            hook: hook, arguments: gitArguments, input: input, directory: FileManager.default.currentDirectoryPath,
            environment: environment, json: json,
            color: color.isEnabled(isTerminal: isatty(STDERR_FILENO) == 1, environment: environment), watch: watch)
        var output = StandardOutput()
        var messages = StandardError()
        return run.run(output: &output, messages: &messages)
    }

    /// Ends the process, exit 0, once the hook outlasts `hook.timeout`: the merge or push is
    /// never held up by a slow cluster.
    private static func startWatchdog(_ watch: HookWatch, hook: HookName) {
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                guard let remaining = watch.remaining, remaining <= 0 else { continue }
                let (timeout, phase) = watch.current
                let seconds = timeout.map { String(format: "%gs", $0) } ?? "its time limit"
                printError("git-drift-hook: warning: stopped after \(seconds) (hook.timeout in drift.yaml) while \(phase); "
                    + "the \(hook.operation) goes on; kubectl drift diff shows the cluster's state")
                exit(0)
            }
        }
        thread.start()
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }
}

/// Standard output as a `TextOutputStream`.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardOutput.write(Data(string.utf8)) }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
