import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// `HealthWaiter` against scripted answers and a fake clock: no sleeping, no server.
@Suite("Health waiter")
struct HealthWaiterTests {
    /// Answers GETs from a script per path: each request takes the next answer, the last one repeats.
    final class ScriptedTransport: HTTPTransport {
        private let script: Mutex<[String: [HTTPResponse]]>
        private let requests = Mutex<[String]>([])

        init(_ script: [String: [HTTPResponse]]) { self.script = Mutex(script) }

        func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
            requests.withLock { $0.append(request.path) }
            return script.withLock { script in
                guard var answers = script[request.path], !answers.isEmpty else { return HTTPResponse(statusCode: 404) }
                let answer = answers.count > 1 ? answers.removeFirst() : answers[0]
                script[request.path] = answers
                return answer
            }
        }

        func count(_ path: String) -> Int { requests.withLock { $0.filter { $0 == path }.count } }
    }

    /// Time that moves only when the waiter sleeps.
    final class FakeTime: Sendable {
        let seconds = Mutex<Double>(1000)
        var clock: HealthClock {
            HealthClock(now: { self.seconds.withLock { $0 } }, sleep: { delay in self.seconds.withLock { $0 += delay } })
        }
        var elapsed: Double { seconds.withLock { $0 } - 1000 }
    }

    static func answer(_ object: JSONValue) -> HTTPResponse { HTTPResponse(statusCode: 200, body: object.jsonData) }

    static func deployment(_ name: String, updated: Int, available: Int) -> HTTPResponse {
        answer([
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "generation": 1],
            "spec": ["replicas": 2],
            "status": ["observedGeneration": 1, "replicas": 2, "updatedReplicas": .int(Int64(updated)),
                       "availableReplicas": .int(Int64(available))],
        ])
    }

    static let failedJob = answer([
        "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "migrate"],
        "status": ["conditions": [["type": "Failed", "status": "True", "message": "Job has reached the specified backoff limit"]]],
    ])

    static func identity(_ kind: String, _ name: String) -> ObjectIdentity {
        ObjectIdentity(group: kind == "Job" ? "batch" : "apps", kind: kind, namespace: "shop", name: name)
    }

    @Test("polls until every object is healthy or failed, and stops asking for settled ones")
    func settles() {
        let web = "/apis/apps/v1/namespaces/shop/deployments/web"
        let api = "/apis/apps/v1/namespaces/shop/deployments/api"
        let job = "/apis/batch/v1/namespaces/shop/jobs/migrate"
        let transport = ScriptedTransport([
            web: [Self.deployment("web", updated: 1, available: 1), Self.deployment("web", updated: 2, available: 1),
                  Self.deployment("web", updated: 2, available: 2)],
            api: [Self.deployment("api", updated: 2, available: 2)],
            job: [Self.failedJob],
        ])
        let time = FakeTime()
        let waiter = HealthWaiter(client: APIClient(transport: transport), interval: 2, timeout: 60, clock: time.clock)
        let result = waiter.wait(for: [
            (Self.identity("Deployment", "web"), path: web), (Self.identity("Deployment", "api"), path: api),
            (Self.identity("Job", "migrate"), path: job),
        ], concurrency: 4)

        #expect(result[Self.identity("Deployment", "web")] == .healthy)
        #expect(result[Self.identity("Deployment", "api")] == .healthy)
        #expect(result[Self.identity("Job", "migrate")] == .failed("job \"migrate\" failed: Job has reached the specified backoff limit"))
        #expect(transport.count(web) == 3)
        #expect(transport.count(api) == 1)
        #expect(transport.count(job) == 1)
        #expect(time.elapsed == 4)
    }

    @Test("an object still rolling out at the timeout has timed out, with its health as last seen")
    func timesOut() {
        let web = "/apis/apps/v1/namespaces/shop/deployments/web"
        let transport = ScriptedTransport([web: [Self.deployment("web", updated: 2, available: 1)]])
        let time = FakeTime()
        let waiter = HealthWaiter(client: APIClient(transport: transport), interval: 3, timeout: 10, clock: time.clock)
        let result = waiter.wait(for: [(Self.identity("Deployment", "web"), path: web)], concurrency: 2)

        let lastSeen = WorkloadHealth.progressing("Waiting for deployment \"web\" rollout to finish: 1 of 2 updated replicas are available...")
        #expect(result[Self.identity("Deployment", "web")] == .timedOut(after: 10, last: lastSeen))
        #expect(result[Self.identity("Deployment", "web")]?.isHealthy == false)
        #expect(result[Self.identity("Deployment", "web")]?.description
            == "timed out after 10s: progressing: Waiting for deployment \"web\" rollout to finish: 1 of 2 updated replicas are available...")
        // Rounds at 0, 3, 6, 9 and a last one at the deadline, 10.
        #expect(transport.count(web) == 5)
        #expect(time.elapsed == 10)
    }

    @Test("a missing object is retried until it appears; a forbidden one is not retried")
    func unreadable() {
        let late = "/apis/apps/v1/namespaces/shop/deployments/late"
        let secret = "/apis/apps/v1/namespaces/shop/deployments/secret"
        let forbidden = HTTPResponse(statusCode: 403, body: Data(#"""
        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
         "message":"deployments.apps \"secret\" is forbidden: User \"viewer\" cannot get resource \"deployments\""}
        """#.utf8))
        let transport = ScriptedTransport([
            late: [HTTPResponse(statusCode: 404), Self.deployment("late", updated: 2, available: 2)],
            secret: [forbidden],
        ])
        let time = FakeTime()
        let waiter = HealthWaiter(client: APIClient(transport: transport), interval: 1, timeout: 30, clock: time.clock)
        let result = waiter.wait(for: [
            (Self.identity("Deployment", "late"), path: late), (Self.identity("Deployment", "secret"), path: secret),
        ], concurrency: 2)

        #expect(result[Self.identity("Deployment", "late")] == .healthy)
        guard case let .unknown(message) = result[Self.identity("Deployment", "secret")] else {
            Issue.record("expected unknown, got \(String(describing: result[Self.identity("Deployment", "secret")]))")
            return
        }
        #expect(message.contains("cannot get resource"))
        #expect(transport.count(secret) == 1)
        #expect(transport.count(late) == 2)
    }

    @Test("a zero timeout still polls once; no objects means no requests")
    func edges() {
        let web = "/apis/apps/v1/namespaces/shop/deployments/web"
        let transport = ScriptedTransport([web: [Self.deployment("web", updated: 2, available: 2)]])
        let waiter = HealthWaiter(client: APIClient(transport: transport), interval: 1, timeout: 0, clock: FakeTime().clock)
        #expect(waiter.wait(for: [(Self.identity("Deployment", "web"), path: web)], concurrency: 1)
            == [Self.identity("Deployment", "web"): .healthy])
        #expect(waiter.wait(for: [], concurrency: 8).isEmpty)
        #expect(transport.count(web) == 1)
    }

    @Test("only what is unsettled at the deadline times out: a failed object stays failed", arguments: [true, false])
    func onlyUnsettledTimesOut(jobFails: Bool) {
        let web = "/apis/apps/v1/namespaces/shop/deployments/web"
        let job = "/apis/batch/v1/namespaces/shop/jobs/migrate"
        let running = Self.answer(["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "migrate"], "status": ["active": 1]])
        let transport = ScriptedTransport([
            web: [Self.deployment("web", updated: 1, available: 1)], job: [jobFails ? Self.failedJob : running],
        ])
        let waiter = HealthWaiter(client: APIClient(transport: transport), interval: 1, timeout: 2, clock: FakeTime().clock)
        let result = waiter.wait(for: [
            (Self.identity("Deployment", "web"), path: web), (Self.identity("Job", "migrate"), path: job),
        ], concurrency: 2)

        guard case .timedOut(after: 2, last: .progressing)? = result[Self.identity("Deployment", "web")] else {
            Issue.record("expected a timeout, got \(String(describing: result[Self.identity("Deployment", "web")]))")
            return
        }
        let jobHealth = result[Self.identity("Job", "migrate")]
        if jobFails {
            #expect(jobHealth == .failed("job \"migrate\" failed: Job has reached the specified backoff limit"))
        } else {
            #expect(jobHealth?.description == "timed out after 2s: progressing: Waiting for job \"migrate\" to complete: 0 succeeded, 1 active...")
        }
    }

    @Test("durations in timeouts are written as --timeout takes them", arguments: [
        (5.0, "5s"), (0.5, "0.5s"), (60, "1m"), (300, "5m"), (90, "1m30s"), (3600, "1h"), (5400, "1h30m"),
    ])
    func timeoutDuration(seconds: Double, text: String) {
        #expect(WorkloadHealth.duration(seconds) == text)
        #expect(WorkloadHealth.timedOut(after: seconds, last: .unknown("not found")).description == "timed out after \(text): unknown: not found")
    }
}
