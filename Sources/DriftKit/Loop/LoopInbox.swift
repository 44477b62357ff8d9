import Dispatch
import Foundation
import Synchronization

/// Where the watch's threads leave work for the loop's one thread: the objects that changed
/// (each once, however many events came), the collections to verify again in full, the
/// problems to report, and a request to stop.
final class LoopInbox: Sendable {
    private struct State {
        var changed: Set<WatchKey> = []
        var resynced: Set<String> = []
        var problems: [String] = []
        var stopping = false
    }

    struct Work {
        var changed: Set<WatchKey>
        var resynced: Set<String>
        var problems: [String]
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    func post(_ event: LiveEvent) {
        state.withLock { state in
            switch event {
            case let .changed(_, object, collection):
                guard let name = object[["metadata", "name"]]?.stringValue else { return }
                state.changed.insert(WatchKey(collection: collection, name: name))
            case let .problem(collection, message):
                state.problems.append("cannot watch \(collection): \(message)")
            case let .resynced(collection, _):
                state.resynced.insert(collection)
            }
        }
        wake.signal()
    }

    /// Asks the loop to stop once the work in hand is done.
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Waits until there is work, `deadline` passes or the loop is asked to stop, then takes
    /// all the work there is.
    func take(waitingUntil deadline: Date) -> Work {
        while !isStopping, !hasWork {
            let seconds = deadline.timeIntervalSinceNow
            guard seconds > 0 else { break }
            _ = wake.wait(timeout: .now() + seconds)
        }
        return state.withLock { state in
            defer {
                state.changed = []
                state.resynced = []
                state.problems = []
            }
            return Work(changed: state.changed, resynced: state.resynced, problems: state.problems)
        }
    }

    private var hasWork: Bool {
        state.withLock { !$0.changed.isEmpty || !$0.resynced.isEmpty || !$0.problems.isEmpty }
    }
}

/// A watched object: the collection it is in and its name.
struct WatchKey: Hashable, Sendable {
    var collection: String
    var name: String

    /// The key of the object at REST path `path` (`/api/v1/namespaces/shop/configmaps/web`).
    init?(objectPath path: String) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return nil }
        collection = String(path[..<slash])
        name = String(path[path.index(after: slash)...])
    }

    init(collection: String, name: String) {
        self.collection = collection
        self.name = name
    }
}
