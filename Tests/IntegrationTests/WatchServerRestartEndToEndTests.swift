import Foundation
import Testing
@testable import DriftKit

/// Watching across a real kube-apiserver restart, on the same port, etcd and certificates:
/// `ClusterWatcher` reconnects with backoff and loses no change, and `kubectl drift watch
/// --remediate` goes on putting hand changes back.
///
/// The suite has a server of its own, since restarting the shared one would break the tests
/// running beside it. Serialized: a restart on 2 cores is slow enough without two at once. The
/// time limit allows for the first test's own server starting, then restarting, while the rest
/// of the suite keeps both cores busy.
@Suite("watching across a kube-apiserver restart", .serialized, .timeLimit(.minutes(3)))
struct WatchServerRestartEndToEndTests {
    /// The suite's own server, started on first use; its exit watchdog ends it with the test process.
    private static let ownServer = Task { try await TestCluster.startOwnServer() }

    /// The suite's server, and an admin client and a new namespace in it for one test; the
    /// namespaces go with the server's data.
    private static func setUp() async throws -> (server: LocalAPIServer, admin: APIClient, namespace: String) {
        let server = try await ownServer.value
        let admin = APIClient(transport: try CurlTransport(connection: server.connection(for: .admin)))
        let namespace = "restart-" + UUID().uuidString.prefix(8).lowercased()
        try TestCluster.create(
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]],
            in: "/api/v1/namespaces", client: admin)
        return (server, admin, namespace)
    }

    @Test("ClusterWatcher: a change just before the stop and one after the start, before it reconnects, are delivered; restarts counts it")
    func clusterWatcher() async throws {
        let (server, admin, namespace) = try await Self.setUp()
        let collection = ClusterWatcherEndToEndTests.configMaps(namespace)
        try TestCluster.create(ClusterWatcherEndToEndTests.configMap("cm", namespace), in: collection, client: admin)
        let watcher = ClusterWatcher(transport: try CurlTransport(connection: server.connection(for: .admin)))
        let log = ClusterWatcherEndToEndTests.EventLog()
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }

        /// Whether `event` tells of ConfigMap `cm` modified to hold `value`.
        @Sendable func isModification(_ event: LiveEvent, to value: String) -> Bool {
            guard ClusterWatcherEndToEndTests.isChange(.modified, "cm", in: collection)(event),
                case let .changed(_, object, _) = event
            else { return false }
            return object[["data", "value"]]?.stringValue == value
        }
        /// Whether the watcher told of `cm` holding `value`: as a modification, or as a resync
        /// arriving after the change was made, on which the loop reads every object again.
        func told(_ value: String, after made: Date) -> Bool {
            log.all.contains { isModification($0, to: value) }
                || log.arrival(of: { if case .resynced = $0 { true } else { false } }, after: made) != nil
        }

        try await TestCluster.offThePool {
            watcher.start([collection]) { event in
                log.record(event)
                // Holds the watcher's thread, as a slow consumer would, so that it reconnects only
                // once the server is back and has one more change the watcher has not seen.
                if isModification(event, to: "held") { _ = gate.wait(timeout: .now() + 60) }
            }
        }
        _ = try admin.mergePatch(["data": ["value": "held"]], at: collection + "/cm", fieldManager: "test")
        #expect(await WatchEndToEndTests.eventually { log.all.contains { isModification($0, to: "held") } }, "\(log.all)")
        _ = try admin.mergePatch(["data": ["value": "stopping"]], at: collection + "/cm", fieldManager: "test")
        let stopping = Date()
        try await TestCluster.offThePool { try server.restartAPIServer() }
        _ = try admin.mergePatch(["data": ["value": "after"]], at: collection + "/cm", fieldManager: "test")
        let after = Date()
        #expect(watcher.restarts == 0, "the watcher, held, cannot have reconnected yet")
        gate.signal()

        #expect(await WatchEndToEndTests.eventually(timeout: 20) { told("stopping", after: stopping) }, "\(log.all)")
        #expect(await WatchEndToEndTests.eventually(timeout: 20) { told("after", after: after) }, "\(log.all)")
        // The dropped stream, and a relist should the server refuse to resume from its resourceVersion.
        #expect((1...3).contains(watcher.restarts), "\(watcher.restarts) restarts")

        // The watch carries on after the reconnection, without reporting a problem.
        try TestCluster.create(ClusterWatcherEndToEndTests.configMap("later", namespace), in: collection, client: admin)
        #expect(try await log.first(where: ClusterWatcherEndToEndTests.isChange(.added, "later", in: collection)) != nil)
        #expect(!log.all.contains { if case .problem = $0 { true } else { false } }, "\(log.all)")
        try await TestCluster.offThePool { watcher.stop() }
    }

    @Test("kubectl drift watch --remediate: a kubectl scale right after the restart is put back; the restart is counted")
    func remediationLoop() async throws {
        let (server, admin, namespace) = try await Self.setUp()
        let folder = try WatchEndToEndTests.repository(namespace: namespace)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let watch = try await WatchProcess(
            ["-f", "apps", "--applyset", "watch-\(namespace)", "--remediate", "--interval", "1h",
             "--metrics-address", "127.0.0.1:0"],
            in: folder, server: server)
        let deployment = "/apis/apps/v1/namespaces/\(namespace)/deployments/web"
        func scale(_ replicas: Int) async throws {
            let result = try await TestCluster.kubectl(
                ["scale", "deployment", "web", "-n", namespace, "--replicas=\(replicas)"], server: server)
            #expect(result.status == 0, "\(result.errorOutput)")
        }
        #expect(await watch.waitFor("remediated deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
        // A first scale put back proves the watch is established before the restart.
        try await scale(5)
        #expect(await watch.waitFor("remediated deployment.apps/web", count: 2), "\(watch.printed)\(watch.errorOutput)")

        let stopping = Date()
        try await TestCluster.offThePool { try server.restartAPIServer() }
        try await scale(7)
        #expect(await watch.waitFor("remediated deployment.apps/web", count: 3, timeout: 40), "\(watch.printed)\(watch.errorOutput)")
        #expect(watch.printed.contains("drifted deployment.apps/web (namespace \(namespace)): /spec/replicas 7 → 2"), "\(watch.printed)")
        #expect(await WatchEndToEndTests.eventually { try admin.get(deployment)[["spec", "replicas"]]?.intValue == 2 })

        let announced = try #require(watch.errorOutput.split(separator: "\n").first { $0.hasPrefix("metrics on http://127.0.0.1:") })
        let port = try #require(Int(announced.dropFirst("metrics on http://127.0.0.1:".count).prefix { $0.isNumber }))
        let metrics = try WatchEndToEndTests.get("/metrics", port: port)
        let restarts = metrics.split(separator: "\n").first { $0.hasPrefix("kubectl_drift_watch_restarts_total ") }
        let count = try #require(restarts.flatMap { Int($0.split(separator: " ").last ?? "") }, "\(metrics)")
        #expect(count >= 1)
        // Attempts while the server was down wait at least the first backoff each: no storm.
        let elapsed = Date().timeIntervalSince(stopping)
        #expect(count <= Int(elapsed / WatchBackoff().initial) + 2, "\(count) restarts in \(elapsed)s")
        #expect(await watch.terminate() == 0, "\(watch.errorOutput)")
    }
}
