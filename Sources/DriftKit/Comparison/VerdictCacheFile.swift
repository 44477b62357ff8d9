import Foundation

/// A `VerdictCache` on disk, one file per cluster and user:
/// `$XDG_CACHE_HOME/kubectl-drift/verdicts/<sha256>` (default `~/.cache`), the folder mode 0700
/// and the file 0600. The file holds hashes only (a header line, then one `identity key` pair of
/// hexadecimal digests a line), at most `limit` entries, those of the last run first.
///
/// Concurrent runs are safe: a run writes a temporary file and renames it over the old one, so
/// a reader sees one run's file whole (the last writer's entries win). A file that cannot be
/// read or parsed is an empty cache, without a warning: it only costs dry runs.
public struct VerdictCacheFile: Sendable {
    public let path: String
    public let limit: Int

    static let header = "kubectl-drift verdicts 1"

    public init(path: String, limit: Int = 100_000) {
        self.path = path
        self.limit = limit
    }

    /// The file for this cluster and user.
    ///
    /// - Parameter user: the kubeconfig user given with `--user`, when one was (the context
    ///   names the user otherwise).
    public init(connection: ClusterConnection, user: String?, environment: [String: String]) {
        let identity = VerdictKey.hash([
            connection.server, connection.clusterName ?? "", connection.contextName ?? "", user ?? "",
        ])
        self.init(path: Self.folder(environment: environment) + "/" + identity)
    }

    /// `$XDG_CACHE_HOME/kubectl-drift/verdicts`, else `$HOME/.cache/kubectl-drift/verdicts`.
    public static func folder(environment: [String: String]) -> String {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return base + "/kubectl-drift/verdicts"
    }

    /// The cache the file holds; empty when there is none or it is not a cache file.
    public func load() -> VerdictCache {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return VerdictCache()
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(Self.header) else { return VerdictCache() }
        lines.removeFirst()
        if lines.last == "" { lines.removeLast() }
        var entries: [String: String] = [:]
        for line in lines.prefix(limit) {
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts.allSatisfy(Self.isDigest) else { return VerdictCache() }
            entries[String(parts[0])] = String(parts[1])
        }
        return VerdictCache(entries: entries)
    }

    /// Writes the cache: a temporary file beside the cache file, renamed over it.
    public func save(_ cache: VerdictCache) throws(VerdictCacheError) {
        let folder = (path as NSString).deletingLastPathComponent
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // An existing folder keeps its mode from createDirectory; ours is never readable by others.
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        } catch {
            throw .unwritable(path: folder, reason: error.localizedDescription)
        }
        let text = ([Self.header] + cache.entries(limit: limit).map { "\($0.identity) \($0.key)" }).joined(separator: "\n") + "\n"
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp"
        // Mode 0600; in a 0700 folder no other user can open it before then either.
        guard files.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(path: temporary, reason: "cannot create the file")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? files.removeItem(atPath: temporary)
            throw .unwritable(path: path, reason: reason)
        }
    }

    private static func isDigest(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// The verdict cache could not be written (reading never fails: it is only a miss).
public enum VerdictCacheError: Error, Equatable, CustomStringConvertible {
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unwritable(path, reason): return "cannot write the verdict cache \(path): \(reason)"
        }
    }
}
