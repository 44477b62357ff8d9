import Foundation
import Testing
@testable import DriftKit

/// `HealthWaiter` against a real kube-apiserver. The test server runs no controllers, so the
/// tests play the Deployment controller by writing status through the `/status` subresource.
@Suite("Health waiter against kube-apiserver", .timeLimit(.minutes(2)))
struct HealthTests {
    static func deployment(_ name: String) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [["name": "web", "image": "nginx:1.27"]]],
                ],
            ],
        ]
    }

    /// Writes `status` as the deployment controller would (a merge patch of the `/status` subresource).
    static func writeStatus(_ status: JSONValue, at path: String, client: APIClient) throws {
        _ = try client.mergePatch(["status": status], at: path + "/status", fieldManager: "kube-controller-manager")
    }

    static func createDeployment(_ name: String, in namespace: String, client: APIClient) throws -> (ObjectIdentity, path: String) {
        let collection = "/apis/apps/v1/namespaces/\(namespace)/deployments"
        try TestCluster.create(deployment(name), in: collection, client: client)
        return (ObjectIdentity(group: "apps", kind: "Deployment", namespace: namespace, name: name), path: collection + "/" + name)
    }

    @Test("waits while a Deployment rolls out and reports it healthy once its status says so")
    func rolloutFinishes() async throws {
        let admin = try await TestCluster.client()
        try await TestCluster.withNamespace { namespace in
            let web = try Self.createDeployment("web", in: namespace, client: admin)
            // Freshly created: the (absent) controller has not observed generation 1.
            #expect(HealthCheck.evaluate(try admin.get(web.path))
                == .progressing("Waiting for deployment \"web\" spec update to be observed..."))

            let waiter = HealthWaiter(client: admin, interval: 0.1, timeout: 180)
            let started = Date()
            let waiting = Task { try await TestCluster.offThePool { waiter.wait(for: [web], concurrency: 2) } }

            try await Task.sleep(for: .milliseconds(600))
            try Self.writeStatus([
                "observedGeneration": 1, "replicas": 3, "updatedReplicas": 1, "readyReplicas": 2,
                "availableReplicas": 2, "unavailableReplicas": 1,
            ], at: web.path, client: admin)
            try await Task.sleep(for: .milliseconds(600))
            #expect(HealthCheck.evaluate(try admin.get(web.path))
                == .progressing("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated..."))
            try Self.writeStatus([
                "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
                "availableReplicas": 2, "unavailableReplicas": nil,
                "conditions": [
                    ["type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."],
                    ["type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": "ReplicaSet has successfully progressed."],
                ],
            ], at: web.path, client: admin)

            let result = try await waiting.value
            let elapsed = Date().timeIntervalSince(started)
            #expect(result == [web.0: .healthy])
            #expect(elapsed >= 1.2, "the waiter returned before the rollout finished")
            // Well before its timeout: it returned because the rollout finished. (The bounds here
            // allow for an API server that stalls for seconds while the rest of the suite
            // changes CRDs on a 2-core machine.)
            #expect(elapsed < 90)
        }
    }

    @Test("a Deployment whose status never comes times out as not healthy")
    func statusNeverComes() async throws {
        let admin = try await TestCluster.client()
        try await TestCluster.withNamespace { namespace in
            let web = try Self.createDeployment("stuck", in: namespace, client: admin)
            let waiter = HealthWaiter(client: admin, interval: 0.2, timeout: 1.5)
            let started = Date()
            let result = try await TestCluster.offThePool { waiter.wait(for: [web], concurrency: 2) }
            let elapsed = Date().timeIntervalSince(started)

            #expect(result == [web.0: .timedOut(after: 1.5, last: .progressing("Waiting for deployment \"stuck\" spec update to be observed..."))])
            #expect(result[web.0]?.isHealthy == false)
            #expect(elapsed >= 1.5)
            #expect(elapsed < 45, "it gave up at its own timeout, not a default one")
        }
    }

    @Test("a Deployment past its progress deadline has failed; a missing one times out as unknown")
    func failsEarly() async throws {
        let admin = try await TestCluster.client()
        try await TestCluster.withNamespace { namespace in
            let web = try Self.createDeployment("late", in: namespace, client: admin)
            try Self.writeStatus([
                "observedGeneration": 1, "replicas": 2, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                "unavailableReplicas": 1,
                "conditions": [["type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                "message": "ReplicaSet \"late-5f8d\" has timed out progressing."]],
            ], at: web.path, client: admin)
            let gone = (ObjectIdentity(group: "apps", kind: "Deployment", namespace: namespace, name: "gone"),
                        path: "/apis/apps/v1/namespaces/\(namespace)/deployments/gone")

            let started = Date()
            let result = try await TestCluster.offThePool {
                HealthWaiter(client: admin, interval: 0.2, timeout: 1).wait(for: [web, gone], concurrency: 2)
            }
            #expect(result[web.0]
                == .failed("deployment \"late\" exceeded its progress deadline: ReplicaSet \"late-5f8d\" has timed out progressing."))
            guard case let .timedOut(after: 1, last: .unknown(message)) = result[gone.0] else {
                Issue.record("expected unknown for a missing object, got \(String(describing: result[gone.0]))")
                return
            }
            #expect(message.contains("not found"))
            #expect(Date().timeIntervalSince(started) < 45, "it gave up at its own timeout, not a default one")
        }
    }
}
