import Foundation
import Synchronization

/// LIST + WATCH of collections of the live cluster, as client-go's reflector does it: the
/// `LiveEventSource` of `kubectl drift watch`.
///
/// Each collection has a thread of its own. It lists the collection (its items are not
/// reported: the loop verifies everything at start), then watches from the list's
/// resourceVersion, following bookmarks, and resumes from the last resourceVersion after a
/// dropped connection, with `WatchBackoff`. When resuming is refused (410 Gone) it lists
/// again, reports the objects that vanished meanwhile as deleted, and reports `.resynced`. A
/// collection the server refuses (401, 403, 404) is reported once as `.problem` and retried
/// quietly every `Options.problemRetryInterval`, then `.resynced` when it works again.
public final class ClusterWatcher: LiveEventSource {
    public struct Options: Sendable {
        /// The watch's `timeoutSeconds`; each watch adds up to a quarter at random, as client-go
        /// does, so that many watches do not reconnect at once.
        public var watchTimeout: Double = 300
        /// A stream silent this much longer than its `timeoutSeconds` is taken for dead.
        public var idleGrace: Double = 30
        /// A stream open this long counts as healthy: the next failure waits `backoff.initial`.
        public var healthyStreamDuration: Double = 10
        public var backoff = WatchBackoff()
        /// How often a refused collection is tried again.
        public var problemRetryInterval: Double = 30
        /// Items per LIST page.
        public var pageSize = 500

        public init() {}
    }

    private let transport: CurlTransport
    private let options: Options
    private let workers = Mutex<[CollectionWatch]>([])
    private let restartCount = Mutex(0)

    /// Watches through `transport`, whose pooled handles serve the LISTs; each watch stream
    /// has a handle and connection of its own.
    public init(transport: CurlTransport, options: Options = Options()) {
        self.transport = transport
        self.options = options
    }

    /// How many watches were started again other than at their own `timeoutSeconds`: after a
    /// dropped connection, a broken stream or an expired resourceVersion.
    public var restarts: Int { restartCount.withLock { $0 } }

    /// Starts watching each collection; returns once each has been listed (or its first LIST
    /// has failed), so that every change made after it returns is reported.
    public func start(_ collections: [String], handler: @escaping @Sendable (LiveEvent) -> Void) {
        let started = collections.map { collection in
            CollectionWatch(
                collection: collection, transport: transport, options: options, handler: handler,
                countRestart: { [weak self] in self?.restartCount.withLock { $0 += 1 } })
        }
        workers.withLock { $0 += started }
        for worker in started { worker.launch() }
        for worker in started { worker.waitUntilListed() }
    }

    /// Stops every watch and waits for their threads; no `handler` call begins after it
    /// returns (one from the calling thread, when a handler calls it, ends normally).
    public func stop() {
        let stopping = workers.withLock { workers in
            defer { workers = [] }
            return workers
        }
        for worker in stopping { worker.cancel() }
        for worker in stopping { worker.waitUntilFinished() }
    }

    deinit {
        stop()
    }
}
