import Foundation

/// A source tree without what a `SourceIgnore` leaves out: the files a Flux source artifact
/// holds.
///
/// source-controller archives every file that is not ignored, whatever its directories, so
/// a left-out directory is still there when a pattern includes something below it again.
struct IgnoringTree: SourceTree {
    let base: any SourceTree
    let ignore: SourceIgnore
    /// Whether a left-out directory keeps some file, by path; filled as directories are asked about.
    private let keptBelow = Memo()

    private final class Memo {
        var directories: [String: Bool] = [:]
    }

    init(_ base: any SourceTree, ignoring ignore: SourceIgnore) {
        self.base = base
        self.ignore = ignore
    }

    var name: String { base.name }

    func node(at path: String) throws(SourceError) -> SourceNode {
        let node = try base.node(at: path)
        guard let relative = TreePath.normalize(path), !relative.isEmpty else { return node }
        switch node {
        case .missing: return .missing
        case .file, .submodule: return ignore.isIgnored(relative, isDirectory: node == .submodule) ? .missing : node
        case .directory:
            guard ignore.isIgnored(relative, isDirectory: true) else { return .directory }
            return try keepsFiles(relative) ? .directory : .missing
        }
    }

    /// Whether a left-out directory still holds a file that is not left out.
    private func keepsFiles(_ directory: String) throws(SourceError) -> Bool {
        // Nothing below .git is ever wanted back; walking it would read every Git object's file.
        guard ignore.includesAgain, !directory.split(separator: "/").contains(".git") else { return false }
        if let known = keptBelow.directories[directory] { return known }
        var kept = false
        for entry in try base.entries(of: directory) {
            kept = try node(at: TreePath.join(directory, entry)) != .missing
            if kept { break }
        }
        keptBelow.directories[directory] = kept
        return kept
    }

    func entries(of directory: String) throws(SourceError) -> [String] {
        var kept: [String] = []
        for entry in try base.entries(of: directory) {
            if try node(at: TreePath.join(directory, entry)) != .missing { kept.append(entry) }
        }
        return kept
    }

    func contents(of file: String) throws(SourceError) -> Data {
        guard try node(at: file) != .missing else { throw .pathNotFound(path: file, tree: name) }
        return try base.contents(of: file)
    }
}
