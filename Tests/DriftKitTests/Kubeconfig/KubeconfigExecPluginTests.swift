import Foundation
import Testing
@testable import DriftKit

@Suite("Kubeconfig exec credential plugins")
struct KubeconfigExecPluginTests {
    static let v1 = "client.authentication.k8s.io/v1"
    static let v1beta1 = "client.authentication.k8s.io/v1beta1"

    /// A plugin that counts its runs, saves KUBERNETES_EXEC_INFO, checks it and that stdin is not a
    /// terminal (on Linux, that it is /dev/null), and answers
    /// with token `token-<run number>` and the optional `EXPIRY`.
    static let countingPlugin = #"""
        #!/bin/sh
        echo run >> "$COUNT_FILE"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_FILE"
        if [ -t 0 ]; then echo "stdin is a terminal" >&2; exit 9; fi
        if [ -e /proc/self/fd/0 ] && [ "$(readlink /proc/self/fd/0)" != /dev/null ]; then echo "stdin is not /dev/null" >&2; exit 9; fi
        case "$KUBERNETES_EXEC_INFO" in
          *'"kind":"ExecCredential"'*'"interactive":false'*) ;;
          *) echo "unexpected KUBERNETES_EXEC_INFO: $KUBERNETES_EXEC_INFO" >&2; exit 8 ;;
        esac
        case "$KUBERNETES_EXEC_INFO" in
          *"\"apiVersion\":\"$EXPECTED_API_VERSION\""*) ;;
          *) echo "KUBERNETES_EXEC_INFO does not ask for $EXPECTED_API_VERSION" >&2; exit 7 ;;
        esac
        if [ -n "$SLEEP" ]; then sleep "$SLEEP"; fi
        runs=$(wc -l < "$COUNT_FILE" | tr -d ' ')
        expiry=""
        if [ -n "$EXPIRY" ]; then expiry=",\"expirationTimestamp\":\"$EXPIRY\""; fi
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"token-%s"%s}}\n' "$EXPECTED_API_VERSION" "$runs" "$expiry"
        """#

    private struct Fixture {
        let directory: TemporaryDirectory
        let clock = TestClock()

        init() throws { directory = try TemporaryDirectory() }

        var runs: Int { directory.read("count").split(separator: "\n").count }

        var execInfo: JSONValue? { try? JSONValue.parse(directory.read("info.json")) }

        @discardableResult
        func script(_ body: String, name: String = "plugin.sh") throws -> String {
            try directory.write(name, body, executable: true)
        }

        func plugin(
            command: String? = nil,
            apiVersion: String = KubeconfigExecPluginTests.v1,
            env: [String: String] = [:],
            installHint: String? = nil,
            cluster: JSONValue? = nil,
            environment: [String: String] = [:],
            stderrHandler: (@Sendable (String) -> Void)? = nil
        ) -> ExecCredentialPlugin {
            var variables = ["COUNT_FILE": directory.path("count"), "INFO_FILE": directory.path("info.json"), "EXPECTED_API_VERSION": apiVersion]
            variables.merge(env) { _, new in new }
            let config = Kubeconfig.ExecConfig(
                command: command ?? directory.path("plugin.sh"),
                env: variables.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) },
                apiVersion: apiVersion,
                installHint: installHint,
                provideClusterInfo: cluster != nil,
                interactiveMode: "IfAvailable"
            )
            return ExecCredentialPlugin(
                config: config,
                userName: "exec-user",
                cluster: cluster,
                environment: ["PATH": "/usr/bin:/bin"].merging(environment) { _, new in new },
                clock: clock.closure,
                stderrHandler: stderrHandler
            )
        }
    }

    @Test("a plugin's token is read, for both protocol versions", arguments: [v1, v1beta1])
    func readsToken(apiVersion: String) throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin)
        let credentials = try fixture.plugin(apiVersion: apiVersion).credentials(forceRefresh: false)
        #expect(credentials == ClientCredentials(bearerToken: "token-1"))
        let info = try #require(fixture.execInfo)
        #expect(info["apiVersion"] == .string(apiVersion))
        #expect(info["kind"] == "ExecCredential")
        #expect(info["spec"]?["interactive"] == false)
        #expect(info["spec"]?["cluster"] == nil)
    }

    @Test("a credential without expiry is cached until forceRefresh")
    func cachesWithoutExpiry() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin)
        let plugin = fixture.plugin()
        for _ in 0..<3 { #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1") }
        fixture.clock.advance(by: 86_400 * 365)
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1")
        #expect(fixture.runs == 1)
    }

    @Test("a credential is cached until its expirationTimestamp passes")
    func cachesUntilExpiry() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin)
        let expiry = try #require(ExecCredentialPlugin.parseRFC3339("2030-01-01T00:00:00Z"))
        fixture.clock.set(expiry.addingTimeInterval(-60))
        let plugin = fixture.plugin(env: ["EXPIRY": "2030-01-01T00:00:00Z"])
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1")
        fixture.clock.set(expiry.addingTimeInterval(-1))
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1")
        #expect(fixture.runs == 1)
        fixture.clock.set(expiry.addingTimeInterval(1))
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-2")
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-3")
        #expect(fixture.runs == 3)
    }

    @Test("forceRefresh runs the plugin again even when the credential is still valid")
    func forceRefresh() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin)
        let plugin = fixture.plugin(env: ["EXPIRY": "2099-01-01T00:00:00Z"])
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1")
        #expect(try plugin.credentials(forceRefresh: true).bearerToken == "token-2")
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-2")
        #expect(fixture.runs == 2)
    }

    @Test("concurrent requests share one plugin run")
    func concurrentRequestsShareOneRun() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin)
        let plugin = fixture.plugin(env: ["SLEEP": "0.3"])
        let tokens = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            tokens.append((try? plugin.credentials(forceRefresh: false).bearerToken ?? "none") ?? "error")
        }
        #expect(tokens.all == Array(repeating: "token-1", count: 12))
        #expect(fixture.runs == 1)
    }

    @Test("expirationTimestamp is read as RFC 3339", arguments: [
        ("2030-01-01T00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T01:30:00+01:30", 1_893_456_000.0),
        ("2029-12-31T19:00:00-05:00", 1_893_456_000.0),
        ("2030-01-01T00:00:00.250Z", 1_893_456_000.25),
    ])
    func rfc3339(text: String, seconds: Double) throws {
        let date = try #require(ExecCredentialPlugin.parseRFC3339(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test("the plugin gets the stanza's env over the inherited environment, and its args")
    func environmentAndArguments() throws {
        let fixture = try Fixture()
        try fixture.script(#"""
            #!/bin/sh
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s|%s|%s|%s"}}' "$GREETING" "$INHERITED" "$1" "$2"
            """#)
        var config = fixture.plugin(env: ["GREETING": "from-stanza"], environment: ["GREETING": "from-parent", "INHERITED": "kept"]).config
        config.args = ["first arg", "--second"]
        let plugin = ExecCredentialPlugin(
            config: config, userName: "u", environment: ["PATH": "/usr/bin:/bin", "GREETING": "from-parent", "INHERITED": "kept"]
        )
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "from-stanza|kept|first arg|--second")
    }

    @Test("a bare command name is found through PATH of the given environment")
    func commandFromPath() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin, name: "bin/drift-test-credential-plugin")
        let plugin = fixture.plugin(command: "drift-test-credential-plugin", environment: ["PATH": "/usr/bin:\(fixture.directory.path("bin")):/bin"])
        #expect(try plugin.credentials(forceRefresh: false).bearerToken == "token-1")
    }

    @Test("cluster info reaches the plugin in KUBERNETES_EXEC_INFO when provideClusterInfo is set")
    func clusterInfo() throws {
        let fixture = try Fixture()
        try fixture.script(#"""
            #!/bin/sh
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_FILE"
            case "$KUBERNETES_EXEC_INFO" in
              *'"cluster":{"server":"https://exec.example:6443"'*'"certificate-authority-data":"'*'"config":{"audience":"drift"}'*) ;;
              *) echo "cluster info missing: $KUBERNETES_EXEC_INFO" >&2; exit 6 ;;
            esac
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"with-cluster"}}'
            """#)
        let cluster = ExecCredentialPlugin.clusterInfo(
            server: "https://exec.example:6443", certificateAuthorityPEM: Data(samplePEM.utf8), config: ["audience": "drift"]
        )
        #expect(try fixture.plugin(cluster: cluster).credentials(forceRefresh: false).bearerToken == "with-cluster")
        let info = try #require(fixture.execInfo)
        #expect(info["spec"]?["cluster"]?["certificate-authority-data"] == base64(samplePEM))
        #expect(info["spec"]?["interactive"] == false)
    }

    @Test("a client certificate and key from the plugin")
    func clientCertificate() throws {
        let fixture = try Fixture()
        let status: JSONValue = ["clientCertificateData": .string(sampleClientCertPEM), "clientKeyData": .string(sampleKeyPEM)]
        let output: JSONValue = ["apiVersion": .string(Self.v1), "kind": "ExecCredential", "status": status]
        try fixture.directory.write("output.json", output.jsonText())
        try fixture.script("#!/bin/sh\ncat \"\(fixture.directory.path("output.json"))\"\n")
        let credentials = try fixture.plugin().credentials(forceRefresh: false)
        #expect(credentials.clientCertificatePEM == Data(sampleClientCertPEM.utf8))
        #expect(credentials.clientKeyPEM == Data(sampleKeyPEM.utf8))
        #expect(credentials.bearerToken == nil)
    }

    @Test("a failing plugin's error names the command, the exit status and its trimmed stderr")
    func failingPlugin() throws {
        let fixture = try Fixture()
        let script = try fixture.script("#!/bin/sh\necho 'partial output'\necho '  error: refresh token expired; run: sso login  ' >&2\nexit 3\n")
        let error = kubeconfigError { () throws(KubeconfigError) in _ = try fixture.plugin().currentCredentials(forceRefresh: false) }
        guard case let .execPluginFailed(command, user, reason, stderr)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(command == script)
        #expect(user == "exec-user")
        #expect(reason == "exited with status 3")
        #expect(stderr == "error: refresh token expired; run: sso login")
        #expect(error?.description.contains("error: refresh token expired; run: sso login") == true)
        #expect(error?.description.contains(script) == true)
    }

    @Test("a failing plugin fails a drift run as a credential problem, not as an unreachable cluster")
    func failingPluginFailsTheRun() throws {
        let fixture = try Fixture()
        try fixture.script("#!/bin/sh\necho 'login expired' >&2\nexit 1\n")
        // Nothing listens there; the plugin fails before any connection is tried.
        let connection = ClusterConnection(server: "https://127.0.0.1:9", credentials: fixture.plugin())
        let detector = DriftDetector(
            client: APIClient(transport: try CurlTransport(connection: connection)), connection: connection, options: DriftOptions())
        let error = #expect(throws: DriftError.self) { try detector.detect([]) }
        guard case let .credentials(server, reason)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(server == "https://127.0.0.1:9")
        #expect(reason.contains(#"of user "exec-user" exited with status 1"#))
        #expect(error?.description.hasPrefix("cannot get credentials for the cluster at https://127.0.0.1:9: exec credential plugin") == true)
        #expect(error?.description.contains("login expired") == true)
    }

    @Test("a plugin that returns no usable credential is an error naming the problem", arguments: [
        ("not json at all", "not JSON"),
        ("", "the output is empty"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}"#,
         "asks for apiVersion client.authentication.k8s.io/v1 but the plugin returned client.authentication.k8s.io/v1beta1"),
        (#"{"kind":"ExecCredential","status":{"token":"t"}}"#, "no apiVersion"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"t"}}"#, "not \"ExecCredential\""),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "no status"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#, "neither a token nor a client certificate"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"x"}}"#, "no clientKeyData"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"tomorrow"}}"#,
         "\"tomorrow\" is not an RFC 3339 time"),
    ])
    func unusableOutput(output: String, fragment: String) throws {
        let fixture = try Fixture()
        try fixture.directory.write("output", output)
        try fixture.script("#!/bin/sh\necho 'plugin diagnostics' >&2\ncat \"\(fixture.directory.path("output"))\"\n")
        let error = kubeconfigError { () throws(KubeconfigError) in _ = try fixture.plugin().currentCredentials(forceRefresh: false) }
        guard case let .execPluginFailed(_, _, reason, stderr)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(reason.contains(fragment))
        #expect(stderr == "plugin diagnostics")
        #expect(error?.description.contains("plugin diagnostics") == true)
    }

    @Test("a command missing from PATH shows the installHint", arguments: ["kubectl-drift-test-no-such-plugin", "/nonexistent/bin/kubectl-drift-plugin"])
    func missingCommand(command: String) throws {
        let fixture = try Fixture()
        let hint = "Install it with: brew install drift-login"
        let error = kubeconfigError { () throws(KubeconfigError) in _ = try fixture.plugin(command: command, installHint: hint).currentCredentials(forceRefresh: false) }
        guard case .execPluginNotFound(command, "exec-user", hint)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(error?.description.contains(hint) == true)
        #expect(error?.description.contains("\"\(command)\"") == true)
    }

    @Test("a command that is not executable is reported, not retried as missing")
    func notExecutable() throws {
        let fixture = try Fixture()
        let script = try fixture.directory.write("plugin.sh", Self.countingPlugin)
        let error = kubeconfigError { () throws(KubeconfigError) in _ = try fixture.plugin(command: script).currentCredentials(forceRefresh: false) }
        guard case let .execPluginFailed(_, _, reason, _)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(reason.contains("could not be started"))
    }

    @Test("the plugin's stderr after a successful run goes to the stderr handler")
    func stderrOnSuccess() throws {
        let fixture = try Fixture()
        try fixture.script(#"""
            #!/bin/sh
            echo "Opening browser for login..." >&2
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'
            """#)
        let messages = LockedList<String>()
        _ = try fixture.plugin(stderrHandler: { messages.append($0) }).credentials(forceRefresh: false)
        #expect(messages.all == ["Opening browser for login..."])
    }

    @Test("through a kubeconfig: a relative command runs from the kubeconfig's directory, with its env")
    func throughKubeconfig() throws {
        let fixture = try Fixture()
        try fixture.script(Self.countingPlugin, name: "kube/bin/plugin.sh")
        let file = try fixture.directory.write("kube/config", kubeconfig: simpleKubeconfig(user: ["exec": [
            "apiVersion": .string(Self.v1beta1),
            "command": "./bin/plugin.sh",
            "env": [
                ["name": "COUNT_FILE", "value": .string(fixture.directory.path("count"))],
                ["name": "INFO_FILE", "value": .string(fixture.directory.path("info.json"))],
                ["name": "EXPECTED_API_VERSION", "value": .string(Self.v1beta1)],
            ],
        ]]))
        var loader = testLoader(fixture.directory, environment: ["KUBECONFIG": file, "PATH": "/usr/bin:/bin"], clock: fixture.clock)
        loader.currentDirectory = "/"
        let connection = try loader.resolve(KubeconfigOverrides())
        #expect(try connection.credentials.credentials(forceRefresh: false).bearerToken == "token-1")
        #expect(try connection.credentials.credentials(forceRefresh: true).bearerToken == "token-2")
        #expect(fixture.runs == 2)
    }
}
