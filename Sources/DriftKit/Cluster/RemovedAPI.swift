/// A group/version/kind that Kubernetes stopped serving, and what to use instead.
///
/// The table is the "Removed APIs by release" part of the deprecated API migration guide
/// (kubernetes.io/docs/reference/using-api/deprecation-guide), so that a manifest still naming
/// one gets the fix instead of a hint about a missing CustomResourceDefinition.
public struct RemovedAPI: Sendable, Equatable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    /// The release that stopped serving it, such as `v1.22`.
    public var removedIn: String
    /// What to do instead, such as `use networking.k8s.io/v1`.
    public var advice: String

    /// `extensions/v1beta1 Ingress was removed in Kubernetes v1.22; use networking.k8s.io/v1`.
    public var description: String {
        "\(apiVersion) \(kind) was removed in Kubernetes \(removedIn); \(advice)"
    }

    /// The guide's entry for `kind` in `apiVersion`, if Kubernetes removed it.
    public static func matching(apiVersion: String, kind: String) -> RemovedAPI? {
        table[Key(apiVersion: apiVersion, kind: kind)]
    }

    private struct Key: Hashable {
        var apiVersion: String
        var kind: String
    }

    /// One section of the guide: the kinds several API versions stopped serving in one release.
    private typealias Section = (removedIn: String, apiVersions: [String], kinds: [String], advice: String)

    private static let guide: [Section] = [
        ("v1.16", ["extensions/v1beta1"], ["NetworkPolicy"], "use networking.k8s.io/v1"),
        ("v1.16", ["extensions/v1beta1", "apps/v1beta2"], ["DaemonSet"], "use apps/v1"),
        ("v1.16", ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"], ["Deployment", "ReplicaSet"], "use apps/v1"),
        ("v1.16", ["apps/v1beta1", "apps/v1beta2"], ["StatefulSet"], "use apps/v1"),
        // The guide's replacement, policy/v1beta1, was itself removed in v1.25.
        ("v1.16", ["extensions/v1beta1"], ["PodSecurityPolicy"],
         "use policy/v1beta1 before v1.25, then Pod Security Admission or a third-party admission webhook"),
        ("v1.22", ["admissionregistration.k8s.io/v1beta1"], ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
         "use admissionregistration.k8s.io/v1"),
        ("v1.22", ["apiextensions.k8s.io/v1beta1"], ["CustomResourceDefinition"], "use apiextensions.k8s.io/v1"),
        ("v1.22", ["apiregistration.k8s.io/v1beta1"], ["APIService"], "use apiregistration.k8s.io/v1"),
        ("v1.22", ["authentication.k8s.io/v1beta1"], ["TokenReview"], "use authentication.k8s.io/v1"),
        ("v1.22", ["authorization.k8s.io/v1beta1"],
         ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"],
         "use authorization.k8s.io/v1"),
        ("v1.22", ["certificates.k8s.io/v1beta1"], ["CertificateSigningRequest"], "use certificates.k8s.io/v1"),
        ("v1.22", ["coordination.k8s.io/v1beta1"], ["Lease"], "use coordination.k8s.io/v1"),
        ("v1.22", ["extensions/v1beta1", "networking.k8s.io/v1beta1"], ["Ingress"], "use networking.k8s.io/v1"),
        ("v1.22", ["networking.k8s.io/v1beta1"], ["IngressClass"], "use networking.k8s.io/v1"),
        ("v1.22", ["rbac.authorization.k8s.io/v1beta1"], ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
         "use rbac.authorization.k8s.io/v1"),
        ("v1.22", ["scheduling.k8s.io/v1beta1"], ["PriorityClass"], "use scheduling.k8s.io/v1"),
        ("v1.22", ["storage.k8s.io/v1beta1"], ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], "use storage.k8s.io/v1"),
        ("v1.25", ["batch/v1beta1"], ["CronJob"], "use batch/v1"),
        ("v1.25", ["discovery.k8s.io/v1beta1"], ["EndpointSlice"], "use discovery.k8s.io/v1"),
        ("v1.25", ["events.k8s.io/v1beta1"], ["Event"], "use events.k8s.io/v1"),
        ("v1.25", ["autoscaling/v2beta1"], ["HorizontalPodAutoscaler"], "use autoscaling/v2"),
        ("v1.25", ["policy/v1beta1"], ["PodDisruptionBudget"], "use policy/v1"),
        ("v1.25", ["policy/v1beta1"], ["PodSecurityPolicy"],
         "it has no replacement API: migrate to Pod Security Admission or a third-party admission webhook"),
        ("v1.25", ["node.k8s.io/v1beta1"], ["RuntimeClass"], "use node.k8s.io/v1"),
        // The guide names v1beta2, itself removed in v1.29; v1 is served from v1.29, v1beta3 from v1.26.
        ("v1.26", ["flowcontrol.apiserver.k8s.io/v1beta1"], ["FlowSchema", "PriorityLevelConfiguration"],
         "use flowcontrol.apiserver.k8s.io/v1 (v1beta3 before v1.29)"),
        ("v1.26", ["autoscaling/v2beta2"], ["HorizontalPodAutoscaler"], "use autoscaling/v2"),
        ("v1.27", ["storage.k8s.io/v1beta1"], ["CSIStorageCapacity"], "use storage.k8s.io/v1"),
        ("v1.29", ["flowcontrol.apiserver.k8s.io/v1beta2"], ["FlowSchema", "PriorityLevelConfiguration"],
         "use flowcontrol.apiserver.k8s.io/v1"),
        ("v1.32", ["flowcontrol.apiserver.k8s.io/v1beta3"], ["FlowSchema", "PriorityLevelConfiguration"],
         "use flowcontrol.apiserver.k8s.io/v1"),
    ]

    private static let table: [Key: RemovedAPI] = {
        var table: [Key: RemovedAPI] = [:]
        for section in guide {
            for apiVersion in section.apiVersions {
                for kind in section.kinds {
                    table[Key(apiVersion: apiVersion, kind: kind)] = RemovedAPI(
                        apiVersion: apiVersion, kind: kind, removedIn: section.removedIn, advice: section.advice)
                }
            }
        }
        return table
    }()
}
