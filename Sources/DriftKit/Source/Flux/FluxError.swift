/// Why the Flux view of a repository could not be built. Each message names the Flux object
/// (`namespace/name`), the file that defines it and what is wrong.
public enum FluxError: Error, Equatable, CustomStringConvertible {
    /// A Kustomization object the API server would refuse, or that cannot be rendered.
    case invalidKustomization(name: String, source: ManifestLocation, reason: String)
    /// `spec.path` names nothing in the tree.
    case missingPath(kustomization: String, source: ManifestLocation, path: String, tree: String)
    /// `spec.path` names a file, not a directory.
    case pathNotDirectory(kustomization: String, source: ManifestLocation, path: String, tree: String)
    /// Two definitions of the same Kustomization, as when several clusters' folders are scanned.
    case duplicateKustomization(name: String, first: ManifestLocation, second: ManifestLocation)
    /// kustomize failed for this Kustomization.
    case render(kustomization: String, source: ManifestLocation, KustomizeError)
    /// The kustomization.yaml at `spec.path` cannot be read to add Flux's settings to it.
    case overlay(kustomization: String, file: String, reason: String)
    /// kustomize's output holds objects that cannot be compared (no name, duplicates, ...).
    case renderedObjects(kustomization: String, ManifestError)
    /// `postBuild` substitution failed, as it would in Flux (`bad substitution`).
    case substitution(kustomization: String, object: String, reason: String)
    /// `helm template` failed, or the chart of a HelmRelease is not where it says.
    case helm(release: String, source: ManifestLocation, message: String)
    /// An ArtifactGenerator the API server would refuse, or whose copy rules fail as they
    /// would in source-watcher (no file matches, nothing left after `exclude`, ...).
    case artifactGenerator(name: String, source: ManifestLocation, reason: String)
    /// A GitRepository drift.yaml `sources` maps to a local clone cannot be read there.
    case sourceClone(source: String, path: String, reason: String)
    /// A `dependsOn` entry names a Kustomization or HelmRelease the repository does not define.
    case missingDependency(dependent: String, source: ManifestLocation?, dependency: String)
    /// `dependsOn` entries form a cycle: each waits for the next, the last for the first.
    case dependencyCycle(chain: [String])
    case source(SourceError)
    /// The scanned folder holds no Flux Kustomization.
    case noKustomizations(folder: String, tree: String)

    public var description: String {
        switch self {
        case let .invalidKustomization(name, source, reason):
            return "invalid Flux Kustomization \(name) at \(source): \(reason)"
        case let .missingPath(kustomization, source, path, tree):
            return "Flux Kustomization \(kustomization) (\(source)) points to \(path), which does not exist in \(tree)"
        case let .pathNotDirectory(kustomization, source, path, tree):
            return "Flux Kustomization \(kustomization) (\(source)) points to \(path), which is a file in \(tree), not a directory"
        case let .duplicateKustomization(name, first, second):
            return "Flux Kustomization \(name) is defined twice, at \(first) and at \(second); "
                + "scan one cluster's folder (for example clusters/production)"
        case let .render(kustomization, source, error):
            return "cannot render Flux Kustomization \(kustomization) (\(source)): \(error)"
        case let .overlay(kustomization, file, reason):
            return "cannot apply the settings of Flux Kustomization \(kustomization) to \(file): \(reason)"
        case let .renderedObjects(kustomization, error):
            return "Flux Kustomization \(kustomization) renders objects that cannot be checked: \(error)"
        case let .substitution(kustomization, object, reason):
            return "postBuild substitution of Flux Kustomization \(kustomization) failed for \(object): \(reason)"
        case let .helm(release, source, message):
            return "cannot render HelmRelease \(release) (\(source)): \(message)"
        case let .artifactGenerator(name, source, reason):
            return "ArtifactGenerator \(name) (\(source)): \(reason)"
        case let .sourceClone(source, path, reason):
            return "cannot read \(source) from \(path), where drift.yaml sources maps it: \(reason)"
        case let .missingDependency(dependent, source, dependency):
            return "Flux \(dependent)\(source.map { " (\($0))" } ?? "") depends on \(dependency), which is not defined in this "
                + "repository: Flux would wait for it forever"
        case let .dependencyCycle(chain):
            return "Flux dependencies form a cycle, so none of them would ever be applied: " + chain.joined(separator: " → ")
        case let .source(error):
            return error.description
        case let .noKustomizations(folder, tree):
            return "no Flux Kustomization (kustomize.toolkit.fluxcd.io) found under \(folder.isEmpty ? "the repository root" : folder) in \(tree)"
        }
    }
}
