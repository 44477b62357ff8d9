import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift apply` killed with SIGKILL at random points, 20 times, each time with Git
/// moved on (every value changed, objects added, the last run's added ones gone), every other
/// run with `--prune`: after each kill, nothing Git holds is lost, and a `diff` reports exactly
/// what the killed run did not apply (and, with `--prune`, what it did not prune); a last
/// `apply` converges and the `diff` after it finds nothing.
@Suite("apply killed with SIGKILL at random points", .serialized, .timeLimit(.minutes(6)))
struct ApplyInterruptionEndToEndTests {
    static let runs = 20
    /// Under a second of apply on two cores, so that 20 runs and the diffs after them stay
    /// within a minute when the machine is quiet (several when the whole suite shares it).
    static let objectCount = 60

    @Test("after each of 20 kills diff reports every object not applied or not pruned; nothing Git holds is deleted; the next apply converges")
    func killedApplies() async throws {
        try await TestCluster.withNamespace { namespace in
            let admin = try await TestCluster.client()
            let repository = try ConfigMapRepository(namespace: namespace, count: Self.objectCount)
            defer { repository.remove() }
            let flags = ["-f", repository.folder, "-n", namespace, "--applyset", "interrupted"]

            try repository.write(value: "0", extras: Self.extras(of: 0))
            let (first, applySeconds) = try await FaultToleranceEndToEndTests.timed {
                try await DriftBinary.run(["apply", "-y", "--prune"] + flags)
            }
            try #require(first.status == 0, "\(first.output.suffix(500))\(first.errorOutput)")

            var killed = 0
            // How long an apply takes now: a run that ends before its kill says it is shorter
            // (the first apply creates everything; a quieter machine is faster).
            var window = applySeconds
            for run in 1...Self.runs {
                let prune = run.isMultiple(of: 2) ? ["--prune"] : []
                let extras = Self.extras(of: run)
                try repository.write(value: "\(run)", extras: extras)
                let names = repository.names(extras: extras)
                let before = try repository.live(client: admin)
                let delay = Double.random(in: 0..<window)
                let (wasKilled, seconds) = try await Self.applyKilled(["apply", "-y"] + prune + flags, after: delay)
                if wasKilled { killed += 1 } else { window = max(0.05, seconds * 0.9) }

                let after = try await Self.settled(repository, admin: admin)
                let lost = names.filter { name in before[name].map { after[name]?.uid != $0.uid } ?? false }
                #expect(lost.isEmpty, "run \(run) (killed after \(delay)s) deleted what Git holds: \(lost.prefix(5))")

                let diff = try await DriftBinary.run(["diff", "-o", "json"] + prune + flags)
                let verdicts = RunVerdicts(diff, names: names, isApply: false)
                #expect(verdicts.problems.isEmpty && verdicts.failures.isEmpty, "run \(run): \(verdicts.summary)")
                let misreported = names.filter { name in
                    verdicts.outcomes[name] != (after[name] == nil ? "missing" : after[name]?.value == "\(run)" ? "in-sync" : "drifted")
                }
                let described = misreported.prefix(5).map { "\($0) \(verdicts.outcomes[$0] ?? "unreported"), live \(after[$0]?.value ?? "absent")" }
                #expect(misreported.isEmpty, "run \(run) (killed after \(delay)s) misreported: \(described)")
                if !prune.isEmpty {
                    let stale = Set(after.keys).subtracting(names).filter { !$0.hasPrefix(ConfigMapRepository.generateNamePrefix) }
                    let report = try JSONValue.parse(diff.output)
                    let prunable = Set((report["prune"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
                    #expect(prunable == stale, "run \(run) (killed after \(delay)s): prune \(prunable.sorted()) of \(stale.sorted())")
                }
            }
            // Most kills land before the run ends; if none did, the test proved nothing.
            #expect(killed >= Self.runs / 2, "only \(killed) of \(Self.runs) runs were killed (the first apply took \(applySeconds)s, the last window \(window)s)")

            try repository.write(value: "final")
            let last = try await DriftBinary.run(["apply", "-y", "--prune", "-o", "json"] + flags)
            let verdicts = RunVerdicts(last, names: repository.names(), isApply: true)
            #expect(verdicts.problems.isEmpty && verdicts.failures.isEmpty, "\(verdicts.summary)")
            let live = try repository.live(client: admin)
            #expect(Set(live.keys) == Set(repository.names()), "\(Set(live.keys).symmetricDifference(repository.names()).sorted())")
            #expect(live.values.allSatisfy { $0.value == "final" })
            let diff = try await DriftBinary.run(["diff", "--prune"] + flags)
            #expect(diff.status == 0, "\(diff.output.suffix(500))\(diff.errorOutput)")
        }
    }

    /// The live ConfigMaps once the killed run's last requests are done: the server finishes
    /// what it was sent after the client is gone, so two reads 300 ms apart must agree.
    static func settled(_ repository: ConfigMapRepository, admin: APIClient) async throws -> [String: (value: String?, uid: String)] {
        func read() throws -> [String: String] { try repository.live(client: admin).mapValues { "\($0.uid) \($0.value ?? "")" } }
        var last = try read()
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(300))
            let now = try read()
            if now == last { break }
            last = now
        }
        return try repository.live(client: admin)
    }

    /// Objects only one run's Git holds, so that the next run with `--prune` deletes them.
    static func extras(of run: Int) -> [String] {
        (0..<5).map { "extra-\(run)-\($0)" }
    }

    /// Runs `kubectl-drift arguments` against the shared server and sends it SIGKILL after
    /// `delay` seconds; whether it was killed (rather than done by then), and how long it ran.
    static func applyKilled(_ arguments: [String], after delay: Double) async throws -> (killed: Bool, seconds: Double) {
        let kubeconfig = try await TestCluster.server().kubeconfigPath
        return try await TestCluster.offThePool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: DriftBinary.path)
            process.arguments = arguments + ["--kubeconfig", kubeconfig, "--context", LocalAPIServer.Identity.admin.rawValue]
            process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": DriftBinary.cacheFolder]) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            let started = Date()
            try process.run()
            // Killed only while still running, so that the signal never reaches a process reusing its pid.
            if exited.wait(timeout: .now() + delay) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
            process.waitUntilExit()
            return (process.terminationReason == .uncaughtSignal, Date().timeIntervalSince(started))
        }
    }
}

