import Foundation
import Testing
@testable import DriftKit

/// The Flux layout of `Fixtures/flux` (like fluxcd/flux2-kustomize-helm-example), rendered with
/// the real `kubectl kustomize` from the working tree and from a commit.
@Suite("Flux rendering")
struct FluxRendererTests {
    private static let fleetURL = "git@github.com:example/fleet.git"

    private func repository() throws -> RepositoryFixture {
        let repository = try RepositoryFixture(prefix: "drift-flux")
        try repository.copyFixture("flux")
        try repository.commitAll("fleet")
        return repository
    }

    private func render(
        _ tree: any SourceTree, folder: String = "clusters/production",
        options: FluxOptions = FluxOptions(repositoryURLs: [fleetURL]), temporaryDirectory: String = NSTemporaryDirectory()
    ) throws -> FluxResult {
        try FluxRenderer(tree: tree, kustomize: try kubectlRenderer(temporaryDirectory: temporaryDirectory), options: options)
            .render(scanning: folder)
    }

    private func unit(_ result: FluxResult, _ key: String) throws -> FluxUnit {
        try #require(result.unit(key), "no unit \(key) in \(result.units.map(\.kustomization.key))")
    }

    private func object(_ unit: FluxUnit, _ kind: String, _ name: String) throws -> JSONValue {
        try #require(
            unit.manifests.first { $0.kind == kind && $0.name == name }?.object,
            "no \(kind) \(name) in \(unit.manifests.map(\.identity))")
    }

    @Test("one unit per Kustomization of the cluster, with suspend and prune carried")
    func units() throws {
        let fixture = try repository()
        let result = try render(try fixture.revision())
        #expect(result.units.map(\.kustomization.key) == [
            "flux-system/apps", "flux-system/flux-system", "flux-system/infra-controllers", "flux-system/infra-configs",
            "flux-system/tenant-a",
        ])
        let configs = try unit(result, "flux-system/infra-configs")
        #expect(configs.suspend && !configs.prune)
        #expect(configs.kustomization.apiVersion == "kustomize.toolkit.fluxcd.io/v1beta2")
        let apps = try unit(result, "flux-system/apps")
        #expect(!apps.suspend && apps.prune)
        #expect(apps.path == "./apps/production")
        #expect(apps.kustomization.source == ManifestLocation(file: "clusters/production/apps.yaml", line: 1, documentIndex: 0))
        #expect(result.skippedFiles == [])
    }

    @Test("the apps unit has targetNamespace, namePrefix, commonMetadata, patches, images and substitutions applied")
    func appsOverlay() throws {
        let fixture = try repository()
        let apps = try unit(try render(try fixture.revision()), "flux-system/apps")
        let deployment = try object(apps, "Deployment", "prod-web")
        #expect(deployment[["metadata", "namespace"]] == "apps")
        #expect(deployment[["spec", "replicas"]] == 3, "${replicas:=1} with replicas: \"3\" becomes the number 3")
        #expect(deployment[["metadata", "labels"]] == [
            "env": "production", "team": "platform",
            "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
        ])
        #expect(deployment[["metadata", "annotations"]] == ["example.com/patched": "flux", "example.com/owner": "sre"])
        let container = try #require(deployment[["spec", "template", "spec", "containers"]]?.arrayValue?.first)
        #expect(container["image"] == "nginx:1.27.3")
        #expect(container["env"] == [["name": "CLUSTER_ENV", "value": "production"], ["name": "MISSING", "value": "[]"]])
        #expect(container["command"] == ["/bin/sh", "-c", "echo $HOME ${LITERAL}"], "$var is left alone, $$ escapes")

        let settings = try object(apps, "ConfigMap", "prod-web-settings")
        #expect(settings["data"] == [
            "greeting": "hello production", "region": "eu-west-1", "upper": "PRODUCTION", "extra": "added-by-flux",
        ])
        #expect(settings[["metadata", "namespace"]] == "apps")
        let raw = try object(apps, "ConfigMap", "prod-raw-script")
        #expect(raw[["data", "run.sh"]] == "echo ${cluster_env}", "substitute: disabled")
        #expect(apps.unresolvedVariables == ["undefined_var"])

        let release = try object(apps, "HelmRelease", "prod-podinfo")
        #expect(release[["metadata", "namespace"]] == "apps")
        #expect(release[["spec", "values", "ingress", "hosts"]] == [["host": "podinfo.production"]])
        #expect(apps.manifests.allSatisfy { $0.source.file == "apps/production (Flux Kustomization flux-system/apps)" })
    }

    @Test("each object names the repository file and line it was written at; the origin annotation is not compared")
    func origins() throws {
        let fixture = try repository()
        let apps = try unit(try render(try fixture.revision()), "flux-system/apps")
        let release = try #require(apps.manifests.first { $0.kind == "HelmRelease" })
        #expect(release.source.origin == ManifestOrigin(file: "apps/base/podinfo/release.yaml", line: 1))
        #expect(release.source.description == "apps/base/podinfo/release.yaml:1")
        #expect(release.source.file == "apps/production (Flux Kustomization flux-system/apps)", "the section is still the unit's")
        for manifest in apps.manifests {
            #expect(manifest.object[["metadata", "annotations", "config.kubernetes.io/origin"]] == nil, "\(manifest.identity)")
            #expect(manifest.source.origin != nil, "\(manifest.identity)")
        }
    }

    @Test("ssa and reconcile annotations decide what is checked")
    func perObjectAnnotations() throws {
        let fixture = try repository()
        let apps = try unit(try render(try fixture.revision()), "flux-system/apps")
        #expect(apps.excluded.map(\.identity.name).sorted() == ["prod-ignored", "prod-paused"])
        #expect(apps.excluded.first { $0.identity.name == "prod-ignored" }?.reason == .ssaIgnore)
        #expect(apps.excluded.first { $0.identity.name == "prod-paused" }?.reason == .reconcileDisabled)
        #expect(!apps.manifests.contains { $0.name == "prod-ignored" || $0.name == "prod-paused" })
        #expect(apps.existenceOnly == [ObjectIdentity(group: "", kind: "ConfigMap", namespace: "apps", name: "prod-created-once")])
        #expect(apps.manifests.contains { $0.name == "prod-created-once" })
    }

    @Test("a HelmRepository chart not on this machine and other repositories' sources are listed as not rendered")
    func notRendered() throws {
        let fixture = try repository()
        let options = FluxOptions(repositoryURLs: [Self.fleetURL], helm: try realHelm())
        let result = try render(try fixture.revision(), options: options)
        let apps = try unit(result, "flux-system/apps")
        #expect(apps.notRendered == [FluxNotRendered(
            FluxReference(kind: "HelmRelease", name: "prod-podinfo", namespace: "apps"),
            // The overlay renames the HelmRepository to prod-podinfo, not the release's reference to it.
            why: "chart podinfo >=1.0.0 from HelmRepository apps/podinfo is not available "
                + "locally (no chart folder is configured); helm pull it into a folder named in drift.yaml helm.charts or with --chart-dir")])
        let tenant = try unit(result, "flux-system/tenant-a")
        #expect(!tenant.isRendered)
        #expect(tenant.manifests.isEmpty)
        #expect(tenant.notRendered == [FluxNotRendered(
            FluxReference(kind: "Kustomization", name: "tenant-a", namespace: "flux-system"),
            why: "its source GitRepository flux-system/tenant-a fetches https://github.com/example/tenant-a, another repository "
                + "(map it to a local clone in drift.yaml sources to check it)")])

        // Without remote URLs, the bootstrap GitRepository is taken to be this repository.
        let withoutURLs = try render(try fixture.revision(), options: FluxOptions())
        #expect(try unit(withoutURLs, "flux-system/apps").isRendered)
        #expect(try unit(withoutURLs, "flux-system/tenant-a").notRendered.first?.why.contains("not known to be this repository") == true)
    }

    @Test("a path without kustomization.yaml is generated like Flux does, leaving out ignored files")
    func generatedKustomization() throws {
        let fixture = try repository()
        let controllers = try unit(try render(try fixture.revision()), "flux-system/infra-controllers")
        #expect(controllers.manifests.map(\.identity.description).sorted() == [
            "configmap/metrics-config (namespace monitoring)",
            "helmrelease.helm.toolkit.fluxcd.io/ingress-nginx (namespace ingress-nginx)",
            "helmrepository.source.toolkit.fluxcd.io/ingress-nginx (namespace ingress-nginx)",
            "namespace/cert-manager",
            "namespace/ingress-nginx",
        ])
        #expect(controllers.notRendered.map(\.what) == ["HelmRelease ingress-nginx/ingress-nginx"])

        let flux = try unit(try render(try fixture.revision()), "flux-system/flux-system")
        let kinds = flux.manifests.map { "\($0.kind)/\($0.name)" }.sorted()
        #expect(kinds == [
            "GitRepository/flux-system", "GitRepository/tenant-a", "Kustomization/apps", "Kustomization/flux-system",
            "Kustomization/infra-configs", "Kustomization/infra-controllers", "Kustomization/tenant-a", "Namespace/flux-system",
        ])
    }

    @Test("v1beta2 patchesStrategicMerge, patchesJson6902 and nameSuffix")
    func v1beta2Patches() throws {
        let fixture = try repository()
        let configs = try unit(try render(try fixture.revision()), "flux-system/infra-configs")
        let issuer = try object(configs, "ClusterIssuer", "letsencrypt-v2")
        #expect(issuer[["spec", "acme", "email"]] == "ops@example.com")
        #expect(issuer[["spec", "acme", "server"]] == "https://acme-staging-v02.api.letsencrypt.org/directory")
        #expect(issuer[["spec", "acme", "privateKeySecretRef", "name"]] == "letsencrypt-nginx")
    }

    @Test("the working tree and the commit give the same units")
    func workingTreeAndCommitAgree() throws {
        let repository = try repository()
        let fromCommit = try render(try repository.revision())
        let fromWorkingTree = try render(repository.workingTree)
        #expect(fromCommit.units.map(\.kustomization.key) == fromWorkingTree.units.map(\.kustomization.key))
        for (committed, working) in zip(fromCommit.units, fromWorkingTree.units) {
            #expect(committed.manifests.map(\.object) == working.manifests.map(\.object), "\(committed.kustomization.key)")
            #expect(committed.excluded == working.excluded)
            #expect(committed.existenceOnly == working.existenceOnly)
            #expect(committed.notRendered == working.notRendered)
        }
        #expect(fromCommit.units.reduce(0) { $0 + $1.manifests.count } > 20)
    }

    @Test("the working tree is never modified and the private folders are removed")
    func noTraces() throws {
        let repository = try repository()
        let scratch = try ScratchFolder()
        _ = try render(repository.workingTree, temporaryDirectory: scratch.path)
        #expect(scratch.contents == [])
        #expect(try repository.git("status", "--porcelain") == "", "Flux's generated kustomization.yaml must not land in the repository")
    }

    @Test("scanning the whole repository finds both clusters' definitions and says how to choose")
    func duplicates() throws {
        let fixture = try repository()
        let error = try #require(throws: FluxError.self) { try render(try fixture.revision(), folder: "") }
        guard case let .duplicateKustomization(name, first, second) = error else {
            Issue.record("expected a duplicate, got \(error)")
            return
        }
        #expect(name == "flux-system/apps")
        #expect(first.file == "clusters/production/apps.yaml")
        #expect(second.file == "clusters/staging/apps.yaml")
        #expect(error.description.contains("scan one cluster's folder"))

        let staging = try render(try fixture.revision(), folder: "clusters/staging")
        let apps = try unit(staging, "flux-system/apps")
        #expect(try object(apps, "ConfigMap", "web-settings")[["data", "greeting"]] == "hello staging")
    }

    @Test("a Kustomization pointing to a missing path names itself, its file and the path")
    func missingPath() throws {
        let repository = try repository()
        let text = try String(contentsOfFile: repository.root + "/clusters/production/apps.yaml", encoding: .utf8)
        try repository.write("clusters/production/apps.yaml", text.replacingOccurrences(of: "./apps/production", with: "./apps/qa"))
        try repository.commitAll("point apps to a missing folder")
        let tree = try repository.revision()
        let error = try #require(throws: FluxError.self) { try render(tree) }
        #expect(error == .missingPath(
            kustomization: "flux-system/apps",
            source: ManifestLocation(file: "clusters/production/apps.yaml", line: 1, documentIndex: 0), path: "./apps/qa",
            tree: tree.name))
        #expect(error.description.hasPrefix(
            "Flux Kustomization flux-system/apps (clusters/production/apps.yaml:1) points to ./apps/qa, which does not exist in revision HEAD"))
    }

    @Test("a kustomize failure inside a unit shows kustomize's message and the Kustomization")
    func renderFailure() throws {
        let repository = try repository()
        try repository.write("apps/production/kustomization.yaml", "resources:\n  - ../base/web\n  - ../base/nothing\n")
        try repository.commitAll("break apps")
        let error = try #require(throws: FluxError.self) { try render(try repository.revision()) }
        guard case let .render(kustomization, source, .buildFailed(_, _, _, _, message)) = error else {
            Issue.record("expected a kustomize failure, got \(error)")
            return
        }
        #expect(kustomization == "flux-system/apps")
        #expect(source.file == "clusters/production/apps.yaml")
        #expect(message.contains("apps/base/nothing"), "\(message)")
        #expect(!message.contains("kubectl-drift-flux-"))
    }

    @Test("invalid Kustomization objects are refused where they are written", arguments: [
        ("  prune: true\n", "  prune: yes please\n", "spec.prune must be true or false, not string"),
        ("  path: ./apps/production\n", "  path: [apps]\n", "spec.path must be a string, not array"),
        ("  sourceRef:\n    kind: GitRepository\n    name: flux-system\n", "", "spec.sourceRef is required"),
        ("      replicas: \"3\"\n", "      replicas: 3\n", "spec.postBuild.substitute.replicas must be a string, not number (quote it)"),
        ("      cluster_env: production\n", "      cluster-env: production\n", "'cluster-env' var name is invalid"),
        ("  interval: 10m0s\n", "", "spec.interval is required"),
    ])
    func invalidKustomizations(original: String, replacement: String, reason: String) throws {
        let repository = try repository()
        let text = try String(contentsOfFile: repository.root + "/clusters/production/apps.yaml", encoding: .utf8)
        #expect(text.contains(original))
        try repository.write("clusters/production/apps.yaml", text.replacingOccurrences(of: original, with: replacement))
        let error = try #require(throws: FluxError.self) { try render(repository.workingTree) }
        guard case let .invalidKustomization(name, source, message) = error else {
            Issue.record("expected an invalid Kustomization, got \(error)")
            return
        }
        #expect(name == "flux-system/apps")
        #expect(source.file == "clusters/production/apps.yaml")
        #expect(message.contains(reason), "\(message)")
    }

    @Test("a file that mentions Flux but does not parse is reported and skipped")
    func skippedFiles() throws {
        let repository = try repository()
        try repository.remove("clusters/staging")
        try repository.write("docs/broken.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: [unclosed\n")
        let result = try render(repository.workingTree, folder: "")
        #expect(result.skippedFiles.map(\.path) == ["docs/broken.yaml"])
        #expect(result.skippedFiles.first?.reason.hasPrefix("docs/broken.yaml:3:1: expected") == true, "\(result.skippedFiles)")
        #expect(result.units.count == 5)
    }

    @Test("substituteFrom is reported unless a reader supplies its variables")
    func substituteFrom() throws {
        let repository = try repository()
        let text = try String(contentsOfFile: repository.root + "/clusters/production/apps.yaml", encoding: .utf8)
        try repository.write("clusters/production/apps.yaml", text.replacingOccurrences(
            of: "      replicas: \"3\"\n",
            with: "    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n"))
        let apps = try unit(try render(repository.workingTree), "flux-system/apps")
        #expect(apps.notRendered.contains(FluxNotRendered(
            what: "postBuild.substituteFrom ConfigMap flux-system/cluster-vars",
            why: "its variables could not be read from the cluster (missing, not readable, or no cluster); objects using them may show drift")))
        #expect(try object(apps, "Deployment", "prod-web")[["spec", "replicas"]] == 1, "the default applies")

        var options = FluxOptions(repositoryURLs: [Self.fleetURL])
        options.substituteFrom = { reference in reference.name == "cluster-vars" ? ["replicas": "5", "region": "us-east-1"] : nil }
        let supplied = try unit(try render(repository.workingTree, options: options), "flux-system/apps")
        #expect(!supplied.notRendered.contains { $0.what.hasPrefix("postBuild") })
        #expect(try object(supplied, "Deployment", "prod-web")[["spec", "replicas"]] == 5)
        #expect(try object(supplied, "ConfigMap", "prod-web-settings")[["data", "region"]] == "us-east-1")
    }

    @Test("owner labels can be left out")
    func withoutOwnerLabels() throws {
        let fixture = try repository()
        var options = FluxOptions(repositoryURLs: [Self.fleetURL])
        options.ownerLabels = false
        let apps = try unit(try render(try fixture.revision(), options: options), "flux-system/apps")
        #expect(try object(apps, "Deployment", "prod-web")[["metadata", "labels"]] == ["env": "production", "team": "platform"])
    }
}
