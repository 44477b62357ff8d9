import Foundation
import Testing
@testable import DriftKit

/// A person's change is drift, a controller's is not: hand edits with the real kubectl on the
/// real API server are reported on the right field with the right manager, reverted by one
/// apply, and then in sync with nothing written.
@Suite("Hand edits are drift, end to end")
struct HandEditEndToEndTests {
    /// The protocols are spelled out: kube-apiserver 1.20 cannot server-side apply a port
    /// list whose key field `protocol` is left to its default.
    static func manifests(namespace: String) -> [String: String] {
        [
            "web.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: \(namespace)
                  labels: {app: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: main
                        image: nginx:1.21.0
                        ports:
                        - {name: http, containerPort: 80, protocol: TCP}
                        env:
                        - {name: MODE, value: production}
                """,
            "service.yaml": """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: \(namespace)
                spec:
                  selector: {app: web}
                  ports:
                  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
                  - {name: https, port: 443, targetPort: 8443, protocol: TCP}
                """,
        ]
    }

    /// One hand edit, and where the report must show it.
    struct Edit: Sendable, CustomTestStringConvertible {
        var name: String
        /// kubectl arguments after `-n NAMESPACE`.
        var kubectl: [String]
        /// For `kubectl edit`: the editor, a command that edits the file named after it.
        var editor: String?
        var kind: String
        var path: String
        var live: JSONValue
        /// nil: applying removes the field.
        var desired: JSONValue?
        var manager: String

        var testDescription: String { name }
    }

    static let edits: [Edit] = [
        Edit(
            name: "set env adds a variable", kubectl: ["set", "env", "deployment/web", "-c", "main", "DEBUG=1"],
            kind: "Deployment", path: "/spec/template/spec/containers/0/env/1", live: ["name": "DEBUG", "value": "1"],
            manager: "kubectl-set"),
        Edit(
            name: "label adds a key", kubectl: ["label", "deployment", "web", "extra=hand"],
            kind: "Deployment", path: "/metadata/labels/extra", live: "hand", manager: "kubectl-label"),
        Edit(
            name: "annotate adds a key", kubectl: ["annotate", "deployment", "web", "note=hand"],
            kind: "Deployment", path: "/metadata/annotations", live: ["note": "hand"], manager: "kubectl-annotate"),
        Edit(
            name: "patch changes a Service port number (a key field)",
            kubectl: ["patch", "service", "web", "--type", "json", "-p", #"[{"op":"replace","path":"/spec/ports/0/port","value":8081}]"#],
            kind: "Service", path: "/spec/ports/0/port", live: 8081, desired: 80, manager: "kubectl-patch"),
        Edit(
            name: "edit changes a Service port number (a key field)", kubectl: ["edit", "service", "web"],
            editor: "sed -i s/port:\\ 443$/port:\\ 4443/",
            kind: "Service", path: "/spec/ports/1/port", live: 4443, desired: 443, manager: "kubectl-edit"),
        Edit(
            name: "patch changes a container port (a key field)",
            kubectl: [
                "patch", "deployment", "web", "--type", "json", "-p",
                #"[{"op":"replace","path":"/spec/template/spec/containers/0/ports/0/containerPort","value":8080}]"#,
            ],
            kind: "Deployment", path: "/spec/template/spec/containers/0/ports/0/containerPort", live: 8080, desired: 80,
            manager: "kubectl-patch"),
        Edit(
            name: "patch renames an env var (a key field)",
            kubectl: [
                "patch", "deployment", "web", "--type", "json", "-p",
                #"[{"op":"replace","path":"/spec/template/spec/containers/0/env/0/name","value":"MODE2"}]"#,
            ],
            kind: "Deployment", path: "/spec/template/spec/containers/0/env/0/name", live: "MODE2", desired: "MODE",
            manager: "kubectl-patch"),
        Edit(
            name: "patch adds resource limits",
            kubectl: [
                "patch", "deployment", "web", "-p",
                #"{"spec":{"template":{"spec":{"containers":[{"name":"main","resources":{"limits":{"cpu":"1"}}}]}}}}"#,
            ],
            kind: "Deployment", path: "/spec/template/spec/containers/0/resources/limits", live: ["cpu": "1"],
            manager: "kubectl-patch"),
    ]

    /// The `changes[]` of the object of `kind` in a JSON report.
    static func changes(_ result: CommandResult, kind: String) throws -> [JSONValue] {
        let objects = try DiffEndToEndTests.report(result)["objects"]?.arrayValue ?? []
        return try #require(objects.first { $0["kind"]?.stringValue == kind })["changes"]?.arrayValue ?? []
    }

    static func resourceVersions(_ namespace: String) async throws -> [JSONValue?] {
        let client = try await TestCluster.client()
        return try [
            client.get("/apis/apps/v1/namespaces/\(namespace)/deployments/web")[["metadata", "resourceVersion"]],
            client.get("/api/v1/namespaces/\(namespace)/services/web")[["metadata", "resourceVersion"]],
        ]
    }

    @Test("each hand edit is reported with its manager, reverted by one apply, then in sync with nothing written", arguments: edits)
    func handEdit(_ edit: Edit) async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(Self.manifests(namespace: namespace))
            let first = try await DriftBinary.run(["apply", "-f", apps])
            try #require(first.status == 0, "\(first.output)\(first.errorOutput)")
            let kubectl = try await TestCluster.kubectl(
                ["-n", namespace] + edit.kubectl, environment: edit.editor.map { ["KUBE_EDITOR": $0] } ?? [:])
            try #require(kubectl.status == 0, "\(kubectl.errorOutput)")

            let diff = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(diff.status == 1, "\(diff.output)\(diff.errorOutput)")
            let changes = try Self.changes(diff, kind: edit.kind).filter { !DiffEndToEndTests.isMembershipChange($0) }
            let change = try #require(changes.first { $0["path"]?.stringValue == edit.path }, "\(changes)")
            #expect(changes.count == 1, "only the hand edit: \(changes)")
            #expect(change["live"] == edit.live)
            #expect(change["desired"] == edit.desired)
            #expect(change["cause"] == "cluster")
            #expect(change["manager"]?.stringValue == edit.manager)
            #expect(change["operation"] == "Update")
            #expect(change["time"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) } != nil)

            let text = try await DriftBinary.run(["diff", "-f", apps])
            #expect(text.output.contains("(\(edit.manager), "), "\(text.output)")

            let applied = try await DriftBinary.run(["apply", "-f", apps])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            #expect(applied.output.contains("1 applied"))
            let after = try await DriftBinary.run(["diff", "-f", apps])
            #expect(after.status == 0, "one apply reverts the hand edit: \(after.output)\(after.errorOutput)")

            let before = try await Self.resourceVersions(namespace)
            let again = try await DriftBinary.run(["apply", "-f", apps])
            #expect(again.output.contains("0 applied, 2 unchanged"), "\(again.output)")
            #expect(try await Self.resourceVersions(namespace) == before, "nothing is written once in sync")
        }
    }

    @Test("the same edits under a controller's field manager, and kubectl rollout restart, are not drift")
    func controllersAreNotPeople() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(Self.manifests(namespace: namespace))
            _ = try await DriftBinary.run(["apply", "-f", apps])
            let manager = ["--field-manager", "sidecar-injector"]
            for arguments in [
                ["set", "env", "deployment/web", "-c", "main", "INJECTED=1"] + manager,
                ["label", "deployment", "web", "injected=yes"] + manager,
                ["annotate", "deployment", "web", "injected=yes"] + manager,
                ["patch", "deployment", "web", "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"main","resources":{"limits":{"cpu":"1"}}}]}}}}"#] + manager,
                ["rollout", "restart", "deployment/web"],
            ] {
                let result = try await TestCluster.kubectl(["-n", namespace] + arguments)
                try #require(result.status == 0, "\(result.errorOutput)")
            }
            let diff = try await DriftBinary.run(["diff", "-f", apps])
            #expect(diff.status == 0, "\(diff.output)\(diff.errorOutput)")

            // Counted as a person on request.
            let asPerson = try await DriftBinary.run(["diff", "-f", apps, "-o", "json", "--hand-edit-manager", "sidecar-injector"])
            #expect(asPerson.status == 1)
            let paths = try Self.changes(asPerson, kind: "Deployment").compactMap { $0["path"]?.stringValue }
            #expect(paths.contains("/metadata/labels/injected"), "\(paths)")
        }
    }

    @Test("handEditManagers: [] in drift.yaml restores plain server-side-apply semantics")
    func plainSemantics() async throws {
        try await TestCluster.withNamespace { namespace in
            var files = Self.manifests(namespace: namespace)
            files["drift.yaml"] = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nhandEditManagers: []\n"
            let apps = try DiffEndToEndTests.folder(files)
            _ = try await DriftBinary.run(["apply", "-f", apps + "/web.yaml", "-f", apps + "/service.yaml"])
            _ = try await TestCluster.kubectl(["-n", namespace, "label", "deployment", "web", "extra=hand"])
            let arguments = ["diff", "-f", apps + "/web.yaml", "--config", apps + "/drift.yaml"]
            #expect(try await DriftBinary.run(arguments).status == 0)
            #expect(try await DriftBinary.run(Array(arguments.dropLast(2))).status == 1, "the default list counts kubectl-label")
        }
    }

    @Test("kubectl scale is attributed to kubectl as the server recorded it; a value Git moved on from is cause git")
    func attribution() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try GitSourceEndToEndTests.repository(namespace: namespace)
            let applied = try await DriftBinary.run(["apply", "-f", "apps", "--ref", "v1"], in: root)
            try #require(applied.status == 0, "\(applied.output)\(applied.errorOutput)")

            let fromGit = try await DriftBinary.run(["diff", "-f", "apps", "-o", "json"], in: root)
            let replicas = try #require(try Self.changes(fromGit, kind: "Deployment").first { $0["path"] == "/spec/replicas" })
            #expect(replicas["live"] == 3 && replicas["desired"] == 4)
            #expect(replicas["cause"] == "git")
            #expect(replicas["manager"] == nil)

            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let scaled = try await DriftBinary.run(["diff", "-f", "apps", "--ref", "v1", "-o", "json"], in: root)
            let change = try #require(try Self.changes(scaled, kind: "Deployment").first { $0["path"] == "/spec/replicas" })
            let text = try await DriftBinary.run(["diff", "-f", "apps", "--ref", "v1"], in: root)
            #expect(text.output.contains("5 → 3"), "\(text.output)")
            // Servers before 1.22 record no managedFields entry for writes through the scale
            // subresource; the report says what the server recorded.
            let live = try await TestCluster.client().get("/apis/apps/v1/namespaces/\(namespace)/deployments/my-app")
            if let entry = live[["metadata", "managedFields"]]?.arrayValue?.first(where: { $0["manager"] == "kubectl" }) {
                #expect(change["cause"] == "cluster")
                #expect(change["manager"] == "kubectl")
                #expect(change["subresource"] == entry["subresource"])
                #expect(text.output.contains("(kubectl"), "\(text.output)")
            } else {
                #expect(change["cause"] == "git")
            }
        }
    }

    @Test("after client-side kubectl apply, what Git dropped is shown and then removed with the last-applied annotation")
    func clientSideApplyAdoption() async throws {
        try await TestCluster.withNamespace { namespace in
            let configMap = { (extra: String) in
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: \(namespace)
                  labels: {app: web\(extra.isEmpty ? "" : ", legacy: \"yes\"")}
                data:
                  mode: production
                \(extra)
                """
            }
            let old = try DiffEndToEndTests.folder(["settings.yaml": configMap("  retired: \"true\"")])
            let created = try await TestCluster.kubectl(["apply", "-f", old])
            try #require(created.status == 0, "\(created.errorOutput)")
            let apps = try DiffEndToEndTests.folder(["settings.yaml": configMap("")])

            let diff = try await DriftBinary.run(["diff", "-f", apps, "-o", "json"])
            #expect(diff.status == 1, "\(diff.output)\(diff.errorOutput)")
            let changes = try Self.changes(diff, kind: "ConfigMap").filter { !DiffEndToEndTests.isMembershipChange($0) }
            let paths = changes.compactMap { $0["path"]?.stringValue }
            #expect(paths.contains("/data/retired"), "\(paths)")
            #expect(paths.contains("/metadata/labels/legacy"), "\(paths)")
            #expect(paths.contains("/metadata/annotations"), "the last-applied annotation goes: \(paths)")
            #expect(changes.allSatisfy { $0["manager"] == "kubectl-client-side-apply" && $0["desired"] == nil })

            #expect(try await DriftBinary.run(["apply", "-f", apps]).status == 0)
            let live = try await TestCluster.client().get("/api/v1/namespaces/\(namespace)/configmaps/settings")
            #expect(live["data"] == ["mode": "production"])
            #expect(live[["metadata", "labels"]].map { JSONPointer(tokens: [ApplySet.partOfLabel]).updating($0, to: nil) } == ["app": "web"])
            #expect(live[["metadata", "annotations"]] == nil)
            #expect(try await DriftBinary.run(["diff", "-f", apps]).status == 0)
        }
    }
}
