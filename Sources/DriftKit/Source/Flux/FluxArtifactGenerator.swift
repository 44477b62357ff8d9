/// An ArtifactGenerator (`source.extensions.fluxcd.io/v1beta1`, Flux 2.7's source-watcher):
/// it composes ExternalArtifacts, named after its `spec.artifacts[].name` in its namespace,
/// by copying files of its `spec.sources` (each known by an alias) as `copy` rules say.
///
/// Reading checks what the CRD's schema would refuse, so a broken object is reported where
/// it is written.
struct FluxArtifactGenerator: Sendable, Equatable {
    static let group = "source.extensions.fluxcd.io"
    static let sourceKinds: Set<String> = ["Bucket", "GitRepository", "OCIRepository", "HelmChart", "ExternalArtifact"]
    static let strategies: Set<String> = ["Overwrite", "Merge", "Extract"]

    var name: String
    var namespace: String
    var source: ManifestLocation
    /// `spec.sources`, by alias.
    var sources: [String: FluxReference]
    /// `spec.pathPattern`: when set, artifact names are templates filled per matched folder.
    var pathPattern: String?
    var artifacts: [Artifact]

    /// One ExternalArtifact to compose.
    struct Artifact: Sendable, Equatable {
        var name: String
        var copy: [CopyRule]
    }

    /// `from: "@alias/glob"` copied to `to: "@artifact/path"`, in order, later rules
    /// overwriting earlier ones.
    struct CopyRule: Sendable, Equatable {
        var from: String
        var to: String
        var exclude: [String]
        /// `Overwrite` (the default), `Merge` or `Extract`.
        var strategy: String

        /// The alias of `from` (`monorepo` in `@monorepo/apps/**`); nil when `from` has none.
        var alias: String? {
            guard from.hasPrefix("@"), let slash = from.firstIndex(of: "/") else { return nil }
            return String(from[from.index(after: from.startIndex)..<slash])
        }
    }

    /// `namespace/name`.
    var key: String { "\(namespace)/\(name)" }

    static func isArtifactGenerator(_ object: JSONValue) -> Bool {
        object["kind"]?.stringValue == "ArtifactGenerator"
            && object["apiVersion"]?.stringValue?.hasPrefix("\(group)/") == true
    }

    init(manifest: Manifest, defaultNamespace: String) throws(FluxError) {
        let namespace = manifest.namespace ?? defaultNamespace
        let key = "\(namespace)/\(manifest.name)"
        let location = manifest.source
        func invalid(_ reason: String) -> FluxError { .artifactGenerator(name: key, source: location, reason: reason) }
        /// The fields of a list item, which must be an object.
        func fields(_ item: JSONValue, _ prefix: String) throws(FluxError) -> FluxFieldReader {
            guard case let .object(object) = item else { throw invalid("\(prefix) must be an object") }
            return FluxFieldReader(object: object, prefix: prefix, invalid: invalid)
        }
        func required(_ fields: FluxFieldReader, _ key: String) throws(FluxError) -> String {
            guard let text = try fields.string(key), !text.isEmpty else { throw invalid("\(fields.prefix).\(key) is required") }
            return text
        }
        guard case let .object(specObject)? = manifest.object["spec"] else { throw invalid("it has no spec") }
        let spec = FluxFieldReader(object: specObject, prefix: "spec", invalid: invalid)

        var sources: [String: FluxReference] = [:]
        for (index, item) in try spec.array("sources").enumerated() {
            let entry = try fields(item, "spec.sources[\(index)]")
            let alias = try required(entry, "alias")
            let kind = try required(entry, "kind")
            guard Self.sourceKinds.contains(kind) else {
                throw invalid("\(entry.prefix).kind \(kind) is not one of \(Self.sourceKinds.sorted().joined(separator: ", "))")
            }
            guard sources[alias] == nil else { throw invalid("the source alias \(alias) is used twice") }
            sources[alias] = FluxReference(kind: kind, name: try required(entry, "name"), namespace: try entry.string("namespace") ?? namespace)
        }
        guard !sources.isEmpty else { throw invalid("spec.sources needs at least one source") }

        var artifacts: [Artifact] = []
        for (index, item) in try spec.array("artifacts").enumerated() {
            let entry = try fields(item, "spec.artifacts[\(index)]")
            var rules: [CopyRule] = []
            for (ruleIndex, ruleItem) in try entry.array("copy").enumerated() {
                let rule = try fields(ruleItem, "\(entry.prefix).copy[\(ruleIndex)]")
                let strategy = try rule.string("strategy") ?? "Overwrite"
                guard Self.strategies.contains(strategy) else {
                    throw invalid("\(rule.prefix).strategy \(strategy) is not one of Overwrite, Merge, Extract")
                }
                var exclude: [String] = []
                for pattern in try rule.array("exclude") {
                    guard let text = pattern.stringValue else { throw invalid("\(rule.prefix).exclude must be a list of strings") }
                    exclude.append(text)
                }
                rules.append(CopyRule(
                    from: try required(rule, "from"), to: try required(rule, "to"), exclude: exclude, strategy: strategy))
            }
            guard !rules.isEmpty else { throw invalid("\(entry.prefix).copy needs at least one rule") }
            artifacts.append(Artifact(name: try required(entry, "name"), copy: rules))
        }
        guard !artifacts.isEmpty else { throw invalid("spec.artifacts needs at least one artifact") }

        self.name = manifest.name
        self.namespace = namespace
        self.source = location
        self.sources = sources
        self.pathPattern = try spec.string("pathPattern").flatMap { $0.isEmpty ? nil : $0 }
        self.artifacts = artifacts
    }
}
