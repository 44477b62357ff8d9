import Foundation

/// Packaged charts on this machine (`NAME-VERSION.tgz`), for HelmReleases whose chart comes
/// from a Helm repository or an OCI registry, which kubectl-drift never downloads.
///
/// Looked up in the folders drift.yaml (`helm.charts`) and `--chart-dir` name, then in
/// Helm's own cache (`$HELM_REPOSITORY_CACHE`, else `$XDG_CACHE_HOME/helm/repository` or
/// `~/.cache/helm/repository`), where `helm pull`, `helm install` and `helm dependency`
/// leave the charts they fetched.
public struct HelmChartStore: Sendable, Equatable {
    /// Absolute folder paths, searched in order.
    public var folders: [String]

    public init(folders: [String]) {
        self.folders = folders
    }

    /// The given folders followed by Helm's cache folder.
    public static func standard(folders: [String], environment: [String: String]) -> HelmChartStore {
        var all = folders
        if let cache = environment["HELM_REPOSITORY_CACHE"], !cache.isEmpty {
            all.append(cache)
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            all.append((xdg as NSString).appendingPathComponent("helm/repository"))
        } else if let home = environment["HOME"], !home.isEmpty {
            all.append((home as NSString).appendingPathComponent(".cache/helm/repository"))
        }
        return HelmChartStore(folders: all)
    }

    /// A packaged chart found on disk.
    public struct Chart: Sendable, Equatable {
        public var path: String
        public var version: SemanticVersion
    }

    /// The highest version of chart `name` that `constraint` admits; nil when there is none.
    public func find(_ name: String, matching constraint: VersionConstraint) -> Chart? {
        var best: Chart?
        let prefix = name + "-"
        for folder in folders {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tgz") {
                let versionText = String(entry.dropFirst(prefix.count).dropLast(4))
                guard let version = SemanticVersion(versionText), constraint.matches(version) else { continue }
                if best.map({ $0.version < version }) ?? true {
                    best = Chart(path: (folder as NSString).appendingPathComponent(entry), version: version)
                }
            }
        }
        return best
    }

    /// Where a chart was looked for, for the message that says it is not there.
    public var searched: String {
        folders.isEmpty ? "no chart folder is configured" : "looked in " + folders.joined(separator: ", ")
    }
}
