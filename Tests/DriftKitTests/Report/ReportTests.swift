import Testing
@testable import DriftKit

@Suite("Reports")
struct ReportTests {
    private func drift(_ name: String, _ status: DriftStatus, live: JSONValue? = nil, desired: JSONValue? = nil, error: String? = nil) -> ObjectDrift {
        ObjectDrift(
            identity: ObjectIdentity(group: "apps", kind: "Deployment", namespace: "default", name: name),
            apiVersion: "apps/v1", source: ManifestLocation(file: "apps/\(name).yaml", line: 1, documentIndex: 0),
            status: status,
            changes: live.flatMap { l in desired.map { FieldDiff.changes(from: l, to: $0) } } ?? [],
            live: live, desired: desired, error: error)
    }

    private var sample: DriftReport {
        DriftReport(objects: [
            drift("web", .drifted, live: ["spec": ["replicas": 5]], desired: ["spec": ["replicas": 3]]),
            drift("api", .inSync),
            drift("new", .missing, desired: ["spec": ["replicas": 1]]),
            drift("bad", .error, error: "forbidden (403): no"),
        ], server: "https://127.0.0.1:6443")
    }

    @Test("exit codes follow kubectl diff", arguments: [
        ([DriftStatus.inSync], Int32(0)), ([.inSync, .drifted], Int32(1)), ([.missing], Int32(1)), ([.drifted, .error], Int32(2)), ([], Int32(0)),
    ])
    func exitCodes(statuses: [DriftStatus], expected: Int32) {
        let report = DriftReport(objects: statuses.enumerated().map { drift("o\($0.offset)", $0.element) }, server: "s")
        #expect(report.exitCode == expected)
    }

    @Test("the JSON document has the documented shape")
    func jsonShape() throws {
        let document = ReportDocument.make(sample)
        #expect(document["kind"] == "DriftReport")
        #expect(document["summary"] == ["total": 4, "inSync": 1, "drifted": 1, "missing": 1, "errors": 1, "skipped": 0])
        let objects = try #require(document["objects"]?.arrayValue)
        let web = try #require(objects.first { $0["name"] == "web" })
        #expect(web["changes"] == [["path": "/spec/replicas", "live": 5, "desired": 3]])
        #expect(web["source"] == ["file": "apps/web.yaml", "line": 1, "document": 0])
        #expect(objects.first { $0["name"] == "bad" }?["error"] == "forbidden (403): no")
        #expect(try JSONValue.parse(document.jsonText(indent: 2)) == document)
    }

    @Test("text: one line per object, errors with reasons, a diff per drifted or missing object, a summary")
    func text() {
        var output = ""
        TextReporter(color: false).write(sample, to: &output)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("STATUS"))
        #expect(lines.contains { $0.hasPrefix("drifted") && $0.contains("deployment.apps/web") && $0.contains("apps/web.yaml:1") })
        #expect(lines.contains("error: deployment.apps/bad (namespace default) from apps/bad.yaml:1: forbidden (403): no"))
        #expect(lines.contains("diff -u -N live/apps.v1.Deployment.default.web desired/apps.v1.Deployment.default.web"))
        #expect(lines.contains { $0.hasPrefix("-") && $0.contains("replicas: 5") })
        #expect(lines.contains { $0.hasPrefix("+") && $0.contains("replicas: 3") })
        #expect(lines.contains("--- live/apps.v1.Deployment.default.new"))
        #expect(lines.contains("4 objects: 1 drifted, 1 missing, 1 in sync, 1 error"))
        #expect(!output.contains("\u{1B}["))
    }

    @Test("text: each section's diffs are printed inside it, before the next section; the others after all sections")
    func sectionDiffs() throws {
        var report = sample
        report.groups = [
            ReportGroup(title: "Flux Kustomization flux-system/apps", sources: ["apps/web.yaml"], notes: []),
            ReportGroup(title: "Flux Kustomization flux-system/other", sources: ["apps/bad.yaml"], notes: []),
        ]
        var output = ""
        TextReporter(color: false).write(report, to: &output)
        let web = try #require(output.range(of: "diff -u -N live/apps.v1.Deployment.default.web"))
        let other = try #require(output.range(of: "Flux Kustomization flux-system/other"))
        let new = try #require(output.range(of: "diff -u -N live/apps.v1.Deployment.default.new"))
        #expect(web.lowerBound < other.lowerBound, "the drifted object's diff is in its section")
        #expect(other.lowerBound < new.lowerBound, "an object of no section is shown after them")
    }

    @Test("groups[] and prune[] name objects as references: group, kind, namespace, name")
    func groupsAndPrune() throws {
        var report = sample
        report.groups = [ReportGroup(title: "Flux Kustomization flux-system/apps", sources: ["apps/web.yaml"], notes: ["not checked: x"])]
        report.prunable = [ObjectIdentity(group: "", kind: "ConfigMap", namespace: "default", name: "old")]
        let document = ReportDocument.make(report)
        #expect(document["groups"] == [[
            "title": "Flux Kustomization flux-system/apps",
            "objects": [["group": "apps", "kind": "Deployment", "namespace": "default", "name": "web"]],
            "notes": ["not checked: x"],
        ]])
        #expect(document["prune"] == [["group": "", "kind": "ConfigMap", "namespace": "default", "name": "old"]])
    }

    /// A change set with one modified object that moved to another file, and one added.
    static func changeSet() throws -> ChangeSet {
        let text = { (name: String) in "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: default\n" }
        let before = try ManifestLoader.parse([ManifestFile(path: "apps/a.yaml", text: text("a"))])
        let after = try ManifestLoader.parse([ManifestFile(path: "apps/all.yaml", text: text("b") + "---\n" + text("a"))])
        return ChangeSet(from: "main", fromID: "1111111aaaa", to: "HEAD", toID: "2222222bbbb", changes: [
            ChangeSet.Change(before: before[0], after: after[1]), ChangeSet.Change(before: nil, after: after[0]),
        ])
    }

    @Test("the ChangeSet document locates objects as the DriftReport does: file, line, document")
    func changeSetDocument() throws {
        let document = ChangeSetReport.document(try Self.changeSet())
        #expect(document["kind"] == "ChangeSet")
        #expect(document["from"] == ["revision": "main", "commit": "1111111aaaa"])
        let changes = try #require(document["changes"]?.arrayValue)
        #expect(changes[0] == [
            "change": "modified", "apiVersion": "v1", "kind": "ConfigMap", "namespace": "default", "name": "a",
            "before": ["file": "apps/a.yaml", "line": 1, "document": 0], "after": ["file": "apps/all.yaml", "line": 7, "document": 1],
        ])
        #expect(changes[1]["change"] == "added")
        #expect(changes[1]["before"] == nil)
    }

    @Test("colour only when asked")
    func colour() {
        var output = ""
        TextReporter(color: true).write(sample, to: &output)
        #expect(output.contains("\u{1B}[33mdrifted"))
    }
}
