import Foundation

/// What a HelmRelease (`helm.toolkit.fluxcd.io/v2`) asks helm-controller to install, read
/// and checked from its manifest.
struct FluxHelmReleaseSpec {
    /// Where the chart comes from.
    enum Chart: Equatable {
        /// `spec.chart.spec`: a chart of a source. For a GitRepository or Bucket `chart` is a
        /// path in it; for a HelmRepository it is the chart's name, `version` a range.
        case template(chart: String, version: String, sourceRef: FluxReference, valuesFiles: [String])
        /// `spec.chartRef`: an OCIRepository (or a HelmChart) holding the chart.
        case reference(FluxReference)
    }

    /// One `spec.valuesFrom` entry.
    struct ValuesReference: Equatable {
        var object: FluxSubstituteReference
        /// The key whose value is read; `values.yaml` unless set.
        var valuesKey: String
        /// Where the value goes (`helm --set` path); nil merges the value as a YAML values document.
        var targetPath: String?
        /// Whether the value is set as a literal string (helm-controller's `literal`).
        var literal: Bool

        var description: String {
            "\(object.kind) \(object.namespace)/\(object.name) (key \(valuesKey))"
        }
    }

    var name: String
    var namespace: String
    var chart: Chart
    /// The release name helm-controller installs: `spec.releaseName`, else
    /// `[targetNamespace-]name`, shortened to 53 characters with a hash as helm-controller does.
    var releaseName: String
    /// `spec.targetNamespace`, else the HelmRelease's namespace.
    var releaseNamespace: String
    /// Where Helm keeps the release's history: `spec.storageNamespace`, else the HelmRelease's namespace.
    var storageNamespace: String
    var values: JSONObject
    var valuesFrom: [ValuesReference]
    /// `spec.postRenderers[].kustomize`: `patches` and `images`, applied in order.
    var postRenderers: [JSONObject]
    var commonLabels: JSONObject
    var commonAnnotations: JSONObject
    /// Whether the chart's `crds/` are installed: `spec.install.crds` is not `Skip`.
    var includeCRDs: Bool
    var driftDetection: FluxDriftDetection
    var suspend: Bool

    /// Reads a HelmRelease manifest; `defaultNamespace` is used when it names none.
    init(manifest: Manifest, defaultNamespace: String) throws(FluxError) {
        let namespace = manifest.namespace ?? defaultNamespace
        let key = "\(namespace)/\(manifest.name)"
        let source = manifest.source
        func invalid(_ reason: String) -> FluxError { .helm(release: key, source: source, message: reason) }
        guard case let .object(spec)? = manifest.object["spec"] else { throw invalid("it has no spec") }
        let fields = FluxFieldReader(object: spec, prefix: "spec", invalid: invalid)

        if let reference = try fields.object("chartRef") {
            let referenceFields = FluxFieldReader(object: reference, prefix: "spec.chartRef", invalid: invalid)
            guard let kind = try referenceFields.string("kind"), let name = try referenceFields.string("name") else {
                throw invalid("spec.chartRef needs a kind and a name")
            }
            chart = .reference(FluxReference(kind: kind, name: name, namespace: try referenceFields.string("namespace") ?? namespace))
        } else if let template = try fields.object("chart") {
            guard case let .object(chartSpec)? = template["spec"] else { throw invalid("spec.chart.spec is required") }
            let chartFields = FluxFieldReader(object: chartSpec, prefix: "spec.chart.spec", invalid: invalid)
            guard let chartName = try chartFields.string("chart"), !chartName.isEmpty else {
                throw invalid("spec.chart.spec.chart is required")
            }
            guard let sourceObject = try chartFields.object("sourceRef") else { throw invalid("spec.chart.spec.sourceRef is required") }
            let sourceFields = FluxFieldReader(object: sourceObject, prefix: "spec.chart.spec.sourceRef", invalid: invalid)
            guard let kind = try sourceFields.string("kind"), let name = try sourceFields.string("name") else {
                throw invalid("spec.chart.spec.sourceRef needs a kind and a name")
            }
            var valuesFiles = try chartFields.array("valuesFiles").map { item throws(FluxError) -> String in
                guard case let .string(path) = item else { throw invalid("spec.chart.spec.valuesFiles must list paths") }
                return path
            }
            if valuesFiles.isEmpty, let single = try chartFields.string("valuesFile") { valuesFiles = [single] }
            chart = .template(
                chart: chartName, version: try chartFields.string("version") ?? "*",
                sourceRef: FluxReference(kind: kind, name: name, namespace: try sourceFields.string("namespace") ?? namespace),
                valuesFiles: valuesFiles)
        } else {
            throw invalid("it names no chart (spec.chart or spec.chartRef)")
        }

        let targetNamespace = try fields.string("targetNamespace").flatMap { $0.isEmpty ? nil : $0 }
        let written = try fields.string("releaseName").flatMap { $0.isEmpty ? nil : $0 }
            ?? targetNamespace.map { "\($0)-\(manifest.name)" } ?? manifest.name
        self.name = manifest.name
        self.namespace = namespace
        self.releaseName = Self.shortened(written)
        self.releaseNamespace = targetNamespace ?? namespace
        self.storageNamespace = try fields.string("storageNamespace").flatMap { $0.isEmpty ? nil : $0 } ?? namespace
        self.values = try fields.object("values") ?? JSONObject()
        self.suspend = try fields.bool("suspend") ?? false

        var references: [ValuesReference] = []
        for (index, item) in try fields.array("valuesFrom").enumerated() {
            guard case let .object(entry) = item else { throw invalid("spec.valuesFrom[\(index)] must be an object") }
            let entryFields = FluxFieldReader(object: entry, prefix: "spec.valuesFrom[\(index)]", invalid: invalid)
            guard let kind = try entryFields.string("kind"), ["ConfigMap", "Secret"].contains(kind) else {
                throw invalid("spec.valuesFrom[\(index)].kind must be ConfigMap or Secret")
            }
            guard let name = try entryFields.string("name"), !name.isEmpty else { throw invalid("spec.valuesFrom[\(index)].name is required") }
            let optional = try entryFields.bool("optional") ?? false
            references.append(ValuesReference(
                object: FluxSubstituteReference(kind: kind, name: name, namespace: namespace, optional: optional),
                valuesKey: try entryFields.string("valuesKey").flatMap { $0.isEmpty ? nil : $0 } ?? "values.yaml",
                targetPath: try entryFields.string("targetPath").flatMap { $0.isEmpty ? nil : $0 },
                literal: try entryFields.bool("literal") ?? false))
        }
        self.valuesFrom = references

        var renderers: [JSONObject] = []
        for (index, item) in try fields.array("postRenderers").enumerated() {
            guard case let .object(entry) = item else { throw invalid("spec.postRenderers[\(index)] must be an object") }
            if case let .object(kustomize)? = entry["kustomize"] { renderers.append(kustomize) }
        }
        self.postRenderers = renderers

        let metadata = try fields.object("commonMetadata")
        let metadataFields = metadata.map { FluxFieldReader(object: $0, prefix: "spec.commonMetadata", invalid: invalid) }
        self.commonLabels = try metadataFields?.stringMap("labels") ?? JSONObject()
        self.commonAnnotations = try metadataFields?.stringMap("annotations") ?? JSONObject()

        let install = try fields.object("install")
        let crds = try install.map { FluxFieldReader(object: $0, prefix: "spec.install", invalid: invalid) }?.string("crds")
        self.includeCRDs = crds != "Skip"
        self.driftDetection = try FluxDriftDetection(
            try fields.object("driftDetection"), release: (name: manifest.name, namespace: namespace), invalid: invalid)
    }

    /// helm-controller's `ShortenName`: a name over 53 characters becomes its first 40, a
    /// hyphen and the first 12 hex digits of its SHA-256.
    static func shortened(_ name: String) -> String {
        guard name.utf8.count > 53 else { return name }
        let digest = SHA256.hex(SHA256.hash(name))
        return String(decoding: Array(name.utf8.prefix(40)), as: UTF8.self) + "-" + digest.prefix(12)
    }
}

/// A HelmRelease's `spec.driftDetection`: whether helm-controller corrects drift in the
/// release's objects, and which differences it ignores.
public struct FluxDriftDetection: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// Drift is detected and corrected.
        case enabled
        /// Drift is detected and reported as a warning, not corrected.
        case warn
        /// Drift is neither detected nor corrected: helm-controller's default.
        case disabled
    }

    public var mode: Mode
    /// `ignore` rules, each limited to the release's objects.
    public var ignore: [IgnoreRule]

    /// Why drift in the release's objects is left as it is, as helm-controller leaves it; nil
    /// when it is corrected (`mode: enabled`). Missing objects are created whatever the mode,
    /// as helm-controller's install and upgrade create them.
    public func leavesDriftReason(release: String) -> String? {
        switch mode {
        case .enabled: return nil
        case .warn:
            return "HelmRelease \(release) has driftDetection mode warn: helm-controller reports drift in its objects "
                + "and does not correct it, nor does kubectl drift apply (set spec.driftDetection.mode: enabled)"
        case .disabled:
            return "HelmRelease \(release) does not enable driftDetection (mode disabled, helm-controller's default): "
                + "helm-controller does not correct drift in its objects, nor does kubectl drift apply "
                + "(set spec.driftDetection.mode: enabled)"
        }
    }

    public init(mode: Mode = .disabled, ignore: [IgnoreRule] = []) {
        self.mode = mode
        self.ignore = ignore
    }

    init(
        _ object: JSONObject?, release: (name: String, namespace: String), invalid: @escaping (String) -> FluxError
    ) throws(FluxError) {
        self.init()
        guard let object else { return }
        let fields = FluxFieldReader(object: object, prefix: "spec.driftDetection", invalid: invalid)
        if let text = try fields.string("mode"), !text.isEmpty {
            guard let mode = Mode(rawValue: text) else {
                throw invalid("spec.driftDetection.mode must be enabled, warn or disabled, not \(text)")
            }
            self.mode = mode
        }
        // The rules hold for the release's objects only: those carrying helm-controller's
        // origin labels for it, which every rendered object of the release has.
        let scope = "\(FluxHelm.nameLabel)=\(release.name),\(FluxHelm.namespaceLabel)=\(release.namespace)"
        for (index, item) in try fields.array("ignore").enumerated() {
            let prefix = "spec.driftDetection.ignore[\(index)]"
            guard case let .object(entry) = item else { throw invalid("\(prefix) must be an object") }
            let entryFields = FluxFieldReader(object: entry, prefix: prefix, invalid: invalid)
            var rule = IgnoreRule()
            for (pathIndex, path) in try entryFields.array("paths").enumerated() {
                guard case let .string(text) = path else { throw invalid("\(prefix).paths[\(pathIndex)] must be a string") }
                do {
                    rule.paths.append(try JSONPointer(text))
                } catch {
                    throw invalid("\(prefix).paths[\(pathIndex)]: \(error)")
                }
            }
            guard !rule.paths.isEmpty else { throw invalid("\(prefix).paths is required") }
            let target = try entryFields.object("target")
            rule.target = try Self.target(target, scope: scope, prefix: "\(prefix).target", invalid: invalid)
            ignore.append(rule)
        }
    }

    /// A kustomize selector (`group`, `version`, `kind`, `name`, `namespace` as regular
    /// expressions, label and annotation selectors) narrowed to the release's objects.
    private static func target(
        _ object: JSONObject?, scope: String, prefix: String, invalid: @escaping (String) -> FluxError
    ) throws(FluxError) -> IgnoreTarget {
        var target = IgnoreTarget()
        let fields = object.map { FluxFieldReader(object: $0, prefix: prefix, invalid: invalid) }
        func pattern(_ key: String) throws(FluxError) -> AnchoredPattern? {
            guard let text = try fields?.string(key), !text.isEmpty else { return nil }
            do {
                return try AnchoredPattern(text)
            } catch {
                throw invalid("\(prefix).\(key): \(error)")
            }
        }
        target.group = try pattern("group")
        target.version = try pattern("version")
        target.kind = try pattern("kind")
        target.name = try pattern("name")
        target.namespace = try pattern("namespace")
        let labels = try fields?.string("labelSelector").flatMap { $0.isEmpty ? nil : $0 }
        let annotations = try fields?.string("annotationSelector").flatMap { $0.isEmpty ? nil : $0 }
        do throws(LabelSelectorError) {
            target.labelSelector = try LabelSelector(labels.map { "\($0),\(scope)" } ?? scope)
            target.annotationSelector = try annotations.map { text throws(LabelSelectorError) in try LabelSelector(text) }
        } catch {
            throw invalid("\(prefix): \(error)")
        }
        return target
    }
}
