import Foundation
import Testing
@testable import DriftKit

/// Helpers for the configuration tests.
enum ConfigTestSupport {
    static func fixture(_ name: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try String(contentsOf: root.appendingPathComponent("config").appendingPathComponent(name), encoding: .utf8)
    }

    /// The first ```yaml block of docs/drift-yaml.md, or of its section under `heading`.
    static func documentedExample(under heading: String? = nil) throws -> String {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: repository.appendingPathComponent("docs/drift-yaml.md"), encoding: .utf8)
        let section = try heading.map { heading in try #require(text.range(of: "\n\(heading)\n")).upperBound } ?? text.startIndex
        let start = try #require(text.range(of: "```yaml\n", range: section..<text.endIndex))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func parse(_ text: String) throws -> DriftConfig {
        try DriftConfig.parse(text, file: "drift.yaml")
    }

    /// The error `text` gives, or nil when it parses.
    static func error(_ text: String) -> DriftConfigError? {
        do {
            _ = try DriftConfig.parse(text, file: "drift.yaml")
            return nil
        } catch {
            return error
        }
    }

    static let header = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\n"
}

@Suite("drift.yaml: reading a valid file")
struct DriftConfigParsingTests {
    @Test("the example in docs/drift-yaml.md reads into every setting")
    func documentedExample() throws {
        let config = try ConfigTestSupport.parse(try ConfigTestSupport.documentedExample())
        #expect(config.file == "drift.yaml")
        #expect(config.paths == [
            DriftConfig.PathEntry(path: "apps/base", recursive: false),
            DriftConfig.PathEntry(path: "infrastructure", recursive: true),
        ])
        #expect(config.flux == nil)
        #expect(config.kustomize == true)
        #expect(config.cluster == ClusterPin(context: "production", server: "https://prod.example.com:6443"))
        #expect(config.fieldManager == "kubectl-drift")
        #expect(config.concurrency == 8)
        #expect(config.exclude.map(\.pattern) == ["**/*.sops.yaml", "apps/base/tests/"])
        #expect(config.ignoreManagers == ["kube-controller-manager"])
        try #require(config.ignoreDifferences.count == 4)

        let replicas = config.ignoreDifferences[0]
        #expect(replicas.paths == [try JSONPointer("/spec/replicas")])
        #expect(replicas.managers.isEmpty)
        #expect(replicas.target.group?.source == "apps")
        #expect(replicas.target.kind?.source == "Deployment|StatefulSet")
        #expect(replicas.target.labelSelector == (try LabelSelector("autoscaling in (hpa,keda)")))
        #expect(replicas.target.name == nil)

        let revision = config.ignoreDifferences[1]
        #expect(revision.paths.map(\.tokens) == [["metadata", "annotations", "deployment.kubernetes.io/revision"]])
        #expect(revision.target.namespace?.source == "team-.*")

        let webhook = config.ignoreDifferences[2]
        #expect(webhook.paths.map(\.description) == ["/webhooks/0/clientConfig/caBundle"])
        #expect(webhook.target.group?.matches("admissionregistration.k8s.io") == true)
        #expect(webhook.target.kind?.matches("MutatingWebhookConfiguration") == true)

        let service = config.ignoreDifferences[3]
        #expect(service.managers == ["metallb-controller"])
        #expect(service.paths.isEmpty)
        // Argo CD: an absent group is the core group, not any group.
        #expect(service.target.group?.matches("") == true)
        #expect(service.target.group?.matches("serving.knative.dev") == false)
        #expect(service.target.name?.matches("web") == true)
        #expect(service.target.name?.matches("web2") == false)
    }

    @Test("a Flux repository configuration with flow style and shorthands")
    func fluxFixture() throws {
        let config = try ConfigTestSupport.parse(try ConfigTestSupport.fixture("flux.yaml"))
        #expect(config.paths.isEmpty)
        let flux = try #require(config.flux)
        #expect(flux.path == "clusters/production")
        #expect(flux.kustomizations == [
            DriftConfig.KustomizationRef(name: "apps", namespace: "flux-system"),
            DriftConfig.KustomizationRef(name: "infrastructure"),
            DriftConfig.KustomizationRef(name: "monitoring", namespace: "observability"),
        ])
        #expect(flux.includes(name: "infrastructure", namespace: "anything"))
        #expect(flux.includes(name: "apps", namespace: "flux-system"))
        #expect(!flux.includes(name: "apps", namespace: "default"))
        #expect(!flux.includes(name: "tenants", namespace: "flux-system"))
        #expect(config.kustomize == false)
        #expect(config.cluster == ClusterPin(context: nil, server: "https://10.0.0.1:6443"))
        #expect(config.ignoreDifferences.count == 1)
        #expect(config.ignoreDifferences[0].target.annotationSelector == (try LabelSelector("!example.com/skip")))
        #expect(config.ignoreManagers.isEmpty)
    }

    @Test("only apiVersion and kind: nothing is set")
    func minimal() throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header)
        #expect(config == DriftConfig(file: "drift.yaml"))
        #expect(config.driftFilter().isEmpty)
    }

    @Test("flux: true selects every Kustomization; flux: false is off", arguments: [(true, true), (false, false)])
    func fluxBoolean(flag: Bool, enabled: Bool) throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + "flux: \(flag)\n")
        #expect((config.flux != nil) == enabled)
        #expect(config.flux?.includes(name: "anything", namespace: "any") ?? true)
    }

    @Test(
        "paths are normalised relative to the repository root",
        arguments: [("./apps/", "apps"), ("apps//base", "apps/base"), (".", "."), ("./", "."), ("a/./b", "a/b")])
    func pathNormalisation(written: String, normalised: String) throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + "paths: [\"\(written)\"]\n")
        #expect(config.paths == [DriftConfig.PathEntry(path: normalised)])
    }

    @Test("the drift filter combines the file's rules with --ignore-path and --ignore-manager")
    func driftFilterFromConfig() throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + """
            ignoreDifferences:
              - paths: [/spec/replicas]
            ignoreManagers: [hpa]
            """)
        let filter = config.driftFilter(ignoringPaths: [try JSONPointer("/metadata/labels/x")], managers: ["hpa", "vpa"])
        #expect(filter.rules.count == 2)
        #expect(filter.rules[1] == IgnoreRule(paths: [try JSONPointer("/metadata/labels/x")]))
        #expect(filter.managers == ["hpa", "vpa"])
        #expect(!config.driftFilter().rules.isEmpty)
    }

    @Test("the hook section: its defaults, and every key read")
    func hookSection() throws {
        #expect(try ConfigTestSupport.parse(ConfigTestSupport.header).hook == nil)
        let defaults = try #require(try ConfigTestSupport.parse(ConfigTestSupport.header + "hook: {}\n").hook)
        #expect(defaults == DriftConfig.HookSettings())
        #expect(defaults.reconcile == .none && defaults.block == .never && defaults.timeout == 10 && !defaults.prune)
        let hook = try #require(try ConfigTestSupport.parse(ConfigTestSupport.header + """
            hook:
              reconcile: flux
              block: errors
              branches: [main, release]
              timeout: 1m
              prune: true
            """).hook)
        #expect(hook.reconcile == .flux && hook.block == .errors && hook.branches == ["main", "release"])
        #expect(hook.timeout == 60 && hook.prune)
        #expect(try ConfigTestSupport.parse(ConfigTestSupport.header + "hook: {timeout: 30}\n").hook?.timeout == 30)
    }

    @Test("hook.source names a GitRepository or Application as namespace/name, as the hook section's documented example does")
    func hookSource() throws {
        #expect(try ConfigTestSupport.parse(ConfigTestSupport.header + "hook: {}\n").hook?.source == nil)
        let hook = try ConfigTestSupport.parse(ConfigTestSupport.header + "hook:\n  reconcile: flux\n  source: flux-system/deploy\n").hook
        #expect(hook?.source == "flux-system/deploy")
        let documented = try ConfigTestSupport.parse(
            ConfigTestSupport.header + (try ConfigTestSupport.documentedExample(under: "### The hook section"))).hook
        #expect(documented?.reconcile == .flux && documented?.source == "flux-system/flux-system")
    }

    @Test("a hook.source without exactly one / between a namespace and a name is refused, naming the key and line",
          arguments: ["deploy", "flux-system/deploy/x", "/deploy", "flux-system/"])
    func hookSourceRefused(_ value: String) {
        #expect(ConfigTestSupport.error(ConfigTestSupport.header + "hook:\n  source: \"\(value)\"\n")?.description
            == "drift.yaml:4: hook.source: expected namespace/name, such as flux-system/flux-system, found \"\(value)\"")
    }

    @Test("handEditManagers replaces the default list, an empty list turns hand edits off, --hand-edit-manager adds")
    func handEditManagers() throws {
        let unset = try ConfigTestSupport.parse(ConfigTestSupport.header)
        #expect(unset.handEditManagers(adding: ["ops-console"]) == Set(HandEdits.defaultManagers + ["ops-console"]))
        #expect(!unset.handEditManagers().contains("kubectl-rollout"))
        let replaced = try ConfigTestSupport.parse(ConfigTestSupport.header + "handEditManagers: [kubectl-edit, k9s]\n")
        #expect(replaced.handEditManagers() == ["kubectl-edit", "k9s"])
        let empty = try ConfigTestSupport.parse(ConfigTestSupport.header + "handEditManagers: []\n")
        #expect(empty.handEditManagers().isEmpty)
        #expect(throws: DriftConfigError.self) {
            try ConfigTestSupport.parse(ConfigTestSupport.header + "handEditManagers: kubectl-edit\n")
        }
    }

    @Test("an empty target field matches anything, as in kustomize")
    func emptyTargetField() throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + "ignoreDifferences: [{paths: [/a], target: {group: '', kind: Deployment, labelSelector: ''}}]\n")
        let target = config.ignoreDifferences[0].target
        #expect(target.group == nil && target.labelSelector == nil)
        #expect(target.matches(IgnoreSubject(group: "apps", version: "v1", kind: "Deployment", name: "a", namespace: "b")))
        #expect(!target.matches(IgnoreSubject(group: "apps", version: "v1", kind: "StatefulSet", name: "a", namespace: "b")))
    }

    @Test("exclude patterns decide which manifest files are skipped")
    func excluded() throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + "exclude: ['**/*.sops.yaml', charts/]\n")
        #expect(config.isExcluded("apps/secret.sops.yaml"))
        #expect(config.isExcluded("charts/web/values.yaml"))
        #expect(!config.isExcluded("apps/deployment.yaml"))
        #expect(!config.isExcluded("charts"))
    }
}
