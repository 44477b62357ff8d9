import Foundation
import Testing
@testable import DriftKit

@Suite("The watch loop's memory, events and flags")
struct LoopTests {
    static let web = ObjectIdentity(group: "apps", kind: "Deployment", namespace: "shop", name: "web")

    @Test("backoff doubles from the base up to the limit", arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (9, 256.0), (10, 300.0), (50, 300.0)])
    func backoff(failures: Int, seconds: Double) {
        #expect(ObjectHistory.backoff(failures: failures, base: 1, limit: 300) == seconds)
    }

    @Test("a fight is another manager re-taking a field the loop put back, round after round within the window")
    func fight() {
        let now = Date()
        let hpa = FieldWriter(manager: "horizontal-pod-autoscaler", operation: "Update", subresource: "scale")
        let retaken = [FieldChange(path: "/spec/replicas", live: 7, desired: 3, cause: .cluster(hpa))]
        var history = ObjectHistory()
        history.lastRemediation = (["/spec/replicas"], now)
        #expect(history.recordDrift(retaken, ours: "kubectl-drift", now: now, window: 600, rounds: 3) == nil)
        #expect(history.recordDrift(retaken, ours: "kubectl-drift", now: now, window: 600, rounds: 3) == nil)
        let fight = history.recordDrift(retaken, ours: "kubectl-drift", now: now, window: 600, rounds: 3)
        #expect(fight?.manager == "horizontal-pod-autoscaler" && fight?.path == "/spec/replicas")

        var other = ObjectHistory()
        other.lastRemediation = (["/spec/replicas"], now)
        let ours = [FieldChange(path: "/spec/replicas", live: 7, desired: 3, cause: .cluster(FieldWriter(manager: "kubectl-drift", operation: "Apply")))]
        let elsewhere = [FieldChange(path: "/metadata/labels", live: "x", desired: nil, cause: .cluster(hpa))]
        for _ in 0..<5 {
            #expect(other.recordDrift(ours, ours: "kubectl-drift", now: now, window: 600, rounds: 3) == nil, "our own writes are no fight")
            #expect(other.recordDrift(elsewhere, ours: "kubectl-drift", now: now, window: 600, rounds: 3) == nil, "a field we did not put back")
        }
        #expect(other.recordDrift(retaken, ours: "kubectl-drift", now: now.addingTimeInterval(601), window: 600, rounds: 1) == nil,
            "after the window, a re-take starts no fight")
    }

    @Test("one line per event, naming the object and what happened")
    func lines() {
        let scale = FieldWriter(manager: "kubectl", operation: "Update", subresource: "scale")
        #expect(LoopEvent.drifted(Self.web, missing: false, changes: [FieldChange(path: "/spec/replicas", live: 5, desired: 3, cause: .cluster(scale))]).line
            == "drifted deployment.apps/web (namespace shop): /spec/replicas 5 → 3 (kubectl scale)")
        #expect(LoopEvent.drifted(Self.web, missing: true, changes: []).line == "drifted deployment.apps/web (namespace shop): missing from the cluster")
        #expect(LoopEvent.failed(Self.web, reason: "forbidden", retry: 4).line == "failed deployment.apps/web (namespace shop): forbidden; retrying in 4s")
        #expect(LoopEvent.git(from: "abc1234", to: "def5678", changed: 2).line == "git: abc1234 → def5678 (2 objects to verify)")
        let rule = ReconcileLoop.ignoreRule(Self.web, path: "/spec/replicas")
        #expect(rule == "{group: apps, kind: Deployment, name: web, namespace: shop, jsonPointers: [/spec/replicas]}")
        #expect(LoopEvent.fight(Self.web, manager: "hpa", path: "/spec/replicas", rule: rule).line.contains("drift.yaml ignoreDifferences: \(rule)"))
    }

    @Test("JSON lines carry the time, the event, the object and the event's fields")
    func json() throws {
        let time = try #require(ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z"))
        let line = LoopEvent.failed(Self.web, reason: "forbidden", retry: 2).json(at: time)
        #expect(line["time"] == "2026-12-01T12:00:00.000Z" && line["event"] == "failed")
        #expect(line["kind"] == "Deployment" && line["namespace"] == "shop" && line["name"] == "web")
        #expect(line["reason"] == "forbidden" && line["retryAfterSeconds"] == .double(2))
        #expect(LoopEvent.git(from: "a", to: "b", changed: 1).json(at: time)["changed"] == 1)
    }

    @Test("an object's REST path splits into its collection and name")
    func watchKey() {
        let key = WatchKey(objectPath: "/apis/apps/v1/namespaces/shop/deployments/web")
        #expect(key == WatchKey(collection: "/apis/apps/v1/namespaces/shop/deployments", name: "web"))
        #expect(WatchKey(objectPath: "web") == nil)
    }

    @Test("watch takes diff's flags plus --interval; one-shot flags are refused", arguments: [
        (["--interval", "30s", "-f", "apps"], 30.0 as Double?, nil as String?),
        (["--interval=2m", "--remediate"], 120.0, nil),
        (["-f", "apps"], nil, nil),
        (["--interval"], nil, "flag needs an argument: --interval"),
        (["--interval", "500ms"], nil, "--interval must be at least 1s, found 500ms"),
        (["--interval", "soon"], nil, "invalid value \"soon\" for --interval: expected a duration such as 30s or 2m"),
        (["--remediate", "--dry-run"], nil, "--dry-run and --wait are for one apply; kubectl drift watch --remediate applies as changes come"),
    ])
    func invocation(arguments: [String], interval: Double?, error: String?) throws {
        if let error {
            #expect(throws: UsageError(error)) { try WatchInvocation(arguments) }
            return
        }
        let parsed = try WatchInvocation(arguments)
        #expect(parsed.interval == interval)
        #expect(parsed.diff.remediate == arguments.contains("--remediate"))
        #expect(try DriftCommand.parse(["watch"] + arguments) == .watch(parsed))
    }

    @Test("drift.yaml's watch section: interval and remediate, strictly")
    func config() throws {
        let header = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\n"
        let settings = try #require(try DriftConfig.parse(header + "watch: {interval: 1m, remediate: true}\n", file: "drift.yaml").watch)
        #expect(settings.interval == 60 && settings.remediate)
        #expect(throws: DriftConfigError.self) { try DriftConfig.parse(header + "watch: {every: 1m}\n", file: "drift.yaml") }
        #expect(throws: DriftConfigError.self) { try DriftConfig.parse(header + "watch: {interval: 0}\n", file: "drift.yaml") }
    }
}

@Suite("The source fingerprint that tells the loop to read Git sooner")
struct SourceFingerprintTests {
    @Test("the same files give the same token; an edit, a new file or a removed one change it; .git does not count")
    func workingTree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/apps/.git", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "a: 1\n".write(toFile: folder + "/apps/a.yaml", atomically: true, encoding: .utf8)
        var source = SourceSelection(revision: .workingTree)
        source.filenames = ["apps"]
        let fingerprint = SourceFingerprint(source: source, currentDirectory: folder, environment: [:])
        let first = try #require(fingerprint.current())
        #expect(fingerprint.current() == first)
        try "ignored\n".write(toFile: folder + "/apps/.git/HEAD", atomically: true, encoding: .utf8)
        #expect(fingerprint.current() == first, ".git is not the source")
        try "a: 22\n".write(toFile: folder + "/apps/a.yaml", atomically: true, encoding: .utf8)
        let edited = try #require(fingerprint.current())
        #expect(edited != first)
        try "b: 1\n".write(toFile: folder + "/apps/b.yaml", atomically: true, encoding: .utf8)
        let added = try #require(fingerprint.current())
        #expect(added != edited)
        try FileManager.default.removeItem(atPath: folder + "/apps/b.yaml")
        #expect(fingerprint.current() != added)
    }

    @Test("with --ref, the token is the commit the ref names now")
    func reference() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/a.yaml", TestManifests.configMap("a"))
        let first = try repository.commitAll("one")
        let fingerprint = SourceFingerprint(
            source: SourceSelection(revision: .commit("HEAD")), currentDirectory: try repository.open().workingDirectory ?? "",
            environment: [:])
        #expect(fingerprint.current() == first)
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "2"))
        let second = try repository.commitAll("two")
        #expect(fingerprint.current() == second)
    }
}
