import Foundation
import Synchronization

/// Why a kind could not be mapped to a resource.
public enum DiscoveryError: Error, Equatable, CustomStringConvertible {
    /// The server does not serve the API version at all.
    case unknownAPIVersion(apiVersion: String, kind: String)
    /// The API version is served but has no such kind.
    case unknownKind(apiVersion: String, kind: String, known: [String])
    /// The server does not serve it because Kubernetes removed it (the deprecated API migration guide).
    case removed(RemovedAPI)
    case api(apiVersion: String, APIError)

    /// The server answered that it does not serve the kind, rather than failing to answer.
    public var isNotServed: Bool {
        if case .api = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case let .unknownAPIVersion(apiVersion, kind):
            return "the server does not serve \(apiVersion), so kind \(kind) is unknown"
                + " (is its CustomResourceDefinition installed?)"
        case let .unknownKind(apiVersion, kind, known):
            let suggestion = known.first { $0.lowercased() == kind.lowercased() }.map { "; did you mean \($0)?" } ?? ""
            return "the server has no kind \(kind) in \(apiVersion)\(suggestion)"
                + " (is its CustomResourceDefinition installed?)"
        case let .removed(removal):
            return removal.description
        case let .api(apiVersion, error):
            return "cannot discover the resources of \(apiVersion): \(error)"
        }
    }
}

/// Maps kinds to resources, asking the server once per API version and run.
///
/// Only the API versions the manifests use are fetched, so a cluster with many CRDs costs
/// no more than one serving the few types in play.
public final class Discovery: Sendable {
    private let client: APIClient
    private let cache = Mutex<[String: Result<[APIResource], DiscoveryError>]>([:])

    public init(client: APIClient) {
        self.client = client
    }

    /// Fetches the resource lists of several API versions concurrently.
    public func prefetch(apiVersions: Set<String>, concurrency: Int) {
        let missing = cache.withLock { cache in apiVersions.filter { cache[$0] == nil } }.sorted()
        _ = BoundedConcurrency.map(missing, limit: concurrency) { self.resources(in: $0) }
    }

    /// The resource serving `kind` in `apiVersion`.
    public func resource(apiVersion: String, kind: String) throws(DiscoveryError) -> APIResource {
        let resources: [APIResource]
        switch self.resources(in: apiVersion) {
        case let .success(list): resources = list
        case let .failure(.unknownAPIVersion(version, _)):
            throw RemovedAPI.matching(apiVersion: version, kind: kind).map(DiscoveryError.removed)
                ?? .unknownAPIVersion(apiVersion: version, kind: kind)
        case let .failure(error): throw error
        }
        guard let resource = resources.first(where: { $0.kind == kind }) else {
            // A version still served for other kinds (extensions/v1beta1 kept Ingress until v1.22).
            throw RemovedAPI.matching(apiVersion: apiVersion, kind: kind).map(DiscoveryError.removed)
                ?? .unknownKind(apiVersion: apiVersion, kind: kind, known: resources.map(\.kind))
        }
        return resource
    }

    private func resources(in apiVersion: String) -> Result<[APIResource], DiscoveryError> {
        if let cached = cache.withLock({ $0[apiVersion] }) { return cached }
        let result = Self.fetch(apiVersion, client: client)
        cache.withLock { $0[apiVersion] = result }
        return result
    }

    private static func fetch(_ apiVersion: String, client: APIClient) -> Result<[APIResource], DiscoveryError> {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            return .failure(.unknownAPIVersion(apiVersion: apiVersion, kind: ""))
        }
        let group = parts.count == 2 ? String(parts[0]) : ""
        let version = String(parts[parts.count - 1])
        let list: JSONValue?
        do {
            list = try client.getIfPresent(ResourcePath.groupVersionRoot(apiVersion))
        } catch {
            return .failure(.api(apiVersion: apiVersion, error))
        }
        guard let list else { return .failure(.unknownAPIVersion(apiVersion: apiVersion, kind: "")) }
        return .success(resourceList(list, group: group, version: version).map(\.resource))
    }

    /// The resources of a group version's resource list (subresources left out), with their verbs.
    static func resourceList(_ list: JSONValue, group: String, version: String) -> [(resource: APIResource, verbs: [String])] {
        (list["resources"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, !name.contains("/"),
                let kind = entry["kind"]?.stringValue
            else { return nil }
            let resource = APIResource(
                group: group, version: version, name: name, kind: kind,
                namespaced: entry["namespaced"]?.boolValue ?? false)
            return (resource, entry["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }
}
