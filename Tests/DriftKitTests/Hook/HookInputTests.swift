import Foundation
import Testing
@testable import DriftKit

@Suite("What git feeds the hooks: pre-push refs, pending reconciles, pre-commit's environment")
struct HookInputTests {
    static let zero = String(repeating: "0", count: 40)
    static let a = String(repeating: "a", count: 40)
    static let b = String(repeating: "b", count: 40)

    @Test("pre-push lines: branches, tags, creations and deletions; a malformed line is kept apart to be named")
    func pushedRefs() {
        let input = """
            refs/heads/main \(Self.b) refs/heads/main \(Self.a)
            refs/heads/topic \(Self.b) refs/heads/topic \(Self.zero)
            (delete) \(Self.zero) refs/heads/old \(Self.a)
            refs/tags/v1 \(Self.b) refs/tags/v1 \(Self.zero)
            garbage

            """
        let (refs, malformed) = PushedRef.parse(input)
        #expect(refs.map(\.branch) == ["main", "topic", "old", nil])
        #expect(refs.map(\.isCreation) == [false, true, false, true])
        #expect(refs.map(\.isDeletion) == [false, false, true, false])
        #expect(malformed == ["garbage"])
    }

    @Test("a pending reconcile is completed only by the update of its remote-tracking ref to the pushed commit")
    func completion() {
        let record = PendingReconcile(remote: "origin", branch: "main", from: Self.a, to: Self.b, recorded: 0)
        #expect(record.trackingRef == "refs/remotes/origin/main")
        #expect(PendingReconcile.completed([record], by: "\(Self.a) \(Self.b) refs/remotes/origin/main\n") == [record])
        #expect(PendingReconcile.completed([record], by: "\(Self.a) \(Self.a) refs/remotes/origin/main\n").isEmpty, "another commit")
        #expect(PendingReconcile.completed([record], by: "\(Self.a) \(Self.b) refs/heads/main\n").isEmpty, "the local branch, not the push")
        #expect(PendingReconcile.completed([record], by: "\(Self.a) \(Self.b) refs/remotes/upstream/main\n").isEmpty)
    }

    @Test("pending reconciles survive a write and a read, expire after an hour, and no record removes the file")
    func pendingFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pending-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = PendingReconcile.file(gitDirectory: folder)
        let now = Date(timeIntervalSince1970: 10_000)
        let fresh = PendingReconcile(remote: "origin", branch: "main", from: Self.a, to: Self.b, recorded: 9_000)
        let stale = PendingReconcile(remote: "origin", branch: "dev", from: Self.a, to: Self.b, recorded: 1_000)
        try PendingReconcile.write([fresh, stale], to: file)
        #expect(PendingReconcile.read(file, now: now) == [fresh])
        try PendingReconcile.write([], to: file)
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(PendingReconcile.read(file, now: now).isEmpty)
    }

    @Test("pre-commit's environment becomes git's arguments and pre-push line")
    func preCommit() {
        let environment = [
            "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_URL": "git@host:org/repo.git",
            "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main", "PRE_COMMIT_TO_REF": Self.b,
            "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main", "PRE_COMMIT_FROM_REF": Self.a,
        ]
        let push = HookName.prePush.preCommitInvocation(environment: environment)
        #expect(push.arguments == ["origin", "git@host:org/repo.git"])
        #expect(PushedRef.parse(push.input).refs == [PushedRef(localRef: "refs/heads/main", localID: Self.b, remoteRef: "refs/heads/main", remoteID: Self.a)])
        #expect(HookName.postMerge.preCommitInvocation(environment: ["PRE_COMMIT_IS_SQUASH_MERGE": "1"]).arguments == ["1"])
        #expect(HookName.prePush.preCommitInvocation(environment: ["PRE_COMMIT_REMOTE_NAME": "origin"]).input.isEmpty)
    }

    @Test("the reference-transaction script stops before git-drift-hook unless a committed transaction meets a pending reconcile")
    func referenceTransactionGuard() {
        let text = HookScript(hook: .referenceTransaction).text
        let guardLine = try? #require(text.range(of: "[ \"$1\" = committed ] || exit 0"))
        let call = text.range(of: "git-drift-hook reference-transaction \"$@\"")
        #expect(guardLine != nil && call != nil && guardLine!.lowerBound < call!.lowerBound)
        #expect(text.contains(PendingReconcile.fileName))
        #expect(!HookScript(hook: .prePush).text.contains(PendingReconcile.fileName))
    }
}
