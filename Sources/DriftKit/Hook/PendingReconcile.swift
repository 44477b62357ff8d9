import Foundation

/// A reconcile that waits for its push to succeed.
///
/// Git has no post-push hook, and pre-push runs before the remote accepts anything: pre-push
/// records what it previewed here, and the reference-transaction hook reconciles once git
/// updates the remote-tracking ref (`refs/remotes/<remote>/<branch>`) to the pushed commit,
/// which it does only after the remote accepted the push. A rejected push leaves the record
/// unused; the next push of the branch replaces it and records older than an hour are dropped.
public struct PendingReconcile: Sendable, Equatable {
    public var remote: String
    public var branch: String
    /// The remote's commit before the push (the preview's base).
    public var from: String
    /// The pushed commit.
    public var to: String
    /// When pre-push recorded it, in seconds since 1970.
    public var recorded: Double

    public init(remote: String, branch: String, from: String, to: String, recorded: Double) {
        self.remote = remote
        self.branch = branch
        self.from = from
        self.to = to
        self.recorded = recorded
    }

    /// The ref git updates when the push succeeds.
    public var trackingRef: String { "refs/remotes/\(remote)/\(branch)" }

    /// How long a record waits for its push.
    static let lifetime: Double = 3600

    /// The records file's name in the Git folder (`git rev-parse --absolute-git-dir`, one per worktree).
    public static let fileName = "drift-hook-pending"

    /// The records file in the Git folder of the repository (or worktree) that pushes.
    public static func file(gitDirectory: String) -> String {
        (gitDirectory as NSString).appendingPathComponent(fileName)
    }

    /// The records in `file` still waiting at `now`; none when there is no file.
    public static func read(_ file: String, now: Date) -> [PendingReconcile] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return HookInputLine.words(text).compactMap { words in
            guard words.count == 5, let recorded = Double(words[4]) else { return nil }
            let record = PendingReconcile(remote: words[0], branch: words[1], from: words[2], to: words[3], recorded: recorded)
            return now.timeIntervalSince1970 - recorded < lifetime ? record : nil
        }
    }

    /// Writes `records` to `file`, or removes it when there are none.
    public static func write(_ records: [PendingReconcile], to file: String) throws {
        guard !records.isEmpty else {
            try? FileManager.default.removeItem(atPath: file)
            return
        }
        let text = records.map { "\($0.remote) \($0.branch) \($0.from) \($0.to) \($0.recorded)\n" }.joined()
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// The records that git's ref updates (reference-transaction's standard input) complete.
    public static func completed(_ records: [PendingReconcile], by input: String) -> [PendingReconcile] {
        let updates = HookInputLine.words(input).filter { $0.count == 3 }
        return records.filter { record in updates.contains { $0[2] == record.trackingRef && $0[1] == record.to } }
    }
}
