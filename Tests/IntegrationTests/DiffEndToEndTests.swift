import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift diff` run as a user runs it: the built binary, real `kubectl` making the
/// changes, a real kube-apiserver.
@Suite("kubectl drift diff, end to end")
struct DiffEndToEndTests {
    /// A namespaced CustomResourceDefinition for kind Widget whose `spec.size` defaults to 1.
    static func widgetDefinition(group: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.\(group)
        spec:
          group: \(group)
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer, default: 1}
                      color: {type: string}
        """
    }

    /// Writes manifests into a fresh folder and returns its path.
    static func folder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drift-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder.path
    }

    static func report(_ result: CommandResult) throws -> JSONValue {
        try JSONValue.parse(result.output)
    }

    /// The changes of a JSON report's object with only path, live and desired: the fields
    /// every server reports alike (attribution is tested in HandEditEndToEndTests), without the
    /// ApplySet membership label that an apply adds to what it writes (tested in
    /// OwnershipEndToEndTests).
    static func fieldChanges(_ object: JSONValue?) -> [JSONValue] {
        (object?["changes"]?.arrayValue ?? []).filter { !isMembershipChange($0) }.map { change in
            var kept = JSONObject()
            for key in ["path", "live", "desired"] { kept[key] = change[key] }
            return .object(kept)
        }
    }

    static func isMembershipChange(_ change: JSONValue) -> Bool {
        change["path"]?.stringValue == "/metadata/labels/" + FieldDiff.escapePointerToken(ApplySet.partOfLabel)
    }

    @Test("the scale scenario: in sync after apply, then /spec/replicas drifted 5 against 3", arguments: [
        ["apply", "--server-side"], ["apply"],
    ])
    func scaleScenario(applyCommand: [String]) async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            let applied = try await TestCluster.kubectl(applyCommand + ["-f", apps])
            #expect(applied.status == 0, "\(applied.errorOutput)")
            let clientSide = !applyCommand.contains("--server-side")
            if clientSide {
                // Client-side apply leaves its record, which the first apply of ours removes (and
                // diff says so); after that the object is in sync.
                let record = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
                let changes = (try Self.report(record)["objects"]?.arrayValue?.first?["changes"]?.arrayValue ?? [])
                    .filter { !Self.isMembershipChange($0) }
                #expect(changes.map { $0["path"] } == ["/metadata/annotations"], "\(changes)")
                #expect(changes.first?["live"]?["kubectl.kubernetes.io/last-applied-configuration"] != nil)
                #expect(changes.first?["manager"] == "kubectl-client-side-apply")
                #expect(try await DriftBinary.run(["apply", "-f", apps]).status == 0)
            }

            let inSync = try await DriftBinary.run(["diff", "-f", apps])
            #expect(inSync.status == 0, "defaulted fields must never be drift:\n\(inSync.output)\(inSync.errorOutput)")
            #expect(inSync.output.contains("in-sync"))

            let scaled = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            #expect(scaled.status == 0, "\(scaled.errorOutput)")

            let drifted = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(drifted.status == 1)
            let object = try #require(try Self.report(drifted)["objects"]?.arrayValue?.first)
            #expect(object["status"] == "drifted")
            #expect(object["name"] == "my-app")
            #expect(Self.fieldChanges(object) == [["path": "/spec/replicas", "live": 5, "desired": 3]])

            let text = try await DriftBinary.run(["diff", "-f", apps])
            #expect(text.status == 1)
            #expect(text.output.contains("-  replicas: 5"))
            #expect(text.output.contains("+  replicas: 3"))
        }
    }

    @Test("diff never writes: the live object keeps its resourceVersion and gains no field manager")
    func diffDoesNotWrite() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let client = try await TestCluster.client()
            let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app"
            let before = try client.get(path)
            let result = try await DriftBinary.run(["diff", "-f", apps])
            #expect(result.status == 1)
            let after = try client.get(path)
            #expect(after[["metadata", "resourceVersion"]] == before[["metadata", "resourceVersion"]])
            let managers = after[["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? []
            #expect(!managers.contains("kubectl-drift"))
        }
    }

    @Test("an object missing from the cluster is reported missing, exit 1")
    func missingObject() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["config.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: \(namespace)
                data:
                  mode: fast
                """])
            let result = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(result.status == 1)
            let report = try Self.report(result)
            #expect(report["summary"] == ["total": 1, "inSync": 0, "drifted": 0, "missing": 1, "errors": 0, "skipped": 0])
            #expect(report["objects"]?.arrayValue?.first?["status"] == "missing")
        }
    }

    @Test("objects in a namespace the manifests create are missing, not errors")
    func namespaceCreatedByTheManifests() async throws {
        let namespace = "new-" + UUID().uuidString.prefix(8).lowercased()
        let apps = try Self.folder(["app.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(namespace)
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: \(namespace)
            data:
              mode: fast
            """])
        let result = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
        #expect(result.status == 1, "\(result.output)")
        let statuses = try Self.report(result)["objects"]?.arrayValue?.map { $0["status"] }
        #expect(statuses == ["missing", "missing"])
    }

    @Test("a label Git sets and someone changed is drift, and so is one a person added; a controller's is not")
    func labels() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl([
                "-n", namespace, "label", "deployment", "my-app", "owner=ops", "--field-manager", "team-controller",
            ])
            let untouched = try await DriftBinary.run(["diff", "-f", apps])
            #expect(untouched.status == 0, "\(untouched.output)")

            _ = try await TestCluster.kubectl(["-n", namespace, "label", "deployment", "my-app", "app=other", "tier=hand", "--overwrite"])
            let result = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(result.status == 1)
            let object = try Self.report(result)["objects"]?.arrayValue?.first
            #expect(Self.fieldChanges(object) == [
                ["path": "/metadata/labels/app", "live": "other", "desired": "my-app"],
                ["path": "/metadata/labels/tier", "live": "hand"],
            ])
        }
    }

    @Test("Secret values are masked unless --show-secrets")
    func secretsMasked() async throws {
        try await TestCluster.withNamespace { namespace in
            let secret = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  namespace: \(namespace)
                stringData:
                  password: from-git-s3cret
                """
            let apps = try Self.folder(["secret.yaml": secret])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            _ = try await TestCluster.kubectl([
                "-n", namespace, "patch", "secret", "db", "--type", "merge", "-p", #"{"stringData":{"password":"hand-edited-s3cret"}}"#,
            ])
            let masked = try await DriftBinary.run(["diff", "-f", apps])
            #expect(masked.status == 1)
            #expect(masked.output.contains("*** (before)"))
            #expect(masked.output.contains("*** (after)"))
            let encoded = [Data("from-git-s3cret".utf8), Data("hand-edited-s3cret".utf8)].map { $0.base64EncodedString() }
            #expect(!encoded.contains { masked.output.contains($0) })

            let shown = try await DriftBinary.run(["diff", "-f", apps, "--show-secrets"])
            #expect(encoded.allSatisfy { shown.output.contains($0) })
        }
    }

    @Test("a user who may not patch gets a per-object forbidden error and exit 2")
    func readonlyUser() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", apps])
            let result = try await DriftBinary.run(["diff", "-f", apps], context: .readonly)
            #expect(result.status == 2)
            #expect(result.output.contains("error: deployment.apps/my-app"))
            #expect(result.output.contains("forbidden (403)"))
            #expect(result.output.contains("cannot patch"))
        }
    }

    @Test("a CRD's custom resources are compared once the CRD is served")
    func customResources() async throws {
        try await TestCluster.withNamespace { namespace in
            let group = "drift\(namespace.suffix(6)).example.com"
            let crd = Self.widgetDefinition(group: group)
            let widget = """
                apiVersion: \(group)/v1
                kind: Widget
                metadata:
                  name: blue
                  namespace: \(namespace)
                spec:
                  color: blue
                """
            let widgetFolder = try Self.folder(["widget.yaml": widget])
            let unknown = try await DriftBinary.run(["diff", "-f", widgetFolder])
            #expect(unknown.status == 2)
            #expect(unknown.output.contains("widget.\(group)/blue"))
            #expect(unknown.output.contains("CustomResourceDefinition"))

            _ = try await TestCluster.kubectl(["apply", "-f", try Self.folder(["crd.yaml": crd])])
            let established = try await TestCluster.kubectl([
                "wait", "--for=condition=Established", "--timeout=30s", "crd/widgets.\(group)",
            ])
            #expect(established.status == 0, "\(established.errorOutput)")
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", widgetFolder])
            let inSync = try await DriftBinary.run(["diff", "-f", widgetFolder])
            #expect(inSync.status == 0, "the defaulted spec.size must not be drift:\n\(inSync.output)")
            _ = try await TestCluster.kubectl(["delete", "crd", "widgets.\(group)", "--wait=false"])
        }
    }

    @Test("a CRD not installed yet and its custom resource in one folder are both missing, exit 1")
    func customResourceWithItsDefinition() async throws {
        try await TestCluster.withNamespace { namespace in
            let group = "pending\(namespace.suffix(6)).example.com"
            // Names no namespace: the CRD is namespaced, so it lands in the context namespace.
            let widget = "apiVersion: \(group)/v1\nkind: Widget\nmetadata:\n  name: blue\nspec:\n  color: blue\n"
            let apps = try Self.folder(["crd.yaml": Self.widgetDefinition(group: group), "widget.yaml": widget])
            let result = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace, "-o", "json"])
            #expect(result.status == 1, "\(result.output)\(result.errorOutput)")
            let objects = try Self.report(result)["objects"]?.arrayValue ?? []
            #expect(objects.map { $0["status"] } == ["missing", "missing"])
            #expect(objects.first { $0["kind"] == "Widget" }?["namespace"] == .string(namespace))
            // What applying would create: the manifest as written, in the context namespace.
            let text = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace])
            let created = ["apiVersion: \(group)/v1", "kind: Widget", "metadata:", "  name: blue", "  namespace: \(namespace)", "spec:", "  color: blue"]
            #expect(text.output.contains(created.map { "+" + $0 + "\n" }.joined()), "\(text.output)")

            // A version the CRD in Git does not define keeps the hint.
            try "apiVersion: \(group)/v2\nkind: Widget\nmetadata:\n  name: green\n"
                .write(toFile: apps + "/green.yaml", atomically: true, encoding: .utf8)
            let unknown = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace])
            #expect(unknown.status == 2)
            #expect(unknown.output.contains("widget.\(group)/green"))
            #expect(unknown.output.contains("is its CustomResourceDefinition installed?"))
        }
    }

    @Test("four or more objects of a type in a namespace are read with one LIST, not one GET each")
    func listInsteadOfGets() async throws {
        try await TestCluster.withNamespace { namespace in
            let manifests = (0..<6).map { index in
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm-\(index)
                  namespace: \(namespace)
                data:
                  index: "\(index)"
                """
            }.joined(separator: "\n---\n")
            let parsed = try ManifestLoader.parse([ManifestFile(path: "many.yaml", text: manifests)])
            let admin = try await TestCluster.client()
            for manifest in parsed.prefix(5) {
                _ = try admin.apply(manifest.object, at: "/api/v1/namespaces/\(namespace)/configmaps/\(manifest.name)",
                    fieldManager: "kubectl", force: true, dryRun: false)
            }
            _ = try admin.mergePatch(["data": ["index": "changed"]], at: "/api/v1/namespaces/\(namespace)/configmaps/cm-2",
                fieldManager: "kubectl-edit")

            let connection = try await TestCluster.connection()
            let recorder = RecordingTransport(try CurlTransport(connection: connection))
            let detector = DriftDetector(client: APIClient(transport: recorder), connection: connection, options: DriftOptions())
            let report = try await TestCluster.offThePool { try detector.detect(parsed) }

            #expect(report.objects.map(\.status) == [.inSync, .inSync, .drifted, .inSync, .inSync, .missing])
            let reads = recorder.paths.filter { $0.hasPrefix("/api/v1/namespaces/\(namespace)/configmaps") && !$0.contains("dryRun") }
            #expect(reads.count == 1)
            #expect(reads.first?.contains("limit=") == true)
        }
    }

    @Test("manifests from standard input, and the context namespace for manifests that name none")
    func standardInputAndDefaultNamespace() async throws {
        try await TestCluster.withNamespace { namespace in
            let manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: from-stdin
                data:
                  enabled: yes
                """
            let result = try await DriftBinary.run(["diff", "-f", "-", "-n", namespace, "-o", "json"], input: manifest)
            // `enabled: yes` is a boolean to kubectl; a ConfigMap rejects it: an error object, exit 2.
            #expect(result.status == 2, "\(result.errorOutput)")
            let object = try Self.report(result)["objects"]?.arrayValue?.first
            #expect(object?["namespace"] == .string(namespace))
            #expect(object?["source"]?["file"] == "<stdin>")
            #expect(object?["status"] == "error")
            #expect(object?["error"]?.stringValue?.contains("data.enabled") == true)
        }
    }

    @Test("a manifest naming another namespace than --namespace is an error, as in kubectl")
    func namespaceMismatch() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try Self.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: "elsewhere")])
            let result = try await DriftBinary.run(["diff", "-f", apps, "-n", namespace])
            #expect(result.status == 2)
            #expect(result.output.contains("does not match the namespace given with --namespace (\(namespace))"))
        }
    }
}
