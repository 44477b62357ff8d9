extension Discovery {
    /// Every namespaced resource the server can list, at each group's preferred version (core
    /// `v1` included), as `kubectl api-resources --namespaced --verbs=list` finds them; the
    /// group versions whose resource lists could not be read are returned apart.
    public static func namespacedListableResources(
        client: APIClient, concurrency: Int
    ) throws(APIError) -> (resources: [APIResource], unreadable: [String]) {
        var groupVersions = ["v1"]
        for group in try client.get("/apis")["groups"]?.arrayValue ?? [] {
            if let preferred = group[["preferredVersion", "groupVersion"]]?.stringValue
                ?? group["versions"]?.arrayValue?.first?["groupVersion"]?.stringValue
            {
                groupVersions.append(preferred)
            }
        }
        let lists = BoundedConcurrency.map(groupVersions, limit: max(1, concurrency)) { groupVersion in
            (groupVersion, Result { () throws(APIError) in try client.getIfPresent(ResourcePath.groupVersionRoot(groupVersion)) })
        }
        var resources: [APIResource] = []
        var unreadable: [String] = []
        for (groupVersion, result) in lists {
            // Gone since /apis was read (a CRD being removed): it serves nothing.
            guard case let .success(found) = result, let list = found else {
                if case .failure = result { unreadable.append(groupVersion) }
                continue
            }
            let parts = groupVersion.split(separator: "/").map(String.init)
            resources += resourceList(list, group: parts.count == 2 ? parts[0] : "", version: parts[parts.count - 1])
                .filter { $0.resource.namespaced && $0.verbs.contains("list") }.map(\.resource)
        }
        return (resources, unreadable)
    }
}
