/// A GitOps controller's kind that a reconcile annotates: where it is listed and patched.
struct GitOpsKind: Sendable, Equatable {
    let group: String
    let version: String
    let kind: String
    let plural: String

    static let gitRepository = GitOpsKind(
        group: "source.toolkit.fluxcd.io", version: "v1", kind: "GitRepository", plural: "gitrepositories")
    static let kustomization = GitOpsKind(
        group: "kustomize.toolkit.fluxcd.io", version: "v1", kind: "Kustomization", plural: "kustomizations")
    static let application = GitOpsKind(group: "argoproj.io", version: "v1alpha1", kind: "Application", plural: "applications")

    var apiVersion: String { "\(group)/\(version)" }

    /// `source.toolkit.fluxcd.io/v1 GitRepository`, as notes name an API.
    var apiName: String { "\(apiVersion) \(kind)" }

    /// The collection across all namespaces.
    var collectionPath: String { "/apis/\(apiVersion)/\(plural)" }

    func objectPath(_ identity: ObjectIdentity) -> String {
        "/apis/\(apiVersion)/namespaces/\(ResourcePath.escape(identity.namespace ?? ""))/\(plural)/\(ResourcePath.escape(identity.name))"
    }

    /// The identity of a listed object of this kind; nil when it has no name.
    func identity(of object: JSONValue) -> ObjectIdentity? {
        guard let name = object[["metadata", "name"]]?.stringValue else { return nil }
        return ObjectIdentity(group: group, kind: kind, namespace: object[["metadata", "namespace"]]?.stringValue, name: name)
    }
}
