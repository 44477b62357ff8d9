import Foundation
import Testing
@testable import DriftKit

/// git-drift-hook's install, uninstall and status, with real `git` running the hooks.
@Suite("git-drift-hook install, chain, uninstall and status, end to end")
struct GitHookEndToEndTests {
    private static let zeroCommit = String(repeating: "0", count: 40)

    /// Runs `body` with a fresh sandbox, off the concurrency pool as it only waits for processes.
    private func withSandbox(_ body: @escaping @Sendable (HookSandbox) throws -> Void) async throws {
        try await TestCluster.offThePool { try body(HookSandbox()) }
    }

    @Test("after install, git pull runs post-merge and git push runs pre-push with the ref lines on stdin")
    func hooksRun() async throws {
        try await withSandbox { sandbox in
            let install = try sandbox.hook(["install"])
            #expect(install.status == 0, "\(install.errorOutput)")
            #expect(install.output.contains("post-merge: installed in \(sandbox.repo)/.git/hooks/post-merge"))
            #expect(install.output.contains("reference-transaction: installed in \(sandbox.repo)/.git/hooks/reference-transaction"))

            try sandbox.commit("upstream", in: sandbox.other)
            try sandbox.git(["push", "-q", "origin", "main"], in: sandbox.other)
            let pull = try sandbox.git(["pull", "-q", "origin", "main"])
            #expect(pull.status == 0, "\(pull.errorOutput)")
            #expect(sandbox.recorded == "args: post-merge 0\nend\n")

            try FileManager.default.removeItem(atPath: sandbox.recordPath)
            try sandbox.commit("local", in: sandbox.repo)
            let head = try sandbox.revision("HEAD")
            let before = try sandbox.revision("origin/main")
            let push = try sandbox.git(["push", "-q", "origin", "main"])
            #expect(push.status == 0, "\(push.errorOutput)")
            #expect(sandbox.recorded == """
                args: pre-push origin \(sandbox.remote)
                refs/heads/main \(head) refs/heads/main \(before)
                end

                """)
        }
    }

    @Test("an existing pre-push hook that fails runs first after install, with the same stdin, and still fails the push")
    func failingOriginalChained() async throws {
        try await withSandbox { sandbox in
            let original = sandbox.repo + "/.git/hooks/pre-push"
            try sandbox.writeScript(original, """
                #!/bin/sh
                { echo "original: $*"; cat; } >"\(sandbox.base)/original-calls"
                exit 3
                """)
            #expect(try sandbox.hook(["install", "--hooks", "pre-push"]).output.contains("moved to \(original).drift-saved"))
            try sandbox.commit("local", in: sandbox.repo)
            let head = try sandbox.revision("HEAD")
            let push = try sandbox.git(["push", "-q", "origin", "main"])
            #expect(push.status != 0)
            let calls = try String(contentsOfFile: sandbox.base + "/original-calls", encoding: .utf8)
            #expect(calls.hasPrefix("original: origin \(sandbox.remote)\nrefs/heads/main \(head) refs/heads/main "))
            #expect(sandbox.recorded.isEmpty, "the drift part must not run after the original failed")
            #expect(try sandbox.revision("main", in: sandbox.remote) != head)
        }
    }

    @Test("uninstall puts back the original byte for byte with its mode, and removes ours where nothing was")
    func uninstallRestores() async throws {
        try await withSandbox { sandbox in
            let original = sandbox.repo + "/.git/hooks/pre-push"
            let text = "#!/bin/sh\n# no newline at the end, odd mode\r\nexit 0"
            try Data(text.utf8).write(to: URL(fileURLWithPath: original))
            try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: original)
            #expect(try sandbox.hook(["install"]).status == 0)
            #expect(try String(contentsOfFile: original, encoding: .utf8) != text)

            let uninstall = try sandbox.hook(["uninstall"])
            #expect(uninstall.status == 0, "\(uninstall.errorOutput)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: original)) == Data(text.utf8))
            let mode = try FileManager.default.attributesOfItem(atPath: original)[.posixPermissions] as? Int
            #expect(mode == 0o750)
            #expect(!FileManager.default.fileExists(atPath: original + ".drift-saved"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.repo + "/.git/hooks/post-merge"))
        }
    }

    @Test("a second install changes nothing and says so")
    func secondInstall() async throws {
        try await withSandbox { sandbox in
            try sandbox.writeScript(sandbox.repo + "/.git/hooks/post-merge", "#!/bin/sh\nexit 0")
            #expect(try sandbox.hook(["install"]).status == 0)
            let hooks = sandbox.repo + "/.git/hooks"
            let before = try snapshot(of: hooks)
            let again = try sandbox.hook(["install"])
            #expect(again.status == 0)
            #expect(again.output == """
                post-merge: already installed in \(hooks)/post-merge; nothing changed
                pre-push: already installed in \(hooks)/pre-push; nothing changed
                reference-transaction: already installed in \(hooks)/reference-transaction; nothing changed

                """)
            #expect(try snapshot(of: hooks) == before)
        }
    }

    @Test("core.hooksPath is honoured, from a subfolder too")
    func hooksPath() async throws {
        try await withSandbox { sandbox in
            try sandbox.git(["config", "core.hooksPath", "team-hooks"])
            try FileManager.default.createDirectory(atPath: sandbox.repo + "/sub", withIntermediateDirectories: true)
            let install = try sandbox.hook(["install", "--hooks", "pre-push"], in: sandbox.repo + "/sub")
            #expect(install.status == 0, "\(install.errorOutput)")
            #expect(install.output == "pre-push: installed in \(sandbox.repo)/team-hooks/pre-push\n")
            #expect(!FileManager.default.fileExists(atPath: sandbox.repo + "/.git/hooks/pre-push"))
            try sandbox.commit("local", in: sandbox.repo)
            #expect(try sandbox.git(["push", "-q", "origin", "main"]).status == 0)
            #expect(sandbox.recorded.hasPrefix("args: pre-push origin \(sandbox.remote)\n"))
        }
    }

    @Test("from a linked worktree, the hooks go where Git runs them: the common hooks folder")
    func worktree() async throws {
        try await withSandbox { sandbox in
            try sandbox.git(["worktree", "add", "-q", "-b", "side", sandbox.base + "/side"])
            let install = try sandbox.hook(["install", "--hooks", "post-merge"], in: sandbox.base + "/side")
            #expect(install.output == "post-merge: installed in \(sandbox.repo)/.git/hooks/post-merge\n", "\(install.errorOutput)")
        }
    }

    @Test("reference-transaction calls git-drift-hook only for a committed transaction while a pushed reconcile is pending, with Git's update lines on stdin")
    func referenceTransaction() async throws {
        try await withSandbox { sandbox in
            #expect(try sandbox.hook(["install", "--hooks", "reference-transaction"]).status == 0)
            let before = try sandbox.revision("HEAD")
            try sandbox.git(["update-ref", "refs/heads/idle", before])
            #expect(sandbox.recorded.isEmpty, "nothing pending: every ref update of every git command must stay cheap")

            try "".write(toFile: sandbox.repo + "/.git/" + PendingReconcile.fileName, atomically: true, encoding: .utf8)
            try sandbox.git(["update-ref", "refs/heads/marker", before])
            #expect(sandbox.recorded == "args: reference-transaction committed\n\(Self.zeroCommit) \(before) refs/heads/marker\nend\n",
                "\(sandbox.recorded)")
        }
    }

    @Test("git-drift-hook's exit status: 1 refuses the push, any other failure (a crash) is a warning and the push goes on",
        arguments: [(1, false), (2, true), (134, true)])
    func exitStatus(status: Int, pushes: Bool) async throws {
        try await withSandbox { sandbox in
            try sandbox.writeScript(sandbox.base + "/bin/git-drift-hook", "#!/bin/sh\ncat >/dev/null\nexit \(status)")
            #expect(try sandbox.hook(["install", "--hooks", "pre-push"]).status == 0)
            try sandbox.commit("local", in: sandbox.repo)
            let push = try sandbox.git(["push", "-q", "origin", "main"])
            #expect((push.status == 0) == pushes, "\(push.errorOutput)")
            #expect(push.errorOutput.contains("git-drift-hook: warning: stopped with status \(status); the push goes on") == pushes)
        }
    }

    @Test("--repo names the repository from elsewhere")
    func repoFlag() async throws {
        try await withSandbox { sandbox in
            let status = try sandbox.hook(["status", "--repo", sandbox.repo, "--hooks", "post-merge"], in: sandbox.base)
            #expect(status.status == 0, "\(status.errorOutput)")
            #expect(status.output == "post-merge: nothing installed (\(sandbox.repo)/.git/hooks/post-merge)\n")
        }
    }

    @Test("DRIFT_HOOK=skip skips git-drift-hook but not the chained original")
    func skip() async throws {
        try await withSandbox { sandbox in
            try sandbox.writeScript(sandbox.repo + "/.git/hooks/pre-push", """
                #!/bin/sh
                cat >"\(sandbox.base)/original-calls"
                """)
            #expect(try sandbox.hook(["install"]).status == 0)
            try sandbox.commit("local", in: sandbox.repo)
            let push = try sandbox.git(["push", "-q", "origin", "main"], environment: ["DRIFT_HOOK": "skip"])
            #expect(push.status == 0, "\(push.errorOutput)")
            #expect(sandbox.recorded.isEmpty)
            #expect(try String(contentsOfFile: sandbox.base + "/original-calls", encoding: .utf8).hasPrefix("refs/heads/main "))
        }
    }

    @Test("status names, per hook, ours with or without an original, someone else's, or nothing")
    func status() async throws {
        try await withSandbox { sandbox in
            let hooks = sandbox.repo + "/.git/hooks"
            try sandbox.writeScript(hooks + "/pre-push", "#!/bin/sh\nexit 0")
            #expect(try sandbox.hook(["install", "--hooks", "pre-push,post-merge"]).status == 0)
            try sandbox.writeScript(hooks + "/reference-transaction", "#!/bin/sh\nexit 0")
            let status = try sandbox.hook(["status", "--hooks", "post-merge,pre-push,reference-transaction"])
            #expect(status.status == 0)
            #expect(status.output == """
                post-merge: git-drift-hook (\(hooks)/post-merge)
                pre-push: git-drift-hook, running the original \(hooks)/pre-push.drift-saved first (\(hooks)/pre-push)
                reference-transaction: another hook, not git-drift-hook's (\(hooks)/reference-transaction)

                """)
            #expect(try sandbox.hook(["uninstall", "--hooks", "reference-transaction"]).output
                == "reference-transaction: \(hooks)/reference-transaction is not git-drift-hook's; left alone\n")
        }
    }

    @Test("the real git-drift-hook in a repository without drift.yaml says so in one line and never stops the push")
    func noConfiguration() async throws {
        try await withSandbox { sandbox in
            try FileManager.default.removeItem(atPath: sandbox.base + "/bin/git-drift-hook")
            try FileManager.default.createSymbolicLink(atPath: sandbox.base + "/bin/git-drift-hook", withDestinationPath: HookBinary.path)
            #expect(try sandbox.hook(["install"]).status == 0)
            try sandbox.commit("local", in: sandbox.repo)
            let push = try sandbox.git(["push", "origin", "main"])
            #expect(push.status == 0, "\(push.errorOutput)")
            let head = try sandbox.revision("HEAD")
            let text = push.output + push.errorOutput
            #expect(text.contains("git-drift-hook: no drift.yaml at the root of \(head.prefix(7)): nothing to preview (see docs/drift-yaml.md)\n"), "\(text)")
            #expect(text.components(separatedBy: "git-drift-hook:").count == 2, "one line: \(text)")
        }
    }

    @Test("mistakes are one message naming what and where, exit 2", arguments: [
        (["install", "--hooks", "pre-commit"], "unknown hook \"pre-commit\": expected one of post-merge, pre-push, reference-transaction"),
        (["status", "--repo", "/"], "git-drift-hook: / is not in a Git repository, so it has no hooks folder"),
        (["frobnicate"], "unknown command \"frobnicate\""),
    ])
    func mistakes(arguments: [String], message: String) async throws {
        try await withSandbox { sandbox in
            let result = try sandbox.hook(arguments)
            #expect(result.status == 2)
            #expect(result.errorOutput.contains(message), "\(result.errorOutput)")
            #expect(result.errorOutput.split(separator: "\n").count == 1)
        }
    }

    @Test("a core.hooksPath through a file is Git's message, exit 2")
    func hooksPathThroughFile() async throws {
        try await withSandbox { sandbox in
            try "".write(toFile: sandbox.base + "/plain-file", atomically: true, encoding: .utf8)
            try sandbox.git(["config", "core.hooksPath", sandbox.base + "/plain-file/hooks"])
            let result = try sandbox.hook(["status"])
            #expect(result.status == 2)
            #expect(result.errorOutput.hasPrefix(
                "git-drift-hook: cannot find the hooks folder for \(sandbox.repo): git rev-parse --git-path hooks failed: fatal: "),
                "\(result.errorOutput)")
        }
    }

    @Test("a hooks folder that cannot be written is named, exit 2")
    func unwritableFolder() async throws {
        try await withSandbox { sandbox in
            // The tests may run as root, who writes anywhere but where the kernel has no files.
            try sandbox.git(["config", "core.hooksPath", "/proc/drift-hook-test/hooks"])
            let result = try sandbox.hook(["install"])
            #expect(result.status == 2)
            #expect(result.errorOutput.hasPrefix("git-drift-hook: cannot change the hooks folder: /proc/drift-hook-test/hooks: "),
                "\(result.errorOutput)")
        }
    }

    /// Every file in `folder` with its bytes, mode and modification time.
    private func snapshot(of folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
            files[name] = "\(bytes) \(attributes[.posixPermissions] ?? "") \(attributes[.modificationDate] ?? "")"
        }
        return files
    }
}
