import Foundation
import Testing
@testable import DriftKit

/// HelmReleases whose chart is in this repository. helm is not installed where these tests
/// were written: a stand-in `helm` script checks the call, and one test runs the real helm
/// only when it is on PATH.
@Suite("Flux HelmReleases")
struct FluxHelmTests {
    private static let realHelm = HelmCommand.find(environment: ProcessInfo.processInfo.environment)

    /// A cluster folder with a Kustomization applying `apps/`, which holds a HelmRelease of the
    /// chart in `charts/greeter` (from the bootstrap GitRepository).
    private func repository(release: String? = nil) throws -> RepositoryFixture {
        let repository = try RepositoryFixture(prefix: "drift-flux-helm")
        try repository.write([
            "clusters/prod/apps.yaml": """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata:
                  name: apps
                  namespace: flux-system
                spec:
                  interval: 10m
                  path: ./apps
                  prune: true
                  sourceRef:
                    kind: GitRepository
                    name: flux-system
                """,
            "apps/release.yaml": release ?? """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: greeter
                  namespace: web
                spec:
                  interval: 10m
                  targetNamespace: frontend
                  chart:
                    spec:
                      chart: ./charts/greeter
                      sourceRef:
                        kind: GitRepository
                        name: flux-system
                        namespace: flux-system
                  values:
                    greeting: hello
                """,
            "charts/greeter/Chart.yaml": "apiVersion: v2\nname: greeter\nversion: 0.1.0\n",
            "charts/greeter/values.yaml": "greeting: hi\n",
            "charts/greeter/templates/configmap.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}
                data:
                  greeting: {{ .Values.greeting | quote }}
                """,
        ])
        try repository.commitAll("chart")
        return repository
    }

    private func render(_ tree: any SourceTree, helm: HelmCommand?) throws -> FluxUnit {
        let options = FluxOptions(helm: helm)
        let result = try FluxRenderer(tree: tree, kustomize: try kubectlRenderer(), options: options).render(scanning: "clusters/prod")
        return try #require(result.unit("flux-system/apps"))
    }

    @Test("without helm, the release is listed as not rendered and its object still checked")
    func withoutHelm() throws {
        let repository = try repository()
        let unit = try render(try repository.revision(), helm: nil)
        #expect(unit.notRendered == [FluxNotRendered(what: "HelmRelease web/greeter", why: "helm is not on PATH")])
        #expect(unit.manifests.map(\.kind) == ["HelmRelease"])
    }

    @Test("with helm, the chart is materialised and templated with the release's name, namespace and values")
    func standInHelm() throws {
        let repository = try repository()
        let scratch = try ScratchFolder()
        // Reports what it was called with, the chart folder's files and the values file, as a ConfigMap.
        let script = try scratch.script("helm", #"""
            [ "$1" = template ] || exit 3
            release="$2"; chart="$3"; shift 3
            namespace=""; values=""; crds=no
            while [ $# -gt 0 ]; do
              case "$1" in
                --namespace) namespace="$2"; shift ;;
                --values) values=$(cat "$2"); shift ;;
                --include-crds) crds=yes ;;
              esac
              shift
            done
            printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seen\ndata:\n  release: "%s"\n  namespace: "%s"\n  crds: "%s"\n  chart: "%s"\n  values: %s\n' \
              "$release" "$namespace" "$crds" "$(ls "$chart" | tr '\n' ' ')" "'$values'"
            """#)
        let unit = try render(try repository.revision(), helm: HelmCommand(executable: script))
        #expect(unit.notRendered == [])
        let seen = try #require(unit.manifests.first { $0.name == "seen" })
        #expect(seen.namespace == "frontend", "objects without a namespace go to the release's")
        #expect(seen.object[["data", "release"]] == "frontend-greeter", "Flux names the release <targetNamespace>-<name>")
        #expect(seen.object[["data", "namespace"]] == "frontend", "the release namespace is the targetNamespace")
        #expect(seen.object[["data", "crds"]] == "yes")
        #expect(seen.object[["data", "chart"]] == "Chart.yaml templates values.yaml ")
        #expect(seen.object[["data", "values"]] == "{\"greeting\":\"hello\"}")
        #expect(seen.object[["metadata", "labels"]] == [
            "helm.toolkit.fluxcd.io/name": "greeter", "helm.toolkit.fluxcd.io/namespace": "web",
        ])
        #expect(seen.source.file == "HelmRelease web/greeter (helm template)")
        #expect(unit.helmReleases == [FluxHelmRelease(
            name: "greeter", namespace: "web", apiVersion: "helm.toolkit.fluxcd.io/v2", suspend: false,
            renderedFile: "HelmRelease web/greeter (helm template)")])
    }

    @Test("a failing helm names the release and shows helm's message")
    func failingHelm() throws {
        let repository = try repository()
        let scratch = try ScratchFolder()
        let script = try scratch.script("helm", "echo 'Error: parse error in template' >&2\nexit 1\n")
        let error = try #require(throws: FluxError.self) { try render(try repository.revision(), helm: HelmCommand(executable: script)) }
        guard case let .helm(release, source, message) = error else {
            Issue.record("expected a helm failure, got \(error)")
            return
        }
        #expect(release == "web/greeter")
        #expect(source.file == "apps (Flux Kustomization flux-system/apps)")
        #expect(message.contains("Error: parse error in template"))
    }

    @Test("charts from a HelmRepository, valuesFrom and chartRef are not rendered, even with helm", arguments: [
        ("kind: GitRepository", "kind: HelmRepository", "comes from HelmRepository flux-system/flux-system"),
        ("  values:\n", "  valuesFrom:\n    - kind: ConfigMap\n      name: greeter-values\n  values:\n", "valuesFrom"),
        ("  values:\n", "  chartRef:\n    kind: OCIRepository\n    name: greeter\n  values:\n", "comes from OCIRepository greeter"),
    ])
    func notRendered(original: String, replacement: String, reason: String) throws {
        let base = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: greeter
              namespace: web
            spec:
              interval: 10m
              chart:
                spec:
                  chart: ./charts/greeter
                  sourceRef:
                    kind: GitRepository
                    name: flux-system
                    namespace: flux-system
              values:
                greeting: hello
            """
        let text = base.replacingOccurrences(of: original, with: replacement)
        #expect(text != base)
        let repository = try repository(release: text)
        let unit = try render(try repository.revision(), helm: HelmCommand(executable: "/bin/false"))
        #expect(unit.notRendered.count == 1)
        #expect(unit.notRendered.first?.why.contains(reason) == true, "\(unit.notRendered)")
    }

    @Test("the real helm renders the chart", .enabled(if: realHelm != nil, "helm is not on PATH"))
    func realHelmTemplate() throws {
        let repository = try repository()
        let unit = try render(try repository.revision(), helm: Self.realHelm)
        let configMap = try #require(unit.manifests.first { $0.kind == "ConfigMap" })
        #expect(configMap.name == "frontend-greeter")
        #expect(configMap.namespace == "frontend")
        #expect(configMap.object[["data", "greeting"]] == "hello")
    }
}
