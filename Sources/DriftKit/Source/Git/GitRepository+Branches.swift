import CGit2
import Foundation

extension GitRepository {
    /// The branch HEAD is on (`main`), or nil when HEAD is detached or the branch has no commit yet.
    public func currentBranch() -> String? {
        guard git_repository_head_detached(pointer) == 0 else { return nil }
        var head: OpaquePointer?
        guard git_repository_head(&head, pointer) == 0, let head else { return nil }
        defer { git_reference_free(head) }
        guard git_reference_is_branch(head) == 1, let name = git_reference_shorthand(head) else { return nil }
        return String(cString: name)
    }

    /// The repository's default branch: what `refs/remotes/<remote>/HEAD` points at (as
    /// `git clone` records it), else `init.defaultBranch`, else `main` or `master`, whichever
    /// exists; nil when none does.
    public func defaultBranch(remote: String = "origin") -> String? {
        var reference: OpaquePointer?
        let remoteHead = "refs/remotes/\(remote)/HEAD"
        if git_reference_lookup(&reference, pointer, remoteHead) == 0, let reference {
            defer { git_reference_free(reference) }
            if let target = git_reference_symbolic_target(reference) {
                let prefix = "refs/remotes/\(remote)/"
                let text = String(cString: target)
                if text.hasPrefix(prefix) { return String(text.dropFirst(prefix.count)) }
            }
        }
        if let configured = configString("init.defaultBranch"), hasBranch(configured) { return configured }
        return ["main", "master"].first(where: hasBranch)
    }

    /// Whether `name` is a local branch, or a branch of any remote (`origin/name`).
    public func hasBranch(_ name: String) -> Bool {
        var reference: OpaquePointer?
        if git_reference_lookup(&reference, pointer, "refs/heads/\(name)") == 0, let reference {
            git_reference_free(reference)
            return true
        }
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, pointer, "refs/remotes/*/\(name)") == 0, let iterator else { return false }
        defer { git_reference_iterator_free(iterator) }
        var found: OpaquePointer?
        guard git_reference_next(&found, iterator) == 0, let found else { return false }
        git_reference_free(found)
        return true
    }

    /// The best common ancestor of two commits, as `git merge-base` finds it; nil when they
    /// share no history.
    public func mergeBase(_ one: GitCommit, _ other: GitCommit) -> GitCommit? {
        var base = git_oid()
        guard git_merge_base(&base, pointer, git_commit_id(one.pointer), git_commit_id(other.pointer)) == 0 else { return nil }
        return try? commit(Git.hex(&base))
    }

    /// One value of the repository's configuration (its own, the user's and the system's).
    func configString(_ name: String) -> String? {
        var configuration: OpaquePointer?
        guard git_repository_config_snapshot(&configuration, pointer) == 0, let configuration else { return nil }
        defer { git_config_free(configuration) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, configuration, name) == 0, let value else { return nil }
        return String(cString: value)
    }
}

extension GitRepository {
    /// The names a revision may be given by, as git completes them: local branches, remote
    /// branches (`origin/main`, without the remotes' `HEAD`) and tags, sorted.
    public func revisionNames() -> [String] {
        var iterator: OpaquePointer?
        guard git_reference_iterator_new(&iterator, pointer) == 0, let iterator else { return [] }
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var reference: OpaquePointer?
        while git_reference_next(&reference, iterator) == 0, let found = reference {
            defer { git_reference_free(found) }
            let full = String(cString: git_reference_name(found))
            guard full.hasPrefix("refs/heads/") || full.hasPrefix("refs/tags/") || full.hasPrefix("refs/remotes/"),
                !full.hasSuffix("/HEAD"), let short = git_reference_shorthand(found)
            else { continue }
            names.append(String(cString: short))
        }
        return names.sorted()
    }
}
