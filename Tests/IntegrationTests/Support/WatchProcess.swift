import Foundation
import Synchronization
@testable import DriftKit

/// `kubectl-drift watch` running in the background against a local server, its output
/// collected as it comes, so that a test can wait for a line and then act on the cluster.
final class WatchProcess: Sendable {
    private let process: Process
    private let output = Collected()
    private let errors = Collected()

    /// Text arriving from another thread.
    final class Collected: Sendable {
        private let text = Mutex("")
        func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        var value: String { text.withLock { $0 } }
    }

    /// Starts `kubectl-drift watch ARGUMENTS --kubeconfig ... --context admin` in `folder`,
    /// against `server`, else the shared one.
    init(_ arguments: [String], in folder: String, server: LocalAPIServer? = nil) async throws {
        let kubeconfig = if let server { server.kubeconfigPath } else { try await TestCluster.server().kubeconfigPath }
        process = Process()
        process.executableURL = URL(fileURLWithPath: DriftBinary.path)
        process.arguments = ["watch"] + arguments + ["--kubeconfig", kubeconfig, "--context", "admin"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        let errors = self.errors
        outputPipe.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        errorPipe.fileHandleForReading.readabilityHandler = { errors.append($0.availableData) }
        try process.run()
    }

    deinit {
        if process.isRunning { process.interrupt() }
    }

    /// Everything printed on standard output so far.
    var printed: String { output.value }

    /// Everything printed on standard error so far.
    var errorOutput: String { errors.value }

    /// Waits until standard output holds `text` `count` times, at most `timeout` seconds;
    /// returns whether it did.
    func waitFor(_ text: String, count: Int = 1, timeout: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if printed.components(separatedBy: text).count - 1 >= count { return true }
            guard process.isRunning else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    func terminate(timeout: Double = 20) async -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
