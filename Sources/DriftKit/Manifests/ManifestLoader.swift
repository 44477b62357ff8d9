import Foundation

/// One manifest file's text and the name to report it under.
public struct ManifestFile: Sendable, Equatable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The objects of some manifest files: those to compare, and those that cannot be compared.
public struct ParsedManifests: Sendable {
    public var manifests: [Manifest] = []
    public var skipped: [SkippedObject] = []
    /// What was read as kubectl reads it but deserves a word (keys written twice).
    public var warnings: [YAMLWarning] = []

    public init(manifests: [Manifest] = [], skipped: [SkippedObject] = [], warnings: [YAMLWarning] = []) {
        self.manifests = manifests
        self.skipped = skipped
        self.warnings = warnings
    }
}

/// Turns manifest files into desired objects.
public enum ManifestLoader {
    /// File endings read from directories, as kubectl does.
    public static let manifestExtensions: Set<String> = ["yaml", "yml", "json"]

    /// Parses files into the manifests to compare (see `parse(_:decrypting:)`), leaving out
    /// what cannot be compared and encrypted objects.
    public static func parse(_ files: [ManifestFile]) throws(ManifestError) -> [Manifest] {
        try parse(files, decrypting: nil).manifests
    }

    /// Parses files: documents in order, `List` kinds expanded, empty documents skipped, the
    /// same object twice an error naming both places. Hooks, objects the server names and
    /// SOPS-encrypted objects (unless `sops` decrypts them) are kept apart with the reason.
    /// A key written twice in a mapping keeps its last value with a warning, as kubectl reads
    /// it, unless `duplicateKeys` rejects it (`--strict`).
    public static func parse(
        _ files: [ManifestFile], decrypting sops: SOPSCommand?, duplicateKeys: DuplicateKeyPolicy = .lastWins
    ) throws(ManifestError) -> ParsedManifests {
        var parsed = ParsedManifests()
        for file in files {
            let documents: [YAMLDocument]
            do {
                documents = try YAML.documents(
                    in: file.text, file: file.path, duplicateKeys: duplicateKeys, warnings: &parsed.warnings)
            } catch {
                throw .yaml(error)
            }
            for document in documents where document.value != .null {
                let source = ManifestLocation(file: file.path, line: document.line, documentIndex: document.index)
                try expand(document.value, source: source, sops: sops, into: &parsed)
            }
        }
        try checkUnique(parsed.manifests)
        return parsed
    }

    /// Reads `-f` paths from a source tree: files as they are, directories for their manifest
    /// files (recursively with `recursive`), `-` for the text `standardInput` returns.
    public static func readFiles(
        paths: [String], recursive: Bool, tree: any SourceTree, standardInput: () throws -> String
    ) throws(ManifestError) -> [ManifestFile] {
        var files: [ManifestFile] = []
        for path in paths {
            if path == "-" {
                do {
                    files.append(ManifestFile(path: "<stdin>", text: try standardInput()))
                } catch {
                    throw .unreadable(path: "<stdin>", reason: String(describing: error))
                }
                continue
            }
            do {
                for filePath in try manifestPaths(under: path, recursive: recursive, tree: tree) {
                    files.append(ManifestFile(path: filePath, text: try text(of: filePath, in: tree)))
                }
            } catch {
                throw .source(error)
            }
        }
        return files
    }

    private static func expand(
        _ value: JSONValue, source: ManifestLocation, sops: SOPSCommand?, into parsed: inout ParsedManifests
    ) throws(ManifestError) {
        var value = value
        // Encryption first: sops may have encrypted the very fields the other tests read.
        if SkipReason.isEncrypted(value) {
            guard let sops else {
                parsed.skipped.append(SkippedObject(object: value, source: source, reason: .encrypted))
                return
            }
            value = try sops.decrypt(value, source: source)
        }
        if let kind = value["kind"]?.stringValue, kind == "List" || kind.hasSuffix("List"),
            let items = value["items"]?.arrayValue
        {
            for item in items { try expand(item, source: source, sops: sops, into: &parsed) }
            return
        }
        if case .object = value, let reason = SkipReason.of(value) {
            parsed.skipped.append(SkippedObject(object: value, source: source, reason: reason))
            return
        }
        parsed.manifests.append(try Manifest(object: value, source: source))
    }

    private static func checkUnique(_ manifests: [Manifest]) throws(ManifestError) {
        var seen: [ObjectIdentity: ManifestLocation] = [:]
        for manifest in manifests {
            if let first = seen[manifest.identity] {
                throw .duplicate(manifest.identity, first: first, second: manifest.source)
            }
            seen[manifest.identity] = manifest.source
        }
    }

    private static func manifestPaths(
        under path: String, recursive: Bool, tree: any SourceTree
    ) throws(SourceError) -> [String] {
        switch try tree.node(at: path) {
        case .missing: throw .pathNotFound(path: path, tree: tree.name)
        case .submodule: throw .submodule(path: path, tree: tree.name)
        case .file: return [path]
        case .directory: break
        }
        var paths: [String] = []
        for entry in try tree.entries(of: path) where !entry.hasPrefix(".") {
            let child = TreePath.join(path, entry)
            switch try tree.node(at: child) {
            case .directory where recursive: paths += try manifestPaths(under: child, recursive: true, tree: tree)
            case .file where manifestExtensions.contains((entry as NSString).pathExtension.lowercased()):
                paths.append(child)
            case .submodule where recursive: throw .submodule(path: child, tree: tree.name)
            default: continue
            }
        }
        return paths
    }

    private static func text(of path: String, in tree: any SourceTree) throws(SourceError) -> String {
        guard let text = String(data: try tree.contents(of: path), encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }
}
