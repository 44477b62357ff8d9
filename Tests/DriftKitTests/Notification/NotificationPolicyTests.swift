import Testing
@testable import DriftKit

/// When a notification is sent, what it names the cluster, and what remediation tells it.
@Suite("Notification policy and content")
struct NotificationPolicyTests {
    static func drift(_ name: String, _ status: DriftStatus) -> ObjectDrift {
        ObjectDrift(
            identity: ObjectIdentity(group: "", kind: "ConfigMap", namespace: "default", name: name), apiVersion: "v1",
            source: ManifestLocation(file: "apps/\(name).yaml", line: 1, documentIndex: 0), status: status)
    }

    static let old = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "default", name: "old")

    static func report(_ statuses: [DriftStatus], prunable: [ObjectIdentity] = []) -> DriftReport {
        var report = DriftReport(objects: statuses.enumerated().map { drift("o\($0.offset)", $0.element) }, server: "https://10.0.0.1:6443")
        report.prunable = prunable
        return report
    }

    @Test("drift: only a run with something to act on or to know sends; always: every run", arguments: [
        ("everything in sync", NotificationContent(report: report([.inSync, .inSync])), false),
        ("nothing at all", NotificationContent(report: report([])), false),
        ("a drifted object", NotificationContent(report: report([.inSync, .drifted])), true),
        ("a missing object", NotificationContent(report: report([.missing])), true),
        ("an object not compared", NotificationContent(report: report([.error])), true),
        ("an object to prune", NotificationContent(report: report([.inSync], prunable: [old])), true),
        ("apply with nothing to do", NotificationContent(report: report([.inSync]), remediation: NotificationSummary()), false),
        ("apply that pruned", NotificationContent(report: report([.inSync]), remediation: NotificationSummary(pruned: [old])), true),
        ("apply whose prune failed",
         NotificationContent(report: report([.inSync]), remediation: NotificationSummary(failed: [.init(old, "prune failed: forbidden")])), true),
    ])
    func policy(_ name: String, content: NotificationContent, noteworthy: Bool) {
        #expect(NotificationPolicy.drift.shouldSend(content) == noteworthy, "\(name)")
        #expect(NotificationPolicy.always.shouldSend(content), "\(name)")
        #expect(NotificationPolicy.default == .drift)
    }

    @Test("the cluster name, the context and the server are separate fields and facts")
    func clusterAndContext() throws {
        let content = NotificationContent(report: Self.report([.drifted]), cluster: "prod-eu", context: "admin@prod")
        let generic = NotificationPayload.generic(content)
        #expect(generic["server"] == "https://10.0.0.1:6443")
        #expect(generic["cluster"] == "prod-eu")
        #expect(generic["context"] == "admin@prod")
        #expect(generic["text"]?.stringValue?.hasPrefix("kubectl-drift on prod-eu: ") == true)

        let slack = NotificationPayload.slack(content)
        let facts = try #require(slack["blocks"]?.arrayValue?[1]["text"]?["text"]?.stringValue)
        #expect(facts.split(separator: "\n").prefix(3) == ["*Cluster:* prod-eu", "*Context:* admin@prod", "*Server:* https://10.0.0.1:6443"])
        let teams = NotificationPayload.teams(content)
        let teamsFacts = try #require(teams["attachments"]?.arrayValue?.first?["content"]?["body"]?.arrayValue?[1]["facts"]?.arrayValue)
        #expect(teamsFacts.prefix(3) == [
            ["title": "Cluster", "value": "prod-eu"], ["title": "Context", "value": "admin@prod"],
            ["title": "Server", "value": "https://10.0.0.1:6443"],
        ])

        let unnamed = NotificationPayload.generic(NotificationContent(report: Self.report([.drifted])))
        #expect(unnamed["cluster"] == nil && unnamed["context"] == nil)
        #expect(unnamed["text"]?.stringValue?.hasPrefix("kubectl-drift on https://10.0.0.1:6443: ") == true)
    }

    @Test("objects to prune are counted, listed and headlined in a diff notification")
    func prune() throws {
        let content = NotificationContent(report: Self.report([.inSync, .inSync], prunable: [Self.old]))
        let generic = NotificationPayload.generic(content)
        #expect(generic["summary"]?["prune"] == 1)
        #expect(generic["prune"] == [["group": "", "kind": "ConfigMap", "namespace": "default", "name": "old"]])
        #expect(generic["text"] == "kubectl-drift on https://10.0.0.1:6443: all 2 objects in sync, 1 to prune")
        #expect(NotificationPayload.sections(content).map(\.title) == ["To prune"])
    }

    @Test("from a remediation report: prune failures fail, a declined prune is skipped, candidates are the report's prune list")
    func fromRemediation() {
        var report = RemediationReport(results: [
            RemediationResult(drift: Self.drift("web", .drifted), outcome: .applied),
            RemediationResult(drift: Self.drift("api", .inSync), outcome: .unchanged),
        ], server: "https://10.0.0.1:6443")
        let stuck = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "default", name: "stuck")
        let kept = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "default", name: "kept")
        report.pruned = [PruneResult(identity: Self.old, outcome: .deleted), PruneResult(identity: stuck, outcome: .failed("forbidden"))]
        report.pruneDeclined = [kept]

        let summary = NotificationSummary(report)
        #expect(summary.applied == [Self.drift("web", .drifted).identity])
        #expect(summary.pruned == [Self.old])
        #expect(summary.failed == [.init(stuck, "prune failed: forbidden")])
        #expect(summary.skipped == [.init(kept, "pruning it was not confirmed")])
        #expect(report.driftReport.prunable == [Self.old, stuck, kept])
        // Remediation says what became of them; the diff-only section would repeat it.
        let sections = NotificationPayload.sections(NotificationContent(report: report.driftReport, remediation: summary))
        #expect(!sections.map(\.title).contains("To prune"))
    }
}
