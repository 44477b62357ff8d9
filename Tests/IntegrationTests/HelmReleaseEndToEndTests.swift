import Foundation
import Testing
@testable import DriftKit

/// HelmReleases rendered by the real helm and compared with, and applied to, the real API
/// server: `valuesFrom` read from the cluster, `driftDetection` honoured as helm-controller
/// honours it.
@Suite("Flux HelmReleases rendered by helm, end to end", .serialized)
struct HelmReleaseEndToEndTests {
    /// A repository with a Kustomization applying `apps/`, whose HelmRelease installs
    /// `charts/greeter` (a ConfigMap and a Service) with values from a
    /// ConfigMap of the cluster and `spec` lines added.
    private func repository(namespace: String, spec: String) throws -> String {
        try RepositorySourcesEndToEndTests.repository([
            "clusters/apps.yaml": FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps"),
            "apps/release.yaml": """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: greeter
                  namespace: \(namespace)
                spec:
                  interval: 10m
                  chart:
                    spec:
                      chart: ./charts/greeter
                      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
                  valuesFrom:
                    - kind: ConfigMap
                      name: greeter-values
                  values:
                    port: 8080
                \(spec)
                """,
            "charts/greeter/Chart.yaml": "apiVersion: v2\nname: greeter\nversion: 0.1.0\n",
            "charts/greeter/values.yaml": "greeting: hi\ncolour: grey\nport: 80\n",
            "charts/greeter/templates/configmap.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-settings
                data:
                  greeting: {{ .Values.greeting | quote }}
                  colour: {{ .Values.colour | quote }}
                """,
            "charts/greeter/templates/service.yaml": """
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ .Release.Name }}
                spec:
                  ports:
                    # kube-apiserver 1.20's server-side apply needs the protocol of a port written out.
                    - port: {{ .Values.port }}
                      protocol: TCP
                """,
        ])
    }

    /// The cluster's values for the release, and the Kustomization and HelmRelease Flux would hold.
    private func prepare(_ namespace: String, client: APIClient) async throws {
        try await FluxTestAPI.install(client: client)
        try TestCluster.create(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "greeter-values"],
             "data": ["values.yaml": "greeting: hello from the cluster\n"]],
            in: "/api/v1/namespaces/\(namespace)/configmaps", client: client)
        try FluxTestAPI.deploy(FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps"), inventory: [], client: client)
    }

    private func objects(_ output: String) throws -> [String: JSONValue] {
        let list = try JSONValue.parse(output)["objects"]?.arrayValue ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ("\($0["kind"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")", $0) })
    }

    /// A person's edit, as `kubectl edit` writes it.
    private func handEdit(_ patch: JSONValue, _ path: String, client: APIClient) throws {
        _ = try client.mergePatch(patch, at: path, fieldManager: "kubectl-edit")
    }

    @Test("a real chart with valuesFrom from a ConfigMap is created by apply, in sync after it, and a hand edit is drift that apply corrects")
    func valuesFromAndRemediation() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await prepare(namespace, client: client)
            let root = try repository(namespace: namespace, spec: "  driftDetection:\n    mode: enabled\n")

            let before = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(before.status == 1, "\(before.output)\(before.errorOutput)")
            let missing = try objects(before.output)
            #expect(missing["ConfigMap/greeter-settings"]?["status"] == "missing")
            #expect(missing["Service/greeter"]?["status"] == "missing")
            let groups = try JSONValue.parse(before.output)["groups"]?.arrayValue ?? []
            #expect(groups.first?["objects"] == [
                ["group": "helm.toolkit.fluxcd.io", "kind": "HelmRelease", "namespace": .string(namespace), "name": "greeter"],
            ], "the Kustomization's section holds the HelmRelease")
            let release = try #require(groups.last)
            #expect(release["title"] == .string("Flux HelmRelease \(namespace)/greeter (release \(namespace)/greeter, "
                + "chart charts/greeter in this repository, driftDetection enabled, applied by Kustomization \(namespace)/apps)"))
            #expect(release["objects"]?.arrayValue?.contains(["group": "", "kind": "Service", "namespace": .string(namespace), "name": "greeter"]) == true)

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let settings = try client.get("/api/v1/namespaces/\(namespace)/configmaps/greeter-settings")
            #expect(settings["data"] == ["greeting": "hello from the cluster", "colour": "grey"], "valuesFrom over the chart's values")
            #expect(settings[["metadata", "labels", "helm.toolkit.fluxcd.io/name"]] == "greeter")
            let service = try client.get("/api/v1/namespaces/\(namespace)/services/greeter")
            #expect(service["spec"]?["ports"]?.arrayValue?.first?["port"] == 8080, "spec.values over valuesFrom")

            let inSync = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.errorOutput)")

            try handEdit(["data": ["colour": "red"]], "/api/v1/namespaces/\(namespace)/configmaps/greeter-settings", client: client)
            let drifted = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(drifted.status == 1, "\(drifted.output)\(drifted.errorOutput)")
            let change = try objects(drifted.output)["ConfigMap/greeter-settings"]?["changes"]?.arrayValue?.first
            #expect(change?["path"] == "/data/colour")
            #expect(change?["manager"] == "kubectl-edit")

            let corrected = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(corrected.status == 0, "\(corrected.output)\(corrected.errorOutput)")
            let after = try client.get("/api/v1/namespaces/\(namespace)/configmaps/greeter-settings")
            #expect(after[["data", "colour"]] == "grey")
        }
    }

    @Test("driftDetection.ignore leaves the release's ignored fields out of drift, and only that release's")
    func ignoreRules() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await prepare(namespace, client: client)
            let spec = """
                  driftDetection:
                    mode: enabled
                    ignore:
                      - paths: ["/data/colour"]
                        target:
                          kind: ConfigMap
                """
            let root = try repository(namespace: namespace, spec: spec)
            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")

            try handEdit(["data": ["colour": "red"]], "/api/v1/namespaces/\(namespace)/configmaps/greeter-settings", client: client)
            let ignored = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(ignored.status == 0, "an ignored field is not drift: \(ignored.output)\(ignored.errorOutput)")
            let entry = try objects(ignored.output)["ConfigMap/greeter-settings"]
            #expect(entry?["ignored"]?.arrayValue?.first?["path"] == "/data/colour")

            try handEdit(["data": ["greeting": "edited"]], "/api/v1/namespaces/\(namespace)/configmaps/greeter-settings", client: client)
            let drifted = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(drifted.status == 1, "a field the rule does not name is drift: \(drifted.output)")
            let paths = try objects(drifted.output)["ConfigMap/greeter-settings"]?["changes"]?.arrayValue?.map { $0["path"] }
            #expect(paths == ["/data/greeting"])
        }
    }

    @Test("with driftDetection warn or disabled, drift is shown and apply leaves it as helm-controller does, creating only what is missing", arguments: [
        "  driftDetection:\n    mode: warn\n", "",
    ])
    func driftLeftAlone(spec: String) async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await prepare(namespace, client: client)
            let root = try repository(namespace: namespace, spec: spec)
            let created = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            #expect(created.status == 0, "missing objects are installed whatever the mode: \(created.output)\(created.errorOutput)")
            #expect((try? client.get("/api/v1/namespaces/\(namespace)/services/greeter")) != nil)

            try handEdit(["data": ["colour": "red"]], "/api/v1/namespaces/\(namespace)/configmaps/greeter-settings", client: client)
            let drifted = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(drifted.status == 1, "\(drifted.output)\(drifted.errorOutput)")
            let mode = spec.isEmpty ? "disabled" : "warn"
            let notes = try #require(JSONValue.parse(drifted.output)["groups"]?.arrayValue?.last?["notes"]?.arrayValue)
            #expect(notes == [.string("its objects' drift is shown; kubectl drift apply creates missing ones and, as helm-controller "
                + "with driftDetection \(mode), leaves drifted ones")])

            let applied = try await DriftBinary.run(["apply", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let outcome = try objects(applied.output)["ConfigMap/greeter-settings"]
            #expect(outcome?["result"] == "skipped")
            #expect(outcome?["reason"]?.stringValue?.contains("HelmRelease \(namespace)/greeter") == true, "\(String(describing: outcome))")
            let live = try client.get("/api/v1/namespaces/\(namespace)/configmaps/greeter-settings")
            #expect(live[["data", "colour"]] == "red", "the drift is left as it is")
        }
    }

    @Test("a release that cannot be rendered is in notChecked[] of diff, apply and render, and named on standard error")
    func notChecked() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await prepare(namespace, client: client)
            let root = try repository(namespace: namespace, spec: "")
            let unavailable = """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: podinfo
                  namespace: \(namespace)
                spec:
                  interval: 10m
                  chart:
                    spec:
                      chart: podinfo
                      version: 6.x
                      sourceRef: {kind: HelmRepository, name: podinfo}
                """
            try unavailable.write(toFile: root + "/apps/podinfo.yaml", atomically: true, encoding: .utf8)
            let expected: JSONValue = [[
                "what": .string("HelmRelease \(namespace)/podinfo"), "kind": "HelmRelease", "namespace": .string(namespace),
                "name": "podinfo",
                "reason": .string("not rendered: chart podinfo 6.x from HelmRepository \(namespace)/podinfo is not available locally "
                    + "(looked in \(DriftBinary.cacheFolder)/helm/repository); helm pull it into a folder named in drift.yaml "
                    + "helm.charts or with --chart-dir"),
            ]]

            for command in ["diff", "apply"] {
                let run = try await DriftBinary.run([command, "--flux", "-f", "clusters", "-o", "json"], in: root)
                #expect(run.status != 2, "\(run.output)\(run.errorOutput)")
                #expect(try JSONValue.parse(run.output)["notChecked"] == expected, "\(command): \(run.output)")
                #expect(run.errorOutput.contains("note: HelmRelease \(namespace)/podinfo: not rendered, chart podinfo 6.x"), "\(run.errorOutput)")
            }
            // render reads no kubeconfig, and helm's cache of the test process.
            let rendered = try await DriftBinary.runPlain(["render", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(rendered.status == 0, "\(rendered.errorOutput)")
            let list = try JSONValue.parse(rendered.output)
            #expect(list["kind"] == "List")
            let entries = list["notChecked"]?.arrayValue ?? []
            #expect(entries.map { $0["name"] } == ["greeter", "podinfo"], "\(entries)")
            #expect(entries.first?["reason"] == .string(
                "not rendered: its valuesFrom ConfigMap \(namespace)/greeter-values cannot be read (no cluster is read)"))
            #expect(entries.last?["reason"]?.stringValue?.hasPrefix("not rendered: chart podinfo 6.x from HelmRepository") == true)
            #expect(list["items"]?.arrayValue?.map { $0["kind"] } == ["HelmRelease", "HelmRelease"], "what could be rendered still is")
        }
    }

    @Test("charts are rendered for the cluster's version and the APIs it serves, as helm-controller's helm sees them")
    func capabilities() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await prepare(namespace, client: client)
            let root = try repository(namespace: namespace, spec: "")
            try """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: capabilities
                data:
                  version: {{ .Capabilities.KubeVersion.Version | quote }}
                  fluxAPI: {{ .Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2" | quote }}
                  fluxKind: {{ .Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2/HelmRelease" | quote }}
                  absent: {{ .Capabilities.APIVersions.Has "example.com/v9" | quote }}
                """.write(toFile: root + "/charts/greeter/templates/capabilities.yaml", atomically: true, encoding: .utf8)
            let server = try client.get("/version")["gitVersion"]?.stringValue ?? ""
            let rendered = try await DriftBinary.run(["diff", "--flux", "-f", "clusters", "-o", "json"], in: root)
            #expect(rendered.status == 1, "\(rendered.output)\(rendered.errorOutput)")
            let list = try JSONValue.parse(rendered.output)["objects"]?.arrayValue ?? []
            let object = try #require(list.first { $0["name"] == "capabilities" })
            #expect(object["status"] == "missing")
            _ = try await DriftBinary.run(["apply", "--flux", "-f", "clusters"], in: root)
            let data = try client.get("/api/v1/namespaces/\(namespace)/configmaps/capabilities")["data"]
            #expect(data == ["version": .string(server), "fluxAPI": "true", "fluxKind": "true", "absent": "false"], "\(String(describing: data))")
        }
    }
}
