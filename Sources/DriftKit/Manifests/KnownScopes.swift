/// Which kinds are cluster-scoped, as far as is known without asking a server: Kubernetes'
/// built-in cluster-scoped kinds, and the kinds of the CustomResourceDefinitions among the
/// objects being read (`spec.scope: Cluster`).
///
/// For readings that never reach a cluster (`changes`, Helm's namespace for a release's
/// objects); a kind that is neither is taken to be namespaced, as `kubectl` does for a
/// manifest before discovery says otherwise.
public struct KnownScopes: Sendable {
    /// Kubernetes' own cluster-scoped kinds, by API group (`""` for the core group).
    public static let builtInClusterScoped: Set<GroupKind> = [
        GroupKind("", "Namespace"), GroupKind("", "Node"), GroupKind("", "PersistentVolume"),
        GroupKind("", "ComponentStatus"),
        GroupKind("rbac.authorization.k8s.io", "ClusterRole"), GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        GroupKind("apiextensions.k8s.io", "CustomResourceDefinition"),
        GroupKind("apiregistration.k8s.io", "APIService"),
        GroupKind("storage.k8s.io", "StorageClass"), GroupKind("storage.k8s.io", "CSIDriver"),
        GroupKind("storage.k8s.io", "CSINode"), GroupKind("storage.k8s.io", "VolumeAttachment"),
        GroupKind("storage.k8s.io", "VolumeAttributesClass"),
        GroupKind("scheduling.k8s.io", "PriorityClass"),
        GroupKind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        GroupKind("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        GroupKind("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        GroupKind("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        GroupKind("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        GroupKind("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        GroupKind("networking.k8s.io", "IngressClass"), GroupKind("networking.k8s.io", "IPAddress"),
        GroupKind("networking.k8s.io", "ServiceCIDR"),
        GroupKind("node.k8s.io", "RuntimeClass"),
        GroupKind("certificates.k8s.io", "CertificateSigningRequest"),
        GroupKind("certificates.k8s.io", "ClusterTrustBundle"),
        GroupKind("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        GroupKind("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        GroupKind("resource.k8s.io", "DeviceClass"), GroupKind("resource.k8s.io", "ResourceSlice"),
    ]

    /// An API group and kind, without the version: what a scope belongs to.
    public struct GroupKind: Sendable, Hashable {
        public var group: String
        public var kind: String

        public init(_ group: String, _ kind: String) {
            self.group = group
            self.kind = kind
        }
    }

    private var clusterScoped: Set<GroupKind>

    /// The built-in kinds and those of the cluster-scoped CustomResourceDefinitions in `manifests`.
    public init(defining manifests: [Manifest] = []) {
        clusterScoped = Self.builtInClusterScoped
        for manifest in manifests where manifest.group == "apiextensions.k8s.io" && manifest.kind == "CustomResourceDefinition" {
            guard manifest.object[["spec", "scope"]]?.stringValue == "Cluster",
                let group = manifest.object[["spec", "group"]]?.stringValue,
                let kind = manifest.object[["spec", "names", "kind"]]?.stringValue
            else { continue }
            clusterScoped.insert(GroupKind(group, kind))
        }
    }

    public func isClusterScoped(_ manifest: Manifest) -> Bool {
        clusterScoped.contains(GroupKind(manifest.group, manifest.kind))
    }

    /// The manifests with `namespace` written into those that are namespaced and name none,
    /// as the server would place them.
    public func placing(_ manifests: [Manifest], in namespace: String) -> [Manifest] {
        manifests.map { manifest in
            guard manifest.namespace == nil, !isClusterScoped(manifest) else { return manifest }
            var metadata = manifest.object["metadata"]?.objectValue ?? JSONObject()
            metadata["namespace"] = .string(namespace)
            var members = manifest.object.objectValue ?? JSONObject()
            members["metadata"] = .object(metadata)
            var placed = manifest
            placed.object = .object(members)
            return placed
        }
    }
}
