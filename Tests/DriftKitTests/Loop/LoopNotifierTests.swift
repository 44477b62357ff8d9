import Foundation
import Synchronization
import Testing
@testable import DriftKit

@Suite("Watch notifications: transitions only, batched, rate-limited")
struct LoopNotifierTests {
    static let web = ObjectIdentity(group: "apps", kind: "Deployment", namespace: "shop", name: "web")
    static let settings = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "shop", name: "settings")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let replicas = [FieldChange(path: "/spec/replicas", live: 5, desired: 2)]

    static func take(_ batcher: inout NotificationBatcher, at time: Date, force: Bool = false) -> WatchNotification? {
        batcher.take(at: time, force: force, server: "https://127.0.0.1:6443", cluster: "dev", context: "dev", revision: "abc1234")
    }

    @Test("an object that stays drifted, or keeps failing, is notified once; each new state is notified")
    func transitions() throws {
        var batcher = NotificationBatcher(interval: 60, policy: .drift)
        let t = Self.start
        let events: [(LoopEvent, notified: Bool)] = [
            (.drifted(Self.web, missing: false, changes: Self.replicas), true),
            (.drifted(Self.web, missing: false, changes: Self.replicas), false),  // still drifted
            (.failed(Self.web, reason: "forbidden", retry: 1), true),
            (.failed(Self.web, reason: "forbidden", retry: 2), false),  // still failing
            (.remediated(Self.web), true),
            (.drifted(Self.web, missing: false, changes: Self.replicas), true),  // again, after the remediation
            (.drifted(Self.settings, missing: true, changes: []), true),
            (.problem("cannot watch widgets"), true),
            (.git(from: "abc1234", to: "def5678", changed: 1), false),  // no object's transition
        ]
        let accepted = events.map { batcher.add($0.0, at: t) }
        #expect(accepted == events.map(\.notified))
        let batch = try #require(Self.take(&batcher, at: t.addingTimeInterval(5)))
        #expect(batch.counts == ["drifted": 3, "failed": 1, "remediated": 1, "problem": 1])
        #expect(batch.entries.map(\.event.name) == ["drifted", "failed", "remediated", "drifted", "drifted", "problem"])

        var always = NotificationBatcher(interval: 60, policy: .always)
        let revision = always.add(.git(from: "abc1234", to: "def5678", changed: 1), at: t)
        #expect(revision, "with notifyOn always, a new revision too")
    }

    @Test("events gather for a few seconds, then at most one batch per interval; what waits is sent in the next")
    func rateLimit() throws {
        var batcher = NotificationBatcher(interval: 60, policy: .drift)
        let t = Self.start
        #expect(batcher.due == nil)
        batcher.add(.drifted(Self.web, missing: false, changes: Self.replicas), at: t)
        #expect(batcher.due == t.addingTimeInterval(5))
        batcher.add(.remediated(Self.web), at: t.addingTimeInterval(0.3))
        let early = Self.take(&batcher, at: t.addingTimeInterval(4))
        #expect(early == nil, "still gathering")
        let first = try #require(Self.take(&batcher, at: t.addingTimeInterval(5)))
        #expect(first.entries.map(\.event) == [.drifted(Self.web, missing: false, changes: Self.replicas), .remediated(Self.web)])
        #expect(first.since == t && first.until == t.addingTimeInterval(0.3))
        #expect(batcher.due == nil)

        batcher.add(.drifted(Self.web, missing: false, changes: Self.replicas), at: t.addingTimeInterval(10))
        batcher.add(.remediated(Self.web), at: t.addingTimeInterval(10.2))
        #expect(batcher.due == t.addingTimeInterval(65), "one minute after the last message")
        let limited = Self.take(&batcher, at: t.addingTimeInterval(30))
        #expect(limited == nil, "rate-limited")
        let second = try #require(Self.take(&batcher, at: t.addingTimeInterval(65)))
        #expect(second.counts == ["drifted": 1, "remediated": 1])

        batcher.add(.drifted(Self.web, missing: false, changes: Self.replicas), at: t.addingTimeInterval(70))
        let last = try #require(Self.take(&batcher, at: t.addingTimeInterval(70), force: true), "a stopping loop sends at once")
        #expect(last.entries.count == 1)
    }

    @Test("a batch lists at most its limit and counts the rest")
    func bounded() throws {
        var batcher = NotificationBatcher(interval: 60, policy: .drift, maxEntries: 3)
        for index in 0..<10 {
            let identity = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "shop", name: "cm-\(index)")
            batcher.add(.drifted(identity, missing: true, changes: []), at: Self.start)
        }
        let batch = try #require(Self.take(&batcher, at: Self.start.addingTimeInterval(60)))
        #expect(batch.entries.count == 3)
        #expect(batch.counts == ["drifted": 10])
        #expect(batch.omitted == 7)
        let document = NotificationPayload.generic(batch)
        #expect(document["omitted"] == 7)
        #expect(document["text"] == "kubectl-drift watch on dev: 10 drifted")
    }

    @Test("the generic document lists events as the JSON lines do, with paths instead of values")
    func genericDocument() throws {
        var batcher = NotificationBatcher(interval: 60, policy: .drift)
        let secret = ObjectIdentity(group: "", kind: "Secret", namespace: "shop", name: "token")
        batcher.add(.drifted(secret, missing: false, changes: [FieldChange(path: "/data/token", live: "c2VjcmV0", desired: "bmV3")]), at: Self.start)
        batcher.add(.fight(Self.web, manager: "hpa", path: "/spec/replicas", rule: "{kind: Deployment, name: web, jsonPointers: [/spec/replicas]}"), at: Self.start)
        let document = NotificationPayload.generic(try #require(Self.take(&batcher, at: Self.start.addingTimeInterval(5))))
        #expect(document["kind"] == "DriftWatchNotification")
        #expect(document["cluster"] == "dev" && document["context"] == "dev" && document["revision"] == "abc1234")
        #expect(document["text"] == "kubectl-drift watch on dev: 1 fight, 1 drifted")
        let events = try #require(document["events"]?.arrayValue)
        #expect(events.first?["paths"] == ["/data/token"])
        #expect(events.first?["changes"] == nil)
        #expect(!document.jsonText().contains("c2VjcmV0"), "no field value in any notification")
        #expect(events.last?["manager"] == "hpa")
        #expect(document["counts"]?.objectValue?.orderedMembers.map(\.key) == ["fight", "drifted"], "most urgent first")
    }

    @Test("Slack and Teams bodies: a section per kind of event, most urgent first")
    func chatBodies() throws {
        var batcher = NotificationBatcher(interval: 60, policy: .drift)
        batcher.add(.remediated(Self.web), at: Self.start)
        batcher.add(.failed(Self.settings, reason: "admission webhook denied", retry: 1), at: Self.start)
        batcher.add(.problem("cannot watch widgets.example.com: forbidden"), at: Self.start)
        let batch = try #require(Self.take(&batcher, at: Self.start.addingTimeInterval(5)))
        let slack = NotificationPayload.body(.slack, batch).jsonText()
        let failed = try #require(slack.range(of: "*Failed*"))
        let problems = try #require(slack.range(of: "*Problems*"))
        let remediated = try #require(slack.range(of: "*Remediated*"))
        #expect(failed.lowerBound < problems.lowerBound && problems.lowerBound < remediated.lowerBound)
        #expect(slack.contains("• cannot watch widgets.example.com: forbidden"), "an event of no object is its text alone")
        let teams = NotificationPayload.body(.teams, batch).jsonText()
        #expect(teams.contains("kubectl-drift watch on dev: 1 failed, 1 problem, 1 remediated"))
        #expect(teams.contains("admission webhook denied"))
    }

    @Test("the notifier sends from its own thread, after the gathering, and what is pending when it stops")
    func delivery() async throws {
        let sent = Mutex<[WatchNotification]>([])
        let notifier = LoopNotifier(
            policy: .drift, interval: 1, connection: ClusterConnection(server: "https://127.0.0.1:6443"),
            revision: { "abc1234" }, warn: { _ in }
        ) { notification in
            sent.withLock { $0.append(notification) }
            return nil
        }
        notifier.post(.drifted(Self.web, missing: false, changes: Self.replicas))
        notifier.post(.remediated(Self.web))
        let gathered = sent.withLock { $0 }
        #expect(gathered.isEmpty, "gathered first")
        let deadline = Date().addingTimeInterval(10)
        while sent.withLock({ $0.isEmpty }), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let first = sent.withLock { $0 }
        #expect(first.map(\.counts) == [["drifted": 1, "remediated": 1]])
        #expect(first.first?.revision == "abc1234")

        notifier.post(.drifted(Self.settings, missing: true, changes: []))
        notifier.stop()
        let all = sent.withLock { $0 }
        #expect(all.map(\.counts) == [["drifted": 1, "remediated": 1], ["drifted": 1]], "sent on stop, at once")
    }

    @Test("a notification that is not delivered is one warning; the notifier goes on")
    func failedDelivery() async throws {
        let warnings = Mutex<[String]>([])
        let notifier = LoopNotifier(
            policy: .drift, interval: 1, connection: ClusterConnection(server: "https://127.0.0.1:6443"),
            revision: { nil }, warn: { message in warnings.withLock { $0.append(message) } }
        ) { _ in .rejected(endpoint: "https://hooks.example.com", statusCode: 500, body: "") }
        notifier.post(.remediated(Self.web))
        notifier.stop()
        let said = warnings.withLock { $0 }
        #expect(said == ["the notification was not delivered: https://hooks.example.com answered HTTP 500"])
    }
}
