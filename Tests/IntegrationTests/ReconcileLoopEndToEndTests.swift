import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// The reconcile loop in process against the real API server, where a test needs to place a
/// change at an exact moment of the loop's start.
@Suite("The reconcile loop's start, against the real API server")
struct ReconcileLoopEndToEndTests {
    /// The real watcher, with `beforeFirstStart` run once just before its first LIST: a hand
    /// change landing after the loop's first verification and before its watch.
    final class LateWatcher: LiveEventSource {
        let watcher: ClusterWatcher
        let beforeFirstStart: Mutex<(@Sendable () -> Void)?>

        init(_ watcher: ClusterWatcher, beforeFirstStart: @escaping @Sendable () -> Void) {
            self.watcher = watcher
            self.beforeFirstStart = Mutex(beforeFirstStart)
        }

        func start(_ collections: [String], handler: @escaping @Sendable (LiveEvent) -> Void) {
            beforeFirstStart.withLock { action in
                action?()
                action = nil
            }
            watcher.start(collections, handler: handler)
        }

        func stop() { watcher.stop() }
    }

    @Test("a change made between the first verification and the watch's LIST is found at once, not at the interval")
    func changeBeforeTheWatch() async throws {
        try await TestCluster.withNamespace { namespace in
            let manifest = WatchEndToEndTests.deployment(namespace: namespace)
            _ = try await TestCluster.kubectl(["apply", "--server-side", "--field-manager", "kubectl-drift", "-f",
                                               try DiffEndToEndTests.folder(["web.yaml": manifest])])
            let manifests = try ManifestLoader.parse([ManifestFile(path: "web.yaml", text: manifest)])
            let connection = try await TestCluster.connection()
            let client = try await TestCluster.client()
            let detector = DriftDetector(client: client, connection: connection, options: DriftOptions())
            let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/web"
            let source = LateWatcher(ClusterWatcher(transport: try CurlTransport(connection: connection))) {
                _ = try? client.mergePatch(["spec": ["replicas": 5]], at: path, fieldManager: "kubectl")
            }
            var options = LoopOptions()
            options.interval = 3600
            let events = Mutex<[LoopEvent]>([])
            let loop = ReconcileLoop(
                detector: detector, remediation: RemediationOptions(), options: options, source: source,
                load: { DesiredSnapshot(manifests: manifests, revision: "test") },
                emit: { event in events.withLock { $0.append(event) } })
            let running = Task { try await TestCluster.offThePool { try loop.run() } }
            defer { loop.stop() }
            let deadline = Date().addingTimeInterval(20)
            func drifted() -> Bool {
                events.withLock { $0.contains { if case let .drifted(identity, _, _) = $0 { identity.name == "web" } else { false } } }
            }
            while !drifted(), Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(drifted(), "\(events.withLock { $0 })")
            loop.stop()
            try await running.value
        }
    }
}
