import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift diff` and `apply` of 500 objects against a real kube-apiserver that breaks
/// in the middle of the run: through a `FaultProxy` that resets connections at random points
/// or stalls past the request timeout, or with the server restarted. Every object is checked
/// or reported not checked with the reason, the run exits 2 when any was not, it ends within
/// its timeouts, and nothing is created twice; afterwards a clean `diff` tells exactly what
/// the broken run did and did not apply, and a clean `apply` converges.
///
/// Where the faults come from, and why: resets and stalls are the proxy's, at the TCP level,
/// since TLS passes through it untouched and it cannot speak HTTP inside; the restart is the
/// real server's, and so is 429 with Retry-After: API Priority and Fairness rejecting a
/// ServiceAccount put in a priority level too small for its requests (`ThrottledIdentity`).
/// 503 with Retry-After is left to the fake server of `CurlTransportFaultTests`: a real
/// kube-apiserver gives it on no cue a test can set, and the transport retries it as it does 429.
///
/// The suite has a server of its own, since restarting the shared one would break the tests
/// running beside it. Serialized: each test keeps both cores busy.
@Suite("faults on the real server under diff and apply", .serialized, .timeLimit(.minutes(4)))
struct FaultToleranceEndToEndTests {
    private static let ownServer = Task { try await TestCluster.startOwnServer() }

    /// The suite's server, an admin client of it, and a new namespace there named for `purpose`.
    private static func ownServerNamespace(_ purpose: String) async throws -> (LocalAPIServer, APIClient, String) {
        let server = try await ownServer.value
        let admin = APIClient(transport: try CurlTransport(connection: server.connection(for: .admin)))
        let namespace = "faults-\(purpose)-" + UUID().uuidString.prefix(6).lowercased()
        try TestCluster.create(
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]],
            in: "/api/v1/namespaces", client: admin)
        return (server, admin, namespace)
    }

    static let objectCount = 500
    /// Short, so that stalled requests give up quickly; the runs without faults keep the default.
    static let requestTimeout = 2.0

    enum Fault: String, CaseIterable, CustomStringConvertible, Sendable {
        /// Connections reset at random points of requests and answers, all run long.
        case resets
        /// Every byte held for longer than the request timeout, from part of the way in.
        case stall
        /// kube-apiserver restarted, part of the way in.
        case restart

        var description: String { rawValue }
    }

    @Test("every object is checked or reported not checked with the reason; exit 2 when any was not; no hang, no duplicate",
        arguments: Fault.allCases)
    func diffAndApplyUnderFault(_ fault: Fault) async throws {
        let (server, admin, namespace) = try await Self.ownServerNamespace("\(fault)")
        let repository = try ConfigMapRepository(namespace: namespace, count: Self.objectCount)
        defer { repository.remove() }
        try repository.write(value: "1")
        let names = repository.names()
        let targetPort = try #require(URLComponents(string: server.serverURL)?.port)
        let proxy = try FaultProxy(targetPort: targetPort)
        defer { proxy.close() }
        let throughProxy = try ConfigMapRepository.kubeconfig(server, through: proxy)
        let diff = ["diff", "-f", repository.folder, "-o", "json", "--no-cache"]
        let apply = ["apply", "-f", repository.folder, "-o", "json", "--no-cache"]

        // A run without faults through the proxy: the bytes and time a whole diff takes, to
        // strike in the middle of the next ones and to bound them by.
        let before = proxy.forwarded
        let (clean, cleanSeconds) = try await Self.timed { try await DriftBinary.run(diff, kubeconfig: throughProxy) }
        let cleanVerdicts = RunVerdicts(clean, names: names, isApply: false)
        #expect(cleanVerdicts.problems.isEmpty && cleanVerdicts.failures.isEmpty, "\(cleanVerdicts.summary)")
        let diffBytes = proxy.forwarded - before

        // diff strikes a third of the way in; apply, once its writes have begun (its detection
        // takes about what a diff does).
        let faultyDiff = try await run(diff, under: fault, afterBytes: diffBytes / 3, proxy: proxy, server: server, kubeconfig: throughProxy)
        let diffVerdicts = RunVerdicts(faultyDiff.result, names: names, isApply: false)
        #expect(diffVerdicts.problems.isEmpty, "diff under \(fault): \(diffVerdicts.summary)")
        #expect(faultyDiff.seconds < Self.bound(clean: cleanSeconds, fault: faultyDiff.faultSeconds),
            "diff under \(fault) took \(faultyDiff.seconds)s; clean \(cleanSeconds)s")

        let faultyApply = try await run(
            apply, under: fault, afterBytes: diffBytes * 4 / 3, proxy: proxy, server: server, kubeconfig: throughProxy)
        let applyVerdicts = RunVerdicts(faultyApply.result, names: names, isApply: true)
        #expect(applyVerdicts.problems.isEmpty, "apply under \(fault): \(applyVerdicts.summary)")
        #expect(faultyApply.seconds < Self.bound(clean: 2 * cleanSeconds, fault: faultyApply.faultSeconds),
            "apply under \(fault) took \(faultyApply.seconds)s; clean diff \(cleanSeconds)s")
        #expect(!faultyApply.result.output.contains("AlreadyExists") && !faultyApply.result.errorOutput.contains("AlreadyExists"))
        if fault == .resets {
            // A reset is retried: every request here is idempotent (reads, server-side applies),
            // or was not sent yet when the TLS handshake broke.
            #expect(diffVerdicts.failures.isEmpty && applyVerdicts.failures.isEmpty && proxy.resetCount > 0,
                "\(proxy.resetCount) resets: \(diffVerdicts.summary) \(applyVerdicts.summary)")
        } else {
            // A stall or a restart is not hidden.
            #expect(!diffVerdicts.failures.isEmpty && !applyVerdicts.failures.isEmpty,
                "the \(fault) struck no request: \(diffVerdicts.summary) \(applyVerdicts.summary)")
        }

        try await checkAfterwards(repository, applied: applyVerdicts, server: server, admin: admin)
    }

    @Test("a cluster that answers nothing from the start: one error for the run, naming the cluster and the timeout, exit 2, in time")
    func stalledFromTheStart() async throws {
        let server = try await Self.ownServer.value
        let targetPort = try #require(URLComponents(string: server.serverURL)?.port)
        let proxy = try FaultProxy(targetPort: targetPort)
        defer { proxy.close() }
        proxy.stall()
        let throughProxy = try ConfigMapRepository.kubeconfig(server, through: proxy)
        let repository = try ConfigMapRepository(namespace: "default", count: 10)
        defer { repository.remove() }
        try repository.write(value: "1")
        for command in ["diff", "apply"] {
            let (result, seconds) = try await Self.timed {
                try await DriftBinary.run(
                    [command, "-f", repository.folder, "-o", "json", "--request-timeout", "\(Int(Self.requestTimeout))s"],
                    kubeconfig: throughProxy)
            }
            // Nothing was compared, so there is no report: the run's first request says why, once.
            #expect(result.status == 2 && result.output.isEmpty, "\(command): \(result.output.prefix(300))")
            #expect(result.errorOutput.contains("cannot reach the cluster at https://127.0.0.1:\(proxy.port)")
                && result.errorOutput.contains("within \(Int(Self.requestTimeout))s"), "\(command): \(result.errorOutput)")
            #expect(seconds < 2 * Self.requestTimeout + 5, "\(command) took \(seconds)s")
        }
    }

    @Test("429 with Retry-After from the real server (API Priority and Fairness): every object checked or reported with the reason, the rejections real")
    func throttled() async throws {
        let (server, admin, namespace) = try await Self.ownServerNamespace("429")
        let throttled = try await ThrottledIdentity.create(in: namespace, server: server, admin: admin)
        // Fewer objects: a request waits a second on each 429, and most meet several.
        let repository = try ConfigMapRepository(namespace: namespace, count: 100)
        defer { repository.remove() }
        try repository.write(value: "1")
        let rejectedBefore = try throttled.rejections(admin: admin)
        // Each object's requests wait at most a second before each retry, eight objects at a time.
        let bound = Double(repository.count * (RetryPolicy().maxAttempts - 1)) / Double(DriftOptions.defaultConcurrency) + 30

        func run(_ command: String) async throws -> RunVerdicts {
            let (result, seconds) = try await Self.timed {
                try await DriftBinary.run([command, "-f", repository.folder, "-o", "json", "--no-cache"], kubeconfig: throttled.kubeconfig)
            }
            let verdicts = RunVerdicts(result, names: repository.names(), isApply: command == "apply")
            #expect(verdicts.problems.isEmpty, "\(command) throttled: \(verdicts.summary)")
            #expect(verdicts.failures.values.allSatisfy { $0.contains("429") }, "\(command) throttled: \(verdicts.summary)")
            #expect(seconds < bound, "\(command) throttled took \(seconds)s")
            return verdicts
        }
        _ = try await run("diff")
        let applied = try await run("apply")
        #expect(try throttled.rejections(admin: admin) > rejectedBefore, "the server rejected nothing: no 429 was met")
        try await checkAfterwards(repository, applied: applied, server: server, admin: admin)
    }

    @Test("the ApplySet parent refused: every object reported not applied with the reason, exit 2, nothing written or pruned")
    func parentRefused() async throws {
        let (server, admin, namespace) = try await Self.ownServerNamespace("parent")
        // The readonly identity may also write ConfigMaps here, not Secrets: the real server
        // refuses the parent Secret, on cue, after every object was compared.
        let rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)"
        try TestCluster.create(
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "configmaps"],
             "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "patch", "update"]]]],
            in: rbac + "/roles", client: admin)
        try TestCluster.create(
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "configmaps"],
             "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "configmaps"],
             "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string(LocalAPIServer.Identity.readonly.rawValue)]]],
            in: rbac + "/rolebindings", client: admin)
        let repository = try ConfigMapRepository(namespace: namespace, count: 50)
        defer { repository.remove() }
        try repository.write(value: "1")

        let flags = ["-f", repository.folder, "-n", namespace, "--context", LocalAPIServer.Identity.readonly.rawValue]
        // The authorizer learns of the binding through a watch, a moment later.
        #expect(await WatchEndToEndTests.eventually {
            try await DriftBinary.run(["diff"] + flags, kubeconfig: server.kubeconfigPath).status == 1
        })
        let apply = try await DriftBinary.run(["apply", "--prune", "-o", "json"] + flags, kubeconfig: server.kubeconfigPath)
        let verdicts = RunVerdicts(apply, names: repository.names(), isApply: true)
        #expect(verdicts.problems.isEmpty, "\(verdicts.summary)")
        #expect(verdicts.failures.count == repository.count, "\(verdicts.summary)")
        #expect(verdicts.failures.values.allSatisfy { $0.contains("ApplySet parent") }, "\(verdicts.summary)")
        let report = try JSONValue.parse(apply.output)
        #expect(report["pruneProblems"]?.arrayValue?.count == 1, "\(apply.output.suffix(400))")
        #expect(try repository.live(client: admin).isEmpty, "nothing the parent does not record is written")
    }

    /// Without faults: a `diff` reports exactly what the broken apply left, an object it applied
    /// in sync; an `apply` converges, creating nothing twice and none of the generateName
    /// object; a last `diff` finds nothing.
    private func checkAfterwards(
        _ repository: ConfigMapRepository, applied: RunVerdicts, server: LocalAPIServer, admin: APIClient
    ) async throws {
        let names = repository.names()
        let left = try repository.live(client: admin)
        for (name, outcome) in applied.outcomes where RunVerdicts.doneResults.contains(outcome) {
            #expect(left[name]?.value == "1", "\(name) reported \(outcome) but is \(String(describing: left[name]))")
        }
        let diff = try await DriftBinary.run(
            ["diff", "-f", repository.folder, "-o", "json", "--no-cache"], kubeconfig: server.kubeconfigPath)
        let diffVerdicts = RunVerdicts(diff, names: names, isApply: false)
        #expect(diffVerdicts.problems.isEmpty && diffVerdicts.failures.isEmpty, "\(diffVerdicts.summary)")
        let misreported = names.filter { name in
            diffVerdicts.outcomes[name] != (left[name] == nil ? "missing" : left[name]?.value == "1" ? "in-sync" : "drifted")
        }
        #expect(misreported.isEmpty, "\(misreported.prefix(5)) misreported: \(diffVerdicts.summary)")

        let apply = try await DriftBinary.run(["apply", "-f", repository.folder, "-o", "json"], kubeconfig: server.kubeconfigPath)
        let applyVerdicts = RunVerdicts(apply, names: names, isApply: true)
        #expect(applyVerdicts.problems.isEmpty && applyVerdicts.failures.isEmpty, "\(applyVerdicts.summary)")
        let converged = try repository.live(client: admin)
        #expect(names.allSatisfy { converged[$0]?.value == "1" })
        #expect(converged.keys.filter { $0.hasPrefix("cm-") }.count == names.count)
        #expect(!converged.keys.contains { $0.hasPrefix(ConfigMapRepository.generateNamePrefix) }, "a generateName object was created")
        let replaced = left.filter { name, state in converged[name].map { $0.uid != state.uid } ?? true }
        #expect(replaced.isEmpty, "deleted or created again: \(replaced.keys.sorted().prefix(5))")

        let last = try await DriftBinary.run(["diff", "-f", repository.folder], kubeconfig: server.kubeconfigPath)
        #expect(last.status == 0, "\(last.output.prefix(500))\(last.errorOutput.prefix(500))")
    }

    /// A run that met a fault: what it printed, how long it took, and how long the fault lasted.
    struct FaultyRun {
        var result: CommandResult
        var seconds: Double
        var faultSeconds: Double
    }

    /// Runs `kubectl-drift arguments` through `proxy` with `fault` struck once the server has
    /// sent `afterBytes` (resets strike all along).
    private func run(
        _ arguments: [String], under fault: Fault, afterBytes: Int, proxy: FaultProxy, server: LocalAPIServer,
        kubeconfig: String
    ) async throws -> FaultyRun {
        let arguments = arguments + ["--request-timeout", "\(Int(Self.requestTimeout))s"]
        let strike: (@Sendable () async throws -> Void)?
        switch fault {
        case .resets:
            proxy.resetAtRandom(chance: 0.01)
            strike = nil
        case .stall:
            strike = {
                proxy.stall()
                try await Task.sleep(for: .seconds(Self.requestTimeout * 2.5))
                proxy.resume()
            }
        case .restart:
            strike = { try await TestCluster.offThePool { try server.restartAPIServer() } }
        }
        defer { proxy.resetAtRandom(chance: 0) }
        let start = proxy.forwarded
        let began = Date()
        async let result = DriftBinary.run(arguments, kubeconfig: kubeconfig)
        var faultSeconds = 0.0
        if let strike {
            let reached = await proxy.waitUntilForwarded(afterBytes, since: start)
            let struck = Date()
            try await strike()
            faultSeconds = Date().timeIntervalSince(struck)
            #expect(reached, "the run ended before the \(fault) could strike")
        }
        let finished = try await result
        return FaultyRun(result: finished, seconds: Date().timeIntervalSince(began), faultSeconds: faultSeconds)
    }

    /// The most a run under a fault may take: its clean time (thrice, for cores shared with
    /// other tests), the fault, and a request timeout for each retry a request may make.
    private static func bound(clean: Double, fault: Double) -> Double {
        3 * clean + fault + Double(RetryPolicy().maxAttempts) * requestTimeout + 10
    }

    static func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let began = Date()
        let value = try await body()
        return (value, Date().timeIntervalSince(began))
    }
}
