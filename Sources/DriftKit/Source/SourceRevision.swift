import Foundation

/// Which state of the files to read: the working tree, the index, or a commit.
public enum SourceRevision: Equatable, Sendable {
    /// Files on disk, uncommitted edits included; paths as given, relative to the current folder.
    case workingTree
    /// Staged files (`--staged`); paths relative to the repository root.
    case index
    /// A revision (`--ref`): a branch, tag, commit id or expression such as `HEAD~2`;
    /// paths relative to the repository root.
    case commit(String)

    /// The tree to read and the `-f` paths as that tree names them.
    public func open(
        paths: [String], currentDirectory: String, environment: [String: String]
    ) throws(SourceError) -> (tree: any SourceTree, paths: [String]) {
        if self == .workingTree {
            return (FileSystemTree(root: currentDirectory, name: currentDirectory), paths)
        }
        let repository: GitRepository
        do {
            repository = try GitRepository.discover(from: currentDirectory, environment: environment)
        } catch {
            throw .git(error)
        }
        let treePaths = try repository.rootRelativePaths(paths, currentDirectory: currentDirectory)
        do throws(GitError) {
            switch self {
            case .index:
                if repository.isBare { throw GitError.bareRepository(path: repository.gitDirectory) }
                return (try repository.index(), treePaths)
            case let .commit(revision):
                return (try repository.commit(revision).tree(), treePaths)
            case .workingTree:
                preconditionFailure("handled above")
            }
        } catch {
            throw .git(error)
        }
    }
}

extension GitRepository {
    /// `-f` paths as the repository's trees name them, relative to its root. A relative path
    /// is from `currentDirectory`, as git's pathspecs are (`git diff main -- .`), so `-f .` in
    /// `apps/` means `apps` at a revision as in the working tree; an absolute one must be
    /// inside the working tree. A bare repository has no current place in it: its paths are
    /// from the root as given.
    public func rootRelativePaths(_ paths: [String], currentDirectory: String) throws(SourceError) -> [String] {
        try paths.map { (path: String) throws(SourceError) -> String in
            guard path != "-", workingDirectory != nil || path.hasPrefix("/") else { return path }
            let absolute = path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
            guard let relative = relativePath(of: absolute) else {
                throw .pathNotFound(path: path, tree: "the repository at \(workingDirectory ?? gitDirectory)")
            }
            return relative.isEmpty ? "." : relative
        }
    }
}
