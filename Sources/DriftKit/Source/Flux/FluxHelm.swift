import Foundation

/// HelmReleases (`helm.toolkit.fluxcd.io`) met in a unit's objects, rendered with a real
/// `helm template` as helm-controller would install them.
///
/// - The chart: a folder of a GitRepository that is this repository, or a packaged chart
///   (`NAME-VERSION.tgz`) in a local chart folder for a HelmRepository chart or an
///   OCIRepository `chartRef`; the highest version the release's range admits.
/// - The values: the chart's `valuesFiles`, then `valuesFrom` ConfigMaps and Secrets (read
///   from the cluster) in order, then `spec.values`, merged as helm-controller merges them.
/// - The release: `releaseName` (or `[targetNamespace-]name`, shortened past 53 characters),
///   `targetNamespace`, CRDs unless `install.crds: Skip`.
/// - After helm: `postRenderers` kustomize patches and images, `commonMetadata`, and
///   helm-controller's origin labels; objects left without a namespace get the release's.
///
/// A release that cannot be rendered here (chart not available locally, values that cannot
/// be read) is reported as not rendered with the reason; a chart that helm refuses is an error.
struct FluxHelm: Sendable {
    static let nameLabel = "helm.toolkit.fluxcd.io/name"
    static let namespaceLabel = "helm.toolkit.fluxcd.io/namespace"

    var helm: HelmCommand?
    var charts: HelmChartStore
    /// For `postRenderers`; its environment, timeout and temporary folder serve helm too.
    var kustomize: KustomizeRenderer
    var ownerLabels: Bool
    /// Reads a ConfigMap's or Secret's data for `valuesFrom`; nil when it cannot be read.
    var readValues: (@Sendable (FluxSubstituteReference) -> [String: String]?)?
    /// helm processes at once.
    var concurrency: Int
    /// The cluster's `.Capabilities`; nil for helm's defaults.
    var capabilities: (@Sendable () -> HelmCapabilities?)?
    /// How templates' output with a key written twice is read.
    var duplicateKeys: DuplicateKeyPolicy

    static func isHelmRelease(_ manifest: Manifest) -> Bool {
        manifest.kind == "HelmRelease" && manifest.group == "helm.toolkit.fluxcd.io"
    }

    enum Outcome {
        /// The release's objects, and those that are not compared (its hooks).
        case rendered(FluxHelmRelease, ParsedManifests)
        case notRendered(FluxNotRendered)
    }

    /// Renders `releases`, running helm for several at once; outcomes keep their order.
    /// - Parameter files: the files of a chart's source (this repository, a mapped clone, an
    ///   ExternalArtifact), or why they are not read.
    func render(
        _ releases: [Manifest], defaultNamespace: String, sources: FluxSources,
        files: (FluxReference) throws(FluxError) -> FluxArtifacts.Resolution
    ) throws(FluxError) -> [Outcome] {
        // Reading the tree and the cluster happens here, one release after another; only
        // the helm and kustomize processes, which read private copies, run side by side.
        var prepared: [Preparation] = []
        defer { for case let .ready(job) in prepared { job.folder.remove() } }
        for release in releases {
            prepared.append(try prepare(release, defaultNamespace: defaultNamespace, sources: sources, files: files))
        }
        let jobs = prepared.compactMap { preparation -> Job? in
            if case let .ready(job) = preparation { return job }
            return nil
        }
        let templated = BoundedConcurrency.map(jobs.map(\.invocation), limit: max(1, concurrency)) { invocation in
            Result<Invocation.Output, FluxError>(catching: { () throws(FluxError) in try invocation.run() })
        }
        var results = zip(jobs, templated).makeIterator()
        var outcomes: [Outcome] = []
        for preparation in prepared {
            switch preparation {
            case let .skipped(entry): outcomes.append(.notRendered(entry))
            case .ready:
                guard let (job, result) = results.next() else { continue }
                outcomes.append(.rendered(job.release, try objects(try result.get(), of: job)))
            }
        }
        return outcomes
    }

    // MARK: - Preparing a release

    private enum Preparation {
        case skipped(FluxNotRendered)
        case ready(Job)
    }

    private struct Job {
        var spec: FluxHelmReleaseSpec
        var release: FluxHelmRelease
        var source: ManifestLocation
        var folder: MaterializedTree
        var invocation: Invocation
        /// The chart's folder in this repository, where its templates are; nil for a packaged
        /// chart or another source's.
        var chartFolder: (tree: any SourceTree, path: String)?
    }

    private func prepare(
        _ manifest: Manifest, defaultNamespace: String, sources: FluxSources,
        files: (FluxReference) throws(FluxError) -> FluxArtifacts.Resolution
    ) throws(FluxError) -> Preparation {
        let spec = try FluxHelmReleaseSpec(manifest: manifest, defaultNamespace: defaultNamespace)
        let key = "\(spec.namespace)/\(spec.name)"
        func skip(_ why: String) -> Preparation {
            .skipped(FluxNotRendered(FluxReference(kind: "HelmRelease", name: spec.name, namespace: spec.namespace), why: why))
        }
        func failure(_ message: String) -> FluxError { .helm(release: key, source: manifest.source, message: message) }

        guard let helm else { return skip("helm is not on PATH (name one with --helm-cmd)") }
        let chart: ChartLocation
        switch try locateChart(spec, sources: sources, files: files) {
        case let .located(location): chart = location
        case let .unavailable(why): return skip(why)
        case let .invalid(message): throw failure(message)
        }
        let values: JSONObject
        switch composeValues(spec) {
        case let .composed(composed): values = composed
        case let .unavailable(why): return skip(why)
        }

        let folder: MaterializedTree
        do {
            folder = try MaterializedTree.create(in: kustomize.temporaryDirectory, purpose: "helm")
        } catch {
            throw failure(error.description)
        }
        do throws(KustomizeError) {
            var arguments = ["template", spec.releaseName]
            // helm-controller installs the chart's crds/ apart from the release's objects: no
            // post-renderer or commonMetadata touches them, only its origin labels.
            let chartPath: String
            var hasCRDs = spec.includeCRDs
            var chartFolder: (tree: any SourceTree, path: String)?
            switch chart {
            case let .folder(path, valuesFiles, tree, from):
                if from == nil { chartFolder = (tree, path) }
                try folder.copy([path] + valuesFiles, from: tree)
                chartPath = folder.absolute(path)
                arguments += [chartPath, "--namespace", spec.releaseNamespace]
                for file in valuesFiles { arguments += ["--values", folder.absolute(file)] }
                hasCRDs = hasCRDs && (try? tree.node(at: TreePath.join(path, "crds"))) == .directory
            case let .packaged(chart):
                chartPath = chart.path
                arguments += [chartPath, "--namespace", spec.releaseNamespace]
            }
            arguments += capabilities?()?.arguments ?? []
            if !values.isEmpty {
                try folder.write(Data(JSONValue.object(values).jsonText().utf8), at: "release-values.json")
                arguments += ["--values", folder.absolute("release-values.json")]
            }
            let release = FluxHelmRelease(
                name: spec.name, namespace: spec.namespace, apiVersion: manifest.apiVersion, suspend: spec.suspend,
                renderedFile: "HelmRelease \(key) (helm template)", releaseName: spec.releaseName,
                releaseNamespace: spec.releaseNamespace, storageNamespace: spec.storageNamespace,
                chart: chart.description, driftDetection: spec.driftDetection)
            let invocation = Invocation(
                helm: helm, arguments: arguments, crdsArguments: hasCRDs ? ["show", "crds", chartPath] : nil,
                folder: folder.root, postRenderers: spec.postRenderers, kustomize: kustomize, release: key,
                source: manifest.source)
            return .ready(Job(
                spec: spec, release: release, source: manifest.source, folder: folder, invocation: invocation, chartFolder: chartFolder))
        } catch {
            folder.remove()
            throw failure(error.description)
        }
    }

    /// Where a release's chart is on this machine.
    private enum ChartLocation: CustomStringConvertible {
        /// A chart folder (a tree path) of this repository or of `from` (a mapped clone, an
        /// ExternalArtifact), and the values files to read before the release's values.
        case folder(String, valuesFiles: [String], tree: any SourceTree, from: String?)
        case packaged(HelmChartStore.Chart)

        var description: String {
            switch self {
            case let .folder(path, _, _, from): return "\(path.isEmpty ? "." : path) in \(from ?? "this repository")"
            case let .packaged(chart): return "\((chart.path as NSString).lastPathComponent) (\(chart.path))"
            }
        }
    }

    private enum ChartSearch {
        case located(ChartLocation)
        case unavailable(String)
        case invalid(String)
    }

    private func locateChart(
        _ spec: FluxHelmReleaseSpec, sources: FluxSources, files: (FluxReference) throws(FluxError) -> FluxArtifacts.Resolution
    ) throws(FluxError) -> ChartSearch {
        switch spec.chart {
        case let .template(chart, version, sourceRef, valuesFiles):
            switch sourceRef.kind {
            case "GitRepository", "Bucket", "ExternalArtifact":
                let tree: any SourceTree
                let from: String?
                switch try files(sourceRef) {
                case let .tree(found, name): (tree, from) = (found, name)
                case let .notRead(why): return .unavailable(why)
                }
                guard let path = TreePath.normalize(chart) else {
                    return .invalid("the chart path \(chart) climbs above the repository root")
                }
                guard (try? tree.node(at: path)) == .directory else {
                    return .invalid("the chart folder \(chart) does not exist in \(tree.name)")
                }
                var valuesPaths: [String] = []
                for file in valuesFiles {
                    guard let filePath = TreePath.normalize(file), (try? tree.node(at: filePath)) == .file else {
                        return .invalid("the values file \(file) (spec.chart.spec.valuesFiles) does not exist in \(tree.name)")
                    }
                    valuesPaths.append(filePath)
                }
                return .located(.folder(path, valuesFiles: valuesPaths, tree: tree, from: from))
            case "HelmRepository":
                guard valuesFiles.isEmpty else {
                    return .unavailable("its valuesFiles are read from inside the packaged chart \(chart), which is not done")
                }
                let repository = sources.object(sourceRef)?[["spec", "url"]]?.stringValue.map { " (\($0))" } ?? ""
                return packaged(chart, version: version, from: "\(sourceRef)\(repository)")
            default:
                return .unavailable("its chart source is \(sourceRef), which is not read")
            }
        case let .reference(reference):
            if reference.kind == "ExternalArtifact" {
                // The artifact's root is the chart.
                switch try files(reference) {
                case let .tree(tree, from):
                    guard (try? tree.node(at: "Chart.yaml")) == .file else {
                        return .invalid("its chartRef \(reference) holds no Chart.yaml at its root")
                    }
                    return .located(.folder("", valuesFiles: [], tree: tree, from: from ?? reference.description))
                case let .notRead(why): return .unavailable(why)
                }
            }
            guard reference.kind == "OCIRepository" else {
                return .unavailable("its chartRef is \(reference); only OCIRepository and ExternalArtifact chart references are read")
            }
            guard let repository = sources.object(reference) else {
                return .unavailable("its chartRef \(reference) is not defined in this repository")
            }
            guard let url = repository[["spec", "url"]]?.stringValue, let name = url.split(separator: "/").last.map(String.init) else {
                return .unavailable("its chartRef \(reference) has no spec.url")
            }
            let ref = repository[["spec", "ref"]]
            if ref?["digest"]?.stringValue != nil {
                return .unavailable("its chartRef \(reference) pins a digest, which a packaged chart on disk cannot be matched with")
            }
            let version = ref?["semver"]?.stringValue ?? ref?["tag"]?.stringValue ?? "*"
            return packaged(name, version: version, from: "\(reference) (\(url))")
        }
    }

    private func packaged(_ name: String, version: String, from origin: String) -> ChartSearch {
        let constraint: VersionConstraint
        do {
            constraint = try VersionConstraint(version == "latest" ? "*" : version)
        } catch {
            return .invalid("its chart version: \(error)")
        }
        guard let chart = charts.find(name, matching: constraint) else {
            return .unavailable(
                "chart \(name) \(version) from \(origin) is not available locally (\(charts.searched)); "
                    + "helm pull it into a folder named in drift.yaml helm.charts or with --chart-dir")
        }
        return .located(.packaged(chart))
    }

    private enum ValuesComposition {
        case composed(JSONObject)
        case unavailable(String)
    }

    /// `valuesFrom` in order, then `spec.values`, as helm-controller's `ChartValuesFromReferences`.
    private func composeValues(_ spec: FluxHelmReleaseSpec) -> ValuesComposition {
        var result = JSONObject()
        for reference in spec.valuesFrom {
            var required = reference.object
            required.optional = false
            guard let data = readValues?(required) else {
                if reference.object.optional { continue }
                let reader = readValues == nil ? "no cluster is read" : "it is missing or cannot be read"
                return .unavailable("its valuesFrom \(reference.object) cannot be read (\(reader))")
            }
            guard let value = data[reference.valuesKey] else {
                if reference.object.optional { continue }
                return .unavailable("its valuesFrom \(reference.object) has no key \(reference.valuesKey)")
            }
            if let targetPath = reference.targetPath {
                do {
                    result = try HelmValues.setting(
                        targetPath, to: value, literal: reference.literal, in: HelmValues.merge(result, spec.values))
                } catch {
                    return .unavailable("its valuesFrom \(reference.description): \(error)")
                }
                continue
            }
            let document: JSONValue
            do {
                document = try YAML.documents(in: value, file: reference.description).first { $0.value != .null }?.value ?? .object(JSONObject())
            } catch {
                return .unavailable("its valuesFrom \(reference.description) is not a YAML values document: \(error)")
            }
            guard case let .object(values) = document else {
                return .unavailable("its valuesFrom \(reference.description) is not a mapping of values")
            }
            result = HelmValues.merge(result, values)
        }
        return .composed(HelmValues.merge(result, spec.values))
    }

    // MARK: - Running helm

    /// One `helm template` and the post-renderers after it, on files in a private folder,
    /// and `helm show crds` for the chart's CRDs.
    private struct Invocation: Sendable {
        var helm: HelmCommand
        var arguments: [String]
        /// nil when the chart's CRDs are not installed, or it has none.
        var crdsArguments: [String]?
        var folder: String
        var postRenderers: [JSONObject]
        var kustomize: KustomizeRenderer
        var release: String
        var source: ManifestLocation

        struct Output: Sendable {
            var crds: String
            var objects: String
        }

        func run() throws(FluxError) -> Output {
            var text = try helm(arguments)
            for (index, renderer) in postRenderers.enumerated() {
                text = try postRender(text, with: renderer, index: index)
            }
            return Output(crds: try crdsArguments.map { arguments throws(FluxError) in try helm(arguments) } ?? "", objects: text)
        }

        private func helm(_ arguments: [String]) throws(FluxError) -> String {
            func failure(_ message: String) -> FluxError { .helm(release: release, source: source, message: message) }
            let output: ExternalProcess.Output
            do {
                output = try ExternalProcess(
                    executable: helm.executable, arguments: arguments, environment: kustomize.environment,
                    currentDirectory: folder, timeout: kustomize.timeout
                ).run()
            } catch {
                throw failure("cannot run helm: \(error.reason)")
            }
            guard output.succeeded else {
                let message = KustomizeRenderer.cleanMessage(output.stderrText, materializedRoot: folder)
                throw failure("helm \(arguments[0]) failed (\(output.ending)): \(message)")
            }
            return String(decoding: output.stdout, as: UTF8.self)
        }

        /// helm-controller's kustomize post-renderer: the rendered objects as the only
        /// resource of a kustomization with the renderer's `patches` and `images`.
        private func postRender(_ text: String, with renderer: JSONObject, index: Int) throws(FluxError) -> String {
            let directory = "post-render-\(index)"
            var kustomization = JSONObject()
            kustomization["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
            kustomization["kind"] = "Kustomization"
            kustomization["resources"] = ["rendered.yaml"]
            for key in ["patches", "images"] {
                if let value = renderer[key], value != .null { kustomization[key] = value }
            }
            let absolute = (folder as NSString).appendingPathComponent(directory)
            do {
                try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: (absolute as NSString).appendingPathComponent("rendered.yaml")))
                try Data(JSONValue.object(kustomization).jsonText(indent: 2).utf8)
                    .write(to: URL(fileURLWithPath: (absolute as NSString).appendingPathComponent("kustomization.yaml")))
            } catch {
                throw .helm(release: release, source: source, message: "cannot write the post-renderer's files: \(error.localizedDescription)")
            }
            do {
                return try kustomize.build(
                    absoluteDirectory: absolute, display: "spec.postRenderers[\(index)] of HelmRelease \(release)",
                    treeName: "the rendered chart", loadRestrictionsNone: false, materializedRoot: folder)
            } catch {
                throw .helm(release: release, source: source, message: "its post-renderer \(index) failed: \(error)")
            }
        }
    }

    // MARK: - The release's objects

    private func objects(_ output: Invocation.Output, of job: Job) throws(FluxError) -> ParsedManifests {
        let key = job.release.key
        // One file, CRDs first as Helm installs them, so that the document numbers are the output's.
        let separator = output.crds.isEmpty || output.crds.hasSuffix("\n") ? "" : "\n"
        let text = output.crds.isEmpty ? output.objects : output.crds + separator + "---\n" + output.objects
        let file = ManifestFile(path: job.release.renderedFile, text: text)
        var parsed: ParsedManifests
        do {
            // Helm hooks are not release objects: they are kept apart, skipped with the reason.
            parsed = try ManifestLoader.parse([file], decrypting: nil, duplicateKeys: duplicateKeys)
        } catch {
            throw .helm(release: key, source: job.source, message: error.description)
        }
        // Helm leaves the namespace to the client, which places namespaced objects in the release's.
        var manifests = KnownScopes(defining: parsed.manifests).placing(parsed.manifests, in: job.spec.releaseNamespace)
        // The CRDs are the documents that start within `helm show crds`'s lines.
        let crdLines = output.crds.isEmpty ? 0 : output.crds.split(separator: "\n", omittingEmptySubsequences: false).count
        for index in manifests.indices {
            var object = manifests[index].object
            if manifests[index].source.line > crdLines {
                object = FluxObjects.merging(job.spec.commonLabels, into: "labels", of: object)
                object = FluxObjects.merging(job.spec.commonAnnotations, into: "annotations", of: object)
            }
            if ownerLabels {
                // Origin labels win over commonMetadata, as in helm-controller.
                object = FluxObjects.merging(
                    JSONObject([(Self.nameLabel, .string(job.spec.name)), (Self.namespaceLabel, .string(job.spec.namespace))]),
                    into: "labels", of: object)
            }
            manifests[index].object = object
        }
        if let chartFolder = job.chartFolder {
            let origins = Self.templateOrigins(of: text, chart: chartFolder)
            for index in manifests.indices { manifests[index].source.origin = origins(manifests[index].source.line) }
            for index in parsed.skipped.indices { parsed.skipped[index].source.origin = origins(parsed.skipped[index].source.line) }
        }
        parsed.manifests = manifests
        return parsed
    }

    /// Where each document of helm's output was written: the template its `# Source:` comment
    /// names (`greeter/templates/service.yaml`, the chart's name first), at the line where the
    /// template's document of the same position starts. Looked up by the line a document starts on.
    private static func templateOrigins(of text: String, chart: (tree: any SourceTree, path: String)) -> (Int) -> ManifestOrigin? {
        var sources: [(line: Int, file: String)] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("# Source: ") {
            let written = line.dropFirst("# Source: ".count).split(separator: "/", maxSplits: 1)
            guard written.count == 2, let file = TreePath.normalize(TreePath.join(chart.path, String(written[1]))) else { continue }
            sources.append((offset + 1, file))
        }
        var starts: [String: [Int]] = [:]
        func documentStarts(_ file: String) -> [Int] {
            if let known = starts[file] { return known }
            let template = (try? chart.tree.contents(of: file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            var lines = [1]
            for (offset, line) in template.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.hasPrefix("---") && offset > 0 {
                lines.append(offset + 2)
            }
            starts[file] = lines
            return lines
        }
        return { line in
            guard let position = sources.lastIndex(where: { $0.line < line }) else { return nil }
            let file = sources[position].file
            // Which of the template's documents this is: helm writes one comment per document.
            let nth = sources[..<position].filter { $0.file == file }.count
            let lines = documentStarts(file)
            return ManifestOrigin(file: file, line: nth < lines.count ? lines[nth] : 1)
        }
    }
}
