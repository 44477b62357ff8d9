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
        func string(_ value: JSONValue?, _ field: String) throws(FluxError) -> String {
            guard let text = value?.stringValue, !text.isEmpty else { throw invalid("\(field) is required (a string)") }
            return text
        }
        func list(_ value: JSONValue?, _ field: String) throws(FluxError) -> [JSONValue] {
            guard let value, value != .null else { return [] }
            guard let items = value.arrayValue else { throw invalid("\(field) must be a list") }
            return items
        }

        var sources: [String: FluxReference] = [:]
        for (index, entry) in try list(manifest.object[["spec", "sources"]], "spec.sources").enumerated() {
            let field = "spec.sources[\(index)]"
            let alias = try string(entry["alias"], "\(field).alias")
            let kind = try string(entry["kind"], "\(field).kind")
            guard Self.sourceKinds.contains(kind) else {
                throw invalid("\(field).kind \(kind) is not one of \(Self.sourceKinds.sorted().joined(separator: ", "))")
            }
            guard sources[alias] == nil else { throw invalid("the source alias \(alias) is used twice") }
            sources[alias] = FluxReference(
                kind: kind, name: try string(entry["name"], "\(field).name"),
                namespace: entry["namespace"]?.stringValue ?? namespace)
        }
        guard !sources.isEmpty else { throw invalid("spec.sources needs at least one source") }

        var artifacts: [Artifact] = []
        for (index, entry) in try list(manifest.object[["spec", "artifacts"]], "spec.artifacts").enumerated() {
            let field = "spec.artifacts[\(index)]"
            var rules: [CopyRule] = []
            for (ruleIndex, rule) in try list(entry["copy"], "\(field).copy").enumerated() {
                let ruleField = "\(field).copy[\(ruleIndex)]"
                let strategy = rule["strategy"]?.stringValue ?? "Overwrite"
                guard Self.strategies.contains(strategy) else {
                    throw invalid("\(ruleField).strategy \(strategy) is not one of Overwrite, Merge, Extract")
                }
                var exclude: [String] = []
                for pattern in try list(rule["exclude"], "\(ruleField).exclude") {
                    guard let text = pattern.stringValue else { throw invalid("\(ruleField).exclude must be a list of strings") }
                    exclude.append(text)
                }
                rules.append(CopyRule(
                    from: try string(rule["from"], "\(ruleField).from"), to: try string(rule["to"], "\(ruleField).to"),
                    exclude: exclude, strategy: strategy))
            }
            guard !rules.isEmpty else { throw invalid("\(field).copy needs at least one rule") }
            artifacts.append(Artifact(name: try string(entry["name"], "\(field).name"), copy: rules))
        }
        guard !artifacts.isEmpty else { throw invalid("spec.artifacts needs at least one artifact") }

        self.name = manifest.name
        self.namespace = namespace
        self.source = location
        self.sources = sources
        self.pathPattern = manifest.object[["spec", "pathPattern"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        self.artifacts = artifacts
    }
}
