import Foundation
import Testing
@testable import DriftKit

/// Bad input gives one clear message naming what and where, and exit 2; nothing crashes.
@Suite("kubectl drift diff, bad input")
struct DiffBadInputTests {
    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          mode: fast
        """

    /// A kubeconfig for the shared server's address with the given user and CA settings.
    static func kubeconfig(server: String, user: String, caFile: String?) throws -> String {
        let cluster = caFile.map { "certificate-authority: \($0)" } ?? "insecure-skip-tls-verify: true"
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: \(server)
                \(cluster)
            users:
            - name: test
              user:
            \(user.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            contexts:
            - name: test
              context: {cluster: test, user: test}
            current-context: test
            """
        return try DiffEndToEndTests.folder(["kubeconfig": text]) + "/kubeconfig"
    }

    static func caFile() async throws -> String {
        try await TestCluster.server().directory + "/ca.crt"
    }

    @Test("a rejected token is one error for the run (401), not one per object")
    func unauthorized() async throws {
        let server = try await TestCluster.server()
        let config = try Self.kubeconfig(server: server.serverURL, user: "token: not-a-valid-token", caFile: try await Self.caFile())
        let apps = try DiffEndToEndTests.folder(["a.yaml": Self.configMap, "b.yaml": Self.configMap.replacingOccurrences(of: "settings", with: "other")])
        let result = try await DriftBinary.run(["diff", "-f", apps], kubeconfig: config)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput.components(separatedBy: "error:").count == 2)
        #expect(result.errorOutput.contains("rejected the credentials (401 Unauthorized)"))
        #expect(result.errorOutput.contains(server.serverURL))
    }

    @Test("an unreachable server is named, exit 2")
    func unreachable() async throws {
        let port = try TestCluster.closedPort()
        let config = try Self.kubeconfig(server: "https://127.0.0.1:\(port)", user: "token: x", caFile: nil)
        let result = try await DriftBinary.run(["diff", "-f", try DiffEndToEndTests.folder(["a.yaml": Self.configMap])], kubeconfig: config)
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("cannot reach the cluster at https://127.0.0.1:\(port)"))
    }

    @Test("a server certificate the CA did not sign is a TLS error, exit 2")
    func untrustedServer() async throws {
        let server = try await TestCluster.server()
        // The client certificate is signed by the CA, but it is not a CA certificate.
        let config = try Self.kubeconfig(server: server.serverURL, user: "token: x", caFile: server.directory + "/admin.crt")
        let result = try await DriftBinary.run(["diff", "-f", try DiffEndToEndTests.folder(["a.yaml": Self.configMap])], kubeconfig: config)
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("TLS failure"))
    }

    @Test("an exec credential plugin that fails is a credential problem naming the user and the plugin's message", arguments: [
        ("echo 'error: the SSO session has expired; run: sso login' >&2\nexit 1", "exited with status 1", "the SSO session has expired"),
        ("echo 'diagnostics on stderr' >&2\necho 'this is not an ExecCredential'", "returned an unusable ExecCredential", "diagnostics on stderr"),
    ])
    func failingExecPlugin(script: String, reason: String, message: String) async throws {
        let plugin = try DiffEndToEndTests.folder(["plugin.sh": "#!/bin/sh\n\(script)\n"]) + "/plugin.sh"
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let server = try await TestCluster.server()
        let user = "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: \(plugin)\n  interactiveMode: Never"
        let config = try Self.kubeconfig(server: server.serverURL, user: user, caFile: try await Self.caFile())
        let result = try await DriftBinary.run(["diff", "-f", try DiffEndToEndTests.folder(["a.yaml": Self.configMap])], kubeconfig: config)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput.contains("cannot get credentials for the cluster at \(server.serverURL)"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains(#"exec credential plugin "\#(plugin)" of user "test" \#(reason)"#))
        #expect(result.errorOutput.contains(message))
        #expect(!result.errorOutput.contains("cannot reach the cluster"))
    }

    @Test("a removed API version says when it was removed and what to use instead")
    func removedAPIVersion() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["old.yaml": """
                apiVersion: extensions/v1beta1
                kind: Deployment
                metadata:
                  name: web
                  namespace: \(namespace)
                spec:
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - {name: web, image: nginx}
                ---
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: web
                  namespace: \(namespace)
                spec:
                  backend:
                    serviceName: web
                    servicePort: 80
                """])
            let result = try await DriftBinary.run(["diff", "-f", apps])
            #expect(result.status == 2)
            #expect(result.output.contains(
                "old.yaml:1: extensions/v1beta1 Deployment was removed in Kubernetes v1.16; use apps/v1\n"), "\(result.output)")
            // kube-apiserver served extensions/v1beta1 Ingress up to v1.21; the test runs against any version.
            let client = try await TestCluster.client()
            let ingressServed = try await TestCluster.offThePool {
                (try? Discovery(client: client).resource(apiVersion: "extensions/v1beta1", kind: "Ingress")) != nil
            }
            #expect(result.output.contains("extensions/v1beta1 Ingress was removed in Kubernetes v1.22; use networking.k8s.io/v1") == !ingressServed)
            #expect(!result.output.contains("CustomResourceDefinition"))
        }
    }

    @Test("malformed YAML names file, line and column")
    func malformedYAML() async throws {
        let apps = try DiffEndToEndTests.folder(["broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"])
        let result = try await DriftBinary.run(["diff", "-f", apps])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("broken.yaml:"))
        #expect(result.errorOutput.range(of: #"broken\.yaml:\d+:\d+"#, options: .regularExpression) != nil)
    }

    @Test("a missing context lists the ones there are")
    func missingContext() async throws {
        let apps = try DiffEndToEndTests.folder(["a.yaml": Self.configMap])
        let config = try await TestCluster.server().kubeconfigPath
        let result = try await DriftBinary.runPlain(["diff", "-f", apps, "--kubeconfig", config, "--context", "nope"])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("nope"))
        #expect(result.errorOutput.contains("admin"))
    }

    @Test("an invalid kubeconfig names its file")
    func invalidKubeconfig() async throws {
        let config = try DiffEndToEndTests.folder(["kubeconfig": "clusters: [\n"]) + "/kubeconfig"
        let result = try await DriftBinary.runPlain(["diff", "-f", try DiffEndToEndTests.folder(["a.yaml": Self.configMap]), "--kubeconfig", config])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains(config))
    }

    @Test("a document without a kind names its file and document")
    func missingKind() async throws {
        let apps = try DiffEndToEndTests.folder(["a.yaml": Self.configMap + "\n---\napiVersion: v1\nmetadata:\n  name: x\n"])
        let result = try await DriftBinary.run(["diff", "-f", apps])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("a.yaml: document 2 (line 8) has no kind"))
    }

    @Test("usage mistakes exit 2 and point to help")
    func usage() async throws {
        let result = try await DriftBinary.runPlain(["diff", "--replicas", "3"])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("unknown flag: --replicas"))
        #expect(result.errorOutput.contains("kubectl drift diff --help"))
    }

    @Test("a key written twice is read as kubectl reads it, the last value winning with a warning naming both lines; --strict refuses it")
    func duplicateKeys() async throws {
        try await TestCluster.withNamespace { namespace in
            let single = Self.configMap.replacingOccurrences(of: "  name: settings", with: "  name: settings\n  namespace: \(namespace)")
            let live = try DiffEndToEndTests.folder(["settings.yaml": single])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", live + "/settings.yaml"])
            // mode: slow on line 7, then mode: fast on line 8.
            let twice = single.replacingOccurrences(of: "  mode: fast", with: "  mode: slow\n  mode: fast")
            let apps = try DiffEndToEndTests.folder(["settings.yaml": twice])
            let file = apps + "/settings.yaml"

            let lenient = try await DriftBinary.run(["diff", "-f", apps])
            #expect(lenient.status == 0, "\(lenient.output)\(lenient.errorOutput)")
            #expect(lenient.errorOutput.contains(
                "warning: \(file):8:3: mapping key \"mode\" already defined at line 7; the last value is used, as kubectl does"))

            let strict = try await DriftBinary.run(["diff", "-f", apps, "--strict"])
            #expect(strict.status == 2)
            #expect(strict.output.isEmpty)
            #expect(strict.errorOutput.contains("\(file):8:3: mapping key \"mode\" already defined at line 7"))
            #expect(!strict.errorOutput.contains("warning:"))
        }
    }
}
