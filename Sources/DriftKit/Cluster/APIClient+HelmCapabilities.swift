extension APIClient {
    /// The server's version and every API version and kind it serves, for `helm template`
    /// (`HelmCapabilities`): `/version`, `/api`, `/apis`, then each group version's resource list.
    /// A group version whose list cannot be read still counts as served, without its kinds.
    public func helmCapabilities(concurrency: Int) throws(APIError) -> HelmCapabilities {
        let version = try get("/version")["gitVersion"]?.stringValue ?? ""
        var groupVersions = (try get("/api")["versions"]?.arrayValue ?? []).compactMap(\.stringValue)
        for group in try get("/apis")["groups"]?.arrayValue ?? [] {
            groupVersions += (group["versions"]?.arrayValue ?? []).compactMap { $0["groupVersion"]?.stringValue }
        }
        let lists = BoundedConcurrency.map(groupVersions, limit: max(1, concurrency)) { groupVersion in
            try? self.getIfPresent(ResourcePath.groupVersionRoot(groupVersion))
        }
        var apiVersions: [String] = []
        for (groupVersion, list) in zip(groupVersions, lists) {
            apiVersions.append(groupVersion)
            let kinds = (list?["resources"]?.arrayValue ?? []).compactMap { resource -> String? in
                // Subresources (`deployments/scale`) are no kinds of their own.
                guard let name = resource["name"]?.stringValue, !name.contains("/") else { return nil }
                return resource["kind"]?.stringValue
            }
            apiVersions += Set(kinds).sorted().map { "\(groupVersion)/\($0)" }
        }
        return HelmCapabilities(kubeVersion: version, apiVersions: apiVersions)
    }
}
