import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a helper program (`kubectl kustomize`, `helm template`, an exec credential plugin) to
/// completion: arguments passed as a list (never through a shell), standard input on
/// /dev/null, both output streams read concurrently so neither pipe can fill up, and an
/// optional time limit.
struct ExternalProcess {
    struct Output {
        var stdout: Data
        var stderr: Data
        /// The exit status, or nil when the process was killed by a signal.
        var status: Int32?
        /// The signal that ended the process, if any.
        var signal: Int32?
        var timedOut: Bool

        var succeeded: Bool { status == 0 && !timedOut }

        var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        /// How the process ended, for messages: `exit status 1`, `signal 9`.
        var ending: String {
            if timedOut { return "timed out" }
            if let status { return "exit status \(status)" }
            return "signal \(signal ?? 0)"
        }
    }

    /// Why the process could not be started.
    struct LaunchError: Error {
        var reason: String
        var isTextFileBusy = false
    }

    /// Launch attempts while the executable is busy being written (ETXTBSY).
    static let busyRetries = 5

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var currentDirectory: String?
    /// Seconds before the process is terminated (SIGTERM, then SIGKILL two seconds later);
    /// `.infinity` waits as long as it runs.
    var timeout: TimeInterval
    /// Standard error goes to the standard output pipe, interleaved as a terminal shows them
    /// (`Output.stderr` stays empty).
    var mergesErrorOutput = false

    /// Runs the program. A program being replaced as it starts (a package update, or a forked
    /// process still holding the file open for writing) fails with "Text file busy" for a
    /// moment: that launch is retried after a short pause.
    func run() throws(LaunchError) -> Output {
        var attempt = 1
        while true {
            do {
                return try runOnce()
            } catch let failure where failure.isTextFileBusy && attempt < Self.busyRetries {
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
                attempt += 1
            }
        }
    }

    private func runOnce() throws(LaunchError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = mergesErrorOutput ? stdoutPipe : stderrPipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw LaunchError(
                reason: Self.launchFailureReason(error, executable: executable), isTextFileBusy: Self.posixCode(of: error) == ETXTBSY)
        }
        let stdoutCollector = PipeCollector(stdoutPipe.fileHandleForReading)
        let stderrCollector = PipeCollector(stderrPipe.fileHandleForReading)
        // Unused when merged: its writing end is closed so that the reader sees the end.
        if mergesErrorOutput { try? stderrPipe.fileHandleForWriting.close() }

        var timedOut = false
        if timeout.isInfinite {
            exited.wait()
        } else if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // A grandchild may still hold the pipes open after a kill: do not wait for it forever.
        let grace: TimeInterval = timedOut ? 2 : .infinity
        let stdout = stdoutCollector.wait(seconds: grace)
        let stderr = stderrCollector.wait(seconds: grace)

        let status: Int32?
        let signal: Int32?
        switch process.terminationReason {
        case .exit:
            status = process.terminationStatus
            signal = nil
        case .uncaughtSignal:
            status = nil
            signal = process.terminationStatus
        @unknown default:
            status = process.terminationStatus
            signal = nil
        }
        return Output(stdout: stdout, stderr: stderr, status: status, signal: signal, timedOut: timedOut)
    }

    /// The first executable named `name` on `PATH` (or `name` itself when it holds a `/`,
    /// relative names resolved against `currentDirectory`).
    static func find(_ name: String, environment: [String: String], currentDirectory: String) -> String? {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : (currentDirectory as NSString).appendingPathComponent(name)
            return FileManager.default.isExecutableFile(atPath: path) ? (path as NSString).standardizingPath : nil
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = (String(folder) as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    private static func launchFailureReason(_ error: any Error, executable: String) -> String {
        if !FileManager.default.isExecutableFile(atPath: executable) { return "\(executable) is not executable" }
        if let code = posixCode(of: error) { return String(cString: strerror(code)) }
        return error.localizedDescription
    }

    private static func posixCode(of error: any Error) -> Int32? {
        let error = error as NSError
        guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        else { return nil }
        return Int32(underlying.code)
    }
}

/// Reads a pipe to its end on a background queue.
private final class PipeCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    /// Written by the reading thread, under `lock`.
    private var data = Data()

    init(_ handle: FileHandle) {
        DispatchQueue.global(qos: .userInitiated).async {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.lock.lock()
                self.data.append(chunk)
                self.lock.unlock()
            }
            self.done.signal()
        }
    }

    /// Everything read once the stream ends, or what was read so far after `seconds`.
    func wait(seconds: TimeInterval) -> Data {
        if seconds.isInfinite {
            done.wait()
        } else {
            _ = done.wait(timeout: .now() + seconds)
        }
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
