import Foundation
import Testing
@testable import DriftKit

/// `--ref` and `--staged` read manifests from Git with libgit2, never from the working tree.
@Suite("kubectl drift diff from Git revisions, end to end")
struct GitSourceEndToEndTests {
    /// A repository whose history has the Deployment at 3, then 4 replicas.
    static func repository(namespace: String) throws -> String {
        let root = try DiffEndToEndTests.folder([:])
        let apps = root + "/apps"
        try FileManager.default.createDirectory(atPath: apps, withIntermediateDirectories: true)
        let manifest = DemoScenario.deploymentManifest(namespace: namespace)
        try manifest.write(toFile: apps + "/my-app.yaml", atomically: true, encoding: .utf8)
        try git(root, "init", "-q", "-b", "main")
        try git(root, "add", ".")
        try git(root, "commit", "-q", "-m", "three replicas")
        try git(root, "tag", "v1")
        try manifest.replacingOccurrences(of: "replicas: 3", with: "replicas: 4")
            .write(toFile: apps + "/my-app.yaml", atomically: true, encoding: .utf8)
        try git(root, "commit", "-q", "-am", "four replicas")
        return root
    }

    static func git(_ folder: String, _ arguments: String...) throws {
        try git(folder, arguments)
    }

    static func git(_ folder: String, _ arguments: [String]) throws {
        let result = try TestCluster.run(
            ["git", "-C", folder, "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments)
        guard result.status == 0 else { throw GitCommandFailed(arguments: arguments, output: result.errorOutput) }
    }

    struct GitCommandFailed: Error {
        var arguments: [String]
        var output: String
    }

    /// The desired replicas the diff reports, read from the JSON report.
    static func desiredReplicas(_ result: CommandResult) throws -> JSONValue? {
        let object = try JSONValue.parse(result.output)["objects"]?.arrayValue?.first
        return object?["changes"]?.arrayValue?.first { $0["path"] == "/spec/replicas" }?["desired"]
    }

    @Test("each revision is read as committed, from any subfolder (-f relative to it, as git's pathspecs), whatever the working tree holds")
    func revisions() async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try Self.repository(namespace: namespace)
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", root + "/apps"])
            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            // An uncommitted edit that no revision has.
            let file = root + "/apps/my-app.yaml"
            try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "replicas: 4", with: "replicas: 9")
                .write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: root + "/docs/deep", withIntermediateDirectories: true)

            for (reference, replicas) in [("v1", 3), ("main", 4), ("HEAD~1", 3), ("HEAD", 4)] {
                let result = try await DriftBinary.run(["diff", "-f", "../../apps", "--ref", reference, "-o", "json"], in: root + "/docs/deep")
                #expect(result.status == 1, "\(reference): \(result.errorOutput)")
                #expect(try Self.desiredReplicas(result) == .int(Int64(replicas)), "\(reference)")
            }
            let workingTree = try await DriftBinary.run(["diff", "-f", "apps", "-o", "json"], in: root)
            #expect(try Self.desiredReplicas(workingTree) == 9)
            // `-f .` in apps/ is apps/, in the working tree and at a revision alike.
            let here = try await DriftBinary.run(["diff", "-f", ".", "--ref", "main", "-o", "json"], in: root + "/apps")
            #expect(here.status == 1, "\(here.errorOutput)")
            #expect(try Self.desiredReplicas(here) == 4)

            try Self.git(root, "add", "apps")
            try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "replicas: 9", with: "replicas: 5")
                .write(toFile: file, atomically: true, encoding: .utf8)
            let staged = try await DriftBinary.run(["diff", "-f", "apps", "--staged", "-o", "json"], in: root)
            #expect(try Self.desiredReplicas(staged) == 9)
            let inSyncWorkingTree = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(inSyncWorkingTree.status == 0, "the working tree now says 5, as the cluster does")
        }
    }

    @Test("an unknown revision, a path missing at a revision and a folder outside Git are named")
    func errors() async throws {
        let root = try Self.repository(namespace: "unused")
        let unknown = try await DriftBinary.run(["diff", "-f", "apps", "--ref", "no-such-branch"], in: root)
        #expect(unknown.status == 2)
        #expect(unknown.errorOutput.contains("unknown revision \"no-such-branch\""))

        let missing = try await DriftBinary.run(["diff", "-f", "charts", "--ref", "v1"], in: root)
        #expect(missing.status == 2)
        #expect(missing.errorOutput.contains("the path \"charts\" does not exist in revision v1"))

        let outside = try DiffEndToEndTests.folder([:])
        let notGit = try await DriftBinary.run(["diff", "-f", "apps", "--ref", "main"], in: outside)
        #expect(notGit.status == 2)
        #expect(notGit.errorOutput.contains("is not in a Git repository"))

        let both = try await DriftBinary.run(["diff", "-f", "apps", "--ref", "main", "--staged"], in: root)
        #expect(both.status == 2)
        #expect(both.errorOutput.contains("--ref and --staged cannot be used together"))
    }

    @Test("changes lists objects, not files: a moved object is no change, a modified one is")
    func changes() async throws {
        let root = try Self.repository(namespace: "web")
        let extra = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: web
            data:
              mode: fast
            """
        try extra.write(toFile: root + "/apps/settings.yaml", atomically: true, encoding: .utf8)
        try Self.git(root, "add", ".")
        try Self.git(root, "commit", "-q", "-m", "settings")
        try Self.git(root, "mv", "apps/settings.yaml", "apps/config.yaml")
        try Self.git(root, "commit", "-q", "-m", "rename")

        let moved = try await DriftBinary.runPlain(["changes", "HEAD~1", "HEAD"], in: root)
        #expect(moved.status == 0, "\(moved.output)\(moved.errorOutput)")
        #expect(moved.output.contains("0 changes"))

        let result = try await DriftBinary.runPlain(["changes", "v1", "HEAD", "-o", "json"], in: root + "/apps")
        #expect(result.status == 1, "\(result.errorOutput)")
        let changes = try JSONValue.parse(result.output)["changes"]?.arrayValue ?? []
        #expect(changes.map { $0["change"] } == ["added", "modified"])
        #expect(changes.map { $0["name"] } == ["settings", "my-app"])
        #expect(changes.first?["after"]?["file"] == "apps/config.yaml")
    }

    @Test("changes places objects that name no namespace in the context's (or -n's), as diff does; cluster-scoped ones in none")
    func changesNamespaces() async throws {
        let root = try DiffEndToEndTests.folder([:])
        try FileManager.default.createDirectory(atPath: root + "/apps", withIntermediateDirectories: true)
        func write(_ text: String) throws {
            try text.write(toFile: root + "/apps/all.yaml", atomically: true, encoding: .utf8)
        }
        let settings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n"
        let reader = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n"
        try write(settings)
        try Self.git(root, "init", "-q", "-b", "main")
        try Self.git(root, "add", ".")
        try Self.git(root, "commit", "-q", "-m", "settings")
        // The ConfigMap now names the namespace it landed in: the same object, modified.
        try write(settings.replacingOccurrences(of: "  name: settings\n", with: "  name: settings\n  namespace: team\n")
            .replacingOccurrences(of: "slow", with: "fast") + reader)
        try Self.git(root, "commit", "-q", "-am", "fast, and a reader")
        // Never contacted: changes reads only the context's namespace.
        let kubeconfig = try DiffEndToEndTests.folder(["config": """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: /nonexistent/plugin}}}]
            contexts: [{name: team, context: {cluster: c, user: u, namespace: team}}]
            current-context: team
            """]) + "/config"

        let result = try await DriftBinary.run(["changes", "HEAD~1", "HEAD", "-o", "json"], kubeconfig: kubeconfig, in: root)
        #expect(result.status == 1, "\(result.errorOutput)")
        let changes = try JSONValue.parse(result.output)["changes"]?.arrayValue ?? []
        #expect(changes.map { $0["change"] } == ["added", "modified"])
        #expect(changes.map { $0["kind"] } == ["ClusterRole", "ConfigMap"])
        #expect(changes.map { $0["namespace"] } == [nil, "team"])

        let text = try await DriftBinary.run(["changes", "HEAD~1", "HEAD"], kubeconfig: kubeconfig, in: root)
        let row = text.output.split(separator: "\n").first { $0.contains("configmap/settings") }
        #expect(row.map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(2) } == ["modified", "team"])

        // Another namespace: the object that names one and the one that did not are two objects.
        let elsewhere = try await DriftBinary.run(["-n", "shop", "changes", "HEAD~1", "HEAD", "-o", "json"], kubeconfig: kubeconfig, in: root)
        let moved = try JSONValue.parse(elsewhere.output)["changes"]?.arrayValue ?? []
        #expect(moved.map { "\($0["change"]?.stringValue ?? "") \($0["namespace"]?.stringValue ?? "-")" }
            == ["added -", "removed shop", "added team"])
    }
}
