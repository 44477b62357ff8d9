import Foundation
import Testing
@testable import DriftKit

/// The binary called as scripts call kubectl: global flags before the command.
@Suite("kubectl's global flags before the command, end to end")
struct GlobalFlagsEndToEndTests {
    @Test("kubectl-drift --kubeconfig KC --context CTX -n NS diff -f DIR checks that cluster and namespace")
    func beforeTheCommand() async throws {
        try await TestCluster.withNamespace { namespace in
            let folder = try DiffEndToEndTests.folder([
                "settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
            ])
            let kubeconfig = try await TestCluster.server().kubeconfigPath
            let run = try await DriftBinary.runPlain([
                "--kubeconfig", kubeconfig, "--context", LocalAPIServer.Identity.admin.rawValue, "-n", namespace,
                "diff", "-f", folder, "-o", "json",
            ])
            #expect(run.status == 1, "missing, so drift: \(run.output)\(run.errorOutput)")
            let object = try #require(JSONValue.parse(run.output)["objects"]?.arrayValue?.first)
            #expect(object["namespace"] == .string(namespace), "the namespace given before the command")
            #expect(object["status"] == "missing")
        }
    }
}
