/// A Flux object as the cluster holds it.
public enum FluxLiveObject: Sendable, Equatable {
    case present(JSONValue)
    /// Not in the cluster (404): not deployed, or Flux's CRDs are not installed.
    case absent
    case unreadable(APIError)

    static func read(_ path: String, client: APIClient) -> FluxLiveObject {
        do {
            return try client.getIfPresent(path).map(FluxLiveObject.present) ?? .absent
        } catch {
            return .unreadable(error)
        }
    }
}

/// Why Flux does not reconcile a Kustomization or HelmRelease: `spec.suspend: true`, set in
/// the cluster (what `flux suspend` does) or in Git.
public struct FluxSuspension: Sendable, Equatable, CustomStringConvertible {
    public enum Origin: String, Sendable, Equatable {
        case live
        case git = "in Git"
    }

    /// `Kustomization flux-system/apps`, `HelmRelease web/podinfo`.
    public var object: String
    public var origin: Origin

    public init(object: String, origin: Origin) {
        self.object = object
        self.origin = origin
    }

    public var description: String { "the Flux \(object) has spec.suspend: true (\(origin.rawValue))" }
}

/// Whether Flux reconciles a Kustomization or HelmRelease now.
public enum FluxReconciliation: Sendable, Equatable {
    case active
    case suspended(FluxSuspension)
    /// Git does not suspend it and its live object could not be read: the reason.
    case unknown(String)

    /// Suspended when the live object or Git says so; the live one first, as it is what Flux acts on now.
    static func of(_ object: String, suspendedInGit: Bool, live: FluxLiveObject) -> FluxReconciliation {
        if case let .present(value) = live, value[["spec", "suspend"]]?.boolValue == true {
            return .suspended(FluxSuspension(object: object, origin: .live))
        }
        if suspendedInGit { return .suspended(FluxSuspension(object: object, origin: .git)) }
        if case let .unreadable(error) = live {
            return .unknown("cannot tell whether the Flux \(object) is suspended, its live object cannot be read: \(error)")
        }
        return .active
    }
}

/// The live side of a run's Flux units, read once (one GET per Kustomization and per rendered
/// HelmRelease): what remediation, pruning and the report groups read of the cluster.
public struct FluxLiveState: Sendable {
    /// Where Flux Kustomizations are read (kustomize-controller's served, storage version).
    public static let kustomizationsPath = "/apis/kustomize.toolkit.fluxcd.io/v1"

    public var units: [FluxUnit]
    private var kustomizations: [String: FluxLiveObject]
    private var helmReleases: [String: FluxLiveObject]

    /// The state of `units` given their live objects by `namespace/name` (a missing key is absent).
    init(units: [FluxUnit], kustomizations: [String: FluxLiveObject], helmReleases: [String: FluxLiveObject] = [:]) {
        self.units = units
        self.kustomizations = kustomizations
        self.helmReleases = helmReleases
    }

    /// Reads each unit's Kustomization and each of its rendered HelmReleases.
    public static func read(_ units: [FluxUnit], client: APIClient, concurrency: Int) -> FluxLiveState {
        enum Read: Sendable {
            case kustomization(FluxKustomization)
            case helmRelease(FluxHelmRelease)
        }
        let reads = units.flatMap { unit in
            [Read.kustomization(unit.kustomization)] + unit.helmReleases.map(Read.helmRelease)
        }
        let objects = BoundedConcurrency.map(reads, limit: max(1, concurrency)) { read in
            switch read {
            case let .kustomization(kustomization):
                return FluxLiveObject.read(
                    objectPath(kustomizationsPath, "kustomizations", kustomization.namespace, kustomization.name), client: client)
            case let .helmRelease(release):
                return FluxLiveObject.read(
                    objectPath(ResourcePath.groupVersionRoot(release.apiVersion), "helmreleases", release.namespace, release.name),
                    client: client)
            }
        }
        var state = FluxLiveState(units: units, kustomizations: [:])
        for (read, object) in zip(reads, objects) {
            switch read {
            case let .kustomization(kustomization): state.kustomizations[kustomization.key] = object
            case let .helmRelease(release): state.helmReleases[release.key] = object
            }
        }
        return state
    }

    private static func objectPath(_ root: String, _ resource: String, _ namespace: String, _ name: String) -> String {
        "\(root)/namespaces/\(ResourcePath.escape(namespace))/\(resource)/\(ResourcePath.escape(name))"
    }

    /// The unit's Kustomization in the cluster.
    public func kustomization(of unit: FluxUnit) -> FluxLiveObject {
        kustomizations[unit.kustomization.key] ?? .absent
    }

    public func reconciliation(of unit: FluxUnit) -> FluxReconciliation {
        .of("Kustomization \(unit.kustomization.key)", suspendedInGit: unit.suspend, live: kustomization(of: unit))
    }

    public func reconciliation(of release: FluxHelmRelease) -> FluxReconciliation {
        .of("HelmRelease \(release.key)", suspendedInGit: release.suspend, live: helmReleases[release.key] ?? .absent)
    }

    /// The HelmRelease whose rendering the object from `file` is, if any.
    public func helmRelease(ofObjectFrom file: String) -> FluxHelmRelease? {
        units.lazy.flatMap(\.helmReleases).first { $0.renderedFile == file }
    }

    /// Whether Flux reconciles the object whose manifest came from `file`: its Kustomization
    /// decides, then the HelmRelease it was rendered from, if any.
    public func reconciliation(ofObjectFrom file: String) -> FluxReconciliation {
        guard let unit = units.first(where: { unit in unit.manifests.contains { $0.source.file == file } }) else {
            return .active
        }
        let own = reconciliation(of: unit)
        guard own == .active, let release = unit.helmReleases.first(where: { $0.renderedFile == file }) else { return own }
        return reconciliation(of: release)
    }
}
