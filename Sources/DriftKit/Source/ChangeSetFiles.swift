import Foundation

/// The manifest files of one revision that a change set parses, each once.
struct ChangeSetFiles {
    let tree: GitRevisionTree
    let recursive: Bool
    private(set) var files: [ManifestFile] = []
    private var names: Set<String> = []

    init(tree: GitRevisionTree, recursive: Bool) {
        self.tree = tree
        self.recursive = recursive
    }

    /// Adds the changed entry at `path` under every selection that reads it.
    mutating func add(path: String, entry: GitEntry, selections: [ChangeSetSelection]) throws(ChangeSetError) {
        for selection in selections {
            let match: ChangeSetSelection.Match?
            do {
                match = try selection.match(path: path, kind: entry.kind, treeName: tree.name)
            } catch {
                throw .source(error)
            }
            let tree = self.tree
            switch match {
            case nil: continue
            case let .file(name)?:
                try append(name: name, data: { () throws(SourceError) in try tree.contents(of: entry, at: path) })
            case let .link(name)?:
                // Read what the link leads to, as readFiles reads a linked file or (with -R) folder.
                let node: SourceNode
                do {
                    node = try tree.node(at: path)
                } catch {
                    throw .source(error)
                }
                let pathExtension = (name as NSString).pathExtension.lowercased()
                if node == .file, ManifestLoader.manifestExtensions.contains(pathExtension) {
                    try append(name: name, data: { () throws(SourceError) in try tree.contents(of: path) })
                } else if node == .directory, recursive {
                    try addAll(under: name)
                }
            }
        }
    }

    /// Adds every manifest file `readFiles` reads for `path`; nothing when it is missing here.
    mutating func addAll(under path: String) throws(ChangeSetError) {
        do {
            guard try tree.node(at: path) != .missing else { return }
        } catch {
            throw .source(error)
        }
        let read: [ManifestFile]
        do {
            read = try ManifestLoader.readFiles(paths: [path], recursive: recursive, tree: tree, standardInput: { "" })
        } catch {
            throw .manifest(revision: tree.name, error)
        }
        for file in read where names.insert(file.path).inserted { files.append(file) }
    }

    private mutating func append(name: String, data: () throws(SourceError) -> Data) throws(ChangeSetError) {
        guard names.insert(name).inserted else { return }
        let bytes: Data
        do {
            bytes = try data()
        } catch {
            throw .manifest(revision: tree.name, .source(error))
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw .manifest(revision: tree.name, .unreadable(path: name, reason: "not UTF-8 text"))
        }
        files.append(ManifestFile(path: name, text: text))
    }

    /// The objects of the files, checked as `ManifestLoader.parse` checks them.
    func manifests(duplicateKeys: DuplicateKeyPolicy) throws(ChangeSetError) -> ParsedManifests {
        do {
            return try ManifestLoader.parse(files, decrypting: nil, duplicateKeys: duplicateKeys)
        } catch {
            throw .manifest(revision: tree.name, error)
        }
    }
}
