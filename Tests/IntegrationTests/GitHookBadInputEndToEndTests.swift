import Foundation
import Testing
@testable import DriftKit

/// git-drift-hook on broken input: each case is one line naming what and where, and the
/// merge or push goes on (exit 0).
@Suite("git-drift-hook bad input, end to end")
struct GitHookBadInputEndToEndTests {
    /// A sandbox whose main clone holds `drift.yaml` with `hook` settings, committed and pushed.
    private func sandbox(hook: String = "reconcile: none") throws -> HookSandbox {
        let sandbox = try HookSandbox(realHook: true)
        try GitHookPreviewEndToEndTests.Deployed.driftYAML(namespace: "default", hook: hook)
            .write(toFile: sandbox.repo + "/drift.yaml", atomically: true, encoding: .utf8)
        try sandbox.git(["add", "."])
        try sandbox.git(["commit", "-q", "-m", "config"])
        try sandbox.git(["push", "-q", "origin", "main"])
        return sandbox
    }

    private static func text(_ result: CommandResult) -> String { result.output + result.errorOutput }

    @Test("a malformed hook section is named with its file and line; the hook does nothing until it is fixed")
    func malformedHookSection() async throws {
        try await TestCluster.offThePool {
            let sandbox = try self.sandbox(hook: "reconcile: sometimes")
            let result = try sandbox.hook(["post-merge", "0"])
            #expect(result.status == 0)
            #expect(Self.text(result).contains("drift.yaml:7: hook.reconcile: expected one of none, apply, flux, argocd, found \"sometimes\""), "\(Self.text(result))")
        }
    }

    @Test("a merge that brings a manifest kubectl cannot parse names the file, and the merge goes on")
    func unparseableManifest() async throws {
        try await TestCluster.offThePool {
            let sandbox = try self.sandbox()
            try sandbox.git(["pull", "-q", "origin", "main"], in: sandbox.other)
            try FileManager.default.createDirectory(atPath: sandbox.other + "/apps", withIntermediateDirectories: true)
            try "apiVersion: v1\nkind: [ConfigMap\n".write(toFile: sandbox.other + "/apps/bad.yaml", atomically: true, encoding: .utf8)
            try sandbox.git(["add", "."], in: sandbox.other)
            try sandbox.git(["commit", "-q", "-m", "bad"], in: sandbox.other)
            try sandbox.git(["push", "-q", "origin", "main"], in: sandbox.other)
            #expect(try sandbox.hook(["install"]).status == 0)
            let pull = try sandbox.git(["pull", "-q", "origin", "main"])
            #expect(pull.status == 0)
            #expect(FileManager.default.fileExists(atPath: sandbox.repo + "/apps/bad.yaml"), "the merge happened")
            #expect(Self.text(pull).contains("warning:") && Self.text(pull).contains("apps/bad.yaml:3:1: expected"), "\(Self.text(pull))")
        }
    }

    @Test("a detached HEAD, a missing ORIG_HEAD and a branch hook.branches does not cover are each one line")
    func gitStates() async throws {
        try await TestCluster.offThePool {
            let sandbox = try self.sandbox()
            let missing = try sandbox.hook(["post-merge", "0"])
            #expect(missing.status == 0)
            #expect(Self.text(missing).contains("cannot read the commit before the merge: unknown revision \"ORIG_HEAD\""), "\(Self.text(missing))")

            try sandbox.git(["checkout", "-q", "--detach"])
            let detached = try sandbox.hook(["post-merge", "0"])
            #expect(detached.status == 0)
            #expect(Self.text(detached) == "git-drift-hook: HEAD is detached, on no branch: nothing to preview\n")

            let other = try self.sandbox(hook: "branches: [release]")
            let uncovered = try other.hook(["post-merge", "0"])
            #expect(uncovered.status == 0)
            #expect(Self.text(uncovered).contains("hook.branches in drift.yaml names release, which is neither a local nor a remote branch here"))
            #expect(Self.text(uncovered).contains("main is not previewed (hook.branches: release)"), "\(Self.text(uncovered))")
        }
    }

    @Test("in a shallow clone, a commit before the merge that was never fetched says how to fetch it")
    func shallowClone() async throws {
        try await TestCluster.offThePool {
            let sandbox = try self.sandbox()
            let parent = try sandbox.revision("HEAD~1")
            let shallow = sandbox.base + "/shallow"
            try sandbox.git(["clone", "-q", "--depth", "1", "file://" + sandbox.remote, shallow], in: sandbox.base)
            try (parent + "\n").write(toFile: shallow + "/.git/ORIG_HEAD", atomically: true, encoding: .utf8)
            let result = try sandbox.hook(["post-merge", "0"], in: shallow)
            #expect(result.status == 0)
            #expect(Self.text(result).contains("shallow clone"), "\(Self.text(result))")
            #expect(Self.text(result).contains("git fetch --unshallow"), "\(Self.text(result))")
        }
    }
}
