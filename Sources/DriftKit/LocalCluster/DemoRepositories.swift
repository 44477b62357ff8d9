import Foundation

/// The Git side of `kubectl drift demo`: in a temporary folder, a bare `remote.git`, your
/// clone `repo` and a teammate's clone `teammate`, run by the real `git` so that it runs the
/// installed hooks.
///
/// No user or system Git configuration is read (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL`,
/// `HOME` in the folder), and every commit has a fixed author and date, so the story is the
/// same on every machine, commit IDs included.
public final class DemoRepositories {
    public let base: String
    public var remote: String { base + "/remote.git" }
    public var repo: String { base + "/repo" }
    public var teammate: String { base + "/teammate" }

    private let git: String
    private let environment: [String: String]

    /// - Parameters:
    ///   - git: the `git` executable.
    ///   - toolFolder: put first on PATH, so that the hooks find `git-drift-hook`.
    ///   - kubeconfig: the demo server's, for the hook.
    public init(git: String, toolFolder: String, kubeconfig: String) throws {
        base = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubectl-drift-demo-\(UUID().uuidString)").resolvingSymlinksInPath().path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        self.git = git
        let inherited = ProcessInfo.processInfo.environment
        let date = "2026-01-01T12:00:00Z"
        // git's messages in English, with no pager or colour, as the README shows them.
        environment = [
            "PATH": toolFolder + ":" + (inherited["PATH"] ?? "/usr/bin:/bin"),
            "HOME": base, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "KUBECONFIG": kubeconfig, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            "LANG": "C", "TERM": "dumb",
        ]
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// The `git` on `environment`'s PATH, nil when there is none.
    public static func findGit(environment: [String: String]) -> String? {
        ExternalProcess.find("git", environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Runs `git` in `folder` as `author`; returns what it printed, standard error interleaved.
    @discardableResult
    public func git(_ arguments: [String], in folder: String, author: String = "You") throws -> String {
        let email = author.lowercased() + "@example.com"
        let identity = ["-c", "user.name=\(author)", "-c", "user.email=\(email)"]
        return try run(git, identity + arguments, in: folder)
    }

    /// Runs `executable` (such as `git-drift-hook install`) in `folder` with the repositories'
    /// environment; returns what it printed, standard error interleaved.
    @discardableResult
    public func run(_ executable: String, _ arguments: [String], in folder: String) throws -> String {
        let output: ExternalProcess.Output
        do {
            output = try ExternalProcess(
                executable: executable, arguments: arguments, environment: environment, currentDirectory: folder,
                timeout: 60, mergesErrorOutput: true
            ).run()
        } catch {
            throw DemoRepositoryError(command: ([executable] + arguments).joined(separator: " "), problem: error.reason)
        }
        let text = String(decoding: output.stdout, as: UTF8.self)
        guard output.succeeded else {
            throw DemoRepositoryError(command: ([executable] + arguments).joined(separator: " "), problem: "\(output.ending): \(text)")
        }
        return text
    }

    /// Writes `text` to `path` inside `folder`, making the folders it needs.
    public func write(_ text: String, to path: String, in folder: String) throws {
        let file = URL(fileURLWithPath: folder).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }
}

/// A command of the demo's Git story that failed.
public struct DemoRepositoryError: Error, CustomStringConvertible {
    public var command: String
    public var problem: String

    public var description: String { "\(command) failed: \(problem)" }
}
