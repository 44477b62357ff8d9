/// The order Flux reconciles a repository's Kustomizations and HelmReleases in.
///
/// A Kustomization waits for the Kustomizations its `spec.dependsOn` names to be Ready; a
/// HelmRelease for the HelmReleases its `dependsOn` names, and (being applied by one) for
/// the Kustomization whose objects it is among. Each node's depth is one more than its
/// deepest dependency's, so depth 0 goes first, and everything of one depth may go together.
public struct FluxDependencyGraph: Sendable {
    /// Each node's direct dependencies, in the order written (a HelmRelease's Kustomization first).
    public private(set) var dependencies: [FluxReference: [FluxReference]] = [:]
    /// Each node's depth; nodes in a cycle have none.
    public private(set) var depth: [FluxReference: Int] = [:]
    /// Nodes in the order they were met (units, then their HelmReleases).
    public private(set) var nodes: [FluxReference] = []
    /// The node the objects rendered into a `ManifestLocation.file` belong to.
    private var nodeOfFile: [String: FluxReference] = [:]
    /// Where each node is written, for messages.
    private var sources: [FluxReference: ManifestLocation] = [:]
    /// What `spec.dependsOn` names, per node.
    private var explicit: [FluxReference: [FluxReference]] = [:]

    public init(units: [FluxUnit], defaultNamespace: String = "default") {
        for unit in units {
            let kustomization = FluxReference(kind: "Kustomization", name: unit.name, namespace: unit.namespace)
            add(kustomization, dependencies: unit.kustomization.dependsOn, source: unit.kustomization.source)
            explicit[kustomization] = unit.kustomization.dependsOn
            for manifest in unit.manifests {
                if FluxHelm.isHelmRelease(manifest) {
                    let namespace = manifest.namespace ?? defaultNamespace
                    let release = FluxReference(kind: "HelmRelease", name: manifest.name, namespace: namespace)
                    let written = Self.releaseDependencies(manifest, namespace: namespace)
                    add(release, dependencies: [kustomization] + written, source: manifest.source)
                    explicit[release] = written
                } else if nodeOfFile[manifest.source.file] == nil {
                    nodeOfFile[manifest.source.file] = kustomization
                }
            }
            for release in unit.helmReleases {
                nodeOfFile[release.renderedFile] = FluxReference(kind: "HelmRelease", name: release.name, namespace: release.namespace)
            }
        }
        for node in nodes { _ = depth(of: node, visiting: []) }
    }

    private mutating func add(_ node: FluxReference, dependencies: [FluxReference], source: ManifestLocation) {
        guard self.dependencies[node] == nil else { return }
        nodes.append(node)
        self.dependencies[node] = dependencies
        sources[node] = source
    }

    /// A HelmRelease's `spec.dependsOn`, as written (an unreadable entry is the schema's to refuse).
    private static func releaseDependencies(_ manifest: Manifest, namespace: String) -> [FluxReference] {
        (manifest.object[["spec", "dependsOn"]]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, !name.isEmpty else { return nil }
            let written = entry["namespace"]?.stringValue ?? ""
            return FluxReference(kind: "HelmRelease", name: name, namespace: written.isEmpty ? namespace : written)
        }
    }

    private mutating func depth(of node: FluxReference, visiting: Set<FluxReference>) -> Int? {
        if let known = depth[node] { return known }
        guard !visiting.contains(node), let direct = dependencies[node] else { return nil }
        var deepest = -1
        for dependency in direct where dependencies[dependency] != nil {
            guard let found = depth(of: dependency, visiting: visiting.union([node])) else { return nil }
            deepest = max(deepest, found)
        }
        depth[node] = deepest + 1
        return deepest + 1
    }

    /// Whether any node names another in `dependsOn`, so that applying waits for Ready.
    public var hasDependencies: Bool { !waitedFor.isEmpty }

    /// The nodes some `dependsOn` names: what is awaited (applied and healthy) before its dependents.
    public var waitedFor: Set<FluxReference> { Set(explicit.values.joined()) }

    /// The dependencies written in `spec.dependsOn`, without a HelmRelease's own Kustomization.
    public func dependsOn(_ node: FluxReference) -> [FluxReference] { explicit[node] ?? [] }

    /// The node whose objects a `ManifestLocation.file` holds; nil outside Flux.
    public func node(ofObjectFrom file: String) -> FluxReference? { nodeOfFile[file] }

    /// Throws the first problem Flux would stop at: a dependency on what the repository does
    /// not define, or a cycle.
    public func check() throws(FluxError) {
        for node in nodes {
            for dependency in dependencies[node] ?? [] where dependencies[dependency] == nil {
                throw .missingDependency(dependent: node.description, source: sources[node], dependency: dependency.description)
            }
        }
        for node in nodes where depth[node] == nil {
            throw .dependencyCycle(chain: cycle(from: node).map(\.description))
        }
    }

    /// A cycle reached from `start`, its first node repeated at the end.
    private func cycle(from start: FluxReference) -> [FluxReference] {
        var path: [FluxReference] = []
        var current = start
        while !path.contains(current) {
            path.append(current)
            // A node without depth has a dependency without depth: follow it.
            guard let next = (dependencies[current] ?? []).first(where: { dependencies[$0] != nil && depth[$0] == nil }) else { break }
            current = next
        }
        guard let first = path.firstIndex(of: current) else { return path }
        return Array(path[first...]) + [current]
    }
}
