import Foundation

/// Renders kustomizations with kustomize itself (`kubectl kustomize` by default), never a
/// reimplementation.
///
/// On the file system the directory is built in place. For a Git revision or the index, the
/// kustomization and everything it references (see `KustomizationClosure`) are copied into
/// a private temporary folder (mode 0700), built there, and the folder is removed before
/// `render` returns, whether the build succeeded or not.
public struct KustomizeRenderer: Sendable {
    public var command: KustomizeCommand
    /// The environment the renderer runs with (`PATH`, `HOME`, proxy settings, ...).
    public var environment: [String: String]
    /// Seconds a build may take before it is stopped.
    public var timeout: TimeInterval
    /// Where private temporary folders are made.
    public var temporaryDirectory: String

    public init(
        command: KustomizeCommand, environment: [String: String], timeout: TimeInterval = 300,
        temporaryDirectory: String = NSTemporaryDirectory()
    ) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
        self.temporaryDirectory = temporaryDirectory
    }

    /// The file names kustomize recognises, in the order it looks for them.
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// The tree path of the kustomization file in `directory`, or nil when it holds none.
    public static func kustomizationFile(in directory: String, of tree: any SourceTree) -> String? {
        for name in kustomizationFileNames {
            let path = TreePath.join(directory == "." ? "" : directory, name)
            if (try? tree.node(at: path)) == .file { return path }
        }
        return nil
    }

    /// Whether `directory` of `tree` is a kustomization (for `-f DIR` auto-detection).
    public static func isKustomization(_ directory: String, in tree: any SourceTree) -> Bool {
        guard (try? tree.node(at: directory)) == .directory else { return false }
        return kustomizationFile(in: directory, of: tree) != nil
    }

    /// Builds the kustomization in `directory` (a path of `tree`). The result is kustomize's
    /// output as one manifest file named `<directory> (kustomize)`: documents carry their
    /// position in that output, since a rendered object has no line of its own.
    public func render(_ directory: String, in tree: any SourceTree) throws(KustomizeError) -> ManifestFile {
        let node: SourceNode
        do {
            node = try tree.node(at: directory)
        } catch {
            throw .source(error)
        }
        switch node {
        case .missing: throw .source(.pathNotFound(path: directory, tree: tree.name))
        case .submodule: throw .source(.submodule(path: directory, tree: tree.name))
        case .file, .directory: break
        }
        guard node == .directory, Self.kustomizationFile(in: directory, of: tree) != nil else {
            throw .notAKustomization(directory: directory, tree: tree.name)
        }
        let text: String
        if let files = tree as? FileSystemTree {
            let absolute = directory.hasPrefix("/") ? directory : (files.root as NSString).appendingPathComponent(directory)
            text = try build(
                absoluteDirectory: absolute, display: directory, treeName: tree.name, loadRestrictionsNone: false,
                materializedRoot: nil)
        } else {
            guard let treePath = TreePath.normalize(directory) else {
                throw .source(.pathNotFound(path: directory, tree: tree.name))
            }
            text = try buildCopy(of: treePath, display: directory, in: tree)
        }
        return ManifestFile(path: Self.displayName(directory), text: text)
    }

    /// Builds the kustomization at `treePath` from a private copy of what it reads, with
    /// `replacing` written over one of the copied files (its kustomization file).
    private func buildCopy(
        of treePath: String, display: String, in tree: any SourceTree, replacing: (path: String, kustomization: JSONObject)? = nil
    ) throws(KustomizeError) -> String {
        let roots: [String]
        do {
            roots = try KustomizationClosure.roots(for: [treePath], in: tree)
        } catch {
            throw .source(error)
        }
        let folder = try MaterializedTree.create(in: temporaryDirectory, purpose: "kustomize")
        defer { folder.remove() }
        try folder.copy(roots, from: tree)
        if let replacing {
            try folder.write(Data(JSONValue.object(replacing.kustomization).jsonText(indent: 2).utf8), at: replacing.path)
        }
        return try build(
            absoluteDirectory: folder.absolute(treePath), display: display, treeName: tree.name,
            loadRestrictionsNone: false, materializedRoot: folder.root)
    }

    /// Builds the kustomization as `render` does, from a private copy whose kustomization asks
    /// kustomize for origin annotations, so that each object can name the file it was written
    /// in (`KustomizeOriginResolver`, relative to the returned tree path). Falls back to
    /// `render` without origins when the directory is not a path of the tree, or when this
    /// kustomize does not know them.
    public func renderNamingOrigins(_ directory: String, in tree: any SourceTree) throws(KustomizeError) -> (ManifestFile, originRoot: String?) {
        guard let treePath = TreePath.normalize(directory), !directory.hasPrefix("/"),
            let file = Self.kustomizationFile(in: treePath, of: tree),
            let text = (try? tree.contents(of: file)).flatMap({ String(data: $0, encoding: .utf8) }),
            case let .object(kustomization)? = (try? YAML.documents(in: text, file: file))?.first(where: { $0.value != .null })?.value,
            let requested = KustomizeOrigin.requesting(in: kustomization)
        else {
            return (try render(directory, in: tree), nil)
        }
        do {
            let output = try buildCopy(of: treePath, display: directory, in: tree, replacing: (file, requested))
            return (ManifestFile(path: Self.displayName(directory), text: output), treePath)
        } catch {
            // The build as the user would run it, so that its own error is the one shown.
            return (try render(directory, in: tree), nil)
        }
    }

    /// How rendered manifests name their origin: `overlays/prod (kustomize)`.
    static func displayName(_ directory: String) -> String {
        "\(directory.isEmpty ? "." : directory) (kustomize)"
    }

    /// Runs the renderer on a directory on disk and returns its standard output.
    ///
    /// `materializedRoot`, when the files are a private copy, is replaced in kustomize's
    /// messages by tree paths so that errors name the repository's files.
    func build(
        absoluteDirectory: String, display: String, treeName: String, loadRestrictionsNone: Bool,
        materializedRoot: String?
    ) throws(KustomizeError) -> String {
        var arguments = command.arguments
        if loadRestrictionsNone { arguments += ["--load-restrictor", "LoadRestrictionsNone"] }
        arguments.append(absoluteDirectory)
        let process = ExternalProcess(
            executable: command.executable, arguments: arguments, environment: environment,
            currentDirectory: materializedRoot, timeout: timeout)
        let output: ExternalProcess.Output
        do {
            output = try process.run()
        } catch {
            throw .launchFailed(command: command.description, reason: error.reason)
        }
        if output.timedOut {
            throw .timedOut(directory: display, tree: treeName, command: command.description, seconds: timeout)
        }
        guard output.succeeded else {
            let message = Self.cleanMessage(output.stderrText, materializedRoot: materializedRoot)
            throw .buildFailed(
                directory: display, tree: treeName, command: command.description, ending: output.ending, message: message)
        }
        guard let text = String(data: output.stdout, encoding: .utf8) else {
            throw .unreadableOutput(directory: display, command: command.description)
        }
        return text
    }

    /// kustomize's message without kubectl's log prefix (`E1124 ... run.go:72] "command failed"
    /// err="..."`), with paths inside a private copy written as tree paths.
    static func cleanMessage(_ stderr: String, materializedRoot: String?) -> String {
        var lines: [String] = []
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: true) {
            lines.append(unwrapKlogLine(String(line)) ?? String(line))
        }
        var message = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if let root = materializedRoot {
            message = message.replacingOccurrences(of: root + "/", with: "")
            message = message.replacingOccurrences(of: root, with: ".")
        }
        return message
    }

    /// The `err="..."` text of a klog error line, unquoted; nil for any other line.
    private static func unwrapKlogLine(_ line: String) -> String? {
        guard let first = line.first, "EWIF".contains(first), line.contains("] "),
            let range = line.range(of: " err=\"")
        else { return nil }
        var body = line[range.upperBound...]
        guard body.hasSuffix("\"") else { return nil }
        body = body.dropLast()
        var result = ""
        var escaped = false
        for character in body {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
