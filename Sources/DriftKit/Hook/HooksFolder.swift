import Foundation

/// The folder Git runs a repository's hooks from, as `git rev-parse --git-path hooks`
/// reports it: `core.hooksPath` and linked worktrees are Git's to resolve, not ours.
public enum HooksFolder {
    /// The absolute hooks folder of the repository holding `directory`.
    public static func locate(
        in directory: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(HookError) -> String {
        guard let git = ExternalProcess.find("git", environment: environment, currentDirectory: directory) else {
            throw .gitNotFound
        }
        // `--path-format=absolute` resolves a relative core.hooksPath against the working
        // tree's top, where Git runs hooks, not against the current folder.
        var gitEnvironment = environment
        // Git's own words tell a folder outside any repository from other failures.
        gitEnvironment["LC_ALL"] = "C"
        let process = ExternalProcess(
            executable: git, arguments: ["-C", directory, "rev-parse", "--path-format=absolute", "--git-path", "hooks"],
            environment: gitEnvironment, currentDirectory: nil, timeout: 30)
        let output: ExternalProcess.Output
        do {
            output = try process.run()
        } catch {
            throw .gitFailed(directory: directory, message: error.reason)
        }
        let path = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard output.succeeded, !path.isEmpty else {
            let message = output.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            if message.contains("not a git repository") { throw .notARepository(directory: directory) }
            throw .gitFailed(directory: directory, message: message.isEmpty ? output.ending : message)
        }
        return path
    }
}
