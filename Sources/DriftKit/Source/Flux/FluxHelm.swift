import Foundation

/// The `helm` program, for HelmReleases whose chart lives in this repository.
public struct HelmCommand: Sendable, Equatable {
    public var executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// `helm` on the environment's `PATH`, if any.
    public static func find(
        environment: [String: String], currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> HelmCommand? {
        ExternalProcess.find("helm", environment: environment, currentDirectory: currentDirectory)
            .map(HelmCommand.init(executable:))
    }
}

/// HelmReleases (`helm.toolkit.fluxcd.io`) met in a unit's objects: rendered with
/// `helm template` when helm is available and the chart is a folder of this repository
/// (`spec.chart.spec.sourceRef` a local GitRepository), listed as not rendered otherwise.
///
/// Kept deliberately small: inline `spec.values` only (a release with `valuesFrom`,
/// `postRenderers` or `chartRef` is not rendered), CRDs included as helm-controller's
/// default install does, the release namespace set on objects that name none (except the
/// usual cluster-scoped kinds).
struct FluxHelm {
    var helm: HelmCommand?
    var environment: [String: String]
    var timeout: TimeInterval
    var temporaryDirectory: String
    var ownerLabels: Bool

    static func isHelmRelease(_ manifest: Manifest) -> Bool {
        manifest.kind == "HelmRelease" && manifest.group == "helm.toolkit.fluxcd.io"
    }

    enum Outcome {
        case rendered(FluxHelmRelease, [Manifest])
        case notRendered(FluxNotRendered)
    }

    func render(
        _ release: Manifest, defaultNamespace: String, sources: FluxSources, tree: any SourceTree
    ) throws(FluxError) -> Outcome {
        let namespace = release.namespace ?? defaultNamespace
        let key = "\(namespace)/\(release.name)"
        let what = "HelmRelease \(key)"
        func skip(_ why: String) -> Outcome { .notRendered(FluxNotRendered(what: what, why: why)) }

        if let chartRef = release.object[["spec", "chartRef"]] {
            let kind = chartRef["kind"]?.stringValue ?? "a chart reference"
            return skip("its chart comes from \(kind) \(chartRef["name"]?.stringValue ?? ""), which is not read")
        }
        guard case let .object(chartSpec)? = release.object[["spec", "chart", "spec"]],
            let chart = chartSpec["chart"]?.stringValue,
            let sourceKind = chartSpec["sourceRef"]?["kind"]?.stringValue,
            let sourceName = chartSpec["sourceRef"]?["name"]?.stringValue
        else {
            return skip("it names no chart (spec.chart.spec.chart and sourceRef)")
        }
        let reference = FluxReference(
            kind: sourceKind, name: sourceName,
            namespace: chartSpec["sourceRef"]?["namespace"]?.stringValue ?? namespace)
        guard sourceKind == "GitRepository" else {
            return skip("its chart \(chart) comes from \(reference); only charts in this Git repository are rendered")
        }
        if let why = sources.whyNotLocal(reference) { return skip(why) }
        if let valuesFrom = release.object[["spec", "valuesFrom"]]?.arrayValue, !valuesFrom.isEmpty {
            return skip("it reads values from ConfigMaps or Secrets (valuesFrom), which are not read")
        }
        if let postRenderers = release.object[["spec", "postRenderers"]]?.arrayValue, !postRenderers.isEmpty {
            return skip("its postRenderers are not applied")
        }
        guard let helm else { return skip("helm is not on PATH") }

        guard let chartPath = TreePath.normalize(chart) else {
            throw .helm(release: key, source: release.source, message: "the chart path \(chart) climbs above the repository root")
        }
        let node: SourceNode
        do {
            node = try tree.node(at: chartPath)
        } catch {
            throw .source(error)
        }
        guard node == .directory else {
            throw .helm(release: key, source: release.source, message: "the chart folder \(chart) does not exist in \(tree.name)")
        }
        let targetNamespace = release.object[["spec", "targetNamespace"]]?.stringValue
        let releaseNamespace = targetNamespace ?? namespace
        let releaseName = release.object[["spec", "releaseName"]]?.stringValue
            ?? (targetNamespace.map { "\($0)-\(release.name)" } ?? release.name)

        let folder: MaterializedTree
        do {
            folder = try MaterializedTree.create(in: temporaryDirectory, purpose: "helm")
            try folder.copy([chartPath], from: tree)
        } catch {
            throw .helm(release: key, source: release.source, message: error.description)
        }
        defer { folder.remove() }
        var arguments = ["template", releaseName, folder.absolute(chartPath), "--namespace", releaseNamespace, "--include-crds"]
        if let values = release.object[["spec", "values"]], case let .object(object) = values, !object.isEmpty {
            let valuesPath = "values-\(UUID().uuidString).json"
            do {
                try folder.write(Data(values.jsonText().utf8), at: valuesPath)
            } catch {
                throw .helm(release: key, source: release.source, message: error.description)
            }
            arguments += ["--values", folder.absolute(valuesPath)]
        }
        let output: ExternalProcess.Output
        do {
            output = try ExternalProcess(
                executable: helm.executable, arguments: arguments, environment: environment, currentDirectory: folder.root,
                timeout: timeout
            ).run()
        } catch {
            throw .helm(release: key, source: release.source, message: "cannot run helm: \(error.reason)")
        }
        guard output.succeeded else {
            let message = KustomizeRenderer.cleanMessage(output.stderrText, materializedRoot: folder.root)
            throw .helm(release: key, source: release.source, message: "helm template failed (\(output.ending)): \(message)")
        }
        let file = ManifestFile(path: "\(what) (helm template)", text: String(decoding: output.stdout, as: UTF8.self))
        var manifests: [Manifest]
        do {
            manifests = try ManifestLoader.parse([file])
        } catch {
            throw .helm(release: key, source: release.source, message: error.description)
        }
        for index in manifests.indices {
            if manifests[index].namespace == nil, !Self.clusterScopedKinds.contains(manifests[index].kind) {
                manifests[index].object = FluxObjects.setting(["metadata", "namespace"], to: .string(releaseNamespace), in: manifests[index].object)
            }
            if ownerLabels {
                manifests[index].object = FluxObjects.merging(
                    JSONObject([
                        ("helm.toolkit.fluxcd.io/name", .string(release.name)),
                        ("helm.toolkit.fluxcd.io/namespace", .string(namespace)),
                    ]), into: "labels", of: manifests[index].object)
            }
        }
        let rendered = FluxHelmRelease(
            name: release.name, namespace: namespace, apiVersion: release.apiVersion,
            suspend: release.object[["spec", "suspend"]]?.boolValue == true, renderedFile: file.path)
        return .rendered(rendered, manifests)
    }

    /// Kinds that have no namespace, for objects a chart leaves without one.
    static let clusterScopedKinds: Set<String> = [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass",
        "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "IngressClass",
        "RuntimeClass", "CSIDriver", "VolumeAttachment", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    ]
}
