import Foundation

/// A Flux `GitRepository` other than the one being checked, mapped to a local clone
/// (drift.yaml `sources:`), so that the Kustomizations and charts that read it are rendered.
///
/// The clone is read with libgit2 at a revision, never checked out: the mapping's `ref`, else
/// what the GitRepository's `spec.ref` names (`commit`, `tag`, `branch`, the remote-tracking
/// branch first), else the clone's `HEAD`.
public struct FluxSourceClone: Sendable, Equatable {
    /// The GitRepository's name, and its namespace; nil matches the name in any namespace.
    public var name: String
    public var namespace: String?
    /// The clone's folder, absolute.
    public var path: String
    /// The revision to read; nil for what the GitRepository's `spec.ref` names.
    public var ref: String?
    /// The folder as drift.yaml writes it, for messages.
    public var written: String

    public init(name: String, namespace: String?, path: String, ref: String?, written: String) {
        self.name = name
        self.namespace = namespace
        self.path = path
        self.ref = ref
        self.written = written
    }

    /// Whether this mapping is for the GitRepository `reference` names.
    func maps(_ reference: FluxReference) -> Bool {
        reference.kind == "GitRepository" && reference.name == name && (namespace.map { $0 == reference.namespace } ?? true)
    }

    /// The revision to read, given the GitRepository object (when the repository defines it).
    func revision(for object: JSONValue?, in repository: GitRepository) -> String {
        if let ref { return ref }
        let specRef = object?[["spec", "ref"]]
        if let commit = specRef?["commit"]?.stringValue, !commit.isEmpty { return commit }
        if let tag = specRef?["tag"]?.stringValue, !tag.isEmpty { return "refs/tags/\(tag)" }
        if let branch = specRef?["branch"]?.stringValue, !branch.isEmpty {
            // What source-controller fetches is the remote's branch; a clone may be behind on its own.
            return (try? repository.commit("origin/\(branch)")) != nil ? "origin/\(branch)" : branch
        }
        return "HEAD"
    }

    /// The clone's files at its revision, named for reports as
    /// `GitRepository flux-system/tenant-a (../tenant-a at main, 3f2a9c1)`.
    func tree(for reference: FluxReference, object: JSONValue?, environment: [String: String]) throws(FluxError) -> GitRevisionTree {
        func failure(_ reason: String) -> FluxError {
            .sourceClone(source: reference.description, path: written, reason: reason)
        }
        let repository: GitRepository
        do {
            repository = try GitRepository.discover(from: path, environment: environment.filter { !$0.key.hasPrefix("GIT_") })
        } catch {
            throw failure(error.description)
        }
        guard repository.workingDirectory.map({ ($0 as NSString).standardizingPath }) == (path as NSString).standardizingPath
            || repository.isBare
        else {
            throw failure("it is not the top of a Git repository")
        }
        let revision = revision(for: object, in: repository)
        do {
            let commit = try repository.commit(revision)
            return try commit.tree(named: "\(reference) (\(written) at \(revision.hasPrefix("refs/tags/") ? String(revision.dropFirst(10)) : revision), \(commit.shortID))")
        } catch {
            throw failure(error.description)
        }
    }
}
