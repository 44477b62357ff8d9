import Foundation
import Testing
@testable import DriftKit

@Suite("Reconcile: which GitRepositories, Kustomizations and Applications a request concerns")
struct ReconcileSelectionTests {
    static func selection(
        urls: [String] = ["git@github.com:org/deploy.git"], source: String? = nil, changed: [String] = ["apps/web/deployment.yaml"]
    ) -> ReconcileSelection {
        ReconcileSelection(ReconcileRequest(repositoryURLs: urls, source: source, changedPaths: changed, now: Date()))
    }

    static func metadata(_ namespace: String, _ name: String) -> JSONValue {
        ["namespace": .string(namespace), "name": .string(name)]
    }

    static func gitRepository(_ namespace: String, _ name: String, url: String) -> JSONValue {
        ["apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": metadata(namespace, name),
         "spec": ["url": .string(url)]]
    }

    static func kustomization(_ namespace: String, _ name: String, path: String?, sourceRef: JSONValue) -> JSONValue {
        var spec = JSONObject([("sourceRef", sourceRef)])
        if let path { spec["path"] = .string(path) }
        return ["apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": metadata(namespace, name),
                "spec": .object(spec)]
    }

    static func source(_ repoURL: String, path: String?) -> JSONValue {
        var source = JSONObject([("repoURL", .string(repoURL))])
        if let path { source["path"] = .string(path) }
        return .object(source)
    }

    static func application(_ namespace: String, _ name: String, spec: JSONValue) -> JSONValue {
        ["apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": metadata(namespace, name), "spec": spec]
    }

    static func identity(_ kind: GitOpsKind, _ namespace: String, _ name: String) -> ObjectIdentity {
        ObjectIdentity(group: kind.group, kind: kind.kind, namespace: namespace, name: name)
    }

    @Test("ssh, scp-like and https forms of one address, with or without .git or a trailing /, are this repository", arguments: [
        "git@github.com:org/deploy.git", "git@github.com:org/deploy", "ssh://git@github.com/org/deploy.git",
        "ssh://git@github.com:22/org/deploy", "https://github.com/org/deploy", "https://github.com/org/deploy.git",
        "https://github.com/org/deploy/", "https://token@GitHub.com/org/deploy.git",
    ])
    func sameRepository(_ url: String) {
        #expect(Self.selection(urls: ["https://github.com/org/deploy.git"]).isThisRepository(url))
        #expect(Self.selection(urls: [url]).isThisRepository("git@github.com:org/deploy.git"))
    }

    @Test("another path, owner or host is another repository; so is no URL", arguments: [
        "git@github.com:org/deploy2.git", "https://github.com/other/deploy", "https://gitlab.com/org/deploy",
    ])
    func otherRepository(_ url: String) {
        #expect(!Self.selection().isThisRepository(url))
        #expect(!Self.selection().isThisRepository(nil))
        #expect(!Self.selection(urls: []).isThisRepository(url))
    }

    @Test("the GitRepositories fetching this repository, sorted; hook.source picks one whatever its URL")
    func gitRepositories() {
        let objects = [
            Self.gitRepository("team-b", "deploy", url: "https://github.com/org/deploy"),
            Self.gitRepository("flux-system", "flux-system", url: "ssh://git@github.com/org/deploy.git"),
            Self.gitRepository("flux-system", "other", url: "https://github.com/org/other"),
        ]
        #expect(Self.selection().gitRepositories(in: objects) == [
            Self.identity(.gitRepository, "flux-system", "flux-system"), Self.identity(.gitRepository, "team-b", "deploy"),
        ])
        #expect(Self.selection(source: "flux-system/other").gitRepositories(in: objects) == [
            Self.identity(.gitRepository, "flux-system", "other"),
        ])
        #expect(Self.selection(source: "flux-system/missing").gitRepositories(in: objects).isEmpty)
        #expect(Self.selection(urls: ["https://github.com/org/unknown"]).gitRepositories(in: objects).isEmpty)
    }

    @Test("the Kustomizations of the sources whose path holds a changed file; a reference without namespace is the Kustomization's own")
    func kustomizations() {
        let sources = [Self.identity(.gitRepository, "flux-system", "flux-system")]
        let ours: JSONValue = ["kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"]
        let objects = [
            Self.kustomization("flux-system", "web", path: "./apps/web", sourceRef: ours),
            Self.kustomization("flux-system", "apps", path: "apps/", sourceRef: ["kind": "GitRepository", "name": "flux-system"]),
            Self.kustomization("flux-system", "root", path: nil, sourceRef: ours),
            Self.kustomization("flux-system", "infra", path: "./infrastructure", sourceRef: ours),
            Self.kustomization("flux-system", "apps2", path: "./apps2", sourceRef: ours),
            Self.kustomization("team", "elsewhere", path: "./apps", sourceRef: ["kind": "GitRepository", "name": "flux-system"]),
            Self.kustomization("flux-system", "bucket", path: "./apps", sourceRef: ["kind": "Bucket", "name": "flux-system"]),
            Self.kustomization("flux-system", "oci", path: "./apps", sourceRef: ["kind": "OCIRepository", "name": "flux-system", "namespace": "flux-system"]),
            Self.kustomization("apps", "cross", path: "./apps/web", sourceRef: ours),
        ]
        #expect(Self.selection().kustomizations(in: objects, of: sources) == [
            Self.identity(.kustomization, "apps", "cross"), Self.identity(.kustomization, "flux-system", "apps"),
            Self.identity(.kustomization, "flux-system", "root"), Self.identity(.kustomization, "flux-system", "web"),
        ])
        #expect(Self.selection(changed: ["infrastructure/x.yaml"]).kustomizations(in: objects, of: sources) == [
            Self.identity(.kustomization, "flux-system", "infra"), Self.identity(.kustomization, "flux-system", "root"),
        ])
        #expect(Self.selection(changed: []).kustomizations(in: objects, of: sources).isEmpty)
        #expect(Self.selection().kustomizations(in: objects, of: []).isEmpty)
    }

    @Test("the Applications with a source of this repository (spec.source or spec.sources[]) whose path holds a changed file")
    func applications() {
        let objects = [
            Self.application("argocd", "web", spec: ["source": Self.source("https://github.com/org/deploy.git", path: "apps/web")]),
            Self.application("argocd", "root", spec: ["source": Self.source("git@github.com:org/deploy", path: nil)]),
            Self.application("argocd", "infra", spec: ["source": Self.source("https://github.com/org/deploy", path: "infrastructure")]),
            Self.application("argocd", "other-repo", spec: ["source": Self.source("https://github.com/org/other", path: "apps/web")]),
            Self.application("team", "multi", spec: ["sources": [
                Self.source("https://charts.example.com", path: nil), Self.source("https://github.com/org/deploy", path: "./apps"),
            ]]),
            Self.application("team", "multi-elsewhere", spec: ["sources": [
                Self.source("https://github.com/org/other", path: nil), Self.source("https://github.com/org/deploy", path: "apps2"),
            ]]),
            Self.application("argocd", "no-source", spec: [:]),
        ]
        #expect(Self.selection().applications(in: objects) == [
            Self.identity(.application, "argocd", "root"), Self.identity(.application, "argocd", "web"),
            Self.identity(.application, "team", "multi"),
        ])
        #expect(Self.selection(changed: ["docs/readme.md"]).applications(in: objects) == [Self.identity(.application, "argocd", "root")])
        #expect(Self.selection(source: "argocd/other-repo").applications(in: objects) == [
            Self.identity(.application, "argocd", "other-repo"),
        ])
        #expect(Self.selection(source: "argocd/missing").applications(in: objects).isEmpty)
    }

    @Test("notes name the repository by its normalised URLs")
    func repositoryName() {
        #expect(Self.selection(urls: ["git@github.com:org/deploy.git", "https://github.com/org/deploy", "https://gitlab.com/org/deploy"])
            .repositoryName == "github.com/org/deploy or gitlab.com/org/deploy")
        #expect(Self.selection(urls: []).repositoryName == "this repository (it has no remote URL)")
    }
}
