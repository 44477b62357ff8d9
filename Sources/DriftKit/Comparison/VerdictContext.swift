/// What shapes a server-side apply on the server besides the object itself, read once per
/// run: the admission configuration, the namespaces, and the definitions of the types in play.
///
/// Mutating webhooks and policies change what an apply stores; validating ones can start
/// refusing an object that was in sync (the dry run then fails: an error, not in sync). Both
/// are keyed by their objects' resourceVersions, so any change to their configuration is a
/// miss. Which of them apply to an object also depends on its namespace's labels (their
/// `namespaceSelector`), so the namespace's resourceVersion is keyed too. What a webhook server
/// does is not visible here: a webhook whose code changes under the same configuration is the
/// one case `--no-cache` is for.
public struct VerdictContext: Sendable {
    /// SHA-256 of the name and resourceVersion of every admission configuration object.
    public let admissionDigest: String
    /// The resourceVersion of each CustomResourceDefinition, by name (`plural.group`).
    let definitions: [String: String]
    /// The resourceVersion of each namespace, by name.
    let namespaces: [String: String]
    /// API versions (`v1.apps`, `v1.` for the core group) served by kube-apiserver itself.
    let builtIn: Set<String>

    init(admissionDigest: String, definitions: [String: String], namespaces: [String: String], builtIn: Set<String>) {
        self.admissionDigest = admissionDigest
        self.definitions = definitions
        self.namespaces = namespaces
        self.builtIn = builtIn
    }

    /// The admission kinds whose configuration can change an apply's outcome; the first served
    /// version of each is listed.
    static let admissionKinds: [(kind: String, versions: [String])] = [
        ("MutatingWebhookConfiguration", ["v1"]),
        ("ValidatingWebhookConfiguration", ["v1"]),
        ("MutatingAdmissionPolicy", ["v1", "v1beta1", "v1alpha1"]),
        ("MutatingAdmissionPolicyBinding", ["v1", "v1beta1", "v1alpha1"]),
        ("ValidatingAdmissionPolicy", ["v1", "v1beta1", "v1alpha1"]),
        ("ValidatingAdmissionPolicyBinding", ["v1", "v1beta1", "v1alpha1"]),
    ]
    static let admissionGroup = "admissionregistration.k8s.io"
    /// Set by kube-aggregator on the APIServices kube-apiserver serves itself (`onstart`) and
    /// on those of CustomResourceDefinitions (`true`); an APIService without it is an
    /// aggregated server's, whose behaviour no resourceVersion tracks.
    static let automanagedLabel = "kube-aggregator.kubernetes.io/automanaged"

    /// Reads the context: a few metadata-only LISTs (admission configuration, CRDs, APIServices, namespaces).
    public static func read(client: APIClient, discovery: Discovery, concurrency: Int) throws(APIError) -> VerdictContext {
        discovery.prefetch(
            apiVersions: Set(admissionKinds.flatMap { $0.versions.map { "\(admissionGroup)/\($0)" } }), concurrency: concurrency)
        let admissionPaths = admissionKinds.compactMap { entry -> String? in
            for version in entry.versions {
                if let resource = try? discovery.resource(apiVersion: "\(admissionGroup)/\(version)", kind: entry.kind) {
                    return ResourcePath.collection(resource, namespace: nil)
                }
            }
            return nil
        }
        let paths = admissionPaths + [
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "/apis/apiregistration.k8s.io/v1/apiservices",
            "/api/v1/namespaces",
        ]
        let lists = BoundedConcurrency.map(paths, limit: concurrency) { path in
            Result { () throws(APIError) in try metadata(path, client: client) }
        }
        var admission: [String] = []
        for (path, list) in zip(admissionPaths, lists) {
            admission += try list.get().map { "\(path) \($0.name) \($0.resourceVersion)" }
        }
        let definitions = try lists[admissionPaths.count].get()
        let services = try lists[admissionPaths.count + 1].get()
        let namespaces = try lists[admissionPaths.count + 2].get()
        return VerdictContext(
            admissionDigest: VerdictKey.hash(admission.sorted()),
            definitions: Dictionary(definitions.map { ($0.name, $0.resourceVersion) }, uniquingKeysWith: { first, _ in first }),
            namespaces: Dictionary(namespaces.map { ($0.name, $0.resourceVersion) }, uniquingKeysWith: { first, _ in first }),
            builtIn: Set(services.filter(\.automanaged).map(\.name)))
    }

    /// What serves `resource`, as a key ingredient: its CRD's resourceVersion, `built-in`, or
    /// nil for a type an aggregated API server serves, whose verdicts are never cached.
    func definition(of resource: APIResource) -> String? {
        if let version = definitions["\(resource.name).\(resource.group)"] { return "crd \(version)" }
        return builtIn.contains("\(resource.version).\(resource.group)") ? "built-in" : nil
    }

    /// One object's metadata as listed.
    struct Entry: Sendable {
        var name: String
        var resourceVersion: String
        var automanaged: Bool
    }

    /// Every object's metadata in a collection (a `PartialObjectMetadataList`, so CRD schemas
    /// are not downloaded), page by page.
    static func metadata(_ collection: String, client: APIClient) throws(APIError) -> [Entry] {
        var entries: [Entry] = []
        var continueToken: String?
        repeat {
            var path = collection + "?limit=500"
            if let token = continueToken { path += "&continue=\(ResourcePath.escape(token))" }
            let page = try client.json(HTTPRequest(
                path: path, headers: ["Accept": "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"]))
            guard let items = page["items"]?.arrayValue else {
                throw APIError.invalidResponse(path: collection, reason: "a list without items")
            }
            for item in items {
                guard let name = item[["metadata", "name"]]?.stringValue,
                    let version = item[["metadata", "resourceVersion"]]?.stringValue
                else { throw APIError.invalidResponse(path: collection, reason: "an item without name or resourceVersion") }
                entries.append(Entry(
                    name: name, resourceVersion: version,
                    automanaged: item[["metadata", "labels", automanagedLabel]] != nil))
            }
            continueToken = page[["metadata", "continue"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return entries
    }
}
