import CGit2
import Foundation

/// Why a Git operation failed.
public enum GitError: Error, Equatable, CustomStringConvertible {
    /// No repository at or above the folder.
    case notARepository(path: String)
    case unknownRevision(revision: String, message: String)
    /// The repository has no working tree, so a revision must be named.
    case bareRepository(path: String)
    /// A libgit2 call failed; the message is libgit2's own.
    case library(action: String, message: String)

    public var description: String {
        switch self {
        case let .notARepository(path): return "\(path) is not in a Git repository"
        case let .unknownRevision(revision, message):
            return "unknown revision \"\(revision)\": \(message)"
        case let .bareRepository(path):
            return "\(path) is a bare repository with no working tree; name a revision with --ref"
        case let .library(action, message): return "Git failed while \(action): \(message)"
        }
    }
}

/// The one place DriftKit talks to libgit2: global initialisation and error checking.
enum Git {
    /// libgit2's global state, initialised once per process before the first call.
    private static let initialisation: Int32 = git_libgit2_init()

    static func ensureInitialised() throws(GitError) {
        if initialisation < 0 { throw .library(action: "initialising libgit2", message: lastErrorMessage()) }
    }

    /// Fails with libgit2's message, read at once, when `code` is an error.
    static func check(_ code: Int32, _ action: @autoclosure () -> String) throws(GitError) {
        guard code < 0 else { return }
        throw .library(action: action(), message: lastErrorMessage())
    }

    static func lastErrorMessage() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown error" }
        return String(cString: message)
    }

    static func hex(_ id: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, id)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

/// An opened repository, freed with the object.
public final class GitRepository {
    let pointer: OpaquePointer
    /// The working tree's folder, with a trailing `/` removed; nil for a bare repository.
    public let workingDirectory: String?
    /// The `.git` folder (or the bare repository's folder).
    public let gitDirectory: String

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
        gitDirectory = Self.trimmedPath(git_repository_path(pointer)) ?? ""
        workingDirectory = Self.trimmedPath(git_repository_workdir(pointer))
    }

    deinit { git_repository_free(pointer) }

    /// The repository containing `folder`, searching upwards as `git` does, honouring
    /// `GIT_DIR`, `GIT_CEILING_DIRECTORIES` and `GIT_WORK_TREE` from `environment`.
    public static func discover(from folder: String, environment: [String: String]) throws(GitError) -> GitRepository {
        try Git.ensureInitialised()
        var repository: OpaquePointer?
        let code: Int32
        // Where the repository was looked for, as messages name it.
        let searched: String
        if let gitDirectory = environment["GIT_DIR"], !gitDirectory.isEmpty {
            searched = gitDirectory.hasPrefix("/") ? gitDirectory : (folder as NSString).appendingPathComponent(gitDirectory)
            code = git_repository_open_ext(&repository, searched, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        } else {
            searched = folder
            code = git_repository_open_ext(&repository, folder, 0, environment["GIT_CEILING_DIRECTORIES"])
        }
        if code == GIT_ENOTFOUND.rawValue { throw .notARepository(path: searched) }
        try Git.check(code, "opening the repository at \(searched)")
        guard let repository else { throw .notARepository(path: searched) }
        if let workTree = environment["GIT_WORK_TREE"], !workTree.isEmpty {
            let absolute = workTree.hasPrefix("/") ? workTree : (folder as NSString).appendingPathComponent(workTree)
            let result = git_repository_set_workdir(repository, absolute, 0)
            if result < 0 {
                let message = Git.lastErrorMessage()
                git_repository_free(repository)
                throw .library(action: "using GIT_WORK_TREE \(absolute)", message: message)
            }
        }
        return GitRepository(pointer: repository)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }
    public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    /// The commit a revision names (`main`, `origin/main`, a tag, an id, `HEAD~2`, ...).
    public func commit(_ revision: String) throws(GitError) -> GitCommit {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, pointer, revision)
        guard code >= 0, let object else {
            let message = Git.lastErrorMessage()
            // A shallow clone lacks the commits behind its boundary: say so rather than only
            // "not found".
            if code == GIT_ENOTFOUND.rawValue, isShallow {
                throw .unknownRevision(
                    revision: revision,
                    message: "\(message); the repository is a shallow clone, so older commits may not have been fetched (git fetch --unshallow fetches them)")
            }
            throw .unknownRevision(revision: revision, message: message)
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) >= 0, let commit else {
            throw .unknownRevision(revision: revision, message: "it names no commit (\(Git.lastErrorMessage()))")
        }
        return GitCommit(pointer: commit, repository: self, revision: revision)
    }

    /// The staged files (`git add`), as a tree.
    public func index() throws(GitError) -> GitIndexTree {
        var index: OpaquePointer?
        try Git.check(git_repository_index(&index, pointer), "reading the index")
        guard let index else { throw .library(action: "reading the index", message: "no index") }
        return GitIndexTree(pointer: index, repository: self)
    }

    /// The folder of `path` relative to the working tree's root, or nil when outside it.
    ///
    /// The path is compared as written first, then with symbolic links resolved, since
    /// libgit2 reports the working tree's real path (`/private/var/...` for `/var/...`).
    public func relativePath(of path: String) -> String? {
        guard let root = workingDirectory else { return nil }
        let standardized = (path as NSString).standardizingPath
        let resolvedRoot = Self.resolvingSymlinks(root)
        for (candidate, base) in [(standardized, root), (Self.resolvingSymlinks(standardized), resolvedRoot)] {
            if candidate == base { return "" }
            if candidate.hasPrefix(base + "/") { return String(candidate.dropFirst(base.count + 1)) }
        }
        return nil
    }

    private static func resolvingSymlinks(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    private static func trimmedPath(_ path: UnsafePointer<CChar>?) -> String? {
        guard let path else { return nil }
        let text = String(cString: path)
        return text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Reads a blob's bytes.
    func blobContents(_ id: UnsafePointer<git_oid>, path: String) throws(GitError) -> Data {
        var blob: OpaquePointer?
        try Git.check(git_blob_lookup(&blob, pointer, id), "reading \(path)")
        guard let blob else { throw .library(action: "reading \(path)", message: "no blob") }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }
}

/// A commit, freed with the object.
public final class GitCommit {
    let pointer: OpaquePointer
    let repository: GitRepository
    /// The revision as the user wrote it.
    public let revision: String

    init(pointer: OpaquePointer, repository: GitRepository, revision: String) {
        self.pointer = pointer
        self.repository = repository
        self.revision = revision
    }

    deinit { git_commit_free(pointer) }

    /// The full commit id.
    public var id: String { Git.hex(git_commit_id(pointer)) }

    public var shortID: String { String(id.prefix(7)) }

    /// The first line of the commit message.
    public var summary: String { git_commit_summary(pointer).map { String(cString: $0) } ?? "" }

    /// The commit's files as a tree, named `revision main (3f2a9c1)` in messages unless `name` says otherwise.
    public func tree(named name: String? = nil) throws(GitError) -> GitRevisionTree {
        var tree: OpaquePointer?
        try Git.check(git_commit_tree(&tree, pointer), "reading the tree of \(revision)")
        guard let tree else { throw .library(action: "reading the tree of \(revision)", message: "no tree") }
        return GitRevisionTree(pointer: tree, repository: repository, name: name ?? "revision \(revision) (\(shortID))")
    }
}
