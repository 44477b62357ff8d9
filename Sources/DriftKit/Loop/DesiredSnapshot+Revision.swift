import Foundation

extension DesiredSnapshot {
    /// The snapshot of `desired`, read from `revision`: named by the commit it resolves to
    /// now (`--ref main` moves), or for the working tree and the index by a digest of the
    /// objects, so that any edit is a new revision.
    public init(
        _ desired: DesiredState, revision: SourceRevision, currentDirectory: String, environment: [String: String]
    ) {
        var name: String?
        if case let .commit(reference) = revision {
            name = (try? GitRepository.discover(from: currentDirectory, environment: environment).commit(reference))?.shortID
        }
        let digest = SHA256.hex(SHA256.hash(desired.manifests.map { $0.object.jsonText() }.joined(separator: "\n")))
        self.init(
            manifests: desired.manifests, existenceOnly: desired.existenceOnly,
            revision: name ?? "tree \(digest.prefix(7))", fluxUnits: desired.fluxUnits, config: desired.config,
            skipped: desired.skipped)
    }
}
