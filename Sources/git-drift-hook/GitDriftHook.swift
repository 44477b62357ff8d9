import DriftKit
import Foundation

/// The command line: `install`, `uninstall` and `status` manage the hooks; a hook's own name
/// is what the installed script runs.
enum GitDriftHook {
    static let usage = """
        git-drift-hook: previews the cluster impact of merged or pushed commits.

        Usage:
          git-drift-hook install [--hooks post-merge,pre-push] [--repo DIR]
          git-drift-hook uninstall [--hooks post-merge,pre-push] [--repo DIR]
          git-drift-hook status [--hooks ...] [--repo DIR]
          git-drift-hook post-merge              (run by Git)
          git-drift-hook pre-push <remote> <url> (run by Git)

        install writes small sh scripts into the repository's hooks folder (as
        `git rev-parse --git-path hooks` reports it); an existing hook is moved aside to
        <hook>.drift-saved and runs first. uninstall puts it back. --hooks also accepts
        reference-transaction. DRIFT_HOOK=skip makes the installed scripts do nothing.

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
            return preview(hook)
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
            return preview(hook)
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

    /// The hook's preview; a merge or a push is never stopped by it.
    private static func preview(_ hook: HookName) -> Int32 {
        print("git-drift-hook: the \(hook.rawValue) preview is not built yet; nothing to check")
        return 0
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }
}
