import Foundation

/// The Flux view of a repository: what each Flux `Kustomization` would apply.
///
/// 1. The folder is scanned, as checked out, for Kustomization (source, ArtifactGenerator)
///    objects in its manifest files; files that mention Flux but do not parse are reported,
///    not fatal.
/// 2. Each Kustomization whose source is this repository is built like kustomize-controller
///    builds it, from the files its source's artifact holds (`FluxArtifacts`: `.sourceignore`
///    rules applied, or an ArtifactGenerator's ExternalArtifact composed):
///    `spec.path` and everything it references are copied to a private folder, a
///    kustomization.yaml is generated if there is none, the Kustomization's settings are
///    written into it (`FluxOverlay`), kustomize builds it without load restrictions, then
///    `postBuild.substitute` runs on each object (`FluxSubstitution`), and owner labels and
///    `commonMetadata` are set as at apply time.
/// 3. Kustomizations met in rendered output (a parent applying its children) replace their
///    file's definition when the rendering changed them (substituted variables, patches),
///    and are rendered again; new ones become units. This repeats until nothing changes.
/// 4. Per-object annotations decide what counts: `ssa: Ignore` and `reconcile: disabled`
///    exclude an object, `ssa: IfNotPresent` checks only that it exists.
public struct FluxRenderer {
    public var tree: any SourceTree
    public var kustomize: KustomizeRenderer
    public var options: FluxOptions

    public init(tree: any SourceTree, kustomize: KustomizeRenderer, options: FluxOptions = FluxOptions()) {
        self.tree = tree
        self.kustomize = kustomize
        self.options = options
    }

    static let annotationGroup = FluxKustomization.group
    /// Renderings of parents and children settle in a few rounds; more means a cycle.
    static let maximumRounds = 8

    /// Scans `folder` (a tree path, `""` for the root) and renders every Kustomization found.
    /// Paths in Kustomizations are relative to the tree's root, as Flux takes them relative
    /// to the repository's.
    public func render(scanning folder: String = "") throws(FluxError) -> FluxResult {
        let scan = try scanFolder(folder)
        guard !scan.kustomizations.isEmpty else { throw .noKustomizations(folder: folder, tree: tree.name) }
        var sources = FluxSources(options: options)
        for source in scan.sources { sources.record(source, defaultNamespace: options.defaultNamespace) }
        for generator in scan.artifactGenerators { sources.record(generator) }
        let artifacts = FluxArtifacts(repository: tree, clones: options.sourceClones, environment: options.environment)

        var definitions: [String: FluxKustomization] = [:]
        var order: [String] = []
        for kustomization in scan.kustomizations {
            if let first = definitions[kustomization.key] {
                throw .duplicateKustomization(name: kustomization.key, first: first.source, second: kustomization.source)
            }
            definitions[kustomization.key] = kustomization
            order.append(kustomization.key)
        }

        let writtenInFiles = Set(order)
        var results: [String: Result<Rendering, FluxError>] = [:]
        var pending = order
        var round = 0
        while !pending.isEmpty, round < Self.maximumRounds {
            round += 1
            for key in pending {
                guard let definition = definitions[key] else { continue }
                do {
                    results[key] = .success(try renderUnit(definition, sources: sources, artifacts: artifacts))
                } catch {
                    results[key] = .failure(error)
                }
            }
            var next: [String] = []
            var newSources = false
            for key in order {
                guard case let .success(rendering)? = results[key] else { continue }
                for source in rendering.sources where sources.record(source, defaultNamespace: options.defaultNamespace) {
                    newSources = true
                }
                for generator in rendering.artifactGenerators where sources.record(generator) { newSources = true }
                for child in rendering.kustomizations where child.key != key {
                    if let existing = definitions[child.key] {
                        guard existing.spec != child.spec else { continue }
                        var updated = child
                        // A file's definition stays the place to point at in messages.
                        if writtenInFiles.contains(child.key) { updated.source = existing.source }
                        definitions[child.key] = updated
                    } else {
                        definitions[child.key] = child
                        order.append(child.key)
                    }
                    next.append(child.key)
                }
            }
            if newSources {
                for key in order {
                    if case let .success(rendering)? = results[key], rendering.waitingForSource { next.append(key) }
                }
            }
            var seen = Set<String>()
            pending = next.filter { seen.insert($0).inserted }
        }

        var units: [FluxUnit] = []
        for key in order {
            switch results[key] {
            case let .success(rendering)?: units.append(rendering.unit)
            case let .failure(error)?: throw error
            case nil: continue
            }
        }
        try FluxDependencyGraph(units: units, defaultNamespace: options.defaultNamespace).check()
        return FluxResult(units: units, skippedFiles: scan.skipped)
    }

    // MARK: - Scanning

    private struct Scan {
        var kustomizations: [FluxKustomization] = []
        /// Source objects (GitRepository, HelmRepository, OCIRepository, Bucket).
        var sources: [Manifest] = []
        var artifactGenerators: [FluxArtifactGenerator] = []
        var skipped: [FluxSkippedFile] = []
    }

    private func scanFolder(_ folder: String) throws(FluxError) -> Scan {
        var scan = Scan()
        let start = folder == "." ? "" : folder
        do {
            switch try tree.node(at: start) {
            case .missing: throw FluxError.source(.pathNotFound(path: folder, tree: tree.name))
            case .submodule: throw FluxError.source(.submodule(path: folder, tree: tree.name))
            case .file: try scanFile(start, into: &scan)
            case .directory: try scanDirectory(start, depth: 0, into: &scan)
            }
        } catch let error as FluxError {
            throw error
        } catch let error as SourceError {
            throw .source(error)
        } catch {
            throw .source(.unreadable(path: folder, reason: String(describing: error)))
        }
        return scan
    }

    private func scanDirectory(_ directory: String, depth: Int, into scan: inout Scan) throws {
        guard depth < 64 else { throw SourceError.unreadable(path: directory, reason: "directories nest too deep") }
        let entries = try tree.entries(of: directory)
        // A Helm chart's templates are not manifests.
        if depth > 0, entries.contains("Chart.yaml") { return }
        for entry in entries where !entry.hasPrefix(".") {
            let path = TreePath.join(directory, entry)
            switch try tree.node(at: path) {
            case .directory: try scanDirectory(path, depth: depth + 1, into: &scan)
            case .file where ManifestLoader.manifestExtensions.contains((entry as NSString).pathExtension.lowercased()):
                try scanFile(path, into: &scan)
            default: continue
            }
        }
    }

    private func scanFile(_ path: String, into scan: inout Scan) throws {
        let data = try tree.contents(of: path)
        guard let text = String(data: data, encoding: .utf8) else { return }
        // Most manifests are not Flux objects: look before parsing.
        guard text.contains("toolkit.fluxcd.io") || text.contains(FluxArtifactGenerator.group) else { return }
        let documents: [YAMLDocument]
        do {
            documents = try YAML.documents(in: text, file: path)
        } catch {
            scan.skipped.append(FluxSkippedFile(path: path, reason: error.description))
            return
        }
        for document in documents where document.value != .null {
            let source = ManifestLocation(file: path, line: document.line, documentIndex: document.index)
            for object in Self.expandLists(document.value) {
                if FluxKustomization.isKustomization(object) {
                    scan.kustomizations.append(try fluxKustomization(object, source: source))
                } else if FluxSources.isSource(object), let manifest = try? Manifest(object: object, source: source) {
                    scan.sources.append(manifest)
                } else if FluxArtifactGenerator.isArtifactGenerator(object) {
                    scan.artifactGenerators.append(try artifactGenerator(object, source: source))
                }
            }
        }
    }

    private static func expandLists(_ value: JSONValue) -> [JSONValue] {
        if let kind = value["kind"]?.stringValue, kind.hasSuffix("List"), let items = value["items"]?.arrayValue {
            return items.flatMap(expandLists)
        }
        return [value]
    }

    private func fluxKustomization(_ object: JSONValue, source: ManifestLocation) throws(FluxError) -> FluxKustomization {
        let manifest: Manifest
        do {
            manifest = try Manifest(object: object, source: source)
        } catch {
            let name = object[["metadata", "name"]]?.stringValue ?? "(unnamed)"
            throw .invalidKustomization(name: name, source: source, reason: error.description)
        }
        return try FluxKustomization(manifest: manifest, defaultNamespace: options.defaultNamespace)
    }

    private func artifactGenerator(_ object: JSONValue, source: ManifestLocation) throws(FluxError) -> FluxArtifactGenerator {
        let manifest: Manifest
        do {
            manifest = try Manifest(object: object, source: source)
        } catch {
            let name = object[["metadata", "name"]]?.stringValue ?? "(unnamed)"
            throw .artifactGenerator(name: name, source: source, reason: error.description)
        }
        return try FluxArtifactGenerator(manifest: manifest, defaultNamespace: options.defaultNamespace)
    }

    // MARK: - Rendering one Kustomization

    private struct Rendering {
        var unit: FluxUnit
        /// Flux Kustomizations among the unit's objects (children it applies).
        var kustomizations: [FluxKustomization] = []
        /// Source objects among the unit's objects.
        var sources: [Manifest] = []
        var artifactGenerators: [FluxArtifactGenerator] = []
        /// Not rendered because its source is unknown; a newly seen source or ArtifactGenerator
        /// may change that.
        var waitingForSource = false
    }

    private func renderUnit(
        _ flux: FluxKustomization, sources: FluxSources, artifacts: FluxArtifacts
    ) throws(FluxError) -> Rendering {
        // Paths are relative to the source's artifact, which may not be this repository's layout.
        let tree: any SourceTree
        let sourceName: String?
        switch try artifacts.files(of: flux.sourceRef, sources: sources) {
        case let .tree(files, from): (tree, sourceName) = (files, from)
        case let .notRead(why):
            let unit = FluxUnit(
                kustomization: flux, notRendered: [FluxNotRendered(FluxReference(kind: "Kustomization", name: flux.name, namespace: flux.namespace), why: why)],
                isRendered: false)
            return Rendering(unit: unit, waitingForSource: true)
        }
        guard let path = TreePath.normalize(flux.path) else {
            throw .invalidKustomization(name: flux.key, source: flux.source, reason: "spec.path \(flux.path) climbs above the repository root")
        }
        let node: SourceNode
        do {
            node = try tree.node(at: path)
        } catch {
            throw .source(error)
        }
        switch node {
        case .missing: throw .missingPath(kustomization: flux.key, source: flux.source, path: flux.path, tree: tree.name)
        case .file: throw .pathNotDirectory(kustomization: flux.key, source: flux.source, path: flux.path, tree: tree.name)
        case .submodule: throw .source(.submodule(path: flux.path, tree: tree.name))
        case .directory: break
        }
        let display = "\(path.isEmpty ? "." : path) (Flux Kustomization \(flux.key))"

        let componentExists = { (component: String) -> Bool in
            guard let componentPath = TreePath.normalize(TreePath.join(path, component)) else { return false }
            return (try? tree.node(at: componentPath)) == .directory
        }
        let componentPaths = flux.components.compactMap { TreePath.normalize(TreePath.join(path, $0)) }
            .filter { (try? tree.node(at: $0)) == .directory }

        // The kustomization kustomize-controller builds: the file at the path, or a generated one.
        var kustomization: JSONObject
        let kustomizationPath: String
        let generated: Bool
        do {
            if let file = KustomizeRenderer.kustomizationFile(in: path, of: tree) {
                kustomizationPath = file
                generated = false
                guard let text = String(data: try tree.contents(of: file), encoding: .utf8) else {
                    throw FluxError.overlay(kustomization: flux.key, file: file, reason: "not UTF-8 text")
                }
                let documents: [YAMLDocument]
                do {
                    documents = try YAML.documents(in: text, file: file)
                } catch {
                    throw FluxError.overlay(kustomization: flux.key, file: file, reason: error.description)
                }
                guard let first = documents.first(where: { $0.value != .null })?.value.objectValue else {
                    throw FluxError.overlay(kustomization: flux.key, file: file, reason: "it is not a kustomization object")
                }
                kustomization = first
            } else {
                kustomizationPath = TreePath.join(path, "kustomization.yaml")
                generated = true
                let resources = try FluxOverlay.generatedResources(in: path, tree: tree)
                if resources.isEmpty && componentPaths.isEmpty {
                    // Nothing to build: Flux applies nothing for an empty folder.
                    return Rendering(unit: FluxUnit(kustomization: flux))
                }
                kustomization = JSONObject([
                    ("apiVersion", "kustomize.config.k8s.io/v1beta1"), ("kind", "Kustomization"),
                    ("resources", .array(resources.map { .string($0) })),
                ])
            }
        } catch let error as FluxError {
            throw error
        } catch let error as SourceError {
            throw .source(error)
        } catch {
            throw .source(.unreadable(path: path, reason: String(describing: error)))
        }

        let roots: [String]
        do {
            roots = try KustomizationClosure.roots(for: [path] + componentPaths, in: tree)
        } catch {
            throw .source(error)
        }
        let output: String
        var origins: KustomizeOriginResolver?
        do {
            let folder = try MaterializedTree.create(in: kustomize.temporaryDirectory, purpose: "flux")
            defer { folder.remove() }
            try folder.copy(roots, from: tree)
            let edited = FluxOverlay.apply(flux, to: kustomization, componentExists: componentExists)
            func build(_ written: JSONObject?) throws(KustomizeError) -> String {
                if let written { try folder.write(Data(JSONValue.object(written).jsonText(indent: 2).utf8), at: kustomizationPath) }
                return try kustomize.build(
                    absoluteDirectory: folder.absolute(path), display: display, treeName: tree.name, loadRestrictionsNone: true,
                    materializedRoot: folder.root)
            }
            // Origin annotations name the file each object comes from. Not for encrypted objects,
            // whose MAC covers their metadata; a kustomize too old to know them builds without.
            let withOrigins = flux.decryptionProvider == nil ? KustomizeOrigin.requesting(in: edited ?? kustomization) : nil
            if let withOrigins, let built = try? build(withOrigins) {
                output = built
                origins = KustomizeOriginResolver(tree: tree, root: path)
            } else {
                output = try build(edited ?? (generated || withOrigins != nil ? kustomization : nil))
            }
        } catch {
            throw .render(kustomization: flux.key, source: flux.source, error)
        }
        var rendering = try postBuild(output, flux: flux, display: display, sources: sources, artifacts: artifacts, origins: origins)
        rendering.unit.sourceName = sourceName
        return rendering
    }

    // MARK: - After the build

    private func postBuild(
        _ output: String, flux: FluxKustomization, display: String, sources: FluxSources, artifacts: FluxArtifacts,
        origins: KustomizeOriginResolver?
    ) throws(FluxError) -> Rendering {
        var notRendered: [FluxNotRendered] = []
        var unresolved = Set<String>()
        var text = output
        // Flux substitutes when postBuild has inline variables, references, or both.
        if flux.substitute != nil || !flux.substituteFrom.isEmpty {
            let inline = flux.substitute ?? [:]
            // Variables from ConfigMaps and Secrets first; inline ones override them, as in Flux.
            var variables: [String: String] = [:]
            for reference in flux.substituteFrom {
                if let values = options.substituteFrom?(reference) {
                    for (name, value) in values { variables[name] = value.replacingOccurrences(of: "\n", with: "") }
                } else {
                    notRendered.append(FluxNotRendered(
                        what: "postBuild.substituteFrom \(reference)",
                        why: "its variables could not be read from the cluster (missing, not readable, or no cluster); objects using them may show drift"))
                }
            }
            for (name, value) in inline { variables[name] = value }
            if !variables.isEmpty || !flux.substituteFrom.isEmpty {
                text = try substitute(output, variables: variables, flux: flux, display: display, unresolved: &unresolved)
            }
        }

        var parsed: ParsedManifests
        do {
            // kustomize-controller decrypts only for spec.decryption.provider: sops.
            parsed = try ManifestLoader.parse(
                [ManifestFile(path: display, text: text)], decrypting: flux.decryptionProvider == "sops" ? options.sops : nil,
                duplicateKeys: options.duplicateKeys)
        } catch {
            throw .renderedObjects(kustomization: flux.key, error)
        }
        origins?.resolve(&parsed, file: display)

        var rendering = Rendering(unit: FluxUnit(kustomization: flux))
        var kept: [Manifest] = []
        var existenceOnly = Set<ObjectIdentity>()
        var excluded: [FluxExclusion] = []
        var releases: [Manifest] = []
        var hooks: [SkippedObject] = []
        for var manifest in parsed.manifests {
            if options.ownerLabels {
                manifest.object = FluxObjects.merging(
                    JSONObject([
                        ("\(Self.annotationGroup)/name", .string(flux.name)),
                        ("\(Self.annotationGroup)/namespace", .string(flux.namespace)),
                    ]), into: "labels", of: manifest.object)
            }
            manifest.object = FluxObjects.merging(flux.commonLabels, into: "labels", of: manifest.object)
            manifest.object = FluxObjects.merging(flux.commonAnnotations, into: "annotations", of: manifest.object)

            if FluxObjects.metadata(manifest.object, "\(Self.annotationGroup)/reconcile", is: "disabled") {
                excluded.append(FluxExclusion(identity: manifest.identity, source: manifest.source, reason: .reconcileDisabled))
                continue
            }
            if FluxObjects.metadata(manifest.object, "\(Self.annotationGroup)/ssa", is: "Ignore") {
                excluded.append(FluxExclusion(identity: manifest.identity, source: manifest.source, reason: .ssaIgnore))
                continue
            }
            if FluxObjects.metadata(manifest.object, "\(Self.annotationGroup)/ssa", is: "IfNotPresent") {
                existenceOnly.insert(manifest.identity)
            }
            kept.append(manifest)

            if FluxKustomization.isKustomization(manifest.object) {
                rendering.kustomizations.append(try FluxKustomization(manifest: manifest, defaultNamespace: options.defaultNamespace))
            } else if FluxSources.isSource(manifest.object) {
                rendering.sources.append(manifest)
            } else if FluxArtifactGenerator.isArtifactGenerator(manifest.object) {
                rendering.artifactGenerators.append(
                    try FluxArtifactGenerator(manifest: manifest, defaultNamespace: options.defaultNamespace))
            } else if FluxHelm.isHelmRelease(manifest) {
                releases.append(manifest)
            }
        }
        let helm = FluxHelm(
            helm: options.helm, charts: options.charts, kustomize: kustomize, ownerLabels: options.ownerLabels,
            readValues: options.substituteFrom, concurrency: options.concurrency, capabilities: options.helmCapabilities,
            duplicateKeys: options.duplicateKeys)
        let outcomes = try helm.render(releases, defaultNamespace: options.defaultNamespace, sources: sources) {
            reference throws(FluxError) in try artifacts.files(of: reference, sources: sources)
        }
        for outcome in outcomes {
            switch outcome {
            case let .rendered(release, objects):
                rendering.unit.helmReleases.append(release)
                kept += objects.manifests
                hooks += objects.skipped
                rendering.unit.warnings += objects.warnings
            case let .notRendered(entry):
                notRendered.append(entry)
                // Its chart's source may be defined in a unit rendered later.
                rendering.waitingForSource = true
            }
        }
        rendering.unit.manifests = kept
        rendering.unit.skipped = parsed.skipped + hooks
        rendering.unit.warnings = parsed.warnings + rendering.unit.warnings
        rendering.unit.existenceOnly = existenceOnly
        rendering.unit.excluded = excluded
        rendering.unit.notRendered = notRendered
        rendering.unit.unresolvedVariables = unresolved.sorted()
        return rendering
    }

    /// Substitutes variables object by object, as kustomize-controller does on each
    /// resource's YAML; objects labelled or annotated `kustomize.toolkit.fluxcd.io/substitute:
    /// disabled` are left as they are.
    private func substitute(
        _ output: String, variables: [String: String], flux: FluxKustomization, display: String,
        unresolved: inout Set<String>
    ) throws(FluxError) -> String {
        var chunks: [String] = []
        for chunk in Self.documentChunks(output) {
            let object = (try? YAML.documents(in: chunk, file: display))?.first { $0.value != .null }?.value
            if let object, FluxObjects.metadata(object, "\(Self.annotationGroup)/substitute", is: "disabled") {
                chunks.append(chunk)
                continue
            }
            do {
                chunks.append(try FluxSubstitution.evaluate(chunk, variables: variables, unresolved: &unresolved))
            } catch {
                let name = object.map { "\($0["kind"]?.stringValue ?? "object") \($0[["metadata", "name"]]?.stringValue ?? "")" }
                throw .substitution(kustomization: flux.key, object: name ?? "an object", reason: error.reason)
            }
        }
        return chunks.joined(separator: "---\n")
    }

    /// kustomize's output split at its `---` separator lines.
    static func documentChunks(_ output: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" {
                chunks.append(current)
                current = ""
            } else {
                current += line + "\n"
            }
        }
        if current.hasSuffix("\n\n") { current.removeLast() }
        if !current.isEmpty, current != "\n" { chunks.append(current) }
        return chunks
    }
}
