/// What deleting a Namespace would delete with it, so that pruning a Namespace never deletes
/// objects the tool did not apply.
public struct NamespaceContents: Sendable, Equatable {
    /// Objects that are ours (pruning's members): they go with the namespace.
    public var owned: [ObjectIdentity] = []
    /// Objects the tool did not apply.
    public var foreign: [ObjectIdentity] = []
    /// The types whose objects could not be listed, and why.
    public var unreadable: [String] = []

    /// Lists every namespaced type in `namespace` (one LIST each) and sorts what it holds.
    ///
    /// - Parameters:
    ///   - types: `Discovery.namespacedListableResources`, read once for all namespaces.
    ///   - isOwned: whether a live object is one of pruning's members.
    public static func read(
        namespace: String, types: Result<(resources: [APIResource], unreadable: [String]), APIError>,
        client: APIClient, concurrency: Int, isOwned: @Sendable (JSONValue) -> Bool
    ) -> NamespaceContents {
        var contents = NamespaceContents()
        let resources: [APIResource]
        switch types {
        case let .success(found):
            resources = found.resources
            contents.unreadable = found.unreadable.map { "the resource list of \($0)" }
        case let .failure(error):
            contents.unreadable = ["the API groups: \(error)"]
            return contents
        }
        let listings = BoundedConcurrency.map(resources, limit: max(1, concurrency)) { resource in
            (resource, Result { () throws(APIError) in try client.list(ResourcePath.collection(resource, namespace: namespace)) })
        }
        let services = Set(listings.lazy.filter { $0.0.group.isEmpty && $0.0.kind == "Service" }
            .flatMap { (try? $0.1.get()) ?? [] }.compactMap { $0[["metadata", "name"]]?.stringValue })
        for (resource, result) in listings {
            let items: [JSONValue]
            switch result {
            case let .success(found): items = found
            // A type discovery still lists but no longer serves (a CRD being removed) holds nothing.
            case let .failure(error) where error.statusCode == 404: continue
            case let .failure(error):
                contents.unreadable.append("\(resource.qualifiedKind): \(error)")
                continue
            }
            for item in items {
                guard let name = item[["metadata", "name"]]?.stringValue else { continue }
                let identity = ObjectIdentity(group: resource.group, kind: resource.kind, namespace: namespace, name: name)
                if isOwned(item) {
                    contents.owned.append(identity)
                } else if !isIncidental(item, resource: resource, services: services) {
                    contents.foreign.append(identity)
                }
            }
        }
        contents.owned.sort()
        contents.foreign.sort()
        return contents
    }

    /// Why the namespace must be kept, or nil when pruning it deletes only what is ours.
    public var reasonToKeep: String? {
        if !foreign.isEmpty {
            let shown = foreign.prefix(3).map(\.kubectlName).joined(separator: ", ")
            let more = foreign.count > 3 ? " and \(foreign.count - 3) more" : ""
            return "it holds \(foreign.count) object\(foreign.count == 1 ? "" : "s") kubectl-drift did not apply (\(shown)\(more))"
        }
        if !unreadable.isEmpty {
            return "what it holds could not all be read (\(unreadable.joined(separator: "; ")))"
        }
        return nil
    }

    /// Objects that are not anybody's deployment: what every namespace gets (the `default`
    /// ServiceAccount, the `kube-root-ca.crt` ConfigMap, service-account token Secrets), events,
    /// a Service's Endpoints, objects that belong to another object (ownerReferences: they go
    /// with their owner, which is counted itself) and objects already being deleted.
    static func isIncidental(_ object: JSONValue, resource: APIResource, services: Set<String>) -> Bool {
        let name = object[["metadata", "name"]]?.stringValue ?? ""
        if object[["metadata", "ownerReferences"]]?.arrayValue?.isEmpty == false { return true }
        if object[["metadata", "deletionTimestamp"]] != nil { return true }
        if resource.name == "events" { return true }
        guard resource.group.isEmpty else { return false }
        switch resource.kind {
        case "ServiceAccount": return name == "default"
        case "ConfigMap": return name == "kube-root-ca.crt"
        case "Secret": return object["type"]?.stringValue == "kubernetes.io/service-account-token"
        case "Endpoints": return services.contains(name)
        default: return false
        }
    }
}
