/// Which listed GitOps objects a reconcile request concerns: pure functions over the objects
/// as the server lists them, so that the choice is tested without a server.
struct ReconcileSelection: Sendable {
    /// The repository's remote URLs as `FluxSources.normalizedURL` reduces them, sorted.
    let repositoryURLs: [String]
    /// drift.yaml `hook.source`, `namespace/name`.
    let source: String?
    let changedPaths: [String]

    init(_ request: ReconcileRequest) {
        repositoryURLs = Set(request.repositoryURLs.map(FluxSources.normalizedURL)).sorted()
        source = request.source
        changedPaths = request.changedPaths
    }

    /// `github.com/org/repo`, or several joined with `or`, as notes name the repository.
    var repositoryName: String {
        repositoryURLs.isEmpty ? "this repository (it has no remote URL)" : repositoryURLs.joined(separator: " or ")
    }

    /// Whether a GitRepository's `spec.url` or an Application source's `repoURL` is this repository.
    func isThisRepository(_ url: String?) -> Bool {
        url.map { repositoryURLs.contains(FluxSources.normalizedURL($0)) } ?? false
    }

    /// The GitRepositories serving this repository: the one `hook.source` names, else those
    /// fetching one of its remote URLs; sorted by namespace and name.
    func gitRepositories(in objects: [JSONValue]) -> [ObjectIdentity] {
        Self.identities(of: .gitRepository, in: objects) { identity, object in
            source.map { identity.namespacedName == $0 } ?? isThisRepository(object[["spec", "url"]]?.stringValue)
        }
    }

    /// The Kustomizations whose `spec.sourceRef` is one of `sources` and whose `spec.path`
    /// holds a changed file; sorted by namespace and name.
    func kustomizations(in objects: [JSONValue], of sources: [ObjectIdentity]) -> [ObjectIdentity] {
        let sourceNames = Set(sources.map(\.namespacedName))
        return Self.identities(of: .kustomization, in: objects) { identity, object in
            guard let reference = object[["spec", "sourceRef"]], reference["kind"]?.stringValue == GitOpsKind.gitRepository.kind,
                let name = reference["name"]?.stringValue
            else { return false }
            // Flux resolves a reference without namespace in the Kustomization's own.
            let namespace = reference["namespace"]?.stringValue ?? identity.namespace ?? ""
            return sourceNames.contains("\(namespace)/\(name)")
                && RepositoryFolder(object[["spec", "path"]]?.stringValue).holdsAny(of: changedPaths)
        }
    }

    /// The Applications to refresh: the one `hook.source` names, else those with a source
    /// (`spec.source` or an item of `spec.sources`) of this repository whose `path` holds a
    /// changed file; sorted by namespace and name.
    func applications(in objects: [JSONValue]) -> [ObjectIdentity] {
        Self.identities(of: .application, in: objects) { identity, object in
            if let source { return identity.namespacedName == source }
            let sources = [object[["spec", "source"]]].compactMap { $0 } + (object[["spec", "sources"]]?.arrayValue ?? [])
            return sources.contains { source in
                isThisRepository(source["repoURL"]?.stringValue)
                    && RepositoryFolder(source["path"]?.stringValue).holdsAny(of: changedPaths)
            }
        }
    }

    private static func identities(
        of kind: GitOpsKind, in objects: [JSONValue], where isSelected: (ObjectIdentity, JSONValue) -> Bool
    ) -> [ObjectIdentity] {
        objects.compactMap { object in kind.identity(of: object).flatMap { isSelected($0, object) ? $0 : nil } }.sorted()
    }
}
