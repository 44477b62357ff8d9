import CGit2
import Foundation

/// Which Flux sources are the repository being read.
///
/// A `GitRepository` is this repository when it is named in `FluxOptions.localSources`, or
/// its `spec.url` is one of the repository's remote URLs (compared without scheme, user,
/// port, trailing `/` or `.git`). With no remote URLs known, the GitRepository `flux bootstrap`
/// creates (`flux-system/flux-system`) is taken to be this repository, defined here or not.
struct FluxSources: Sendable {
    /// GitRepository objects seen, by `namespace/name`, with their URL.
    private(set) var gitRepositories: [String: String] = [:]
    /// Every source object seen (GitRepository, HelmRepository, OCIRepository, Bucket).
    private var objects: [FluxReference: JSONValue] = [:]
    /// ArtifactGenerator objects seen, by `namespace/name`.
    private(set) var artifactGenerators: [String: FluxArtifactGenerator] = [:]
    let repositoryURLs: Set<String>
    let localSources: Set<String>

    static let bootstrapSource = "flux-system/flux-system"

    init(options: FluxOptions) {
        repositoryURLs = Set(options.repositoryURLs.map(Self.normalizedURL))
        localSources = options.localSources
    }

    /// The kinds of source-controller's sources.
    static let sourceKinds: Set<String> = ["GitRepository", "HelmRepository", "OCIRepository", "Bucket"]

    /// Whether the object is one of source-controller's sources.
    static func isSource(_ object: JSONValue) -> Bool {
        guard let kind = object["kind"]?.stringValue, sourceKinds.contains(kind) else { return false }
        return object["apiVersion"]?.stringValue?.hasPrefix("source.toolkit.fluxcd.io/") == true
    }

    /// Records a source object; returns whether it is new or changed, which may let waiting
    /// Kustomizations and HelmReleases render.
    @discardableResult
    mutating func record(_ manifest: Manifest, defaultNamespace: String) -> Bool {
        let namespace = manifest.namespace ?? defaultNamespace
        let reference = FluxReference(kind: manifest.kind, name: manifest.name, namespace: namespace)
        guard objects[reference] != manifest.object else { return false }
        objects[reference] = manifest.object
        if manifest.kind == "GitRepository" {
            gitRepositories[reference.key] = manifest.object[["spec", "url"]]?.stringValue ?? ""
        }
        return true
    }

    /// Records an ArtifactGenerator object; returns whether it was new or changed.
    @discardableResult
    mutating func record(_ generator: FluxArtifactGenerator) -> Bool {
        guard artifactGenerators[generator.key] != generator else { return false }
        artifactGenerators[generator.key] = generator
        return true
    }

    /// The source object `reference` names, when it was seen.
    func object(_ reference: FluxReference) -> JSONValue? { objects[reference] }

    /// nil when the reference is this repository, else why it is not rendered.
    func whyNotLocal(_ reference: FluxReference) -> String? {
        guard reference.kind == "GitRepository" else {
            return "its source is \(reference), not this Git repository"
        }
        if localSources.contains(reference.key) { return nil }
        if let url = gitRepositories[reference.key] {
            if repositoryURLs.isEmpty {
                return reference.key == Self.bootstrapSource
                    ? nil
                    : "its source \(reference) (\(url)) is not known to be this repository (no remote URL of this repository matches)"
            }
            return repositoryURLs.contains(Self.normalizedURL(url))
                ? nil : "its source \(reference) fetches \(url), another repository"
        }
        if reference.key == Self.bootstrapSource { return nil }
        return "its source \(reference) is not defined in this repository"
    }

    /// A Git URL reduced to `host/path`: `https://github.com/org/repo`, `ssh://git@github.com:22/org/repo.git`
    /// and `git@github.com:org/repo.git` all become `github.com/org/repo`.
    static func normalizedURL(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        var hadScheme = false
        if let range = text.range(of: "://") {
            text = String(text[range.upperBound...])
            hadScheme = true
        }
        if let at = text.firstIndex(of: "@"), !text[..<at].contains("/") {
            text = String(text[text.index(after: at)...])
        }
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            let host = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if hadScheme {
                // host:port/path
                rest = rest.drop { $0.isNumber }
                if rest.hasPrefix("/") { rest = rest.dropFirst() }
            }
            text = host + "/" + rest
        }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        guard let slash = text.firstIndex(of: "/") else { return text.lowercased() }
        return text[..<slash].lowercased() + text[slash...]
    }
}

extension GitRepository {
    /// The repository's identity across clones: its first remote URL, normalised so that
    /// clones over SSH and HTTPS agree; nil without remotes.
    public var remoteIdentity: String? { remoteURLs().first.map(FluxSources.normalizedURL) }

    /// The URLs of the repository's remotes, for `FluxOptions.repositoryURLs`: as configured
    /// (`remote.<name>.url`, which is what a GitRepository's `spec.url` is compared with), then
    /// as rewritten by `url.<base>.insteadOf` rules when that differs.
    public func remoteURLs() -> [String] {
        var urls: [String] = []
        var configuration: OpaquePointer?
        if git_repository_config_snapshot(&configuration, pointer) == 0, let configuration {
            defer { git_config_free(configuration) }
            var iterator: OpaquePointer?
            if git_config_iterator_glob_new(&iterator, configuration, "^remote\\..*\\.url$") == 0, let iterator {
                defer { git_config_iterator_free(iterator) }
                var entry: UnsafeMutablePointer<git_config_entry>?
                while git_config_next(&entry, iterator) == 0, let current = entry {
                    if let value = current.pointee.value { urls.append(String(cString: value)) }
                }
            }
        }
        var names = git_strarray()
        guard git_remote_list(&names, pointer) == 0 else { return urls }
        defer { git_strarray_dispose(&names) }
        for index in 0..<names.count {
            guard let name = names.strings[index] else { continue }
            var remote: OpaquePointer?
            guard git_remote_lookup(&remote, pointer, name) == 0, let remote else { continue }
            defer { git_remote_free(remote) }
            if let url = git_remote_url(remote).map({ String(cString: $0) }), !urls.contains(url) { urls.append(url) }
        }
        return urls
    }
}
