import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DriftKit

/// git-drift-hook's previews and reconciles with real `git` running the installed hooks
/// (pulls and pushes through a local bare repository) against the real API server.
///
/// Serialized: each test runs git, the hook and kubectl-drift as processes; one at a time keeps
/// a 2-core machine able to run the rest of the suite on time.
@Suite("git-drift-hook previews and reconciles, end to end", .serialized)
struct GitHookPreviewEndToEndTests {
    /// A repository whose `apps/web.yaml` is a Deployment in `namespace`, deployed with
    /// `kubectl drift apply`, with the real hook installed and drift.yaml pinning the test
    /// server's `admin` context.
    final class Deployed {
        let sandbox: HookSandbox
        let namespace: String

        init(namespace: String, hook: String, environment: [String: String] = [:]) async throws {
            let kubeconfig = try await TestCluster.server().kubeconfigPath
            sandbox = try HookSandbox(realHook: true, environment: ["KUBECONFIG": kubeconfig].merging(environment) { $1 })
            self.namespace = namespace
            try write(Self.deployment(namespace: namespace, replicas: 3, image: "nginx:1.25"), to: "apps/web.yaml")
            try write(Self.driftYAML(namespace: namespace, hook: hook), to: "drift.yaml")
            try await sandbox.git(["add", "."])
            try await sandbox.git(["commit", "-q", "-m", "deploy web"])
            try await sandbox.git(["push", "-q", "origin", "main"])
            let apply = try await DriftBinary.run(["apply", "-y"], in: sandbox.repo)
            #expect(apply.status == 0, "\(apply.output)\(apply.errorOutput)")
            let install = try await sandbox.hook(["install"])
            #expect(install.status == 0, "\(install.errorOutput)")
            try await sandbox.git(["pull", "-q", "origin", "main"], in: sandbox.other)
        }

        static func deployment(namespace: String, replicas: Int, image: String, tier: String? = nil) -> String {
            let labels = "app: web" + (tier.map { ", tier: \($0)" } ?? "")
            return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: \(namespace)}
                spec:
                  replicas: \(replicas)
                  selector: {matchLabels: {\(labels)}}
                  template:
                    metadata: {labels: {\(labels)}}
                    spec:
                      containers:
                      - {name: web, image: "\(image)"}

                """
        }

        static func driftYAML(namespace: String, hook: String) -> String {
            """
            apiVersion: drift.kubectl-drift.dev/v1alpha1
            kind: DriftConfig
            paths: [apps]
            cluster: {context: admin}
            applySet: hook-\(namespace)
            hook:
            \(hook.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

            """
        }

        /// Writes a file of the main clone (`repo`), or of `folder`.
        func write(_ text: String, to path: String, in folder: String? = nil) throws {
            let file = (folder ?? sandbox.repo) + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }

        /// A teammate's commit in the other clone, pushed.
        func teammate(_ message: String, files: [String: String]) async throws {
            for (path, text) in files { try write(text, to: path, in: sandbox.other) }
            try await sandbox.git(["add", "-A"], in: sandbox.other)
            try await sandbox.git(["commit", "-q", "-m", message], in: sandbox.other)
            try await sandbox.git(["push", "-q", "origin", "main"], in: sandbox.other)
        }

        /// A commit of the main clone, not pushed.
        func commit(_ message: String, files: [String: String]) async throws {
            for (path, text) in files { try write(text, to: path) }
            try await sandbox.git(["add", "-A"])
            try await sandbox.git(["commit", "-q", "-m", message])
        }

        /// The live Deployment.
        func live() async throws -> JSONValue {
            try await TestCluster.client().get("/apis/apps/v1/namespaces/\(namespace)/deployments/web")
        }

        var replicas: Int64? { get async throws { try await live()[["spec", "replicas"]]?.intValue } }
    }

    /// What a git command printed; git sends hooks' output to its standard error.
    private static func printed(_ result: CommandResult) -> String { result.output + result.errorOutput }

    @Test("git pull previews each changed field (live → new) and the hand edits since the previous commit with who made them, then reconcile: apply puts the cluster to the merged commit")
    func postMergePreviewAndApply() async throws {
        try await TestCluster.withNamespace { namespace in
            let repo = try await Deployed(namespace: namespace, hook: "reconcile: apply")
            _ = try await TestCluster.kubectl(["annotate", "deployment", "web", "-n", namespace, "owner=alice"])
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            try await repo.teammate("4 replicas, nginx 1.27", files: [
                "apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 4, image: "nginx:1.27"),
            ])

            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"])
            let text = Self.printed(pull)
            #expect(pull.status == 0, "\(text)")
            #expect(text.contains("update  deployment.apps/web"), "\(text)")
            #expect(text.contains("/spec/replicas"), "\(text)")
            #expect(text.contains("5 → 4"), "\(text)")
            #expect(text.contains("nginx:1.25 → nginx:1.27"), "\(text)")
            #expect(text.contains("changed in the cluster since the previous commit"), "\(text)")
            #expect(text.contains("/metadata/annotations  {\"owner\":\"alice\"} (Git had nothing)"), "\(text)")
            #expect(text.contains("by kubectl-annotate"), "\(text)")
            // Servers before 1.22 record no owner for a write through the scale subresource.
            let scaledBy = try await repo.live()[["metadata", "managedFields"]]?.arrayValue?.contains {
                $0["manager"]?.stringValue == "kubectl" && $0["subresource"]?.stringValue == "scale"
            } ?? false
            if scaledBy {
                #expect(text.contains("by kubectl scale"), "\(text)")
            }
            #expect(text.contains("applied  \(namespace)"), "\(text)")

            let live = try await repo.live()
            #expect(live[["spec", "replicas"]]?.intValue == 4)
            #expect(live[["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue == "nginx:1.27")
            #expect(live[["metadata", "annotations", "owner"]] == nil, "the hand annotation is drift and is removed")
        }
    }

    @Test("reconcile: none previews and writes nothing; DRIFT_HOOK=skip does not even preview")
    func previewOnlyAndSkip() async throws {
        try await TestCluster.withNamespace { namespace in
            let repo = try await Deployed(namespace: namespace, hook: "reconcile: none")
            let before = try await repo.live()[["metadata", "resourceVersion"]]
            try await repo.teammate("4 replicas", files: ["apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 4, image: "nginx:1.25")])
            let skipped = try await repo.sandbox.git(["pull", "-q", "origin", "main"], environment: ["DRIFT_HOOK": "skip"])
            #expect(skipped.status == 0)
            #expect(!Self.printed(skipped).contains("drift:"), "\(Self.printed(skipped))")

            try await repo.teammate("5 replicas", files: ["apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 5, image: "nginx:1.25")])
            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"])
            #expect(Self.printed(pull).contains("3 → 5"), "\(Self.printed(pull))")
            #expect(try await repo.live()[["metadata", "resourceVersion"]] == before, "reconcile: none writes nothing")
        }
    }

    @Test("a Git change the server refuses (an immutable selector) refuses the push with block: errors, and only warns with block: never")
    func prePushBlocks() async throws {
        try await TestCluster.withNamespace { namespace in
            let repo = try await Deployed(namespace: namespace, hook: "block: errors")
            let remoteBefore = try await repo.sandbox.revision("main", in: repo.sandbox.remote)
            try await repo.commit("new selector", files: [
                "apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 3, image: "nginx:1.25", tier: "front"),
            ])
            let refused = try await repo.sandbox.git(["push", "origin", "main"])
            let text = Self.printed(refused)
            #expect(refused.status != 0, "\(text)")
            #expect(text.contains("fail  deployment.apps/web"), "\(text)")
            #expect(text.contains("field is immutable"), "\(text)")
            #expect(text.contains("refusing the push of main"), "\(text)")
            #expect(try await repo.sandbox.revision("main", in: repo.sandbox.remote) == remoteBefore)

            try await repo.commit("warn only", files: ["drift.yaml": Deployed.driftYAML(namespace: namespace, hook: "block: never")])
            let pushed = try await repo.sandbox.git(["push", "origin", "main"])
            #expect(pushed.status == 0, "\(Self.printed(pushed))")
            #expect(Self.printed(pushed).contains("would fail"), "\(Self.printed(pushed))")
            #expect(try await repo.sandbox.revision("main", in: repo.sandbox.remote) == repo.sandbox.revision("HEAD"))
        }
    }

    @Test("the reconcile of a push runs only once the remote accepted it: a rejected push changes nothing")
    func reconcileAfterPush() async throws {
        try await TestCluster.withNamespace { namespace in
            let repo = try await Deployed(namespace: namespace, hook: "reconcile: apply")
            let receive = repo.sandbox.remote + "/hooks/pre-receive"
            try repo.sandbox.writeScript(receive, "#!/bin/sh\necho 'remote: not today' >&2\nexit 1")
            try await repo.commit("4 replicas", files: ["apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 4, image: "nginx:1.25")])
            let rejected = try await repo.sandbox.git(["push", "origin", "main"])
            #expect(rejected.status != 0)
            #expect(Self.printed(rejected).contains("3 → 4"), "the preview runs before the push: \(Self.printed(rejected))")
            #expect(!Self.printed(rejected).contains("reconciling"), "\(Self.printed(rejected))")
            #expect(try await repo.replicas == 3)

            try FileManager.default.removeItem(atPath: receive)
            let pushed = try await repo.sandbox.git(["push", "origin", "main"])
            #expect(pushed.status == 0, "\(Self.printed(pushed))")
            #expect(Self.printed(pushed).contains("the push of main to origin succeeded; reconciling"), "\(Self.printed(pushed))")
            #expect(try await repo.replicas == 4)
            #expect(!FileManager.default.fileExists(atPath: repo.sandbox.repo + "/.git/" + PendingReconcile.fileName))
        }
    }

    /// A deployed repository with `hook.reconcile: mode`, the GitOps test APIs installed, and a
    /// second remote whose URL the cluster's GitOps objects can name (`url`).
    private static func gitOpsRepository(
        _ namespace: String, reconcile mode: String
    ) async throws -> (repo: Deployed, url: String, client: APIClient) {
        let client = try await TestCluster.client()
        try await GitOpsTestAPI.install(client: client)
        let repo = try await Deployed(namespace: namespace, hook: "reconcile: \(mode)")
        let url = "https://git.example.com/org/\(namespace).git"
        try await repo.sandbox.git(["remote", "add", "upstream", url])
        return (repo, url, client)
    }

    @Test("git pull with reconcile: flux annotates this repository's GitRepository and the Kustomization whose path holds the change, not the others")
    func fluxReconcile() async throws {
        try await TestCluster.withNamespace { namespace in
            let (repo, _, client) = try await Self.gitOpsRepository(namespace, reconcile: "flux")
            try GitOpsTestAPI.gitRepository("deploy", namespace: namespace, url: "git@git.example.com:org/\(namespace)", client: client)
            try GitOpsTestAPI.kustomization("apps", namespace: namespace, path: "./apps", source: "deploy", client: client)
            try GitOpsTestAPI.kustomization("infra", namespace: namespace, path: "./infra", source: "deploy", client: client)
            try await repo.teammate("4 replicas", files: ["apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 4, image: "nginx:1.25")])

            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"])
            #expect(pull.status == 0, "\(Self.printed(pull))")
            let key = "reconcile.fluxcd.io/requestedAt"
            let source = try client.get("\(GitOpsTestAPI.gitRepositories)/namespaces/\(namespace)/gitrepositories/deploy")
            #expect(source[["metadata", "annotations", key]] != nil, "\(Self.printed(pull))")
            let kustomizations = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/\(namespace)/kustomizations"
            #expect(try client.get("\(kustomizations)/apps")[["metadata", "annotations", key]] != nil)
            #expect(try client.get("\(kustomizations)/infra")[["metadata", "annotations", key]] == nil)
            #expect(try await repo.replicas == 3, "Flux applies, not the hook")
        }
    }

    @Test("git pull with reconcile: argocd refreshes the Application of this repository whose path holds the change")
    func argoReconcile() async throws {
        try await TestCluster.withNamespace { namespace in
            let (repo, url, client) = try await Self.gitOpsRepository(namespace, reconcile: "argocd")
            try GitOpsTestAPI.application("web", namespace: namespace, sources: [GitOpsTestAPI.source(url, path: "apps")], client: client)
            try GitOpsTestAPI.application("docs", namespace: namespace, sources: [GitOpsTestAPI.source(url, path: "docs")], client: client)
            try await repo.teammate("4 replicas", files: ["apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 4, image: "nginx:1.25")])

            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"])
            #expect(pull.status == 0, "\(Self.printed(pull))")
            let applications = "\(GitOpsTestAPI.applications)/namespaces/\(namespace)/applications"
            let key = "argocd.argoproj.io/refresh"
            #expect(try client.get("\(applications)/web")[["metadata", "annotations", key]]?.stringValue == "normal", "\(Self.printed(pull))")
            #expect(try client.get("\(applications)/docs")[["metadata", "annotations", key]] == nil)
        }
    }

    @Test("a manifest the merge removes is deleted when the tool applied it and hook.prune is on; one it never applied is left alone")
    func removedObjects() async throws {
        try await TestCluster.withNamespace { namespace in
            let configMap = { (name: String) in "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: \(namespace)}\n" }
            let repo = try await Deployed(namespace: namespace, hook: "reconcile: apply\nprune: true")
            try await repo.commit("settings, manual", files: ["apps/settings.yaml": configMap("settings"), "apps/manual.yaml": configMap("manual")])
            try await repo.sandbox.git(["push", "-q", "origin", "main"], environment: ["DRIFT_HOOK": "skip"])
            #expect(try await DriftBinary.run(["apply", "-y", "-f", "apps/settings.yaml"], in: repo.sandbox.repo).status == 0)
            // In Git, but created by hand: never the tool's to delete.
            _ = try await TestCluster.kubectl(["create", "configmap", "manual", "-n", namespace])
            try await repo.sandbox.git(["pull", "-q", "origin", "main"], in: repo.sandbox.other)
            try await repo.sandbox.git(["rm", "-q", "apps/settings.yaml", "apps/manual.yaml"], in: repo.sandbox.other)
            try await repo.teammate("no settings, no manual", files: [:])

            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"])
            let text = Self.printed(pull)
            #expect(pull.status == 0, "\(text)")
            #expect(text.contains("delete  configmap/settings"), "\(text)")
            #expect(text.contains("keep    configmap/manual"), "\(text)")
            #expect(text.contains("not applied by kubectl-drift"), "\(text)")
            #expect(text.contains("pruned: configmap/settings"), "\(text)")
            let client = try await TestCluster.client()
            #expect(try client.getIfPresent("/api/v1/namespaces/\(namespace)/configmaps/settings") == nil)
            #expect(try client.getIfPresent("/api/v1/namespaces/\(namespace)/configmaps/manual") != nil)
        }
    }

    @Test("--output json prints one document: per object the change, the effect and each field; Secret values are masked")
    func jsonAndSecrets() async throws {
        try await TestCluster.withNamespace { namespace in
            let secret = { (value: String) in
                "apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: \(namespace)}\nstringData: {token: \(value)}\n"
            }
            let repo = try await Deployed(namespace: namespace, hook: "reconcile: none")
            try await repo.commit("token", files: ["apps/token.yaml": secret("hunter2")])
            try await repo.sandbox.git(["push", "-q", "origin", "main"])
            #expect(try await DriftBinary.run(["apply", "-y"], in: repo.sandbox.repo).status == 0)
            try await repo.sandbox.git(["pull", "-q", "origin", "main"], in: repo.sandbox.other)
            try await repo.teammate("rotate, scale", files: [
                "apps/token.yaml": secret("correct-horse"),
                "apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 2, image: "nginx:1.25"),
            ])
            let pull = try await repo.sandbox.git(["pull", "-q", "origin", "main"], environment: ["DRIFT_HOOK_OUTPUT": "json"])
            #expect(pull.status == 0)
            let text = Self.printed(pull)
            #expect(!text.contains("hunter2") && !text.contains("correct-horse"), "\(text)")
            let json = String(text[try #require(text.firstIndex(of: "{"))...])
            let document = try JSONValue.parse(json)
            let objects = try #require(document["objects"]?.arrayValue, "\(text)")
            #expect(objects.map { $0["kind"]?.stringValue } == ["Secret", "Deployment"], "ordered by namespace, group, kind, name")
            #expect(objects.allSatisfy { $0["effect"] == "update" && $0["change"] == "modified" })
            let token = try #require(objects[0]["changes"]?.arrayValue?.first)
            #expect(token["path"] == "/data/token" && token["live"] == "*** (before)" && token["desired"] == "*** (after)", "\(token)")
            let replicas = try #require(objects[1]["changes"]?.arrayValue?.first)
            #expect(replicas["path"] == "/spec/replicas" && replicas["live"] == 3 && replicas["desired"] == 2)
            #expect(document[["summary", "update"]]?.intValue == 2)
        }
    }

    @Test("pushing a new branch previews what it adds since its merge base with the default branch")
    func newBranch() async throws {
        try await TestCluster.withNamespace { namespace in
            let repo = try await Deployed(namespace: namespace, hook: "branches: [main, release]")
            try await repo.sandbox.git(["checkout", "-q", "-b", "release"])
            try await repo.commit("release: 6 replicas", files: [
                "apps/web.yaml": Deployed.deployment(namespace: namespace, replicas: 6, image: "nginx:1.25"),
            ])
            let push = try await repo.sandbox.git(["push", "origin", "release"])
            #expect(push.status == 0, "\(Self.printed(push))")
            #expect(Self.printed(push).contains("3 → 6"), "\(Self.printed(push))")
            let deletion = try await repo.sandbox.git(["push", "origin", ":release"])
            #expect(Self.printed(deletion).contains("the push deletes release on origin: nothing to preview"), "\(Self.printed(deletion))")
        }
    }

    @Test("in Flux mode, a change to a file a Flux Kustomization's kustomization reads (a patch) previews the object it renders")
    func fluxRendered() async throws {
        try await TestCluster.withNamespace { namespace in
            try await FluxTestAPI.install(client: try await TestCluster.client())
            let kubeconfig = try await TestCluster.server().kubeconfigPath
            let sandbox = try HookSandbox(realHook: true, environment: ["KUBECONFIG": kubeconfig])
            let patch = { (value: String) in "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {key: \(value)}\n" }
            let files = [
                "drift.yaml": "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nflux: {path: clusters}\ncluster: {context: admin}\n",
                "clusters/apps.yaml": FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps"),
                "apps/kustomization.yaml": "resources: [settings.yaml]\npatches: [{path: patch.yaml}]\n",
                "apps/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {key: zero}\n",
                "apps/patch.yaml": patch("one"),
            ]
            for (path, text) in files {
                try FileManager.default.createDirectory(
                    atPath: ((sandbox.repo + "/" + path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: sandbox.repo + "/" + path, atomically: true, encoding: .utf8)
            }
            try await sandbox.git(["add", "."])
            try await sandbox.git(["commit", "-q", "-m", "flux"])
            try await sandbox.git(["push", "-q", "origin", "main"])
            #expect(try await DriftBinary.run(["apply", "-y"], in: sandbox.repo).status == 0)
            #expect(try await sandbox.hook(["install"]).status == 0)
            try await sandbox.git(["pull", "-q", "origin", "main"], in: sandbox.other)
            try patch("two").write(toFile: sandbox.other + "/apps/patch.yaml", atomically: true, encoding: .utf8)
            try await sandbox.git(["commit", "-q", "-am", "patch: two"], in: sandbox.other)
            try await sandbox.git(["push", "-q", "origin", "main"], in: sandbox.other)

            let pull = try await sandbox.git(["pull", "-q", "origin", "main"])
            let text = Self.printed(pull)
            #expect(pull.status == 0, "\(text)")
            #expect(text.contains("update  configmap/settings  (namespace \(namespace))"), "\(text)")
            #expect(text.contains("/data/key  one → two"), "\(text)")
        }
    }

    @Test("a cluster that cannot be reached, or that never answers, is one warning and exit 0 within hook.timeout", arguments: [false, true])
    func unreachableCluster(stalls: Bool) async throws {
        let listener = try StalledListener()
        let port = stalls ? listener.port : try TestCluster.closedPort()
        let sandbox = try HookSandbox(realHook: true, environment: ["KUBECONFIG": try Self.kubeconfig(port: port, in: listener.folder)])
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n".write(
            toFile: sandbox.repo + "/a.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: sandbox.repo + "/apps", withIntermediateDirectories: true)
        try Deployed.driftYAML(namespace: "default", hook: "timeout: 2s\nblock: errors").write(
            toFile: sandbox.repo + "/drift.yaml", atomically: true, encoding: .utf8)
        try await sandbox.git(["add", "."])
        try await sandbox.git(["commit", "-q", "-m", "config"])
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: default}\n".write(
            toFile: sandbox.repo + "/apps/b.yaml", atomically: true, encoding: .utf8)
        try await sandbox.git(["add", "."])
        try await sandbox.git(["commit", "-q", "-m", "b"])
        #expect(try await sandbox.hook(["install"]).status == 0)

        let started = Date()
        let push = try await sandbox.git(["push", "origin", "main"])
        let elapsed = Date().timeIntervalSince(started)
        let text = Self.printed(push)
        #expect(push.status == 0, "\(text)")
        #expect(text.contains("warning:"), "\(text)")
        // A stalled server: the request's own timeout (the time the hook has left) or the hook's watchdog ends it.
        #expect(text.contains("cannot reach the cluster") || (stalls && text.contains("hook.timeout")), "\(text)")
        #expect(!stalls || text.contains("no answer from") || text.contains("hook.timeout"), "\(text)")
        // hook.timeout is 2s; the rest is git and process start-up on a busy machine.
        #expect(elapsed < 20, "the push waited \(elapsed)s")
    }

    /// A kubeconfig whose `admin` context points at 127.0.0.1:`port`.
    private static func kubeconfig(port: Int, in folder: String) throws -> String {
        let path = folder + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:\(port)", insecure-skip-tls-verify: true}
            users:
            - name: u
              user: {token: abc}
            contexts:
            - name: admin
              context: {cluster: c, user: u}
            current-context: admin
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them) and never
/// answers: a TLS handshake with it stalls until the client gives up.
final class StalledListener: Sendable {
    let port: Int
    let folder: String
    private let socket: Int32

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stalled-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Glibc.bind(descriptor, address, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        socket = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(socket)
        try? FileManager.default.removeItem(atPath: folder)
    }
}
