import Foundation
import Testing
@testable import DriftKit

/// The helm the tests run: the real one on PATH (scripts/prepare-kubectl.sh puts helm v4
/// there); its absence fails the tests that need it, never skips them.
func realHelm() throws -> HelmCommand {
    try #require(
        try HelmCommand.resolve(override: nil, environment: ProcessInfo.processInfo.environment),
        "helm is not on PATH: run scripts/prepare-kubectl.sh and put its folder first in PATH")
}

/// Packages a chart folder with the real `helm package` into `destination`.
func packageChart(_ folder: String, into destination: String) throws {
    try RepositoryFixture.run(try realHelm().executable, ["package", folder, "--destination", destination], in: destination)
}

/// HelmReleases rendered with the real helm, as helm-controller would install them.
@Suite("Flux HelmReleases, rendered by helm")
struct FluxHelmTests {
    static let chartFiles = [
        "charts/greeter/Chart.yaml": "apiVersion: v2\nname: greeter\nversion: 0.1.0\n",
        "charts/greeter/values.yaml": "greeting: hi\nreplicas: 1\nextra: {}\n",
        "charts/greeter/templates/configmap.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}
              namespace: {{ .Release.Namespace }}
            data:
              greeting: {{ .Values.greeting | quote }}
              replicas: {{ .Values.replicas | quote }}
              extra: {{ toJson .Values.extra | quote }}
            """,
        "charts/greeter/templates/service.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}
            spec:
              ports: [{port: 80}]
            """,
        "charts/greeter/crds/greeting.yaml": """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: greetings.example.com
            spec:
              group: example.com
              names: {kind: Greeting, plural: greetings}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
            """,
    ]

    static let kustomization = FluxFixture.kustomization("apps", path: "./apps")

    /// A HelmRelease of `charts/greeter` (from the bootstrap GitRepository) with `spec` lines added.
    static func release(_ extraSpec: String = "", name: String = "greeter", chart: String? = nil) -> String {
        let chartSpec = chart ?? """
              chart:
                spec:
                  chart: ./charts/greeter
                  sourceRef:
                    kind: GitRepository
                    name: flux-system
                    namespace: flux-system
            """
        return """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: \(name)
              namespace: web
            spec:
              interval: 10m
            \(chartSpec)
            \(extraSpec)
            """
    }

    static let greeter = FluxReference(kind: "HelmRelease", name: "greeter", namespace: "web")

    private func repository(_ files: [String: String]) throws -> RepositoryFixture {
        let repository = try RepositoryFixture(prefix: "drift-flux-helm")
        try repository.write(Self.chartFiles.merging(["clusters/prod/apps.yaml": Self.kustomization]) { $1 }.merging(files) { $1 })
        try repository.commitAll("chart")
        return repository
    }

    private func render(
        _ files: [String: String], helm: HelmCommand?, charts: HelmChartStore = HelmChartStore(folders: []),
        values: [String: [String: String]] = [:]
    ) throws -> FluxUnit {
        let repository = try repository(files)
        var options = FluxOptions(helm: helm, charts: charts)
        options.substituteFrom = { reference in values["\(reference.kind) \(reference.namespace)/\(reference.name)"] }
        let result = try FluxRenderer(tree: try repository.revision(), kustomize: try kubectlRenderer(), options: options)
            .render(scanning: "clusters/prod")
        return try #require(result.unit("flux-system/apps"))
    }

    private func configMap(_ unit: FluxUnit) throws -> Manifest {
        try #require(unit.manifests.first { $0.kind == "ConfigMap" }, "\(unit.manifests.map(\.identity))")
    }

    @Test("without helm, the release is listed as not rendered and the HelmRelease itself still checked")
    func withoutHelm() throws {
        let unit = try render(["apps/release.yaml": Self.release()], helm: nil)
        #expect(unit.notRendered == [FluxNotRendered(Self.greeter, why: "helm is not on PATH (name one with --helm-cmd)")])
        #expect(unit.manifests.map(\.kind) == ["HelmRelease"])
    }

    @Test("helm template renders the chart folder with the release's name, namespace, values, CRDs and origin labels")
    func chartFolder() throws {
        let unit = try render(["apps/release.yaml": Self.release("  targetNamespace: frontend\n  values:\n    greeting: hello\n")], helm: try realHelm())
        #expect(unit.notRendered == [])
        #expect(unit.manifests.map(\.kind) == ["HelmRelease", "CustomResourceDefinition", "ConfigMap", "Service"])
        let configMap = try configMap(unit)
        #expect(configMap.name == "frontend-greeter", "Flux names the release <targetNamespace>-<name>")
        #expect(configMap.namespace == "frontend")
        #expect(configMap.object[["data", "greeting"]] == "hello", "spec.values over the chart's values.yaml")
        #expect(configMap.object[["data", "replicas"]] == "1")
        let service = try #require(unit.manifests.first { $0.kind == "Service" })
        #expect(service.namespace == "frontend", "an object the chart leaves without a namespace goes to the release's")
        for manifest in unit.manifests where manifest.kind != "HelmRelease" {
            #expect(manifest.object[["metadata", "labels", "helm.toolkit.fluxcd.io/name"]] == "greeter")
            #expect(manifest.object[["metadata", "labels", "helm.toolkit.fluxcd.io/namespace"]] == "web")
            #expect(manifest.source.file == "HelmRelease web/greeter (helm template)")
        }
        let crd = try #require(unit.manifests.first { $0.kind == "CustomResourceDefinition" })
        #expect(crd.namespace == nil)
        #expect(configMap.source.origin == ManifestOrigin(file: "charts/greeter/templates/configmap.yaml", line: 1))
        #expect(service.source.description == "charts/greeter/templates/service.yaml:1", "reports name the template a person edits")
        let release = try #require(unit.helmReleases.first)
        #expect(release.releaseName == "frontend-greeter")
        #expect(release.releaseNamespace == "frontend")
        #expect(release.storageNamespace == "web", "Helm's history stays in the HelmRelease's namespace unless storageNamespace says")
        #expect(release.chart == "charts/greeter in this repository")
    }

    @Test("releaseName, storageNamespace and install.crds: Skip are honoured")
    func releaseSettings() throws {
        let unit = try render(
            ["apps/release.yaml": Self.release("  releaseName: hello\n  storageNamespace: helm-history\n  install:\n    crds: Skip\n")],
            helm: try realHelm())
        #expect(try configMap(unit).name == "hello")
        #expect(try configMap(unit).namespace == "web")
        #expect(!unit.manifests.contains { $0.kind == "CustomResourceDefinition" })
        #expect(unit.helmReleases.first?.storageNamespace == "helm-history")
    }

    @Test("a release name over 53 characters is shortened with a hash, as helm-controller does")
    func shortenedName() {
        let long = String(repeating: "a", count: 30) + "-" + String(repeating: "b", count: 30)
        let short = FluxHelmReleaseSpec.shortened(long)
        #expect(short.count == 53)
        #expect(short.hasPrefix(String(long.prefix(40)) + "-"))
        #expect(short.suffix(12) == SHA256.hex(SHA256.hash(long)).prefix(12))
        #expect(FluxHelmReleaseSpec.shortened("short-name") == "short-name")
    }

    @Test("valuesFrom merges ConfigMaps and Secrets in order, targetPath sets one value, spec.values wins")
    func valuesFrom() throws {
        let spec = """
              valuesFrom:
                - kind: ConfigMap
                  name: base
                - kind: Secret
                  name: secret
                  valuesKey: override.yaml
                - kind: ConfigMap
                  name: base
                  valuesKey: count
                  targetPath: replicas
                - kind: ConfigMap
                  name: absent
                  optional: true
              values:
                extra:
                  inline: true
            """
        let unit = try render(
            ["apps/release.yaml": Self.release(spec)], helm: try realHelm(),
            values: [
                "ConfigMap web/base": ["values.yaml": "greeting: from-configmap\nextra:\n  fromConfigMap: 1\n", "count": "3"],
                "Secret web/secret": ["override.yaml": "greeting: from-secret\n"],
            ])
        #expect(unit.notRendered == [])
        let configMap = try configMap(unit)
        #expect(configMap.object[["data", "greeting"]] == "from-secret", "a later valuesFrom entry overrides an earlier one")
        #expect(configMap.object[["data", "replicas"]] == "3", "targetPath sets the value, typed as helm --set types it")
        #expect(configMap.object[["data", "extra"]] == #"{"fromConfigMap":1,"inline":true}"#, "mappings merge; spec.values last")
    }

    @Test("a valuesFrom object that cannot be read, or lacks its key, leaves the release not rendered, saying which", arguments: [
        ("name: absent", "its valuesFrom ConfigMap web/absent cannot be read (it is missing or cannot be read)"),
        ("name: base\n      valuesKey: other.yaml", "its valuesFrom ConfigMap web/base has no key other.yaml"),
    ])
    func valuesFromUnavailable(entry: String, reason: String) throws {
        let spec = "  valuesFrom:\n    - kind: ConfigMap\n      \(entry)\n"
        let unit = try render(["apps/release.yaml": Self.release(spec)], helm: try realHelm(), values: ["ConfigMap web/base": ["values.yaml": "a: 1"]])
        #expect(unit.notRendered == [FluxNotRendered(Self.greeter, why: reason)])
        #expect(!unit.manifests.contains { $0.kind == "ConfigMap" })
    }

    @Test("postRenderers' kustomize patches and images, then commonMetadata, are applied to the release's objects, not its CRDs")
    func postRenderers() throws {
        let spec = """
              commonMetadata:
                labels:
                  team: web
              postRenderers:
                - kustomize:
                    patches:
                      - target:
                          kind: ConfigMap
                        patch: |
                          - op: add
                            path: /data/patched
                            value: "yes"
                - kustomize:
                    patches:
                      - patch: |
                          apiVersion: v1
                          kind: Service
                          metadata:
                            name: greeter
                          spec:
                            type: NodePort
            """
        let unit = try render(["apps/release.yaml": Self.release(spec)], helm: try realHelm())
        #expect(unit.notRendered == [])
        #expect(try configMap(unit).object[["data", "patched"]] == "yes")
        let service = try #require(unit.manifests.first { $0.kind == "Service" })
        #expect(service.object[["spec", "type"]] == "NodePort", "post-renderers run in order on the rendered objects")
        #expect(service.object[["metadata", "labels", "team"]] == "web")
        let crd = try #require(unit.manifests.first { $0.kind == "CustomResourceDefinition" })
        #expect(crd.object[["metadata", "labels", "team"]] == nil, "helm-controller installs CRDs without commonMetadata")
        #expect(crd.object[["metadata", "labels", "helm.toolkit.fluxcd.io/name"]] == "greeter")
    }

    @Test("a HelmRepository chart is the highest packaged version in the chart folders that the range admits")
    func packagedChart() throws {
        let charts = try ScratchFolder("drift-charts")
        let sources = try ScratchFolder("drift-chart-sources")
        for version in ["1.0.0", "1.2.0", "2.0.0"] {
            let folder = (sources.path as NSString).appendingPathComponent("podinfo-\(version)/podinfo")
            try FileManager.default.createDirectory(atPath: folder + "/templates", withIntermediateDirectories: true)
            try "apiVersion: v2\nname: podinfo\nversion: \(version)\n".write(toFile: folder + "/Chart.yaml", atomically: true, encoding: .utf8)
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  version: {{ .Chart.Version }}\n"
                .write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
            try packageChart(folder, into: charts.path)
        }
        let chart = """
              chart:
                spec:
                  chart: podinfo
                  version: "^1.0"
                  sourceRef:
                    kind: HelmRepository
                    name: podinfo
            """
        let unit = try render(["apps/release.yaml": Self.release(chart: chart)], helm: try realHelm(), charts: HelmChartStore(folders: [charts.path]))
        #expect(unit.notRendered == [])
        #expect(try configMap(unit).object[["data", "version"]] == "1.2.0")
        #expect(unit.helmReleases.first?.chart == "podinfo-1.2.0.tgz (\(charts.path)/podinfo-1.2.0.tgz)")

        let missing = chart.replacingOccurrences(of: "^1.0", with: ">=3")
        let notFound = try render(["apps/release.yaml": Self.release(chart: missing)], helm: try realHelm(), charts: HelmChartStore(folders: [charts.path]))
        #expect(notFound.notRendered.count == 1)
        let why = notFound.notRendered.first?.why ?? ""
        #expect(why.contains("chart podinfo >=3 from HelmRepository web/podinfo is not available locally (looked in \(charts.path))"), "\(why)")
    }

    @Test("an OCIRepository chartRef is found by the URL's last segment and its tag")
    func ociChartReference() throws {
        let charts = try ScratchFolder("drift-charts")
        let folder = (charts.path as NSString).appendingPathComponent("src/podinfo")
        try FileManager.default.createDirectory(atPath: folder + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: podinfo\nversion: 6.5.0\n".write(toFile: folder + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oci\n".write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        try packageChart(folder, into: charts.path)
        let source = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              name: podinfo
              namespace: web
            spec:
              interval: 10m
              url: oci://ghcr.io/stefanprodan/charts/podinfo
              ref:
                tag: 6.5.0
            """
        let chart = "  chartRef:\n    kind: OCIRepository\n    name: podinfo\n"
        let unit = try render(
            ["apps/release.yaml": Self.release(chart: chart), "apps/source.yaml": source], helm: try realHelm(),
            charts: HelmChartStore(folders: [charts.path]))
        #expect(unit.notRendered == [])
        #expect(try configMap(unit).name == "oci")
    }

    @Test("driftDetection's mode and ignore rules are read, each rule limited to the release's objects")
    func driftDetection() throws {
        let spec = """
              driftDetection:
                mode: warn
                ignore:
                  - paths: ["/data/greeting"]
                    target:
                      kind: ConfigMap
            """
        let unit = try render(["apps/release.yaml": Self.release(spec)], helm: try realHelm())
        let detection = try #require(unit.helmReleases.first?.driftDetection)
        #expect(detection.mode == .warn)
        let rule = try #require(detection.ignore.first)
        #expect(rule.paths == [try JSONPointer("/data/greeting")])
        let ownConfigMap = IgnoreSubject(
            group: "", version: "v1", kind: "ConfigMap", name: "greeter", namespace: "web",
            labels: ["helm.toolkit.fluxcd.io/name": "greeter", "helm.toolkit.fluxcd.io/namespace": "web"])
        var otherRelease = ownConfigMap
        otherRelease.labels["helm.toolkit.fluxcd.io/name"] = "other"
        var service = ownConfigMap
        service.kind = "Service"
        #expect(rule.target.matches(ownConfigMap))
        #expect(!rule.target.matches(otherRelease), "another release's ConfigMap is not this rule's")
        #expect(!rule.target.matches(service))
    }

    @Test("a chart helm refuses is an error naming the release and helm's message")
    func failingChart() throws {
        let error = try #require(throws: FluxError.self) {
            try render(
                ["apps/release.yaml": Self.release(), "charts/greeter/templates/broken.yaml": "{{ .Values.missing.deeper }}\n"],
                helm: try realHelm())
        }
        guard case let .helm(release, source, message) = error else {
            Issue.record("expected a helm failure, got \(error)")
            return
        }
        #expect(release == "web/greeter")
        #expect(source.file == "apps (Flux Kustomization flux-system/apps)")
        #expect(message.contains("helm template failed"))
        #expect(message.contains("broken.yaml"), "\(message)")
    }

    @Test("many releases are all rendered, each with its own values, in the order of the unit")
    func manyReleases() throws {
        var files: [String: String] = [:]
        for index in 0..<6 {
            files["apps/release-\(index).yaml"] = Self.release("  values:\n    greeting: hello-\(index)\n", name: "greeter-\(index)")
        }
        let unit = try render(files, helm: try realHelm())
        #expect(unit.notRendered == [])
        let configMaps = unit.manifests.filter { $0.kind == "ConfigMap" }
        #expect(configMaps.map(\.name) == (0..<6).map { "greeter-\($0)" })
        #expect(configMaps.map { $0.object[["data", "greeting"]] } == (0..<6).map { .string("hello-\($0)") })
    }

    @Test("a chart from another source is not rendered, with the reason", arguments: [
        ("kind: GitRepository\n        name: flux-system", "kind: Bucket\n        name: charts", "its source is Bucket web/charts"),
        ("kind: GitRepository\n        name: flux-system", "kind: HelmChart\n        name: charts", "its chart source is HelmChart"),
    ])
    func otherSources(original: String, replacement: String, reason: String) throws {
        let base = Self.release()
        let text = base.replacingOccurrences(of: original, with: replacement).replacingOccurrences(of: "        namespace: flux-system\n", with: "")
        #expect(text != base)
        let unit = try render(["apps/release.yaml": text], helm: try realHelm())
        #expect(unit.notRendered.count == 1)
        #expect(unit.notRendered.first?.why.contains(reason) == true, "\(unit.notRendered)")
    }

    @Test("a chart's hooks are not release objects: skipped with the reason, the rest rendered")
    func hooks() throws {
        let hook = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              generateName: {{ .Release.Name }}-migrate-
              annotations:
                helm.sh/hook: pre-install,pre-upgrade
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: migrate, image: busybox}]
            """
        let unit = try render(["apps/release.yaml": Self.release(), "charts/greeter/templates/hook.yaml": hook], helm: try realHelm())
        #expect(!unit.manifests.contains { $0.kind == "Job" })
        #expect(unit.manifests.contains { $0.kind == "ConfigMap" })
        let skipped = try #require(unit.skipped.first)
        #expect(skipped.reason == .helmHook("pre-install,pre-upgrade"))
        #expect(skipped.source.file == "HelmRelease web/greeter (helm template)")
    }

    @Test("an object of a template with several documents names the line its document starts on")
    func templateLines() throws {
        let template = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: second
            """
        let unit = try render(["apps/release.yaml": Self.release(), "charts/greeter/templates/pair.yaml": template], helm: try realHelm())
        let second = try #require(unit.manifests.first { $0.name == "second" })
        #expect(second.source.origin == ManifestOrigin(file: "charts/greeter/templates/pair.yaml", line: 6))
        let first = try #require(unit.manifests.first { $0.name == "first" })
        #expect(first.source.origin == ManifestOrigin(file: "charts/greeter/templates/pair.yaml", line: 1))
    }
}
