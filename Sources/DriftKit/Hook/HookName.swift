import Foundation

/// A Git hook that git-drift-hook can be installed as.
public enum HookName: String, CaseIterable, Sendable {
    case postMerge = "post-merge"
    case prePush = "pre-push"
    /// Runs the reconcile once a push has succeeded: git updates the remote-tracking ref only then.
    case referenceTransaction = "reference-transaction"

    /// What `install`, `uninstall` and `status` act on without `--hooks`.
    public static let defaults: [HookName] = [.postMerge, .prePush, .referenceTransaction]

    /// What git is doing when it runs the hook, for "the merge goes on".
    public var operation: String {
        switch self {
        case .postMerge: return "merge"
        case .prePush, .referenceTransaction: return "push"
        }
    }

    /// Whether Git feeds the hook lines on standard input (pre-push's ref lines, the
    /// reference transaction's updates), which a chained hook must see too.
    public var readsStandardInput: Bool { self != .postMerge }

    /// The hook pre-commit runs us as: its entry `git-drift-hook` gets no arguments, only the
    /// environment it sets for that stage (`PRE_COMMIT_REMOTE_NAME` for pre-push,
    /// `PRE_COMMIT_IS_SQUASH_MERGE` for post-merge).
    public static func preCommitStage(environment: [String: String]) -> HookName? {
        if environment["PRE_COMMIT_REMOTE_NAME"] != nil { return .prePush }
        if environment["PRE_COMMIT_IS_SQUASH_MERGE"] != nil { return .postMerge }
        return nil
    }

    /// Git's arguments and standard input for the stage pre-commit runs us as, rebuilt from
    /// its environment: pre-commit reads git's pre-push lines itself and passes one ref on as
    /// `PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`, `PRE_COMMIT_LOCAL_BRANCH` and `PRE_COMMIT_REMOTE_BRANCH`.
    public func preCommitInvocation(environment: [String: String]) -> (arguments: [String], input: String) {
        switch self {
        case .postMerge: return ([environment["PRE_COMMIT_IS_SQUASH_MERGE"] ?? "0"], "")
        case .prePush:
            let remote = [environment["PRE_COMMIT_REMOTE_NAME"], environment["PRE_COMMIT_REMOTE_URL"]].compactMap { $0 }
            let words = [
                environment["PRE_COMMIT_LOCAL_BRANCH"], environment["PRE_COMMIT_TO_REF"],
                environment["PRE_COMMIT_REMOTE_BRANCH"], environment["PRE_COMMIT_FROM_REF"],
            ]
            let line = words.allSatisfy { $0?.isEmpty == false } ? words.compactMap { $0 }.joined(separator: " ") + "\n" : ""
            return (remote, line)
        case .referenceTransaction: return ([], "")
        }
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
