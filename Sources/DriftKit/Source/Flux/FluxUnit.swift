import Foundation

/// What one Flux Kustomization applies: its rendered objects, and what Flux's per-object
/// annotations take out of drift checking. The detector and the report group by unit.
public struct FluxUnit: Sendable {
    /// The Kustomization, as the last rendering of its parent (or its file) defines it.
    public var kustomization: FluxKustomization
    /// Objects to check, in kustomize's order, each with its unit as source
    /// (`apps/production (Flux Kustomization flux-system/apps)`, document index).
    public var manifests: [Manifest]
    /// Objects annotated `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent`: Flux creates them
    /// but never updates them, so only their existence counts.
    public var existenceOnly: Set<ObjectIdentity>
    /// Objects Flux does not apply (`ssa: Ignore`, `reconcile: disabled`), out of drift checking.
    public var excluded: [FluxExclusion]
    /// Objects that cannot be compared (hooks, objects the server names, encrypted objects
    /// the Kustomization does not decrypt), with why.
    public var skipped: [SkippedObject] = []
    /// What could not be rendered, and why: the whole unit (another source), HelmReleases,
    /// `substituteFrom` objects.
    public var notRendered: [FluxNotRendered]
    /// Variables used as `${name}` with no value and no default: Flux replaces them by
    /// nothing, so these objects may show drift if the values come from `substituteFrom`.
    public var unresolvedVariables: [String]
    /// HelmReleases rendered with `helm template`, whose objects are among `manifests`.
    public var helmReleases: [FluxHelmRelease]
    /// What was read as kubectl reads it but deserves a word (keys written twice).
    public var warnings: [YAMLWarning] = []

    public var name: String { kustomization.name }
    public var namespace: String { kustomization.namespace }
    /// `spec.path` as written.
    public var path: String { kustomization.path }
    public var suspend: Bool { kustomization.suspend }
    public var prune: Bool { kustomization.prune }
    /// Whether the unit's path was rendered at all (false for another repository's source).
    public var isRendered: Bool
    /// What the unit's files come from when it is not this repository: a mapped clone at its
    /// revision, or an ExternalArtifact; nil for this repository.
    public var sourceName: String?

    public init(
        kustomization: FluxKustomization, manifests: [Manifest] = [], existenceOnly: Set<ObjectIdentity> = [],
        excluded: [FluxExclusion] = [], notRendered: [FluxNotRendered] = [], unresolvedVariables: [String] = [],
        helmReleases: [FluxHelmRelease] = [], isRendered: Bool = true
    ) {
        self.kustomization = kustomization
        self.manifests = manifests
        self.existenceOnly = existenceOnly
        self.excluded = excluded
        self.notRendered = notRendered
        self.unresolvedVariables = unresolvedVariables
        self.helmReleases = helmReleases
        self.isRendered = isRendered
    }
}

/// An object Flux leaves alone, so that it is not checked for drift.
public struct FluxExclusion: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// `kustomize.toolkit.fluxcd.io/ssa: Ignore`: Flux never applies the object.
        case ssaIgnore
        /// `kustomize.toolkit.fluxcd.io/reconcile: disabled`: Flux does not reconcile it.
        case reconcileDisabled
    }

    public var identity: ObjectIdentity
    public var source: ManifestLocation
    public var reason: Reason

    public init(identity: ObjectIdentity, source: ManifestLocation, reason: Reason) {
        self.identity = identity
        self.source = source
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .ssaIgnore: return "\(identity): not checked (kustomize.toolkit.fluxcd.io/ssa: Ignore)"
        case .reconcileDisabled: return "\(identity): not checked (kustomize.toolkit.fluxcd.io/reconcile: disabled)"
        }
    }
}

/// A HelmRelease that was rendered with its unit: helm-controller applies its objects, and
/// suspends them with it (`spec.suspend`).
public struct FluxHelmRelease: Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// As written in Git, the version its live object is read at.
    public var apiVersion: String
    /// `spec.suspend` in Git.
    public var suspend: Bool
    /// The `ManifestLocation.file` of its rendered objects.
    public var renderedFile: String
    /// The Helm release helm-controller installs, and the namespace its objects go to.
    public var releaseName: String
    public var releaseNamespace: String
    /// Where Helm keeps the release's history (`spec.storageNamespace`).
    public var storageNamespace: String
    /// The chart that was rendered: a folder of the repository or a packaged chart's file.
    public var chart: String
    /// Whether helm-controller corrects drift in its objects, and what it ignores.
    public var driftDetection: FluxDriftDetection

    public init(
        name: String, namespace: String, apiVersion: String, suspend: Bool, renderedFile: String,
        releaseName: String? = nil, releaseNamespace: String? = nil, storageNamespace: String? = nil, chart: String = "",
        driftDetection: FluxDriftDetection = FluxDriftDetection()
    ) {
        self.name = name
        self.namespace = namespace
        self.apiVersion = apiVersion
        self.suspend = suspend
        self.renderedFile = renderedFile
        self.releaseName = releaseName ?? name
        self.releaseNamespace = releaseNamespace ?? namespace
        self.storageNamespace = storageNamespace ?? namespace
        self.chart = chart
        self.driftDetection = driftDetection
    }

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }
}

/// Something of a unit that was not rendered, such as `HelmRelease podinfo/podinfo`, and why.
public struct FluxNotRendered: Sendable, Equatable, CustomStringConvertible {
    public var what: String
    public var why: String
    /// The Kustomization or HelmRelease not rendered; nil for a part of one (a `substituteFrom` reference).
    public var object: FluxReference?

    public init(what: String, why: String, object: FluxReference? = nil) {
        self.what = what
        self.why = why
        self.object = object
    }

    /// A Kustomization or HelmRelease not rendered.
    init(_ object: FluxReference, why: String) {
        self.init(what: object.description, why: why, object: object)
    }

    public var description: String { "\(what): not rendered, \(why)" }

    /// The entry of a report's `notChecked[]`.
    public var notChecked: NotChecked {
        NotChecked(what: what, reason: "not rendered: \(why)", kind: object?.kind, namespace: object?.namespace, name: object?.name)
    }
}

/// A file that looked like it held Flux objects but could not be read; it was skipped.
public struct FluxSkippedFile: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path) skipped: \(reason)" }
}

/// The Flux view of a repository: one unit per Kustomization, in discovery order (the
/// order of the files, then Kustomizations found only in rendered output).
public struct FluxResult: Sendable {
    public var units: [FluxUnit]
    public var skippedFiles: [FluxSkippedFile]

    public init(units: [FluxUnit], skippedFiles: [FluxSkippedFile]) {
        self.units = units
        self.skippedFiles = skippedFiles
    }

    /// The unit of the Kustomization `namespace/name`.
    public func unit(_ key: String) -> FluxUnit? { units.first { $0.kustomization.key == key } }
}

/// How Flux sources, variables and Helm charts are resolved.
public struct FluxOptions: Sendable {
    /// The remote URLs of the repository being read (`git remote`): a GitRepository with one
    /// of these URLs is this repository. See `FluxSources`.
    public var repositoryURLs: [String]
    /// GitRepository objects (`namespace/name`) to take as this repository whatever their URL.
    public var localSources: Set<String>
    /// Adds the labels kustomize-controller sets on everything it applies
    /// (`kustomize.toolkit.fluxcd.io/name` and `/namespace`) and helm-controller's.
    public var ownerLabels: Bool
    /// `helm template` for HelmReleases; nil lists them as not rendered.
    public var helm: HelmCommand?
    /// GitRepositories other than this repository, read from local clones (drift.yaml `sources`).
    public var sourceClones: [FluxSourceClone] = []
    /// For reading those clones (`GIT_*` variables are left out).
    public var environment: [String: String] = [:]
    /// Packaged charts on this machine, for charts of Helm repositories and OCI registries.
    public var charts: HelmChartStore
    /// helm processes at once.
    public var concurrency: Int
    /// The cluster's version and APIs for charts' `.Capabilities` (read once, when a release
    /// is rendered); nil, or a nil answer, leaves helm's built-in defaults.
    public var helmCapabilities: (@Sendable () -> HelmCapabilities?)?
    /// The sops that decrypts the objects of Kustomizations with `spec.decryption.provider:
    /// sops`; nil leaves them encrypted, skipped.
    public var sops: SOPSCommand?
    /// Reads a ConfigMap or Secret that `postBuild.substituteFrom` or a HelmRelease's
    /// `valuesFrom` names (for example from the cluster); nil, or a nil answer, reports the
    /// reference as not rendered.
    public var substituteFrom: (@Sendable (FluxSubstituteReference) -> [String: String]?)?
    /// Namespace of Kustomization objects that name none (where the API server would put them).
    public var defaultNamespace: String
    /// How rendered objects with a key written twice are read (`--strict` rejects them).
    public var duplicateKeys: DuplicateKeyPolicy = .lastWins

    public init(
        repositoryURLs: [String] = [], localSources: Set<String> = [], ownerLabels: Bool = true,
        helm: HelmCommand? = nil, charts: HelmChartStore = HelmChartStore(folders: []), concurrency: Int = 4,
        substituteFrom: (@Sendable (FluxSubstituteReference) -> [String: String]?)? = nil,
        defaultNamespace: String = "default"
    ) {
        self.repositoryURLs = repositoryURLs
        self.localSources = localSources
        self.ownerLabels = ownerLabels
        self.helm = helm
        self.charts = charts
        self.concurrency = concurrency
        self.substituteFrom = substituteFrom
        self.defaultNamespace = defaultNamespace
    }
}
