/// The repository configuration: `drift.yaml` at the repository root (optional).
///
/// Every setting is optional; what is not set falls back to the command-line flags and then
/// to the defaults. The format is described in `docs/drift-yaml.md`. Reading the file is the
/// caller's job; `parse(_:file:)` only reads text.
public struct DriftConfig: Sendable, Equatable {
    public static let apiVersion = "drift.kubectl-drift.dev/v1alpha1"
    public static let kind = "DriftConfig"
    /// Where the file is looked for, relative to the repository root.
    public static let fileName = "drift.yaml"

    /// A path to read manifests from, relative to the repository root.
    public struct PathEntry: Sendable, Equatable {
        /// Normalised: no leading `./`, no trailing `/`; `.` for the root.
        public var path: String
        /// Whether directories below it are read too (kubectl's `-R`).
        public var recursive: Bool

        public init(path: String, recursive: Bool = false) {
            self.path = path
            self.recursive = recursive
        }
    }

    /// A Flux `Kustomization` to check, by name and (optionally) namespace.
    public struct KustomizationRef: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        /// nil matches the name in any namespace.
        public var namespace: String?

        public init(name: String, namespace: String? = nil) {
            self.name = name
            self.namespace = namespace
        }

        public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

        /// Whether this reference selects the Kustomization `name` in `namespace`.
        public func matches(name: String, namespace: String) -> Bool {
            self.name == name && (self.namespace.map { $0 == namespace } ?? true)
        }
    }

    /// Check what Flux `Kustomization` objects deploy (`--flux`).
    public struct FluxSelection: Sendable, Equatable {
        /// Where to look for the Kustomization objects; nil for the whole repository.
        public var path: String?
        /// Only these Kustomizations; empty for all of them.
        public var kustomizations: [KustomizationRef]

        public init(path: String? = nil, kustomizations: [KustomizationRef] = []) {
            self.path = path
            self.kustomizations = kustomizations
        }

        /// Whether the Kustomization `name` in `namespace` is to be checked.
        public func includes(name: String, namespace: String) -> Bool {
            kustomizations.isEmpty || kustomizations.contains { $0.matches(name: name, namespace: namespace) }
        }
    }

    /// The file the configuration was read from, as given to `parse`.
    public var file: String
    /// Plain manifest paths to check; empty when not set (exclusive with `flux`).
    public var paths: [PathEntry]
    /// Flux mode; nil when not set (exclusive with `paths`).
    public var flux: FluxSelection?
    /// Whether directories holding a `kustomization.yaml` are rendered; nil when not set.
    public var kustomize: Bool?
    /// The cluster this repository is for; nil when not pinned.
    public var cluster: ClusterPin?
    /// The field manager for the server-side apply dry run (and later remediation).
    public var fieldManager: String?
    /// Requests in flight at most (1 to 256).
    public var concurrency: Int?
    /// Manifest files to skip, matched against their path relative to the repository root.
    public var exclude: [PathGlob]
    /// Differences that are never drift.
    public var ignoreDifferences: [IgnoreRule]
    /// Field managers whose fields are never drift, in every object.
    public var ignoreManagers: [String]
    /// Field managers whose fields count as hand edits (`HandEdits.defaultManagers` when nil);
    /// an empty list restores plain server-side-apply semantics.
    public var handEditManagers: [String]?
    /// What `git-drift-hook` does in this repository (the `hook:` section).
    public struct HookSettings: Sendable, Equatable {
        /// How the hook brings the cluster up to the merged or pushed commits.
        public enum Reconcile: String, Sendable, CaseIterable {
            /// Preview only.
            case none
            /// `kubectl drift apply` of the affected objects.
            case apply
            /// Ask Flux to reconcile this repository's GitRepository and Kustomizations now.
            case flux
            /// Ask Argo CD to refresh this repository's Applications now.
            case argocd
        }

        /// When a pre-push preview may refuse the push.
        public enum Block: String, Sendable, CaseIterable {
            /// Never: the hook only warns.
            case never
            /// When an object would fail on the server.
            case errors
        }

        public var reconcile: Reconcile = .none
        public var block: Block = .never
        /// The branches whose merges and pushes are previewed; empty for the repository's default branch.
        public var branches: [String] = []
        /// The whole hook's time limit, in seconds.
        public var timeout: Double = 10
        /// Whether an `apply` reconcile prunes.
        public var prune = false
        /// `namespace/name` of what a `flux` or `argocd` reconcile asks: the GitRepository to
        /// use, or the Application to refresh; nil to find them by the repository's remote URLs.
        public var source: String?

        public init() {}
    }

    /// A Flux GitRepository read from a local clone (`sources:`).
    public struct SourceMapping: Sendable, Equatable {
        public var name: String
        /// nil matches the name in any namespace.
        public var namespace: String?
        /// The clone's folder, as written (relative to the repository root unless absolute).
        public var path: String
        /// The revision to read; nil for what the GitRepository's `spec.ref` names.
        public var ref: String?

        public init(name: String, namespace: String? = nil, path: String, ref: String? = nil) {
            self.name = name
            self.namespace = namespace
            self.path = path
            self.ref = ref
        }
    }

    /// Flux GitRepositories other than this repository, mapped to local clones.
    public var sources: [SourceMapping] = []
    /// Folders of packaged Helm charts (`helm.charts`), relative to the repository root, for
    /// HelmReleases whose chart comes from a Helm repository or an OCI registry.
    public var helmCharts: [String] = []
    /// The `hook:` section; nil when not set (the hook's defaults).
    public var hook: HookSettings?

    /// What `kubectl drift watch` does in this repository (the `watch:` section).
    public struct WatchSettings: Sendable, Equatable {
        /// How often Git is read again and everything verified again, in seconds; nil for
        /// the command's default.
        public var interval: Double?
        /// Whether the loop puts drifted objects back, as `--remediate`.
        public var remediate = false
        /// At most one notification per this many seconds, as `--notify-interval`; nil for
        /// the command's default.
        public var notifyInterval: Double?

        public init() {}
    }

    /// The `watch:` section; nil when not set.
    public var watch: WatchSettings?
    /// `prune: true`: every run prunes, as `--prune`; nil when not set.
    public var prune: Bool?
    /// The ApplySet parent Secret's name, as `--applyset`; nil for the default.
    public var applySet: String?
    /// Remediation paused for the whole repository (maintenance); drift is still reported.
    public var suspend: Bool
    /// A webhook for drift and remediation summaries, as `--notify`.
    public var notify: WebhookURL?
    /// When to notify, as `--notify-on`; nil when not set.
    public var notifyOn: NotificationPolicy?
    /// Leave drifted workloads alone while they are unhealthy, as `--skip-unhealthy`.
    public var skipUnhealthy: Bool

    /// What decrypts encrypted manifests (the `decryption:` section).
    public enum DecryptionProvider: String, Sendable, CaseIterable {
        /// SOPS-encrypted objects are decrypted with sops (`--sops-cmd`, else on `PATH`) and compared.
        case sops
    }

    /// How encrypted objects are decrypted; nil skips them as encrypted (unless `--sops-cmd`).
    public var decryption: DecryptionProvider?

    /// A configuration with nothing set.
    public init(file: String = DriftConfig.fileName) {
        self.file = file
        paths = []
        flux = nil
        kustomize = nil
        cluster = nil
        fieldManager = nil
        concurrency = nil
        exclude = []
        ignoreDifferences = []
        ignoreManagers = []
        handEditManagers = nil
        hook = nil
        watch = nil
        prune = nil
        applySet = nil
        suspend = false
        notify = nil
        notifyOn = nil
        skipUnhealthy = false
        decryption = nil
    }

    /// Whether a manifest file (path relative to the repository root) is excluded.
    public func isExcluded(_ path: String) -> Bool {
        exclude.contains { $0.matches(path) }
    }

    /// The ignore rules and managers of this file, plus those given on the command line
    /// (`--ignore-path` applies to every object, as does `--ignore-manager`).
    public func driftFilter(ignoringPaths extraPaths: [JSONPointer] = [], managers extraManagers: [String] = []) -> DriftFilter {
        var rules = ignoreDifferences
        if !extraPaths.isEmpty { rules.append(IgnoreRule(paths: extraPaths)) }
        var managers = ignoreManagers
        for manager in extraManagers where !managers.contains(manager) { managers.append(manager) }
        return DriftFilter(rules: rules, managers: managers)
    }

    /// The hand-edit managers of this file (or the default list), plus those given with
    /// `--hand-edit-manager`.
    public func handEditManagers(adding extraManagers: [String] = []) -> Set<String> {
        Set(handEditManagers ?? HandEdits.defaultManagers).union(extraManagers)
    }
}
