import Testing
@testable import DriftKit

/// How skipped objects show in reports: listed with the reason, counted, never drift.
@Suite("Skipped objects in reports")
struct SkippedReportTests {
    private static let hook = SkippedObject(
        object: [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["generateName": "db-migrate-", "annotations": ["argocd.argoproj.io/hook": "PreSync"]],
        ],
        source: ManifestLocation(file: "apps/hooks.yaml", line: 1, documentIndex: 0), reason: .argoCDHook("PreSync"))

    private static func report(_ statuses: [DriftStatus]) -> DriftReport {
        let skipped = ObjectDrift(skipped: hook, identity: ObjectIdentity(group: "batch", kind: "Job", namespace: "apps", name: "db-migrate-"))
        return DriftReport(objects: [skipped] + statuses.enumerated().map { index, status in
            ObjectDrift(
                identity: ObjectIdentity(group: "", kind: "ConfigMap", namespace: "apps", name: "c\(index)"), apiVersion: "v1",
                source: ManifestLocation(file: "apps/c\(index).yaml", line: 1, documentIndex: 0), status: status)
        }, server: "https://127.0.0.1:6443")
    }

    @Test("skipped objects alone are no drift: the exit code is the others'", arguments: [
        ([DriftStatus](), Int32(0)), ([.inSync], Int32(0)), ([.drifted], Int32(1)), ([.error], Int32(2)),
    ])
    func exitCodes(others: [DriftStatus], expected: Int32) {
        #expect(Self.report(others).exitCode == expected)
    }

    @Test("JSON: status skipped with the reason, generateName instead of a name, summary.skipped")
    func json() throws {
        let document = ReportDocument.make(Self.report([.inSync]))
        #expect(document["summary"] == ["total": 2, "inSync": 1, "drifted": 0, "missing": 0, "errors": 0, "skipped": 1])
        let objects = try #require(document["objects"]?.arrayValue)
        let hook = try #require(objects.first { $0["status"] == "skipped" })
        #expect(hook == [
            "apiVersion": "batch/v1", "kind": "Job", "namespace": "apps", "generateName": "db-migrate-",
            "source": ["file": "apps/hooks.yaml", "line": 1, "document": 0], "status": "skipped", "changes": [],
            "reason": "Argo CD hook (argocd.argoproj.io/hook: PreSync)",
        ])
        #expect(objects.first { $0["status"] == "in-sync" }?["reason"] == nil)
    }

    @Test("text: a skipped row, a line with the reason, and the count in the summary")
    func text() {
        var output = ""
        TextReporter(color: false).write(Self.report([.inSync]), to: &output)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("skipped ") && $0.contains("job.batch/db-migrate-") && $0.contains("apps/hooks.yaml:1") })
        #expect(lines.contains(
            "skipped: job.batch/db-migrate- (namespace apps) from apps/hooks.yaml:1: Argo CD hook (argocd.argoproj.io/hook: PreSync)"))
        #expect(lines.last == "2 objects: 0 drifted, 0 missing, 1 in sync, 0 errors, 1 skipped")
        #expect(!output.contains("diff -u"))
    }

    @Test("remediation: reported skipped with the reason, and exit 0")
    func remediation() throws {
        let drift = ObjectDrift(skipped: Self.hook, identity: Self.hook.identity)
        let report = RemediationReport(
            results: [RemediationResult(drift: drift, outcome: .skipped(SkipReason.argoCDHook("PreSync").description))],
            server: "s")
        #expect(report.exitCode == 0)
        let object = try #require(RemediationReporter.document(report)["objects"]?.arrayValue?.first)
        #expect(object["result"] == "skipped")
        #expect(object["reason"] == "Argo CD hook (argocd.argoproj.io/hook: PreSync)")
    }

    @Test("notifications: skipped objects alone are nothing to notify about, and the headline counts them apart")
    func notification() {
        let quiet = NotificationContent(report: Self.report([.inSync]), cluster: "kind")
        #expect(!quiet.isNoteworthy)
        #expect(quiet.outOfSync.isEmpty)
        #expect(quiet.headline == "kubectl-drift on kind: all 1 objects in sync, 1 skipped")
        let drifted = NotificationContent(report: Self.report([.drifted]), cluster: "kind")
        #expect(drifted.isNoteworthy)
        #expect(drifted.outOfSync.map(\.identity.name) == ["c0"])
    }
}
