import Foundation
import Testing
@testable import DriftKit

@Suite("The hook's preview as text and JSON")
struct ImpactReporterTests {
    static func manifest(_ name: String, file: String) throws -> Manifest {
        try #require(try ManifestLoader.parse([ManifestFile(path: file, text: TestManifests.configMap(name, namespace: "shop"))]).first)
    }

    static func report() throws -> ImpactReport {
        let web = try manifest("web", file: "apps/web.yaml")
        let gone = try manifest("old", file: "apps/old.yaml")
        let bad = try manifest("bad", file: "apps/bad.yaml")
        let scale = FieldWriter(manager: "kubectl", operation: "Update", subresource: "scale", time: "2026-12-01T11:48:00Z")
        let impacts = [
            ObjectImpact(
                change: ChangeSet.Change(before: web, after: web), effect: .update,
                changes: [FieldChange(path: "/data/key", live: "5", desired: "4", cause: .git)],
                clusterDrift: [FieldChange(path: "/data/key", live: "5", desired: "3", cause: .cluster(scale))]),
            ObjectImpact(change: ChangeSet.Change(before: gone, after: nil), effect: .delete),
            ObjectImpact(change: ChangeSet.Change(before: nil, after: bad), effect: .fail("field is immutable")),
        ]
        let set = ChangeSet(from: "ORIG_HEAD", fromID: String(repeating: "a", count: 40), to: "HEAD", toID: String(repeating: "b", count: 40), changes: [])
        return ImpactReport(changeSet: set, impacts: impacts, server: "https://127.0.0.1:6443")
    }

    @Test("text: each object's effect, its fields live → new, the cluster drift with who and when, a summary")
    func text() throws {
        var text = ""
        ImpactReporter(color: false, now: ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z")!).write(try Self.report(), to: &text)
        #expect(text.hasPrefix("drift: aaaaaaa..bbbbbbb changes 3 objects on https://127.0.0.1:6443\n"))
        #expect(text.contains("  update  configmap/web  (namespace shop)  apps/web.yaml:1\n      /data/key  5 → 4\n"), "Git's own value needs no writer: \(text)")
        #expect(text.contains("      /data/key  5 (Git had 3)  by kubectl scale, 12m ago\n"), "\(text)")
        #expect(text.contains("  delete  configmap/old"))
        #expect(text.contains("      would fail: field is immutable\n"))
        #expect(text.hasSuffix("drift: 1 to update, 1 to delete, 1 would fail\n"))
    }

    @Test("JSON: every object with its effect, reason, changes and cluster drift, and counts per effect")
    func json() throws {
        let document = ImpactReporter.document(try Self.report())
        let objects = try #require(document["objects"]?.arrayValue)
        #expect(objects.map { $0["effect"]?.stringValue } == ["update", "delete", "fail"])
        #expect(objects.map { $0["change"]?.stringValue } == ["modified", "removed", "added"])
        #expect(objects[0]["clusterDrift"]?.arrayValue?.first?["manager"] == "kubectl")
        #expect(objects[0]["clusterDrift"]?.arrayValue?.first?["subresource"] == "scale")
        #expect(objects[2]["reason"] == "field is immutable")
        #expect(document[["summary", "fail"]]?.intValue == 1 && document[["summary", "create"]]?.intValue == 0)
        #expect(document["from"] == .string(String(repeating: "a", count: 40)))
    }
}
