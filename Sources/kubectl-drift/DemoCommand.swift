import DriftKit
import Foundation

/// `kubectl drift demo`: the scale-drift scenario on a throwaway local API server, then a
/// teammate's commit merged with `git pull` under git-drift-hook.
///
/// Everything a newcomer needs to see without owning a cluster: a Deployment applied from
/// "Git", scaled by hand, found drifted field by field and put back; then real `git` running
/// the installed hook, which previews what the merge changes in the cluster and applies it.
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

        // From its first apply on, kubectl-drift records ownership in an ApplySet, as the CLI
        // and the hook do (the demo's, which its drift.yaml names); before it, the object
        // kubectl applied is not a member yet.
        var owning = detector.options
        owning.membership = try ApplySetMembership.checked(
            ApplySet(name: DemoScenario.applySetName, namespace: connection.namespace), prune: false, repository: nil,
            client: client
        ).membership
        let owner = DriftDetector(client: client, connection: connection, options: owning)
        output.write("\n$ kubectl drift apply -f apps/\n")
        let remediation = try Remediator(detector: owner, options: RemediationOptions()).remediate(manifests)
        RemediationReporter(color: color).write(remediation, to: &output)
        output.write("(exit status \(remediation.exitCode))\n")
        guard remediation.exitCode == 0 else { throw DemoError.notInSync(step: "kubectl drift apply", exit: remediation.exitCode) }

        // A kubectl plugin manager installs kubectl-drift alone: the demo then ends here.
        switch (DemoRepositories.findGit(environment: environment), hookFolder()) {
        case let (git?, tools?):
            try playMerge(git: git, tools: tools, server: server, detector: owner, color: color, output: &output)
        case (nil, _):
            output.write("\n# git is not on PATH: the rest of the demo (git pull under git-drift-hook) needs it.\n")
        case (_, nil):
            output.write("\n# git-drift-hook is not installed beside kubectl-drift: the rest of the demo (git pull under "
                + "git-drift-hook) needs it; ./install.sh installs both.\n")
        }
        if invocation.keep {
            output.write("\nThe demo cluster keeps running until you press Ctrl-C. To use it:\n")
            output.write("export KUBECONFIG=\(server.kubeconfigPath)\n")
            output.flush()
            SignalWaiter.waitForTermination()
        }
        return 0
    }

    /// The teammate's commit merged with `git pull` by real git, which runs the installed
    /// hook: its preview and its apply are git's own output; then the cluster is checked.
    private func playMerge(
        git: String, tools: String, server: LocalAPIServer, detector: DriftDetector, color: Bool, output: inout StandardStream
    ) throws {
        let repos = try DemoRepositories(git: git, toolFolder: tools, kubeconfig: server.kubeconfigPath)
        try repos.git(["init", "-q", "--bare", "-b", "main", repos.remote], in: repos.base)
        try repos.git(["init", "-q", "-b", "main", repos.repo], in: repos.base)
        try repos.write(DemoScenario.deploymentManifest(), to: DemoScenario.manifestPath, in: repos.repo)
        let context = LocalAPIServer.Identity.admin.rawValue
        try repos.write(DemoScenario.driftConfig(context: context), to: DriftConfig.fileName, in: repos.repo)
        try repos.git(["add", "."], in: repos.repo)
        try repos.git(["commit", "-q", "-m", "my-app: 3 replicas of nginx:1.21.0"], in: repos.repo)
        try repos.git(["remote", "add", "origin", repos.remote], in: repos.repo)
        try repos.git(["push", "-q", "-u", "origin", "main"], in: repos.repo)
        try repos.git(["clone", "-q", repos.remote, repos.teammate], in: repos.base)
        let merged = DemoScenario.deploymentManifest(replicas: DemoScenario.teammateReplicas, image: DemoScenario.teammateImage)
        try repos.write(merged, to: DemoScenario.manifestPath, in: repos.teammate)
        let message = "my-app: \(DemoScenario.teammateReplicas) replicas of \(DemoScenario.teammateImage)"
        try repos.git(["commit", "-q", "-am", message], in: repos.teammate, author: "Teammate")
        try repos.git(["push", "-q"], in: repos.teammate)

        output.write("\n# Your clone's \(DriftConfig.fileName) pins this cluster (context \(context)) with hook.reconcile: apply.\n")
        output.write("# A teammate pushed \"\(message)\". You install the hook and pull:\n")
        output.write("$ git-drift-hook install\n")
        output.write(try repos.run(tools + "/git-drift-hook", ["install"], in: repos.repo))
        output.write("\n$ git pull\n")
        output.write(try repos.git(["pull"], in: repos.repo))

        output.write("\n$ kubectl drift diff -f apps/\n")
        let final = try detector.detect(try ManifestLoader.parse([ManifestFile(path: DemoScenario.manifestPath, text: merged)]))
        TextReporter(color: color).write(final, to: &output)
        output.write("(exit status \(final.exitCode))\n")
        guard final.exitCode == 0 else { throw DemoError.notInSync(step: "git pull", exit: final.exitCode) }
    }

    /// The folder holding this `kubectl-drift`, when `git-drift-hook` is installed beside it.
    private func hookFolder() -> String? {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let folder = executable.resolvingSymlinksInPath().deletingLastPathComponent().path
        return FileManager.default.isExecutableFile(atPath: folder + "/git-drift-hook") ? folder : nil
    }
}

/// Why the demo did not show what it should.
enum DemoError: Error, CustomStringConvertible {
    case unexpectedResult(before: Int32, after: Int32)
    /// After `step`, `kubectl drift diff` still found drift (its exit status).
    case notInSync(step: String, exit: Int32)

    var description: String {
        switch self {
        case let .unexpectedResult(before, after):
            return "the demo expected in sync (exit 0) after the apply and drift (exit 1) after the scale, "
                + "but got exit \(before) and exit \(after)"
        case let .notInSync(step, exit):
            return "the demo expected the cluster in sync after \(step), but kubectl drift diff exits \(exit)"
        }
    }
}
