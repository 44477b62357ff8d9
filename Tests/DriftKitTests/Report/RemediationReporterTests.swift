import Testing
@testable import DriftKit

/// The remediation report: its exit status, text and JSON document, pruning included.
@Suite("Remediation report")
struct RemediationReporterTests {
    static func identity(_ name: String, kind: String = "ConfigMap") -> ObjectIdentity {
        ObjectIdentity(group: "", kind: kind, namespace: "default", name: name)
    }

    static func result(_ name: String, _ outcome: RemediationOutcome, status: DriftStatus = .drifted) -> RemediationResult {
        RemediationResult(
            drift: ObjectDrift(
                identity: identity(name), apiVersion: "v1",
                source: ManifestLocation(file: "apps/\(name).yaml", line: 1, documentIndex: 0), status: status),
            outcome: outcome)
    }

    /// One object applied, one in sync, and pruning as given.
    static func report(
        pruned: [PruneResult] = [], wouldPrune: [ObjectIdentity] = [], declined: [ObjectIdentity] = [], problems: [String] = []
    ) -> RemediationReport {
        var report = RemediationReport(
            results: [result("web", .applied), result("api", .unchanged, status: .inSync)], server: "https://10.0.0.1:6443")
        report.pruned = pruned
        report.wouldPrune = wouldPrune
        report.pruneDeclined = declined
        report.pruneProblems = problems
        return report
    }

    static let deleted = PruneResult(identity: identity("old"), outcome: .deleted)
    static let refused = PruneResult(identity: identity("stuck"), outcome: .failed("forbidden (403): cannot delete"))

    @Test("exit status 0 only when the cluster matches Git afterwards; a declined or partial prune is 2", arguments: [
        ("nothing to prune", report(), Int32(0)),
        ("all pruned", report(pruned: [deleted]), 0),
        ("a dry run that would prune", report(wouldPrune: [identity("old")]), 0),
        ("the prompt answered no", report(declined: [identity("old")]), 2),
        ("one deletion failed", report(pruned: [deleted, refused]), 2),
        ("a type could not be listed", report(problems: ["cannot list apps/Deployment: forbidden"]), 2),
    ])
    func exitCodes(_ name: String, report: RemediationReport, expected: Int32) {
        #expect(report.exitCode == expected, "\(name)")
    }

    @Test("exit status 2 for a failed apply, an error left alone, an immutable change left, an unhealthy workload")
    func exitCodesOfObjects() {
        var unhealthy = Self.result("web", .applied)
        unhealthy.health = .timedOut(after: 5, last: .progressing("Waiting"))
        var recreate = Self.result("job", .skipped("Git changes a field that cannot change in place"))
        recreate.drift.recreateReason = "field is immutable"
        for results in [
            [Self.result("web", .failed("forbidden"))], [Self.result("bad", .skipped("could not be compared"), status: .error)],
            [recreate], [unhealthy],
        ] {
            #expect(RemediationReport(results: results, server: "s").exitCode == 2, "\(results.map(\.outcome))")
        }
        #expect(RemediationReport(results: [Self.result("paused", .skipped("suspended"))], server: "s").exitCode == 0)
    }

    @Test("the text summary counts what --prune did", arguments: [
        (report(), "2 objects: 1 applied, 1 unchanged, 0 failed, 0 skipped"),
        (report(pruned: [deleted]), "2 objects: 1 applied, 1 unchanged, 0 failed, 0 skipped; 1 pruned"),
        (report(wouldPrune: [identity("a"), identity("b")]), "2 objects: 1 applied, 1 unchanged, 0 failed, 0 skipped; 2 would be pruned"),
        (report(pruned: [deleted, refused]), "2 objects: 1 applied, 1 unchanged, 0 failed, 0 skipped; 1 pruned, 1 failed to prune"),
        (report(declined: [identity("old")]), "2 objects: 1 applied, 1 unchanged, 0 failed, 0 skipped; 1 not pruned (not confirmed)"),
    ])
    func summary(report: RemediationReport, expected: String) {
        #expect(RemediationReporter(color: false).summary(report) == expected)
        var output = ""
        RemediationReporter(color: false).write(report, to: &output)
        #expect(output.hasSuffix("\n\(expected)\n"))
    }

    @Test("the text names each prune candidate with what became of it, and why when it was not deleted")
    func pruneLines() {
        var output = ""
        RemediationReporter(color: false).write(
            Self.report(pruned: [Self.deleted, Self.refused], declined: [Self.identity("kept")], problems: ["cannot list batch/Job: forbidden"]),
            to: &output)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.contains("pruned: configmap/old (namespace default), no longer in Git"))
        #expect(lines.contains("prune-failed: configmap/stuck (namespace default): forbidden (403): cannot delete"))
        #expect(lines.contains("prune-declined: configmap/kept (namespace default): deleting it was not confirmed"))
        #expect(lines.contains("prune-incomplete: cannot list batch/Job: forbidden"))
        #expect(!output.contains("\u{1B}["))
    }

    @Test("a timed-out wait says so on the object's line")
    func timedOutLine() {
        var report = Self.report()
        report.results[0].health = .timedOut(after: 5, last: .progressing("Waiting for deployment \"web\" rollout to finish"))
        var output = ""
        RemediationReporter(color: false).write(report, to: &output)
        #expect(output.contains(
            "unhealthy: configmap/web (namespace default) after it was applied: timed out after 5s: progressing: Waiting for deployment \"web\" rollout to finish\n"))
        let entry = RemediationReporter.document(report)["objects"]?.arrayValue?.first
        #expect(entry?["health"] == "timed out after 5s: progressing: Waiting for deployment \"web\" rollout to finish")
    }

    @Test("colour when asked: results, failures and pruning are painted")
    func colour() {
        var report = Self.report(pruned: [Self.refused])
        report.results.append(Self.result("bad", .failed("forbidden")))
        var output = ""
        RemediationReporter(color: true).write(report, to: &output)
        #expect(output.contains("\u{1B}[32mapplied"))
        #expect(output.contains("\u{1B}[31mfailed\u{1B}[0m: configmap/bad"))
        #expect(output.contains("\u{1B}[31mprune-failed\u{1B}[0m: configmap/stuck"))
        #expect(output.contains("RESULT"))
        #expect(!output.contains("\u{1B}[32mRESULT"))
    }

    @Test("the JSON document: camelCase summary keys with prune counts, prune[] with a result per object")
    func document() throws {
        let document = RemediationReporter.document(
            Self.report(pruned: [Self.deleted, Self.refused], declined: [Self.identity("kept")]))
        #expect(document["apiVersion"] == "drift.kubectl-drift.dev/v1alpha1")
        #expect(document["kind"] == "RemediationReport")
        #expect(document["server"] == "https://10.0.0.1:6443")
        #expect(document["summary"] == [
            "total": 2, "applied": 1, "wouldApply": 0, "recreated": 0, "wouldRecreate": 0, "unchanged": 1, "failed": 0,
            "skipped": 0, "pruned": 1, "wouldPrune": 0, "pruneFailed": 1, "pruneDeclined": 1, "pruneKept": 0,
        ])
        #expect(document["prune"] == [
            ["group": "", "kind": "ConfigMap", "namespace": "default", "name": "old", "result": "pruned"],
            ["group": "", "kind": "ConfigMap", "namespace": "default", "name": "stuck", "result": "prune-failed",
             "reason": "forbidden (403): cannot delete"],
            ["group": "", "kind": "ConfigMap", "namespace": "default", "name": "kept", "result": "prune-declined",
             "reason": "deleting it was not confirmed"],
        ])
        #expect(document["pruneProblems"] == nil)
        let web = try #require(document["objects"]?.arrayValue?.first)
        #expect(web["result"] == "applied")
        #expect(web["source"] == ["file": "apps/web.yaml", "line": 1, "document": 0])
        #expect(try JSONValue.parse(document.jsonText(indent: 2)) == document)

        let dryRun = RemediationReporter.document(Self.report(wouldPrune: [Self.identity("old")]))
        #expect(dryRun["summary"]?["wouldPrune"] == 1)
        #expect(dryRun["prune"]?.arrayValue?.first?["result"] == "would-prune")
        #expect(RemediationReporter.document(Self.report())["prune"] == nil)
    }

    @Test("every key of every document is camelCase")
    func camelCaseKeys() throws {
        func keys(_ value: JSONValue) -> [String] {
            switch value {
            case let .object(object): return object.keys + object.keys.flatMap { keys(object[$0] ?? .null) }
            case let .array(items): return items.flatMap(keys)
            default: return []
            }
        }
        var drift = DriftReport(objects: Self.report().results.map(\.drift), server: "s")
        drift.prunable = [Self.identity("old")]
        drift.groups = [ReportGroup(title: "Flux Kustomization flux-system/apps", sources: ["apps/web.yaml"], notes: [])]
        let documents = [
            RemediationReporter.document(Self.report(pruned: [Self.refused], wouldPrune: [Self.identity("a")], problems: ["p"])),
            ReportDocument.make(drift),
            ChangeSetReport.document(try ReportTests.changeSet()),
            NotificationPayload.generic(NotificationContent(report: drift, cluster: "local", context: "admin")),
        ]
        for document in documents {
            for key in keys(document) {
                #expect(key.allSatisfy { $0.isLetter || $0.isNumber }, "\(key) in \(document["kind"] ?? .null)")
                #expect(key.first?.isLowercase == true, "\(key)")
            }
        }
    }
}
