import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// `ClusterWatcher`'s reflector rules against a scripted server: resuming from bookmarks,
/// relisting after 410 Gone, a refused watch, and `stop()` during an idle stream.
@Suite("ClusterWatcher against a scripted server")
struct ClusterWatcherScriptedTests {
    private static let collection = "/api/v1/namespaces/shop/configmaps"

    private static func item(_ name: String, _ version: Int, kind: Bool = false) -> String {
        let type = kind ? #""kind":"ConfigMap","apiVersion":"v1","# : ""
        return #"{\#(type)"metadata":{"name":"\#(name)","namespace":"shop","uid":"uid-\#(name)","resourceVersion":"\#(version)"}}"#
    }

    private static func list(_ version: Int, _ names: [String]) -> FaultInjectingServer.Action {
        let items = names.map { item($0, version) }.joined(separator: ",")
        return .respond(
            status: 200,
            body: #"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"\#(version)"},"items":[\#(items)]}"#)
    }

    private static func event(_ type: String, _ object: String) -> String { #"{"type":"\#(type)","object":\#(object)}"# + "\n" }

    private static func watch(_ lines: String...) -> FaultInjectingServer.Action {
        .respond(status: 200, body: lines.joined())
    }

    private static func watcher(_ server: FaultInjectingServer) throws -> ClusterWatcher {
        var transportOptions = CurlTransport.Options()
        transportOptions.retry = RetryPolicy(maxAttempts: 1)
        var options = ClusterWatcher.Options()
        options.backoff = WatchBackoff(initial: 0.01, maximum: 0.05)
        options.problemRetryInterval = 0.05
        return ClusterWatcher(
            transport: try CurlTransport(connection: ClusterConnection(server: server.url), options: transportOptions),
            options: options)
    }

    /// Events recorded until `count` of them arrived and `done` holds, or 10 s passed.
    private static func events(
        from watcher: ClusterWatcher, count: Int, until done: () -> Bool = { true }
    ) -> [LiveEvent] {
        let log = Mutex<[LiveEvent]>([])
        watcher.start([collection]) { event in log.withLock { $0.append(event) } }
        let deadline = Date(timeIntervalSinceNow: 10)
        while log.withLock({ $0.count }) < count || !done(), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        watcher.stop()
        return log.withLock { $0 }
    }

    private static func describe(_ event: LiveEvent) -> String {
        switch event {
        case let .changed(change, object, _):
            return "\(change) \(object[["metadata", "name"]]?.stringValue ?? "?") \(object["kind"]?.stringValue ?? "")"
        case let .problem(_, message): return "problem \(message)"
        case let .resynced(_, reason): return "resynced \(reason)"
        }
    }

    private static func watchVersions(_ server: FaultInjectingServer) -> [String] {
        server.requests.map(\.path).filter { $0.contains("watch=1") }.compactMap { path in
            URLComponents(string: path)?.queryItems?.first { $0.name == "resourceVersion" }?.value
        }
    }

    @Test("a watch resumes from the last event or bookmark; after 410 the relist reports what vanished, then resynced")
    func bookmarkAndExpiry() throws {
        let server = try FaultInjectingServer([
            Self.list(10, ["a", "b"]),
            Self.watch(Self.event("ADDED", Self.item("c", 11, kind: true)),
                Self.event("BOOKMARK", #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15"}}"#)),
            Self.watch(Self.event("ERROR", #"{"kind":"Status","apiVersion":"v1","status":"Failure","#
                + #""message":"too old resource version: 15 (30)","reason":"Expired","code":410}"#)),
            Self.list(30, ["a", "c"]),
            Self.watch(Self.event("MODIFIED", Self.item("a", 31, kind: true))),
        ])
        let watcher = try Self.watcher(server)
        let events = Self.events(from: watcher, count: 4) { Self.watchVersions(server).count >= 4 }.map(Self.describe)
        #expect(events == [
            "added c ConfigMap",
            "deleted b ConfigMap",
            "resynced the watch's resourceVersion expired (410 Expired): too old resource version: 15 (30)",
            "modified a ConfigMap",
        ])
        #expect(Array(Self.watchVersions(server).prefix(4)) == ["10", "15", "30", "31"])
        let firstWatch = try #require(server.requests.map(\.path).first { $0.contains("watch=1") })
        #expect(firstWatch.hasPrefix(Self.collection + "?watch=1&allowWatchBookmarks=true&timeoutSeconds="))
        // The early end of the first watch and the 410; later ones as the script runs out.
        #expect(watcher.restarts >= 2)
    }

    @Test("a refused watch is one problem; once it is accepted again the collection is resynced")
    func refusedWatch() throws {
        let forbidden = #"{"kind":"Status","apiVersion":"v1","status":"Failure","#
            + #""message":"configmaps is forbidden: User \"x\" cannot watch","reason":"Forbidden","code":403}"#
        let server = try FaultInjectingServer([
            Self.list(10, []),
            .respond(status: 403, body: forbidden),
            Self.list(12, []),
            .respond(status: 403, body: forbidden),
            Self.list(14, []),
            Self.watch(Self.event("ADDED", Self.item("d", 15, kind: true))),
        ])
        let events = Self.events(from: try Self.watcher(server), count: 3).map(Self.describe)
        #expect(events == [
            #"problem cannot watch \#(Self.collection): forbidden (403): configmaps is forbidden: User "x" cannot watch"#,
            "resynced the collection can be watched again",
            "added d ConfigMap",
        ])
    }

    @Test("stop() ends a watch waiting on a silent server at once, and no event follows")
    func stopDuringIdleStream() throws {
        let server = try FaultInjectingServer([
            Self.list(10, []),
            .delay(seconds: 20, then: Self.watch(Self.event("ADDED", Self.item("late", 11, kind: true)))),
        ])
        let watcher = try Self.watcher(server)
        let log = Mutex<[LiveEvent]>([])
        watcher.start([Self.collection]) { event in log.withLock { $0.append(event) } }
        let deadline = Date(timeIntervalSinceNow: 10)
        while !server.requests.contains(where: { $0.path.contains("watch=1") }), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let began = Date()
        watcher.stop()
        #expect(Date().timeIntervalSince(began) < 0.5)
        #expect(log.withLock { $0.isEmpty })
    }
}
