import Foundation

/// Everything Git says the cluster should hold, ready to compare.
public struct DesiredState {
    public var manifests: [Manifest]
    /// Objects Git has that cannot be compared (hooks, objects the server names, encrypted
    /// ones), with why: reported and rendered, never applied, watched or pruned.
    public var skipped: [SkippedObject] = []
    /// Objects only checked for existence (Flux `ssa: IfNotPresent`).
    public var existenceOnly: Set<ObjectIdentity>
    /// Flux Kustomizations, when the desired state came from them.
    public var fluxUnits: [FluxUnit]
    /// Every object, compared or skipped: each file's in document order, the files in the
    /// order they were read (one that holds only skipped objects after the others).
    public var renderedObjects: [JSONValue] {
        let all = manifests.map { ($0.source, $0.object) } + skipped.map { ($0.source, $0.object) }
        var rank: [String: Int] = [:]
        for (source, _) in all where rank[source.file] == nil { rank[source.file] = rank.count }
        // The offset keeps a List's items, which share their document's location, in order.
        return all.enumerated().sorted { first, second in
            let (a, b) = (first.element.0, second.element.0)
            return (rank[a.file] ?? 0, a.documentIndex, first.offset) < (rank[b.file] ?? 0, b.documentIndex, second.offset)
        }.map(\.element.1)
    }
    /// What the Flux Kustomizations hold and were not rendered, with why.
    public var notRendered: [FluxNotRendered] { fluxUnits.flatMap(\.notRendered) }
    /// The same, as a report's `notChecked[]` entries.
    public var notChecked: [NotChecked] { notRendered.map(\.notChecked) }
    /// The repository config in force, if any.
    public var config: DriftConfig?
    /// Things a person should know that did not stop the run (skipped files).
    public var warnings: [String]
    /// Which repository the desired state comes from, to tell apart the ApplySets of different
    /// repositories: its first remote URL, normalised so that clones over SSH and HTTPS agree;
    /// nil for a repository without remotes (whose folder is no identity another clone shares)
    /// and outside a repository.
    public var repository: String?
}

/// Where a run reads the desired state from, as the command line and drift.yaml say.
public struct DesiredStateRequest {
    public var source: SourceSelection
    /// `--config FILE`; nil reads `drift.yaml` at the root of the tree being read.
    public var configFile: String?
    /// The config itself, read already: both commits of a change are read as the newer one's
    /// drift.yaml says (the older may have none); nil reads it as `configFile` says.
    public var config: DriftConfig?
    public var currentDirectory: String
    public var environment: [String: String]
    public var standardInput: () throws -> String
    /// Reads the ConfigMaps and Secrets Flux's `postBuild.substituteFrom` and HelmReleases'
    /// `valuesFrom` name, usually from the cluster; nil leaves them unread and says so.
    public var substituteFrom: (@Sendable (FluxSubstituteReference) -> [String: String]?)?
    /// Renderers (helm) at once; nil for drift.yaml's `concurrency`, else the default.
    public var concurrency: Int?
    /// The cluster's version and APIs for charts' `.Capabilities`, usually read from the
    /// cluster; nil renders charts for helm's built-in defaults.
    public var helmCapabilities: (@Sendable () -> HelmCapabilities?)?
    /// Whether SOPS-encrypted objects are decrypted where drift.yaml's `decryption`,
    /// `--sops-cmd` or a Flux Kustomization's `spec.decryption` asks for it; false keeps
    /// them encrypted and skipped (`render` prints what it reads, never decrypted secrets).
    public var decrypts = true

    public init(
        source: SourceSelection, configFile: String?, currentDirectory: String, environment: [String: String],
        standardInput: @escaping () throws -> String
    ) {
        self.source = source
        self.configFile = configFile
        self.currentDirectory = currentDirectory
        self.environment = environment
        self.standardInput = standardInput
    }

    /// Reads the config, the manifest files (rendering kustomizations and Flux Kustomizations)
    /// and parses them.
    public func load() throws -> DesiredState {
        let (tree, paths, repository) = try openTree()
        var state = try load(tree: tree, paths: paths, repository: repository)
        state.repository = repository?.remoteIdentity
        return state
    }

    private func load(tree: any SourceTree, paths: [String], repository: GitRepository?) throws -> DesiredState {
        let root = repositoryRoot(tree: tree, repository: repository)
        let config = try self.config ?? readConfig(rootTree: root)
        var warnings: [String] = []

        if source.flux || config?.flux != nil {
            return try loadFlux(rootTree: root, repository: repository, config: config, paths: paths)
        }
        var wanted = paths.map { (path: $0, recursive: source.recursive) }
        if wanted.isEmpty, source.kustomizations.isEmpty, let config, !config.paths.isEmpty {
            // drift.yaml paths are relative to the repository root.
            wanted = config.paths.map { (path: $0.path, recursive: $0.recursive) }
            return try loadFiles(wanted, tree: root, config: config, rootRelative: { $0 }, warnings: &warnings)
        }
        guard !wanted.isEmpty || !source.kustomizations.isEmpty else {
            throw UsageError("no manifests to compare: give them with -f FILE|DIR|- or -k DIR, or list paths in drift.yaml")
        }
        return try loadFiles(wanted, tree: tree, config: config, rootRelative: { path in
            guard tree is FileSystemTree else { return path }
            let absolute = path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
            return repository?.relativePath(of: absolute) ?? path
        }, warnings: &warnings)
    }

    private func openTree() throws -> (any SourceTree, [String], GitRepository?) {
        let (tree, paths) = try source.revision.open(
            paths: source.filenames, currentDirectory: currentDirectory, environment: environment)
        if let git = tree as? GitObjectTree { return (tree, paths, git.repository) }
        // The working tree: the repository around it, when there is one, holds drift.yaml.
        return (tree, paths, try? GitRepository.discover(from: currentDirectory, environment: environment))
    }

    /// The tree rooted at the repository root: Flux paths and drift.yaml paths are relative to it.
    private func repositoryRoot(tree: any SourceTree, repository: GitRepository?) -> any SourceTree {
        guard tree is FileSystemTree else { return tree }
        guard let root = repository?.workingDirectory else { return tree }
        return FileSystemTree(root: root, name: root)
    }

    private func readConfig(rootTree: any SourceTree) throws -> DriftConfig? {
        if let configFile {
            guard let data = FileManager.default.contents(atPath: configFile), let text = String(data: data, encoding: .utf8) else {
                throw SourceError.unreadable(path: configFile, reason: "no such readable UTF-8 file")
            }
            return try DriftConfig.parse(text, file: configFile)
        }
        return try DriftConfig.read(atRootOf: rootTree)
    }

    /// - Parameter rootRelative: a file's path relative to the repository root, for exclude globs.
    private func loadFiles(
        _ wanted: [(path: String, recursive: Bool)], tree: any SourceTree, config: DriftConfig?,
        rootRelative: (String) -> String, warnings: inout [String]
    ) throws -> DesiredState {
        var files: [ManifestFile] = []
        var renderer: KustomizeRenderer?
        func kustomize() throws -> KustomizeRenderer {
            if let renderer { return renderer }
            let made = KustomizeRenderer(
                command: try KustomizeCommand.resolve(
                    override: source.kustomizeCommand, environment: environment, currentDirectory: currentDirectory),
                environment: environment)
            renderer = made
            return made
        }
        let autoKustomize = config?.kustomize ?? true
        let asked = source.sopsCommand != nil || config?.decryption == .sops
        // Rendered files, with where their objects' origin paths are relative to.
        var origins: [(file: String, resolver: KustomizeOriginResolver)] = []
        func render(_ directory: String) throws {
            // An encrypted object's MAC covers its metadata: no origin annotation when decrypting.
            guard !asked else { return files.append(try kustomize().render(directory, in: tree)) }
            let (file, root) = try kustomize().renderNamingOrigins(directory, in: tree)
            files.append(file)
            if let root { origins.append((file.path, KustomizeOriginResolver(tree: tree, root: root))) }
        }
        for directory in source.kustomizations {
            try render(directory)
        }
        for (path, recursive) in wanted {
            if path != "-", autoKustomize, KustomizeRenderer.kustomizationFile(in: path, of: tree) != nil {
                try render(path)
                continue
            }
            let read = try ManifestLoader.readFiles(
                paths: [path], recursive: recursive, tree: tree, standardInput: standardInput)
            files += read.filter { config?.isExcluded(rootRelative($0.path)) != true }
        }
        var parsed = try ManifestLoader.parse(
            files, decrypting: asked ? try sopsCommand(required: true) : nil, duplicateKeys: source.duplicateKeys)
        for (file, resolver) in origins { resolver.resolve(&parsed, file: file) }
        return DesiredState(
            manifests: parsed.manifests, skipped: parsed.skipped, existenceOnly: [], fluxUnits: [], config: config,
            warnings: warnings + parsed.warnings.map(\.description))
    }

    private static func absolute(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The sops program (`--sops-cmd`, else `sops` on PATH); nil when not decrypting, or
    /// when there is none and decryption was not asked for (`required`, `--sops-cmd`).
    private func sopsCommand(required: Bool) throws(ManifestError) -> SOPSCommand? {
        guard decrypts else { return nil }
        let found = SOPSCommand.find(override: source.sopsCommand, environment: environment, currentDirectory: currentDirectory)
        if found == nil, required || source.sopsCommand != nil {
            throw .sopsNotFound(command: source.sopsCommand ?? SOPSCommand.programName)
        }
        return found
    }

    private func loadFlux(
        rootTree: any SourceTree, repository: GitRepository?, config: DriftConfig?, paths: [String]
    ) throws -> DesiredState {
        let kustomize = KustomizeRenderer(
            command: try KustomizeCommand.resolve(
                override: source.kustomizeCommand, environment: environment, currentDirectory: currentDirectory),
            environment: environment)
        var options = FluxOptions()
        options.repositoryURLs = repository?.remoteURLs() ?? []
        options.helm = try HelmCommand.resolve(
            override: source.helmCommand, environment: environment, currentDirectory: currentDirectory)
        // drift.yaml's chart folders are the repository's; --chart-dir's are the command line's.
        let repositoryFolder = repository?.workingDirectory ?? currentDirectory
        let folders = (config?.helmCharts ?? []).map { Self.absolute($0, in: repositoryFolder) }
            + source.chartFolders.map { Self.absolute($0, in: currentDirectory) }
        options.charts = HelmChartStore.standard(folders: folders, environment: environment)
        options.sourceClones = (config?.sources ?? []).map { mapping in
            FluxSourceClone(
                name: mapping.name, namespace: mapping.namespace, path: Self.absolute(mapping.path, in: repositoryFolder),
                ref: mapping.ref, written: mapping.path)
        }
        options.environment = environment
        options.helmCapabilities = helmCapabilities.map(HelmCapabilities.once)
        options.concurrency = concurrency ?? config?.concurrency ?? DriftOptions.defaultConcurrency
        // Each Kustomization's spec.decryption says whether its objects are decrypted.
        options.sops = try sopsCommand(required: false)
        options.substituteFrom = substituteFrom
        options.duplicateKeys = source.duplicateKeys
        let folder = paths.first ?? config?.flux?.path ?? ""
        let result = try FluxRenderer(tree: rootTree, kustomize: kustomize, options: options).render(scanning: folder)
        let units = result.units.filter { unit in
            guard let selection = config?.flux, !selection.kustomizations.isEmpty else { return true }
            return selection.includes(name: unit.name, namespace: unit.namespace)
        }
        return DesiredState(
            manifests: units.flatMap(\.manifests), skipped: units.flatMap(\.skipped),
            existenceOnly: units.reduce(into: Set()) { $0.formUnion($1.existenceOnly) },
            fluxUnits: units, config: config,
            warnings: result.skippedFiles.map(\.description) + units.flatMap(\.warnings).map(\.description))
    }
}
