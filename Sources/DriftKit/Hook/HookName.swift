import Foundation

/// A Git hook that git-drift-hook can be installed as.
public enum HookName: String, CaseIterable, Sendable {
    case postMerge = "post-merge"
    case prePush = "pre-push"
    /// Not installed by default: the reconcile-after-push work will use it.
    case referenceTransaction = "reference-transaction"

    /// What `install`, `uninstall` and `status` act on without `--hooks`.
    public static let defaults: [HookName] = [.postMerge, .prePush]

    /// Whether Git feeds the hook lines on standard input (pre-push's ref lines, the
    /// reference transaction's updates), which a chained hook must see too.
    var readsStandardInput: Bool { self != .postMerge }

    /// The hook pre-commit runs us as: its entry `git-drift-hook` gets no arguments, only the
    /// environment it sets for that stage (`PRE_COMMIT_REMOTE_NAME` for pre-push,
    /// `PRE_COMMIT_IS_SQUASH_MERGE` for post-merge).
    public static func preCommitStage(environment: [String: String]) -> HookName? {
        if environment["PRE_COMMIT_REMOTE_NAME"] != nil { return .prePush }
        if environment["PRE_COMMIT_IS_SQUASH_MERGE"] != nil { return .postMerge }
        return nil
    }

    /// The hooks named in a `--hooks` value (`post-merge,pre-push`), in order, each once.
    public static func list(_ value: String) throws(HookError) -> [HookName] {
        var hooks: [HookName] = []
        for word in value.split(separator: ",", omittingEmptySubsequences: true) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let hook = HookName(rawValue: name) else { throw .unknownHook(name) }
            if !hooks.contains(hook) { hooks.append(hook) }
        }
        guard !hooks.isEmpty else { throw .unknownHook(value) }
        return hooks
    }
}
