import Synchronization

/// What a chart's templates see of the cluster (`.Capabilities`): its Kubernetes version and
/// the API versions it serves, as helm-controller's helm reads them from the live server.
/// Without them, `helm template` renders for its own built-in version and the core APIs only,
/// so a chart that checks for a CRD's API (`.Capabilities.APIVersions.Has
/// "monitoring.coreos.com/v1"`) or a version would render other objects than Flux installs.
public struct HelmCapabilities: Sendable, Equatable {
    /// The server's `gitVersion`, such as `v1.36.2`.
    public var kubeVersion: String
    /// Every `group/version` served (`v1` for the core group), and `group/version/Kind` for
    /// each of their kinds, as Helm's version set holds them.
    public var apiVersions: [String]

    public init(kubeVersion: String, apiVersions: [String]) {
        self.kubeVersion = kubeVersion
        self.apiVersions = apiVersions
    }

    /// `helm template`'s flags for them.
    var arguments: [String] {
        ["--kube-version", kubeVersion] + (apiVersions.isEmpty ? [] : ["--api-versions", apiVersions.joined(separator: ",")])
    }

    /// `read` called at most once, on first use, its answer kept (a run renders many releases).
    public static func once(_ read: @escaping @Sendable () -> HelmCapabilities?) -> @Sendable () -> HelmCapabilities? {
        let state = Mutex<HelmCapabilities??>(nil)
        return {
            state.withLock { cached in
                if let cached { return cached }
                let value = read()
                cached = .some(value)
                return value
            }
        }
    }
}
