import Foundation
@testable import DriftKit

/// A repository `repo` with a bare remote `remote.git` and a second clone `other`, in a
/// temporary folder that goes with the object; every command runs with no user or system
/// Git configuration and a stand-in `git-drift-hook` first on PATH, which records each call.
final class HookSandbox: @unchecked Sendable {
    let base: String
    var repo: String { base + "/repo" }
    var other: String { base + "/other" }
    var remote: String { base + "/remote.git" }
    /// What the stand-in recorded: per call its arguments, then its standard input.
    var recordPath: String { base + "/drift-calls" }

    /// Added to every command's environment (`KUBECONFIG` for the real hook).
    let environment: [String: String]

    /// - Parameter realHook: put the built `git-drift-hook` on PATH instead of the stand-in,
    ///   so that git runs the real preview.
    init(realHook: Bool = false, environment: [String: String] = [:]) throws {
        self.environment = environment
        base = FileManager.default.temporaryDirectory
            .appendingPathComponent("drift-hook-\(UUID().uuidString)").resolvingSymlinksInPath().path
        try FileManager.default.createDirectory(atPath: base + "/bin", withIntermediateDirectories: true)
        try """
            [user]
            \tname = Drift Test
            \temail = drift@example.com
            [init]
            \tdefaultBranch = main
            [protocol "file"]
            \tallow = always
            [commit]
            \tgpgsign = false
            [pull]
            \trebase = false
            """.write(toFile: base + "/gitconfig", atomically: true, encoding: .utf8)
        if realHook {
            try FileManager.default.createSymbolicLink(atPath: base + "/bin/git-drift-hook", withDestinationPath: HookBinary.path)
        } else {
            try writeScript(base + "/bin/git-drift-hook", """
                #!/bin/sh
                { echo "args: $*"; cat; echo "end"; } >>"\(recordPath)"
                """)
        }
        try git(["init", "-q", "--bare", remote], in: base)
        try git(["clone", "-q", remote, repo], in: base)
        try commit("first", in: repo)
        try git(["push", "-q", "origin", "main"], in: repo)
        try git(["clone", "-q", remote, other], in: base)
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// The environment words for env(1): our Git configuration and the stand-in on PATH.
    func environmentWords(_ extra: [String: String] = [:]) -> [String] {
        var environment = [
            "HOME": base, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": base + "/gitconfig",
            "PATH": base + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]
        environment.merge(self.environment) { $1 }
        environment.merge(extra) { $1 }
        return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Runs `git`; `environment` is added to the sandbox's.
    @discardableResult
    func git(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        try TestCluster.run(environmentWords(environment) + ["git"] + arguments, in: folder ?? repo)
    }

    /// Runs the built `git-drift-hook`.
    func hook(_ arguments: [String], in folder: String? = nil) throws -> CommandResult {
        try TestCluster.run(environmentWords() + [HookBinary.path] + arguments, in: folder ?? repo)
    }

    /// Commits a new file named after `message` in `folder`.
    func commit(_ message: String, in folder: String) throws {
        try message.write(toFile: folder + "/\(message).txt", atomically: true, encoding: .utf8)
        try git(["add", "."], in: folder)
        try git(["commit", "-q", "-m", message], in: folder)
    }

    /// What the stand-in recorded, empty when it never ran.
    var recorded: String { (try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? "" }

    func writeScript(_ path: String, _ text: String, mode: Int = 0o755) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// The commit `revision` names in `folder`.
    func revision(_ revision: String, in folder: String? = nil) throws -> String {
        try git(["rev-parse", revision], in: folder).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension HookSandbox {
    // Async tests run on the concurrency pool's few threads (two on a 2-core machine): the
    // commands they wait for run off it, so that other tests' timers and sleeps keep time.

    /// `git`, off the concurrency pool.
    @discardableResult
    func git(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) async throws -> CommandResult {
        try await TestCluster.offThePool { try self.git(arguments, in: folder, environment: environment) as CommandResult }
    }

    /// The built `git-drift-hook`, off the concurrency pool.
    func hook(_ arguments: [String], in folder: String? = nil) async throws -> CommandResult {
        try await TestCluster.offThePool { try self.hook(arguments, in: folder) as CommandResult }
    }

    /// The commit `revision` names, off the concurrency pool.
    func revision(_ revision: String, in folder: String? = nil) async throws -> String {
        try await TestCluster.offThePool { try self.revision(revision, in: folder) as String }
    }
}

/// The `git-drift-hook` executable built beside `kubectl-drift`.
enum HookBinary {
    static var path: String {
        ((DriftBinary.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("git-drift-hook")
    }
}
