import Foundation

/// Files gathered from other trees under new paths, as an ArtifactGenerator's copy rules put
/// them into an ExternalArtifact. A file's contents are read from its tree when asked for.
struct ComposedTree: SourceTree {
    let name: String
    private var files: [String: Origin] = [:]
    /// Every directory, the root (`""`) included, with the names of its entries.
    private var directories: [String: Set<String>] = ["": []]

    /// Where a file of the composed tree comes from.
    struct Origin {
        let tree: any SourceTree
        let path: String
    }

    /// Why a path cannot be added: something of the other type is in the way.
    struct Conflict: Error, CustomStringConvertible {
        let description: String
    }

    init(name: String) {
        self.name = name
    }

    /// Adds a directory and its parents; a file already at `path` stays (as `mkdir -p` leaves it).
    mutating func addDirectory(_ path: String) throws(Conflict) {
        guard files[path] == nil else { return }
        try addParents(of: path)
        if directories[path] == nil { directories[path] = [] }
    }

    /// Adds a file, replacing one at the same path.
    mutating func addFile(_ path: String, from origin: Origin) throws(Conflict) {
        guard directories[path] == nil else { throw Conflict(description: "\(path) is a directory in the artifact") }
        try addParents(of: path)
        files[path] = origin
    }

    /// Makes each directory above `path` hold its next name, the last being `path`'s own.
    private mutating func addParents(of path: String) throws(Conflict) {
        var parent = ""
        for name in path.split(separator: "/") {
            guard files[parent] == nil else { throw Conflict(description: "\(parent) is a file in the artifact") }
            directories[parent, default: []].insert(String(name))
            parent = TreePath.join(parent, name)
        }
    }

    func isDirectory(_ path: String) -> Bool { directories[path] != nil }

    func node(at path: String) throws(SourceError) -> SourceNode {
        guard let path = TreePath.normalize(path) else { return .missing }
        if files[path] != nil { return .file }
        return directories[path] != nil ? .directory : .missing
    }

    func entries(of directory: String) throws(SourceError) -> [String] {
        guard let path = TreePath.normalize(directory), let names = directories[path] else {
            throw .pathNotFound(path: directory, tree: name)
        }
        return names.sorted()
    }

    func contents(of file: String) throws(SourceError) -> Data {
        guard let path = TreePath.normalize(file), let origin = files[path] else { throw .pathNotFound(path: file, tree: name) }
        return try origin.tree.contents(of: origin.path)
    }
}
