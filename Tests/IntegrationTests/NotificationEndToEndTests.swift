import Foundation
import Testing
@testable import DriftKit

/// `--notify` through the built binary: the URL checked before any work, messages only when
/// worth receiving, the cluster named, and one clear warning when delivery fails.
@Suite("kubectl drift --notify, end to end")
struct NotificationEndToEndTests {
    static let header = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\n"

    static func deploymentPath(_ namespace: String) -> String {
        "/apis/apps/v1/namespaces/\(namespace)/deployments/my-app"
    }

    @Test("a bad URL stops the run before any work, exit 2, naming --notify", arguments: [
        ("notaurl", "found no scheme"), ("ftp://hooks.example.com/drift", "found scheme ftp"), ("https:///drift", "found no host"),
    ])
    func badFlag(url: String, reason: String) async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            let result = try await DriftBinary.run(["apply", "-f", apps, "--notify", url])
            #expect(result.status == 2)
            #expect(result.output.isEmpty)
            #expect(result.errorOutput.hasPrefix("error: invalid value for --notify: expected an http(s) URL"), "\(result.errorOutput)")
            #expect(result.errorOutput.contains(reason))
            #expect(try await TestCluster.client().getIfPresent(Self.deploymentPath(namespace)) == nil, "nothing was applied")
        }
    }

    @Test("a bad drift.yaml notify or notifyOn stops the run before any work, exit 2, naming the line", arguments: [
        ("notify: ftp://hooks.example.com/drift\n", "drift.yaml:3: notify: expected an http(s) URL such as https://hooks.example.com/drift, found scheme ftp"),
        ("suspend: false\nnotify: notaurl\n", "drift.yaml:4: notify: expected an http(s) URL such as https://hooks.example.com/drift, found no scheme (http:// or https://)"),
        ("notifyOn: changes\n", "drift.yaml:3: notifyOn: expected drift or always, found \"changes\""),
    ])
    func badConfig(config: String, message: String) async throws {
        try await TestCluster.withNamespace { namespace in
            let root = try RepositorySourcesEndToEndTests.repository([
                "apps/deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace), "drift.yaml": Self.header + config,
            ])
            let result = try await DriftBinary.run(["apply", "-f", "apps"], in: root)
            #expect(result.status == 2)
            #expect(result.errorOutput == "error: \(message)\n")
            #expect(try await TestCluster.client().getIfPresent(Self.deploymentPath(namespace)) == nil, "nothing was applied")
        }
    }

    @Test("--notify-on without any webhook is an error, exit 2")
    func policyWithoutWebhook() async throws {
        try await TestCluster.withNamespace { namespace in
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            let result = try await DriftBinary.run(["apply", "-f", apps, "--notify-on", "always"])
            #expect(result.status == 2)
            #expect(result.errorOutput == "error: --notify-on needs a webhook: give --notify URL, or notify in drift.yaml\n")
            #expect(try await TestCluster.client().getIfPresent(Self.deploymentPath(namespace)) == nil)
        }
    }

    @Test("notifyOn drift (the default) sends only when something drifted or was remediated; always sends every run")
    func policy() async throws {
        try await TestCluster.withNamespace { namespace in
            let webhook = try await WebhookServer.start()
            defer { webhook.stop() }
            let root = try RepositorySourcesEndToEndTests.repository([
                "apps/deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace),
                "drift.yaml": Self.header + "notify: \(webhook.url)/hooks/drift\n",
            ])
            _ = try await TestCluster.kubectl(["apply", "--server-side", "-f", root + "/apps"])

            let inSync = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.errorOutput)")
            #expect(try webhook.bodies().isEmpty, "an in-sync run sends nothing by default")
            let heartbeat = try await DriftBinary.run(["diff", "-f", "apps", "--notify-on", "always"], in: root)
            #expect(heartbeat.status == 0)
            #expect(try webhook.bodies().map { $0["summary"]?["inSync"] } == [1])

            _ = try await TestCluster.kubectl(["-n", namespace, "scale", "deployment", "my-app", "--replicas=5"])
            let drifted = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(drifted.status == 1)
            let remediated = try await DriftBinary.run(["apply", "-f", "apps"], in: root)
            #expect(remediated.status == 0, "\(remediated.output)\(remediated.errorOutput)")
            let quiet = try await DriftBinary.run(["apply", "-f", "apps"], in: root)
            #expect(quiet.output.contains("1 unchanged"))
            let bodies = try webhook.bodies()
            #expect(bodies.map { $0["mode"] } == ["diff", "diff", "apply"], "the last apply had nothing to do")
            #expect(bodies[1]["summary"]?["drifted"] == 1)
            #expect(bodies[2]["applied"]?.arrayValue?.count == 1)

            // drift.yaml says always; the flag takes precedence over it.
            try (Self.header + "notify: \(webhook.url)/hooks/drift\nnotifyOn: always\n")
                .write(toFile: root + "/drift.yaml", atomically: true, encoding: .utf8)
            _ = try await DriftBinary.run(["diff", "-f", "apps"], in: root)
            #expect(try webhook.bodies().count == 4)
            _ = try await DriftBinary.run(["diff", "-f", "apps", "--notify-on", "drift"], in: root)
            #expect(try webhook.bodies().count == 4)
        }
    }

    @Test("the payload names the API server, the kubeconfig cluster and the context separately")
    func clusterAndContext() async throws {
        try await TestCluster.withNamespace { namespace in
            let webhook = try await WebhookServer.start()
            defer { webhook.stop() }
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])
            let result = try await DriftBinary.run(["diff", "-f", apps, "--notify", webhook.url + "/x"], context: .adminToken)
            #expect(result.status == 1, "\(result.output)\(result.errorOutput)")
            let body = try #require(try webhook.bodies().first)
            #expect(body["server"] == .string(try await TestCluster.server().serverURL))
            #expect(body["cluster"] == "local")
            #expect(body["context"] == "admin-token")
            #expect(body["text"]?.stringValue?.hasPrefix("kubectl-drift on local: ") == true)
        }
    }

    @Test("a failed delivery is one warning saying what failed and why; the run's result stands")
    func failedDelivery() async throws {
        try await TestCluster.withNamespace { namespace in
            let webhook = try await WebhookServer.start()
            defer { webhook.stop() }
            let apps = try DiffEndToEndTests.folder(["deployment.yaml": DemoScenario.deploymentManifest(namespace: namespace)])

            let rejected = try await DriftBinary.run(["diff", "-f", apps, "--notify", webhook.url + "/fail/SECRET-TOKEN"])
            #expect(rejected.status == 1, "the drift decides the exit status")
            #expect(rejected.errorOutput
                == "warning: the notification was not delivered: \(webhook.url) answered HTTP 500: invalid_payload\n")

            let port = try TestCluster.closedPort()
            let unreachable = try await DriftBinary.run(["diff", "-f", apps, "--notify", "http://127.0.0.1:\(port)/SECRET-TOKEN"])
            #expect(unreachable.status == 1)
            let warnings = unreachable.errorOutput.split(separator: "\n")
            #expect(warnings.count == 1, "\(unreachable.errorOutput)")
            #expect(warnings.first?.hasPrefix("warning: the notification was not delivered: cannot connect to http://127.0.0.1:\(port): ") == true,
                "\(unreachable.errorOutput)")
            for output in [rejected.errorOutput, unreachable.errorOutput] {
                #expect(!output.contains("SECRET-TOKEN"))
                #expect(!output.contains("not sent"))
            }
        }
    }
}
