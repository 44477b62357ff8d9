import CGit2
import Foundation

extension GitRepository {
    /// Fetches `remote` with its configured refspecs, as `git fetch REMOTE` does, updating its
    /// remote-tracking branches (`origin/main`). Remotes that need credentials are reached
    /// only as libgit2 can without asking (file, public https, ssh-agent is not consulted).
    public func fetch(remote name: String) throws(GitError) {
        var remote: OpaquePointer?
        try Git.check(git_remote_lookup(&remote, pointer, name), "finding the remote \(name)")
        guard let remote else { throw .library(action: "finding the remote \(name)", message: "no remote") }
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try Git.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "preparing to fetch \(name)")
        try Git.check(git_remote_fetch(remote, nil, &options, "kubectl drift watch: fetch"), "fetching \(name)")
    }
}
