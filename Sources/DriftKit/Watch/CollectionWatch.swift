import Foundation
import Synchronization

/// The LIST + WATCH loop of one collection, on a thread of its own.
///
/// Unchecked Sendable: the watch state below is used only by the watch's thread; other
/// threads call only `launch`, `cancel` and the waits, which use thread-safe members.
final class CollectionWatch: @unchecked Sendable {
    let collection: String
    private let transport: CurlTransport
    private let client: APIClient
    private let options: ClusterWatcher.Options
    private let handler: @Sendable (LiveEvent) -> Void
    private let countRestart: @Sendable () -> Void
    private let cancellation = StreamCancellation()
    private let listed = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// The watch's thread, so that `stop()` called from a handler does not wait for itself.
    private let threadID = Mutex<pthread_t?>(nil)

    // State of the watch's thread.
    private var resourceVersion = ""
    /// Each listed or watched object by namespace and name, reduced to what a deletion
    /// reports of it, so that a relist can report the objects that vanished unseen.
    private var known: [String: JSONValue] = [:]
    private var itemAPIVersion = ""
    private var itemKind = ""
    private var hasListed = false
    private var reportedProblem = false
    /// Why the next opened watch is reported as `.resynced`.
    private var pendingResync: String?
    private var backoff: WatchBackoff

    init(
        collection: String, transport: CurlTransport, options: ClusterWatcher.Options,
        handler: @escaping @Sendable (LiveEvent) -> Void, countRestart: @escaping @Sendable () -> Void
    ) {
        self.collection = collection
        self.transport = transport
        client = APIClient(transport: transport)
        self.options = options
        self.handler = handler
        self.countRestart = countRestart
        backoff = options.backoff
    }

    func launch() {
        let thread = Thread { [self] in
            threadID.withLock { $0 = pthread_self() }
            run()
            finished.signal()
        }
        thread.name = "watch \(collection)"
        thread.start()
    }

    func waitUntilListed() { listed.wait() }

    func cancel() { cancellation.cancel() }

    func waitUntilFinished() {
        if let own = threadID.withLock({ $0 }), pthread_equal(own, pthread_self()) != 0 { return }
        finished.wait()
    }

    // MARK: - The watch's thread

    private func run() {
        var needsList = true
        var firstAttempt = true
        while !cancellation.isCancelled {
            if needsList {
                let retryDelay = list()
                if firstAttempt {
                    firstAttempt = false
                    listed.signal()
                }
                if let retryDelay {
                    _ = cancellation.sleep(retryDelay)
                    continue
                }
                needsList = false
            }
            switch watch() {
            case .cancelled:
                return
            case .timedOut:
                backoff.reset()
            case let .endedEarly(healthy):
                countRestart()
                if healthy { backoff.reset() }
                _ = cancellation.sleep(backoff.next())
            case let .expired(reason):
                countRestart()
                needsList = true
                pendingResync = reason
            case let .refused(error):
                report(error)
                needsList = true
                pendingResync = "the collection can be watched again"
                _ = cancellation.sleep(options.problemRetryInterval)
            }
        }
        if firstAttempt { listed.signal() }
    }

    /// Lists the collection; on a relist reports the objects gone since as deleted.
    ///
    /// - Returns: nil when listed, else how long to wait before the next attempt.
    private func list() -> Double? {
        let listing: APIClient.Listing
        do {
            listing = try client.listing(collection, pageSize: options.pageSize)
        } catch {
            if Self.isRefusal(error) {
                report(.refused(collection: collection, verb: "list", error: error))
                pendingResync = "the collection can be listed and watched again"
                return options.problemRetryInterval
            }
            // Unreachable or overloaded: transient, and the loop sees it in its own requests.
            return backoff.next()
        }
        itemAPIVersion = listing.apiVersion
        itemKind = listing.kind.hasSuffix("List") ? String(listing.kind.dropLast(4)) : listing.kind
        var fresh: [String: JSONValue] = [:]
        for item in listing.items { fresh[Self.key(of: item)] = tombstone(of: item) }
        if hasListed {
            for (key, object) in known.sorted(by: { $0.key < $1.key }) where fresh[key] == nil {
                emit(.changed(.deleted, object: object, collection: collection))
            }
        }
        known = fresh
        resourceVersion = listing.resourceVersion
        hasListed = true
        return nil
    }

    private enum WatchOutcome {
        case cancelled
        /// The server ended the watch at its timeoutSeconds: the usual renewal.
        case timedOut
        /// The stream broke or ended before its time; `healthy` when it had been open long enough.
        case endedEarly(healthy: Bool)
        /// The resourceVersion is too old to resume from (410 Gone): list again.
        case expired(reason: String)
        case refused(WatchError)
    }

    private func watch() -> WatchOutcome {
        let timeout = Int(options.watchTimeout * Double.random(in: 1...1.25))
        let path = collection + (collection.contains("?") ? "&" : "?")
            + "watch=1&allowWatchBookmarks=true&timeoutSeconds=\(timeout)"
            + "&resourceVersion=\(ResourcePath.escape(resourceVersion))"
        let began = Date()
        var opened: Date?
        var expiredReason: String?
        let end: StreamEnd
        do {
            end = try transport.streamLines(
                path, idleTimeout: Double(timeout) + options.idleGrace, cancellation: cancellation,
                onOpen: {
                    opened = Date()
                    if let reason = pendingResync {
                        pendingResync = nil
                        reportedProblem = false
                        emit(.resynced(collection: collection, reason: reason))
                    }
                },
                onLine: { line in
                    switch handle(line) {
                    case .next: return true
                    case .broken: return false
                    case let .expired(reason):
                        expiredReason = reason
                        return false
                    }
                })
        } catch {
            return .endedEarly(healthy: isHealthy(opened))
        }
        switch end {
        case .cancelled:
            return .cancelled
        case let .status(response):
            let request = HTTPRequest(path: path)
            let error = APIError.status(APIStatus(response: response, request: request))
            if response.statusCode == 410 { return .expired(reason: "resuming the watch was refused: \(error)") }
            if Self.isRefusal(error) { return .refused(.refused(collection: collection, verb: "watch", error: error)) }
            return .endedEarly(healthy: false)
        case .completed:
            if let expiredReason { return .expired(reason: expiredReason) }
            // A watch that ran its course ends within a second or two of its timeoutSeconds.
            if Date().timeIntervalSince(began) >= Double(timeout) - 2 { return .timedOut }
            return .endedEarly(healthy: isHealthy(opened))
        }
    }

    private func isHealthy(_ opened: Date?) -> Bool {
        guard let opened else { return false }
        return Date().timeIntervalSince(opened) >= options.healthyStreamDuration
    }

    private enum LineOutcome {
        case next, broken
        case expired(reason: String)
    }

    private func handle(_ line: Data) -> LineOutcome {
        let event: WatchEvent
        do {
            event = try WatchEvent(line: line)
        } catch {
            return .broken
        }
        if let version = event.resourceVersion, !version.isEmpty { resourceVersion = version }
        switch event.kind {
        case .bookmark:
            return .next
        case .error:
            let status = event.status ?? APIStatus(code: 0, reason: "", message: "", method: "GET", path: "")
            if status.code == 410 {
                return .expired(reason: "the watch's resourceVersion expired (410 \(status.reason)): \(status.readableMessage)")
            }
            return .broken
        case .added, .modified, .deleted:
            let key = Self.key(of: event.object)
            known[key] = event.kind == .deleted ? nil : tombstone(of: event.object)
            if let change = event.change { emit(.changed(change, object: event.object, collection: collection)) }
            return .next
        }
    }

    private func report(_ error: WatchError) {
        guard !reportedProblem else { return }
        reportedProblem = true
        emit(.problem(collection: collection, message: error.description))
    }

    private func emit(_ event: LiveEvent) {
        // Checked before each call: once stop() has cancelled, no new call begins.
        guard !cancellation.isCancelled else { return }
        handler(event)
    }

    /// What a deletion found by relisting reports of an object: its identity only, so that
    /// the watch does not keep whole objects.
    private func tombstone(of object: JSONValue) -> JSONValue {
        var metadata = JSONObject()
        for field in ["name", "namespace", "uid", "resourceVersion"] {
            if let value = object[["metadata", field]] { metadata[field] = value }
        }
        return [
            "apiVersion": object["apiVersion"] ?? .string(itemAPIVersion),
            "kind": object["kind"] ?? .string(itemKind),
            "metadata": .object(metadata),
        ]
    }

    private static func key(of object: JSONValue) -> String {
        (object[["metadata", "namespace"]]?.stringValue ?? "") + "/" + (object[["metadata", "name"]]?.stringValue ?? "")
    }

    private static func isRefusal(_ error: APIError) -> Bool {
        [401, 403, 404].contains(error.statusCode ?? 0)
    }
}
