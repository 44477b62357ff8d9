import DriftKit
import Foundation

/// `kubectl drift demo`: the scale-drift scenario on a throwaway local API server.
///
/// Everything a newcomer needs to see drift detected without owning a cluster: a Deployment
/// applied from "Git", scaled by hand, and found drifted field by field.
struct DemoCommand {
    let invocation: DemoInvocation
    let environment = ProcessInfo.processInfo.environment

    func run(output: inout StandardStream) throws -> Int32 {
        let assets = try LocalAPIServer.findAssets(environment: environment)
        StandardStream.printError("Starting a throwaway kube-apiserver and etcd from \(assets.path) ...")
        let started = Date()
        let server = try LocalAPIServer.start(assets: assets)
        defer { server.stop() }
        StandardStream.printError(String(format: "Ready at %@ in %.1fs.", server.serverURL, Date().timeIntervalSince(started)))

        let color = invocation.color.isEnabled(isTerminal: StandardStream.isOutputTerminal, environment: environment)
        let connection = server.connection(for: .admin)
        let client = APIClient(transport: try CurlTransport(connection: connection))
        let manifests = try ManifestLoader.parse([ManifestFile(path: DemoScenario.manifestPath, text: DemoScenario.deploymentManifest())])
        let detector = DriftDetector(client: client, connection: connection, options: DriftOptions())
        let deployment = manifests[0]
        let objectPath = "/apis/apps/v1/namespaces/default/deployments/my-app"

        output.write("# Git says: \(DemoScenario.manifestPath) (Deployment my-app, replicas: 3, image nginx:1.21.0)\n")
        output.write("$ kubectl apply --server-side -f \(DemoScenario.manifestPath)\n")
        _ = try client.apply(deployment.object, at: objectPath, fieldManager: "kubectl", force: false, dryRun: false)
        output.write("deployment.apps/my-app serverside-applied\n\n")

        output.write("$ kubectl drift diff -f apps/\n")
        let before = try detector.detect(manifests)
        TextReporter(color: color).write(before, to: &output)
        output.write("(exit status \(before.exitCode))\n\n")

        output.write("# Someone changes the cluster by hand:\n$ kubectl scale deployment my-app --replicas=5\n")
        _ = try client.mergePatch(["spec": ["replicas": 5]], at: objectPath + "/scale", fieldManager: "kubectl")
        output.write("deployment.apps/my-app scaled\n\n")

        output.write("$ kubectl drift diff -f apps/\n")
        let after = try detector.detect(manifests)
        TextReporter(color: color).write(after, to: &output)
        output.write("(exit status \(after.exitCode))\n")

        guard before.exitCode == 0, after.exitCode == 1,
            after.objects.first?.changes.contains(where: { $0.path == "/spec/replicas" }) == true
        else {
            throw DemoError.unexpectedResult(before: before.exitCode, after: after.exitCode)
        }
        if invocation.keep {
            output.write("\nThe demo cluster keeps running until you press Ctrl-C. To use it:\n")
            output.write("export KUBECONFIG=\(server.kubeconfigPath)\n")
            output.flush()
            SignalWaiter.waitForTermination()
        }
        return 0
    }
}

/// Why the demo did not show what it should.
enum DemoError: Error, CustomStringConvertible {
    case unexpectedResult(before: Int32, after: Int32)

    var description: String {
        switch self {
        case let .unexpectedResult(before, after):
            return "the demo expected in sync (exit 0) after the apply and drift (exit 1) after the scale, "
                + "but got exit \(before) and exit \(after)"
        }
    }
}
