import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift apply` puts the real cluster back to Git, and only what drifted.
@Suite("kubectl drift apply, end to end")
struct ApplyEndToEndTests {
    static func resourceVersion(_ path: String) async throws -> JSONValue? {
        try await TestCluster.client().get(path)[["metadata", "resourceVersion"]]
    }

    @Test("a scaled Deployment is put back to 3; a second apply writes nothing")
    func scaleScenario() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app"

            let dryRun = try await DriftBinary.run(["apply", "-f", apps, "--dry-run"])
            #expect(dryRun.status == 0)
            #expect(dryRun.output.contains("would-apply"))
            #expect(try await TestCluster.client().get(path)[["spec", "replicas"]] == 5, "--dry-run writes nothing")

            let applied = try await DriftBinary.run(["apply", "-f", apps])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            #expect(applied.output.contains("1 applied"))
            #expect(try await TestCluster.client().get(path)[["spec", "replicas"]] == 3)

            let before = try await Self.resourceVersion(path)
            let again = try await DriftBinary.run(["apply", "-f", apps])
            #expect(again.output.contains("0 applied, 1 unchanged"))
            #expect(try await Self.resourceVersion(path) == before, "an in-sync object is not written")
        }
    }

    @Test("a ConfigMap deleted by hand comes back; a label Git sets is reverted, one added by hand is removed")
    func deletedAndLabels() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder([
                "deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace),
                "settings.yaml": RepositorySourcesEndToEndTests.configMap("settings", namespace: namespace),
            ])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl(["-n", namespace, "delete", "configmap", "settings"])
            _ = try await TestCluster.kubectl(["-n", namespace, "label", "deployment", "my-app", "app=edited", "team=ops", "--overwrite"])

            let result = try await DriftBinary.run(["apply", "-f", apps])
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            #expect(result.output.contains("2 applied"))
            let client = try await TestCluster.client()
            #expect(try client.getIfPresent("/api/v1/namespaces/\(namespace)/configmaps/settings") != nil)
            let labels = try client.get("/apis/apps/v1/namespaces/\(namespace)/deployments/my-app")[["metadata", "labels"]]
            #expect(labels.map { JSONPointer(tokens: [ApplySet.partOfLabel]).updating($0, to: nil) } == ["app": "my-app"], "the membership label is the only addition")
        }
    }

    @Test("replicas owned by an ignored manager are left alone; the rest is remediated")
    func ignoredManager() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app"
            let client = try await TestCluster.client()
            _ = try client.mergePatch(["spec": ["replicas": 7]], at: path, fieldManager: "hpa-controller")
            _ = try await TestCluster.kubectl(["-n", namespace, "label", "deployment", "my-app", "app=edited", "--overwrite"])

            let result = try await DriftBinary.run(["apply", "-f", apps, "--ignore-manager", "hpa-controller"])
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            let live = try client.get(path)
            #expect(live[["spec", "replicas"]] == 7)
            #expect(live[["metadata", "labels", "app"]] == "my-app")
        }
    }

    @Test("a CRD and its custom resource are applied in one run")
    func crdAndCustomResource() async throws {
        try await TestCluster.withNamespace { namespace in
            let group = "apply\(namespace.suffix(6)).example.com"
            let apps = try DiffEndToEndTests.folder([
                "crd.yaml": DiffEndToEndTests.widgetDefinition(group: group),
                "widget.yaml": """
                    apiVersion: \(group)/v1
                    kind: Widget
                    metadata:
                      name: g1
                      namespace: \(namespace)
                    spec:
                      size: 2
                    """,
            ])
            let result = try await DriftBinary.run(["apply", "-f", apps])
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            #expect(result.output.contains("2 applied"))
            let widget = try await TestCluster.client().getIfPresent("/apis/\(group)/v1/namespaces/\(namespace)/widgets/g1")
            #expect(widget?[["spec", "size"]] == 2)
            _ = try await TestCluster.kubectl(["delete", "crd", "widgets.\(group)", "--wait=false"])
        }
    }

    @Test("apply --dry-run on a CRD and its custom resource would apply both; the real run creates the resource in the context namespace")
    func crdAndCustomResourceDryRun() async throws {
        try await TestCluster.withNamespace { namespace in
            let group = "dryrun\(namespace.suffix(6)).example.com"
            let apps = try DiffEndToEndTests.folder([
                "crd.yaml": DiffEndToEndTests.widgetDefinition(group: group),
                "widget.yaml": "apiVersion: \(group)/v1\nkind: Widget\nmetadata:\n  name: g2\nspec:\n  size: 3\n",
                "paused.yaml": """
                    apiVersion: \(group)/v1
                    kind: Widget
                    metadata:
                      name: g3
                      annotations: {\(Remediator.suspendAnnotation): "true"}
                    """,
            ])
            let client = try await TestCluster.client()
            let definitionPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.\(group)"
            let suspended = "skipped: widget.\(group)/g3 (namespace \(namespace))"

            let dryRun = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace, "--dry-run"])
            #expect(dryRun.status == 0, "\(dryRun.output)\(dryRun.errorOutput)")
            #expect(dryRun.output.contains("3 objects: 2 would be applied, 0 unchanged, 0 failed, 1 skipped"), "\(dryRun.output)")
            #expect(dryRun.output.contains(suspended))
            #expect(try client.getIfPresent(definitionPath) == nil, "--dry-run writes nothing")

            let applied = try await DriftBinary.run(["apply", "-f", apps, "-n", namespace])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            #expect(applied.output.contains("3 objects: 2 applied, 0 unchanged, 0 failed, 1 skipped"), "\(applied.output)")
            #expect(applied.output.contains(suspended))
            let widget = try client.getIfPresent("/apis/\(group)/v1/namespaces/\(namespace)/widgets/g2")
            #expect(widget?[["spec", "size"]] == 3)
            _ = try await TestCluster.kubectl(["delete", "crd", "widgets.\(group)", "--wait=false"])
        }
    }

    @Test("a custom resource whose CRD cannot be applied fails, naming the CRD, exit 2")
    func customResourceOfARejectedDefinition() async throws {
        try await TestCluster.withNamespace { namespace in
            let group = "rejected\(namespace.suffix(6)).example.com"
            // apiextensions.k8s.io/v1 requires a schema for every version.
            let definition = DiffEndToEndTests.widgetDefinition(group: group).components(separatedBy: "    schema:")[0]
            let apps = try DiffEndToEndTests.folder([
                "crd.yaml": definition,
                "widget.yaml": "apiVersion: \(group)/v1\nkind: Widget\nmetadata:\n  name: g4\n  namespace: \(namespace)\n",
            ])
            let result = try await DriftBinary.run(["apply", "-f", apps])
            #expect(result.status == 2)
            #expect(result.output.contains("failed: widget.\(group)/g4 (namespace \(namespace))"), "\(result.output)")
            #expect(result.output.contains(
                "not created: the server does not serve \(group)/v1 Widget until its CustomResourceDefinition widgets.\(group) is applied and Established"))
        }
    }

    @Test("an immutable field change is reported with the server's message; --force-recreate deletes and recreates")
    func immutableField() async throws {
        try await TestCluster.withNamespace { namespace in
            let job = { (image: String) in
                """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                  namespace: \(namespace)
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: migrate
                        image: \(image)
                """
            }
            let apps = try DiffEndToEndTests.folder(["job.yaml": job("busybox:1.35")])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            try job("busybox:1.36").write(toFile: apps + "/job.yaml", atomically: true, encoding: .utf8)

            let diff = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(diff.status == 1, "drift, not an error: \(diff.output)\(diff.errorOutput)")
            let verdict = try #require(try DiffEndToEndTests.report(diff)["objects"]?.arrayValue?.first)
            #expect(verdict["status"] == "drifted")
            #expect(verdict["recreate"] == "required")
            #expect(verdict["recreateReason"]?.stringValue?.contains("field is immutable") == true)
            #expect(verdict["error"] == nil)
            let text = try await DriftBinary.run(["diff", "-f", apps])
            #expect(text.output.contains("drifted (recreate)"), "\(text.output)")
            #expect(text.output.contains("--force-recreate"), "\(text.output)")

            let refused = try await DriftBinary.run(["apply", "-f", apps])
            #expect(refused.status == 2)
            #expect(refused.output.contains("field is immutable"))
            #expect(refused.output.contains("--force-recreate"))
            let path = "/apis/batch/v1/namespaces/\(namespace)/jobs/migrate"
            let image = { () async throws -> JSONValue? in
                try await TestCluster.client().get(path)[["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]
            }
            #expect(try await image() == "busybox:1.35")

            let recreated = try await DriftBinary.run(["apply", "-f", apps, "--force-recreate"])
            #expect(recreated.status == 0, "\(recreated.output)\(recreated.errorOutput)")
            #expect(recreated.output.contains("1 recreated"))
            #expect(try await image() == "busybox:1.36")
        }
    }

    @Test("recreating an object a finalizer holds up fails naming the finalizer, and creates nothing")
    func recreateHeldByFinalizer() async throws {
        try await TestCluster.withNamespace { namespace in
            let configMap = { (mode: String) in
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: frozen
                  namespace: \(namespace)
                  finalizers: [example.com/hold]
                immutable: true
                data:
                  mode: \(mode)
                """
            }
            let applied = try await TestCluster.kubectl(["apply", "--server-side", "-f", try DiffEndToEndTests.folder(["frozen.yaml": configMap("slow")])])
            #expect(applied.status == 0, "\(applied.errorOutput)")
            let manifests = try ManifestLoader.parse([ManifestFile(path: "frozen.yaml", text: configMap("fast"))])
            let connection = try await TestCluster.connection()
            let detector = DriftDetector(
                client: APIClient(transport: try CurlTransport(connection: connection)), connection: connection, options: DriftOptions())
            // No flag sets the deadline; a second keeps the test short.
            var options = RemediationOptions()
            options.forceRecreate = true
            options.establishTimeout = 1
            let remediator = Remediator(detector: detector, options: options)
            let report = try await TestCluster.offThePool { try remediator.remediate(manifests) }

            #expect(report.results.map(\.outcome) == [
                .failed("deleted to be recreated, but still present after 1s, waiting on finalizer example.com/hold; not created again"),
            ])
            let path = "/api/v1/namespaces/\(namespace)/configmaps/frozen"
            let client = try await TestCluster.client()
            let live = try client.get(path)
            #expect(live[["metadata", "deletionTimestamp"]] != nil)
            #expect(live["data"] == ["mode": "slow"])
            // Released, the object goes, and so can its namespace.
            _ = try client.mergePatch(["metadata": ["finalizers": .null]], at: path, fieldManager: "test")
            #expect(try client.getIfPresent(path) == nil)
        }
    }

    @Test("--wait reports a workload that does not become healthy; --skip-unhealthy leaves an unhealthy one alone")
    func health() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            // The test server runs no controllers, so nothing ever rolls the Deployment out.
            let waited = try await DriftBinary.run(["apply", "-f", apps, "--wait", "--timeout", "2s"])
            #expect(waited.status == 2, "\(waited.output)")
            #expect(waited.output.contains("unhealthy: deployment.apps/my-app"))
            #expect(waited.output.contains("after it was applied: timed out after 2s: progressing: Waiting for deployment \"my-app\""),
                "\(waited.output)")

            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let gated = try await DriftBinary.run(["apply", "-f", apps, "--skip-unhealthy"])
            #expect(gated.output.contains("skipped: deployment.apps/my-app"))
            #expect(gated.output.contains("unhealthy"))
            let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app"
            let client = try await TestCluster.client()
            #expect(try client.get(path)[["spec", "replicas"]] == 5)

            // Once the rollout is reported finished the gate opens.
            let generation = try client.get(path)[["metadata", "generation"]] ?? 1
            let status: JSONValue = ["status": ["observedGeneration": generation, "replicas": 5, "updatedReplicas": 5,
                "readyReplicas": 5, "availableReplicas": 5]]
            _ = try client.json(HTTPRequest(
                method: .patch, path: path + "/status", headers: ["Content-Type": "application/merge-patch+json"],
                body: status.jsonData))
            let opened = try await DriftBinary.run(["apply", "-f", apps, "--skip-unhealthy"])
            #expect(opened.status == 0, "\(opened.output)")
            #expect(try client.get(path)[["spec", "replicas"]] == 3)
        }
    }

    @Test("--notify posts a JSON summary to the webhook; an unreachable webhook is only a warning")
    func notify() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let webhook = try await WebhookServer.start()
            defer { webhook.stop() }

            let result = try await DriftBinary.run(["apply", "-f", apps, "--notify", webhook.url + "/hooks/drift"])
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            let body = try #require(try webhook.bodies().first)
            #expect(body["kind"] == "DriftNotification")
            #expect(body["mode"] == "apply")
            #expect(body["applied"]?.arrayValue?.count == 1)

            // In sync now, so only --notify-on always sends anything.
            let unreachable = try await DriftBinary.run(
                ["diff", "-f", apps, "--notify", "http://127.0.0.1:\(try TestCluster.closedPort())/x", "--notify-on", "always"])
            #expect(unreachable.status == 0)
            #expect(unreachable.errorOutput.contains("warning: the notification was not delivered"))
        }
    }

    @Test("an object created with client-side kubectl apply is adopted: a key Git removed is removed")
    func adoptsKubectlApply() async throws {
        try await TestCluster.withNamespace { namespace in
            let before = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy\n  namespace: \(namespace)\ndata:\n  a: \"1\"\n  b: \"2\"\n"
            let apps = try DiffEndToEndTests.folder(["legacy.yaml": before])
            _ = try await TestCluster.kubectl(["apply", "-f", apps])
            try before.replacingOccurrences(of: "  a: \"1\"\n  b: \"2\"\n", with: "  a: \"10\"\n")
                .write(toFile: apps + "/legacy.yaml", atomically: true, encoding: .utf8)

            let result = try await DriftBinary.run(["apply", "-f", apps])
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            let live = try await TestCluster.client().get("/api/v1/namespaces/\(namespace)/configmaps/legacy")
            #expect(live["data"] == ["a": "10"])
            #expect(live[["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] == nil)
            let managers = live[["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["kubectl-drift"])
        }
    }

    @Test("a read-only user gets a failure per object and exit 2")
    func readonlyUser() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            // The dry run needs patch rights too: the read-only user cannot even compare.
            let result = try await DriftBinary.run(["apply", "-f", apps], context: .readonly)
            #expect(result.status == 2)
            #expect(result.output.contains("forbidden (403)"))
            #expect(try await TestCluster.client().get("/apis/apps/v1/namespaces/\(namespace)/deployments/my-app")[["spec", "replicas"]] == 5)
        }
    }

    @Test("suspend: true in drift.yaml pauses remediation; the drift is still reported")
    func suspendedRepository() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try RepositorySourcesEndToEndTests.repository([
                "apps/deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace),
                "drift.yaml": "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nsuspend: true\n",
            ])
            let result = try await DriftBinary.run(["apply", "-f", "apps"], in: root)
            #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
            #expect(result.output.contains("suspended by drift.yaml"))
            #expect(try await TestCluster.client().getIfPresent("/apis/apps/v1/namespaces/\(namespace)/deployments/my-app") == nil)
            let diff = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(diff.status == 1)
        }
    }

    @Test("apply refuses a cluster that drift.yaml does not name, and says which it is")
    func wrongCluster() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try RepositorySourcesEndToEndTests.repository([
                "apps/deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace),
                "drift.yaml": "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\ncluster:\n  context: production\n",
            ])
            let result = try await DriftBinary.run(["apply", "-f", "apps"], in: root)
            #expect(result.status == 2)
            #expect(result.errorOutput.contains("production"))
            #expect(result.errorOutput.contains("admin"))
            #expect(try await TestCluster.client().getIfPresent("/apis/apps/v1/namespaces/\(namespace)/deployments/my-app") == nil)
        }
    }
}
