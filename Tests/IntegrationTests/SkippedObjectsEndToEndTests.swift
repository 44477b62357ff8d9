import Foundation
import Testing
@testable import DriftKit

/// An Argo CD-style repository against the real API server: hook Jobs (one with only a
/// `generateName`), sync waves on the normal objects, a Helm hook. The normal objects are
/// compared, applied and pruned as ever; the hooks are reported skipped with the reason,
/// never created, never pruned, and `render` prints them. Each run names the test's
/// namespace, so that its ApplySet parent is the test's own (another test's prune never
/// sees these objects).
@Suite("skipped objects (hooks), end to end")
struct SkippedObjectsEndToEndTests {
    static func application(namespace: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: \(namespace)
          annotations: {argocd.argoproj.io/sync-wave: "-1"}
        data: {mode: fast}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: \(namespace)
          annotations: {argocd.argoproj.io/sync-wave: "1"}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
        """
    }

    static func job(_ metadata: String, namespace: String, hook: String) -> String {
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          \(metadata)
          namespace: \(namespace)
          annotations:
            argocd.argoproj.io/hook: \(hook)
            argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: task, image: busybox, command: [sh, -c, "echo \(hook)"]}]
        """
    }

    /// A ConfigMap that is a Helm hook, or (`hook` false) a plain object an earlier apply wrote.
    static func helmHook(namespace: String, hook: Bool = true) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: helm-hook
          namespace: \(namespace)
        \(hook ? "  annotations: {helm.sh/hook: pre-install}" : "")
        data: {key: value}
        """
    }

    static func hooks(namespace: String) -> String {
        [
            job("generateName: db-migrate-", namespace: namespace, hook: "PreSync"),
            job("name: smoke-test", namespace: namespace, hook: "PostSync"),
            helmHook(namespace: namespace),
        ].joined(separator: "\n---\n")
    }

    static let reasons = [
        "Argo CD hook (argocd.argoproj.io/hook: PreSync)", "Argo CD hook (argocd.argoproj.io/hook: PostSync)",
        "Helm hook (helm.sh/hook: pre-install)",
    ]

    @Test("diff: the hooks skipped with their reasons, the rest compared; apply creates no hook; drift after a hand edit")
    func argoCDRepository() async throws {
        try await TestCluster.withNamespace { namespace in
            let folder = try DiffEndToEndTests.folder([
                "app.yaml": Self.application(namespace: namespace), "hooks.yaml": Self.hooks(namespace: namespace),
            ])
            let before = try await DriftBinary.run(["diff", "-n", namespace, "-f", folder, "-o", "json"])
            #expect(before.status == 1, "the normal objects are missing: \(before.errorOutput)")
            let report = try DiffEndToEndTests.report(before)
            #expect(report["summary"] == ["total": 5, "inSync": 0, "drifted": 0, "missing": 2, "errors": 0, "skipped": 3])
            let objects = try #require(report["objects"]?.arrayValue)
            let skipped = objects.filter { $0["status"] == "skipped" }
            #expect(skipped.compactMap { $0["reason"]?.stringValue } == Self.reasons)
            #expect(skipped.first?["generateName"] == "db-migrate-")
            #expect(skipped.first?["name"] == nil)
            #expect(skipped.allSatisfy { $0["namespace"]?.stringValue == namespace })
            #expect(Set(objects.filter { $0["status"] == "missing" }.compactMap { $0["name"]?.stringValue }) == ["settings", "web"])

            let applied = try await DriftBinary.run(["apply", "-n", namespace, "-f", folder, "-o", "json"])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let results = try #require(try DiffEndToEndTests.report(applied)["objects"]?.arrayValue)
            #expect(results.filter { $0["result"] == "skipped" }.compactMap { $0["reason"]?.stringValue } == Self.reasons)
            #expect(results.filter { $0["result"] == "applied" }.count == 2)
            let jobs = try await TestCluster.kubectl(["-n", namespace, "get", "jobs", "-o", "name"])
            #expect(jobs.status == 0 && jobs.output.isEmpty, "no hook Job is created: \(jobs.output)\(jobs.errorOutput)")
            let hook = try await TestCluster.kubectl(["-n", namespace, "get", "configmap", "helm-hook"])
            #expect(hook.status != 0 && hook.errorOutput.contains("NotFound"), "\(hook.output)")

            let inSync = try await DriftBinary.run(["diff", "-n", namespace, "-f", folder])
            #expect(inSync.status == 0, "skipped objects are no drift:\n\(inSync.output)\(inSync.errorOutput)")
            #expect(inSync.output.contains(
                "skipped: job.batch/db-migrate- (namespace \(namespace)) from \(folder)/hooks.yaml:1: \(Self.reasons[0])"),
                "\(inSync.output)")
            #expect(inSync.output.hasSuffix("5 objects: 0 drifted, 0 missing, 2 in sync, 0 errors, 3 skipped\n"), "\(inSync.output)")

            let scaled = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "web", "--replicas=5"])
            #expect(scaled.status == 0, "\(scaled.errorOutput)")
            let drifted = try await DriftBinary.run(["diff", "-n", namespace, "-f", folder, "-o", "json"])
            #expect(drifted.status == 1)
            let afterEdit = try #require(try DiffEndToEndTests.report(drifted)["objects"]?.arrayValue)
            let web = try #require(afterEdit.first { $0["name"] == "web" })
            #expect(web["status"] == "drifted")
            #expect(DiffEndToEndTests.fieldChanges(web) == [["path": "/spec/replicas", "live": 5, "desired": 2]])
            #expect(afterEdit.count { $0["status"] == "skipped" } == 3)

            let rendered = try await DriftBinary.runPlain(["render", "-f", folder, "-o", "json"])
            #expect(rendered.status == 0, "\(rendered.errorOutput)")
            let items = try #require(try JSONValue.parse(rendered.output)["items"]?.arrayValue)
            #expect(items.map { $0[["metadata", "name"]]?.stringValue ?? $0[["metadata", "generateName"]]?.stringValue ?? "" }
                == ["settings", "web", "db-migrate-", "smoke-test", "helm-hook"])
        }
    }

    @Test("an object an earlier apply wrote that Git now marks as a hook is never pruned")
    func hookIsNotPruned() async throws {
        try await TestCluster.withNamespace { namespace in
            let folder = try DiffEndToEndTests.folder([
                "app.yaml": Self.application(namespace: namespace),
                "hook.yaml": Self.helmHook(namespace: namespace, hook: false),
            ])
            let first = try await DriftBinary.run(["apply", "-n", namespace, "-f", folder, "--prune", "--yes"])
            #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
            try Self.helmHook(namespace: namespace).write(toFile: folder + "/hook.yaml", atomically: true, encoding: .utf8)

            let preview = try await DriftBinary.run(["diff", "-n", namespace, "-f", folder, "--prune", "-o", "json"])
            #expect(preview.status == 0, "\(preview.output)\(preview.errorOutput)")
            #expect(try DiffEndToEndTests.report(preview)["prune"] == nil, "\(preview.output)")
            let pruned = try await DriftBinary.run(["apply", "-n", namespace, "-f", folder, "--prune", "--yes"])
            #expect(pruned.status == 0, "\(pruned.output)\(pruned.errorOutput)")
            let hook = try await TestCluster.kubectl(["-n", namespace, "get", "configmap", "helm-hook", "-o", "name"])
            #expect(hook.status == 0, "the ConfigMap is still there: \(hook.errorOutput)")
        }
    }

    @Test("a kustomization with a named PreSync hook and sync waves: the hook skipped, the rest in sync after apply")
    func kustomization() async throws {
        try await TestCluster.withNamespace { namespace in
            let folder = try DiffEndToEndTests.folder([
                "kustomization.yaml": "resources: [app.yaml, hook.yaml]\n",
                "app.yaml": Self.application(namespace: namespace),
                "hook.yaml": Self.job("name: seed", namespace: namespace, hook: "PreSync"),
            ])
            let applied = try await DriftBinary.run(["apply", "-n", namespace, "-f", folder])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let report = try DiffEndToEndTests.report(try await DriftBinary.run(["diff", "-n", namespace, "-f", folder, "-o", "json"]))
            #expect(report["summary"]?["inSync"] == 2)
            #expect(report["summary"]?["skipped"] == 1)
            let hook = try #require(report["objects"]?.arrayValue?.first { $0["status"] == "skipped" })
            #expect(hook["name"] == "seed")
            #expect(hook["reason"] == "Argo CD hook (argocd.argoproj.io/hook: PreSync)")
            let jobs = try await TestCluster.kubectl(["-n", namespace, "get", "jobs", "-o", "name"])
            #expect(jobs.output.isEmpty, "\(jobs.output)")
        }
    }
}
