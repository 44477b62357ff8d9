import Synchronization

/// In-sync verdicts remembered between runs: for each object (by a hash of its identity), the
/// key of its last in-sync verdict. The detector reuses a verdict whose key is unchanged
/// instead of asking for a dry run, and forgets an object that is not in sync.
///
/// Only hashes are kept, never object contents. One entry per object, so a long-running loop
/// keeps it in memory without bound checks; `VerdictCacheFile` keeps it on disk between runs.
public final class VerdictCache: Sendable {
    private struct State {
        /// Identity digest → verdict key digest.
        var entries: [String: String]
        /// Identities looked up or recorded since the cache was made, in the order first seen.
        var touched: [String] = []
        var touchedSet: Set<String> = []
        var hits = 0

        mutating func touch(_ name: String) {
            if touchedSet.insert(name).inserted { touched.append(name) }
        }
    }

    private let state: Mutex<State>

    /// An empty cache, or one holding `entries` (identity digest → key digest) as a store read them.
    public init(entries: [String: String] = [:]) {
        state = Mutex(State(entries: entries))
    }

    /// Whether `identity`'s last in-sync verdict had this key; counts a hit.
    func isInSync(_ identity: ObjectIdentity, key: VerdictKey) -> Bool {
        let name = Self.digest(identity)
        return state.withLock { state in
            state.touch(name)
            guard state.entries[name] == key.digest else { return false }
            state.hits += 1
            return true
        }
    }

    /// Remembers an in-sync verdict.
    func record(_ identity: ObjectIdentity, key: VerdictKey) {
        let name = Self.digest(identity)
        state.withLock { state in
            state.touch(name)
            state.entries[name] = key.digest
        }
    }

    /// Drops `identity`'s entry: its verdict is not in sync, or could not be had.
    func forget(_ identity: ObjectIdentity) {
        let name = Self.digest(identity)
        state.withLock { state in
            state.touch(name)
            state.entries[name] = nil
        }
    }

    /// Verdicts reused without a dry run since the cache was made.
    public var hits: Int { state.withLock(\.hits) }

    /// The entries, those looked up or recorded since the cache was made first, at most `limit` of them.
    public func entries(limit: Int) -> [(identity: String, key: String)] {
        state.withLock { state in
            let recent = state.touched.compactMap { name in state.entries[name].map { (name, $0) } }
            let rest = state.entries.filter { !state.touchedSet.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            return Array((recent + rest).prefix(limit)).map { (identity: $0.0, key: $0.1) }
        }
    }

    static func digest(_ identity: ObjectIdentity) -> String {
        VerdictKey.hash([identity.group, identity.kind, identity.namespace ?? "", identity.name])
    }
}
