import Foundation
import Testing
@testable import DriftKit

/// `kubectl drift demo` as a newcomer runs it: its own throwaway server, the drift found and
/// put back, then a teammate's commit merged with real `git pull` under git-drift-hook.
@Suite("kubectl drift demo, end to end", .timeLimit(.minutes(2)))
struct DemoEndToEndTests {
    /// Runs the demo with `environment` added, its output with standard error after it.
    private func demo(environment: [String: String] = [:]) async throws -> CommandResult {
        let words = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try await TestCluster.offThePool { try TestCluster.run(words + [DriftBinary.path, "demo", "--color=never"]) }
    }

    @Test("the drift is applied back, git pull previews and applies the teammate's commit, and all ends in sync")
    func wholeStory() async throws {
        let result = try await demo()
        #expect(result.status == 0, "\(result.errorOutput)")
        let output = result.output
        let scaled = try #require(output.range(of: "$ kubectl scale deployment my-app --replicas=5\n"))
        let apply = try #require(output.range(of: "$ kubectl drift apply -f apps/\n", range: scaled.upperBound..<output.endIndex))
        let pull = try #require(output.range(of: "$ git pull\n", range: apply.upperBound..<output.endIndex))
        let final = try #require(output.range(of: "$ kubectl drift diff -f apps/\n", range: pull.upperBound..<output.endIndex))

        let applied = String(output[apply.upperBound..<pull.lowerBound])
        #expect(applied.contains("applied  default    deployment.apps/my-app  apps/my-app.yaml:1\n"), "\(applied)")
        #expect(applied.contains("1 object: 1 applied, 0 unchanged, 0 failed, 0 skipped\n(exit status 0)\n"), "\(applied)")
        #expect(applied.contains("$ git-drift-hook install\npost-merge: installed in "), "\(applied)")

        // git's own output, then the hook's preview and its apply, as git ran them.
        let merged = String(output[pull.upperBound..<final.lowerBound])
        let lines = merged.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(merged.contains("Fast-forward\n apps/my-app.yaml | 4 ++--\n"), "\(merged)")
        #expect(lines.contains { $0.hasPrefix("update  deployment.apps/my-app  (namespace default)  apps/my-app.yaml:1") }, "\(merged)")
        #expect(lines.contains { $0.hasPrefix("/spec/replicas ") && $0.hasSuffix(" 3 → 4") }, "\(merged)")
        #expect(lines.contains { $0.hasPrefix("/spec/template/spec/containers/0/image ") && $0.contains(" nginx:1.21.0 → nginx:1.25.0") }, "\(merged)")
        #expect(merged.contains("drift: 1 to update\n"), "\(merged)")
        let reconciled = try #require(merged.range(of: "drift: 1 to update\n"))
        let reconcile = merged[reconciled.upperBound...]
        #expect(reconcile.contains("applied  default    deployment.apps/my-app  apps/my-app.yaml:1\n"), "\(merged)")
        #expect(reconcile.contains("1 object: 1 applied, 0 unchanged, 0 failed, 0 skipped\n"), "\(merged)")
        #expect(!merged.contains("warning"), "\(merged)")

        let last = String(output[final.upperBound...])
        #expect(last.contains("in-sync  default    deployment.apps/my-app  apps/my-app.yaml:1\n"), "\(last)")
        #expect(last.hasSuffix("1 object: 0 drifted, 0 missing, 1 in sync, 0 errors\n(exit status 0)\n"), "\(last)")
    }

    @Test("without git on PATH the demo says so in one line after the apply and exits 0")
    func withoutGit() async throws {
        // Only openssl, which the local server's certificates need.
        let tools = FileManager.default.temporaryDirectory.appendingPathComponent("drift-no-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tools) }
        let openssl = try #require(ExternalProcess.find("openssl", environment: ProcessInfo.processInfo.environment, currentDirectory: "/"))
        try FileManager.default.createSymbolicLink(atPath: tools + "/openssl", withDestinationPath: openssl)
        let result = try await demo(environment: ["PATH": tools])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasSuffix("""
            1 object: 1 applied, 0 unchanged, 0 failed, 0 skipped
            (exit status 0)

            # git is not on PATH: the rest of the demo (git pull under git-drift-hook) needs it.

            """), "\(result.output)")
    }
}
