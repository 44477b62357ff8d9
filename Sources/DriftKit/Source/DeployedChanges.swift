import Foundation

/// What two commits deploy differently, rendered the way the repository deploys them: the
/// plain files, kustomizations and Flux Kustomizations that drift.yaml names.
///
/// Plain files are compared through ``ChangeSet/between(_:_:paths:recursive:namespace:duplicateKeys:)``, which reads
/// only the changed blobs. A kustomization or a Flux Kustomization can read any file of the
/// repository (`../base`, a patch, a ConfigMap generator's `.env`), so when drift.yaml names
/// one, both commits are rendered in full and their objects compared; a merge that changes
/// no file renders nothing.
public struct DeployedChanges {
    /// The objects that differ.
    public var changeSet: ChangeSet
    /// The files that differ, relative to the repository root, for the reconcile's path matching.
    public var changedFiles: [String]
    /// drift.yaml as the newer commit has it.
    public var config: DriftConfig
    /// In Flux mode, the older commit's Kustomizations: their `prune` says whether Flux deletes
    /// what the commits removed.
    public var previousFluxUnits: [FluxUnit] = []
    /// In Flux mode, the newer commit's Kustomizations, for an apply as kustomize-controller
    /// would do it (suspension, pruning by inventory).
    public var fluxUnits: [FluxUnit] = []
    /// Things a person should know that did not stop the comparison (files skipped by Flux).
    public var warnings: [String] = []

    /// The changes from `old` to `new` under `config` (drift.yaml at `new`).
    public static func between(
        _ old: GitCommit, _ new: GitCommit, config: DriftConfig, environment: [String: String]
    ) throws -> DeployedChanges {
        let oldTree = try old.tree()
        let newTree = try new.tree()
        // A renamed file changes what both of its paths hold.
        var changedFiles: [String] = []
        for delta in try oldTree.deltas(to: newTree, pathspecs: []) {
            for path in [delta.old?.path, delta.new?.path].compactMap({ $0 }) where changedFiles.last != path {
                changedFiles.append(path)
            }
        }
        let empty = ChangeSet(from: old.revision, fromID: old.id, to: new.revision, toID: new.id, changes: [])
        var result = DeployedChanges(changeSet: empty, changedFiles: changedFiles, config: config)
        guard !changedFiles.isEmpty else { return result }
        guard config.flux != nil || !config.paths.isEmpty else { throw DeployedChangesError.nothingDeployed }

        let rendered = config.flux != nil || config.paths.contains { entry in
            config.kustomize != false
                && [oldTree, newTree].contains { KustomizeRenderer.kustomizationFile(in: entry.path, of: $0) != nil }
        }
        if rendered {
            let folder = old.repository.workingDirectory ?? old.repository.gitDirectory
            func load(_ commit: GitCommit) throws -> DesiredState {
                var request = DesiredStateRequest(
                    source: SourceSelection(revision: .commit(commit.id)), configFile: nil, currentDirectory: folder,
                    environment: environment, standardInput: { "" })
                request.config = config
                return try request.load()
            }
            let before = try load(old)
            let after = try load(new)
            result.previousFluxUnits = before.fluxUnits
            result.fluxUnits = after.fluxUnits
            result.warnings = after.warnings
            result.changeSet = ChangeSet(
                from: old.revision, fromID: old.id, to: new.revision, toID: new.id,
                changes: ChangeSet.Change.compare(before: before.manifests, after: after.manifests))
            return result
        }

        // One change set per -R setting; a path listed twice is read once.
        var changes: [ChangeSet.Change] = []
        var seen: Set<ObjectIdentity> = []
        for recursive in [false, true] {
            let paths = config.paths.filter { $0.recursive == recursive }.map(\.path)
            guard !paths.isEmpty else { continue }
            let changeSet = try ChangeSet.between(old, new, paths: paths, recursive: recursive)
            result.warnings += changeSet.warnings.map(\.description)
            for change in changeSet.changes {
                let file = (change.after ?? change.before)?.source.file ?? ""
                if !config.isExcluded(file), seen.insert(change.identity).inserted { changes.append(change) }
            }
        }
        result.changeSet = ChangeSet(from: old.revision, fromID: old.id, to: new.revision, toID: new.id, changes: changes)
        return result
    }
}

/// Why the deployed changes could not be worked out.
public enum DeployedChangesError: Error, Equatable, CustomStringConvertible {
    /// drift.yaml has neither `paths` nor `flux`: nothing says what the repository deploys.
    case nothingDeployed

    public var description: String {
        switch self {
        case .nothingDeployed:
            return "\(DriftConfig.fileName) names nothing to deploy: list the manifest folders under paths:, or add a flux: section"
        }
    }
}
