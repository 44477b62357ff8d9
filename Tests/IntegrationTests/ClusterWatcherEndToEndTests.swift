import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// `ClusterWatcher` against a real kube-apiserver: LIST + WATCH, refusals, reconnection
/// through a proxy that cuts connections, and `stop()`.
@Suite("ClusterWatcher against kube-apiserver", .timeLimit(.minutes(2)))
struct ClusterWatcherEndToEndTests {
    /// Every event a watcher reported, in order and with when it arrived, for the test to wait on.
    final class EventLog: Sendable {
        private let events = Mutex<[(event: LiveEvent, arrived: Date)]>([])

        var all: [LiveEvent] { events.withLock { $0.map(\.event) } }

        func record(_ event: LiveEvent) { events.withLock { $0.append((event, Date())) } }

        /// When the first event matching `matches` arrived (after `date`), on the watcher's thread:
        /// unlike the test's own wake-ups, not delayed by a busy concurrency pool.
        func arrival(of matches: (LiveEvent) -> Bool, after date: Date = .distantPast) -> Date? {
            events.withLock { $0.first { $0.arrived > date && matches($0.event) }?.arrived }
        }

        /// Waits up to `seconds` for an event matching `matches`, and returns it.
        func first(within seconds: Double = 20, where matches: (LiveEvent) -> Bool) async throws -> LiveEvent? {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while Date() < deadline {
                if let event = all.first(where: matches) { return event }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }
    }

    static func configMaps(_ namespace: String) -> String { "/api/v1/namespaces/\(namespace)/configmaps" }

    static func configMap(_ name: String, _ namespace: String, data: String = "1") -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "data": ["value": .string(data)]]
    }

    /// A `.changed` of `change` for the object named `name` in `collection`.
    static func isChange(_ change: LiveEvent.Change, _ name: String, in collection: String)
        -> @Sendable (LiveEvent) -> Bool
    {
        { event in
            guard case let .changed(actual, object, actualCollection) = event else { return false }
            return actual == change && actualCollection == collection && object[["metadata", "name"]]?.stringValue == name
        }
    }

    private static func options() -> ClusterWatcher.Options {
        var options = ClusterWatcher.Options()
        options.problemRetryInterval = 0.5
        return options
    }

    private static func start(
        _ watcher: ClusterWatcher, _ collections: [String], log: EventLog
    ) async throws {
        try await TestCluster.offThePool { watcher.start(collections) { log.record($0) } }
    }

    /// Stops `watcher`, returning how long `stop()` took.
    private static func stop(_ watcher: ClusterWatcher) async throws -> Double {
        try await TestCluster.offThePool {
            let began = Date()
            watcher.stop()
            return Date().timeIntervalSince(began)
        }
    }

    @Test("a ConfigMap created, patched and deleted after start arrives as added, modified, deleted, promptly")
    func configMapLifecycle() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let collection = Self.configMaps(namespace)
            try TestCluster.create(Self.configMap("before", namespace), in: collection, client: admin)
            let watcher = ClusterWatcher(transport: try CurlTransport(connection: await TestCluster.connection()))
            let log = EventLog()
            try await Self.start(watcher, [collection], log: log)

            let created = Date()
            try TestCluster.create(Self.configMap("cm", namespace), in: collection, client: admin)
            let added = try await log.first(where: Self.isChange(.added, "cm", in: collection))
            #expect(added != nil)
            // An idle watch delivers in milliseconds; the bound leaves room for two busy cores.
            let arrived = try #require(log.arrival(of: Self.isChange(.added, "cm", in: collection)))
            #expect(arrived.timeIntervalSince(created) < 3)

            _ = try admin.mergePatch(["data": ["value": "2"]], at: collection + "/cm", fieldManager: "test")
            let modified = try await log.first(where: Self.isChange(.modified, "cm", in: collection))
            guard case let .changed(_, object, _) = try #require(modified) else { return }
            #expect(object[["data", "value"]] == "2")

            _ = try admin.json(HTTPRequest(method: .delete, path: collection + "/cm"))
            #expect(try await log.first(where: Self.isChange(.deleted, "cm", in: collection)) != nil)

            // The initial LIST's items are not changes: the loop verifies everything at start.
            #expect(!log.all.contains { Self.isChange(.added, "before", in: collection)($0) })
            #expect(!log.all.contains { if case .problem = $0 { return true } else { return false } })
            #expect(watcher.restarts == 0)

            let stopping = try await Self.stop(watcher)
            #expect(stopping < 1, "stop() took \(stopping)s")
            let count = log.all.count
            try TestCluster.create(Self.configMap("after", namespace), in: collection, client: admin)
            try await Task.sleep(for: .milliseconds(500))
            #expect(log.all.count == count, "an event arrived after stop(): \(log.all.suffix(from: count))")
        }
    }

    @Test("Deployments in another namespace are watched independently, and an unserved type is a problem for itself only")
    func independentCollections() async throws {
        try await TestCluster.withNamespace { first in
            try await TestCluster.withNamespace { second in
                let admin = try await TestCluster.client()
                let configMaps = Self.configMaps(first)
                let deployments = "/apis/apps/v1/namespaces/\(second)/deployments"
                let unserved = "/apis/watch-\(second).example.com/v1/namespaces/\(second)/widgets"
                let watcher = ClusterWatcher(
                    transport: try CurlTransport(connection: await TestCluster.connection()), options: Self.options())
                let log = EventLog()
                try await Self.start(watcher, [configMaps, deployments, unserved], log: log)

                let deployment: JSONValue = [
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": ["name": "web", "namespace": .string(second)],
                    "spec": [
                        "selector": ["matchLabels": ["app": "web"]],
                        "template": [
                            "metadata": ["labels": ["app": "web"]],
                            "spec": ["containers": [["name": "web", "image": "nginx:1.25"]]],
                        ],
                    ],
                ]
                try TestCluster.create(deployment, in: deployments, client: admin)
                try TestCluster.create(Self.configMap("cm", first), in: configMaps, client: admin)
                #expect(try await log.first(where: Self.isChange(.added, "web", in: deployments)) != nil)
                #expect(try await log.first(where: Self.isChange(.added, "cm", in: configMaps)) != nil)

                let problem = try await log.first { event in
                    if case let .problem(collection, _) = event { return collection == unserved }
                    return false
                }
                guard case let .problem(_, message) = try #require(problem) else { return }
                #expect(message.hasPrefix("cannot list \(unserved): the server does not serve it (404)"))
                // Retried every half second, quietly: still one problem.
                try await Task.sleep(for: .seconds(1.5))
                let problems = log.all.filter { if case .problem = $0 { return true } else { return false } }
                #expect(problems.count == 1)
                let wrongCollection = log.all.contains { event in
                    guard case let .changed(_, object, collection) = event else { return false }
                    return (collection == configMaps) != (object["kind"] == "ConfigMap")
                }
                #expect(!wrongCollection)
                _ = try await Self.stop(watcher)
            }
        }
    }

    @Test("a collection the identity may not list is a problem, reported once, naming the collection and the refusal")
    func forbiddenList() async throws {
        try await TestCluster.withNamespace { namespace in
            var anonymous = try await TestCluster.connection()
            anonymous.credentials = StaticCredentials(ClientCredentials())
            let watcher = ClusterWatcher(transport: try CurlTransport(connection: anonymous), options: Self.options())
            let log = EventLog()
            let collection = Self.configMaps(namespace)
            try await Self.start(watcher, [collection], log: log)
            let problem = try await log.first { if case .problem = $0 { return true } else { return false } }
            guard case let .problem(problemCollection, message) = try #require(problem) else { return }
            #expect(problemCollection == collection)
            #expect(message.hasPrefix("cannot list \(collection): "))
            #expect(message.contains("401") || message.contains("403"), "\(message)")
            try await Task.sleep(for: .seconds(1.5))
            #expect(log.all.count == 1, "\(log.all)")
            _ = try await Self.stop(watcher)
        }
    }

    @Test("a collection the identity may list but not watch is a problem naming the watch")
    func forbiddenWatch() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)"
            try TestCluster.create([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "list-only"],
                "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]]],
            ], in: rbac + "/roles", client: admin)
            try TestCluster.create([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "list-only"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "list-only"],
                "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:anonymous"]],
            ], in: rbac + "/rolebindings", client: admin)
            var anonymous = try await TestCluster.connection()
            anonymous.credentials = StaticCredentials(ClientCredentials())
            let transport = try CurlTransport(connection: anonymous)
            let collection = Self.configMaps(namespace)
            // The authorizer learns of the binding through a watch of its own, a moment later.
            let deadline = Date(timeIntervalSinceNow: 20)
            while (try? APIClient(transport: transport).list(collection)) == nil, Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let watcher = ClusterWatcher(transport: transport, options: Self.options())
            let log = EventLog()
            try await Self.start(watcher, [collection], log: log)
            let problem = try await log.first { if case .problem = $0 { return true } else { return false } }
            guard case let .problem(_, message) = try #require(problem) else { return }
            #expect(message.hasPrefix("cannot watch \(collection): forbidden (403): "), "\(message)")
            try await Task.sleep(for: .seconds(1.5))
            #expect(log.all.count == 1, "\(log.all)")
            _ = try await Self.stop(watcher)
        }
    }

    @Test("a CRD deleted while its custom resources are watched: their deletion, then a problem, the other collection unaffected")
    func definitionDeleted() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let group = "gone-\(namespace).example.com"
            let collection = "/apis/\(group)/v1/namespaces/\(namespace)/widgets"
            let definitions = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            try TestCluster.create(Self.widgetDefinition(group: group), in: definitions, client: admin)
            defer { _ = try? admin.json(HTTPRequest(method: .delete, path: "\(definitions)/widgets.\(group)")) }
            let widget: JSONValue = [
                "apiVersion": .string("\(group)/v1"), "kind": "Widget",
                "metadata": ["name": "blue", "namespace": .string(namespace)],
            ]
            let deadline = Date(timeIntervalSinceNow: 30)
            while (try? TestCluster.create(widget, in: collection, client: admin)) == nil, Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            let configMaps = Self.configMaps(namespace)
            let watcher = ClusterWatcher(
                transport: try CurlTransport(connection: await TestCluster.connection()), options: Self.options())
            let log = EventLog()
            try await Self.start(watcher, [collection, configMaps], log: log)

            _ = try admin.json(HTTPRequest(method: .delete, path: "\(definitions)/widgets.\(group)"))
            #expect(try await log.first(within: 30, where: Self.isChange(.deleted, "blue", in: collection)) != nil)
            let problem = try await log.first(within: 30) { event in
                if case let .problem(problemCollection, _) = event { return problemCollection == collection }
                return false
            }
            guard case let .problem(_, message) = try #require(problem, "\(log.all)") else { return }
            #expect(message.contains("the server does not serve it (404)"), "\(message)")

            try TestCluster.create(Self.configMap("still", namespace), in: configMaps, client: admin)
            #expect(try await log.first(where: Self.isChange(.added, "still", in: configMaps)) != nil)
            _ = try await Self.stop(watcher)
        }
    }

    private static func widgetDefinition(group: String) -> JSONValue {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("widgets.\(group)")],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
                "versions": [[
                    "name": "v1", "served": true, "storage": true,
                    "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                ]],
            ],
        ]
    }

    @Test("a custom resource type: a problem while its CRD is missing, resynced once it is served, changes after")
    func definitionAppears() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let group = "watch-\(namespace).example.com"
            let collection = "/apis/\(group)/v1/namespaces/\(namespace)/widgets"
            let watcher = ClusterWatcher(
                transport: try CurlTransport(connection: await TestCluster.connection()), options: Self.options())
            let log = EventLog()
            try await Self.start(watcher, [collection], log: log)
            #expect(try await log.first { if case .problem = $0 { return true } else { return false } } != nil)

            let definitions = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            try TestCluster.create(Self.widgetDefinition(group: group), in: definitions, client: admin)
            defer { _ = try? admin.json(HTTPRequest(method: .delete, path: "\(definitions)/widgets.\(group)")) }
            let resynced = try await log.first { if case .resynced = $0 { return true } else { return false } }
            guard case let .resynced(resyncedCollection, reason) = try #require(resynced) else { return }
            #expect(resyncedCollection == collection)
            #expect(reason.contains("again"))

            let widget: JSONValue = [
                "apiVersion": .string("\(group)/v1"), "kind": "Widget",
                "metadata": ["name": "blue", "namespace": .string(namespace)],
            ]
            try TestCluster.create(widget, in: collection, client: admin)
            #expect(try await log.first(where: Self.isChange(.added, "blue", in: collection)) != nil)
            let problems = log.all.filter { if case .problem = $0 { return true } else { return false } }
            #expect(problems.count == 1)
            _ = try await Self.stop(watcher)
        }
    }

    @Test("connections cut under a watch: it reconnects from its resourceVersion, the change arrives, restarts counts it")
    func connectionCut() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let server = try await TestCluster.server()
            let targetPort = try #require(URLComponents(string: server.serverURL)?.port)
            let proxy = try FaultProxy(targetPort: targetPort)
            defer { proxy.close() }
            var throughProxy = try await TestCluster.connection()
            // The server's certificate names 127.0.0.1, which the proxy's URL names too.
            throughProxy.server = "https://127.0.0.1:\(proxy.port)"
            let watcher = ClusterWatcher(transport: try CurlTransport(connection: throughProxy), options: Self.options())
            let log = EventLog()
            let collection = Self.configMaps(namespace)
            try TestCluster.create(Self.configMap("cm", namespace), in: collection, client: admin)
            try await Self.start(watcher, [collection], log: log)
            try TestCluster.create(Self.configMap("first", namespace), in: collection, client: admin)
            #expect(try await log.first(where: Self.isChange(.added, "first", in: collection)) != nil)

            proxy.cutConnections()
            _ = try admin.mergePatch(["data": ["value": "cut"]], at: collection + "/cm", fieldManager: "test")
            let modified = try await log.first { event in
                Self.isChange(.modified, "cm", in: collection)(event)
                    || { if case .resynced = event { return true } else { return false } }()
            }
            #expect(modified != nil, "\(log.all)")
            #expect(watcher.restarts >= 1)

            // The watch carries on after the reconnection.
            try TestCluster.create(Self.configMap("second", namespace), in: collection, client: admin)
            #expect(try await log.first(where: Self.isChange(.added, "second", in: collection)) != nil)
            #expect(!log.all.contains { if case .problem = $0 { return true } else { return false } })
            _ = try await Self.stop(watcher)
        }
    }
}
