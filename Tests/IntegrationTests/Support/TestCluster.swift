import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// The local API server shared by every integration test of this process, and helpers for tests.
///
/// The server starts on first use, on a thread of its own so that the tests waiting for
/// it leave the concurrency pool (two threads on two cores) to the tests that do not need
/// it. It stops when the process exits. Without envtest assets every test that needs it
/// fails with the reason; none is skipped.
enum TestCluster {
    /// Created, and so started, on first use; a static constant is initialised once.
    private static let startup = Task<LocalAPIServer, any Error> {
        try await offThePool { () throws(LocalClusterError) in
            let assets = try LocalAPIServer.findAssets(environment: ProcessInfo.processInfo.environment)
            let server = try LocalAPIServer.start(assets: assets)
            started.withLock { $0 = server }
            atexit { TestCluster.stopAtExit() }
            return server
        }
    }

    /// The server once started, for the exit handler, which cannot wait for `startup`.
    private static let started = Mutex<LocalAPIServer?>(nil)

    private static func stopAtExit() {
        started.withLock { $0 }?.stop()
    }

    /// The shared server, started on first use.
    static func server() async throws -> LocalAPIServer {
        try await startup.value
    }

    /// A server of a suite's own, for a suite that restarts it or breaks its connections;
    /// its exit watchdog ends it with the test process.
    static func startOwnServer() async throws -> LocalAPIServer {
        try await offThePool { () throws(LocalClusterError) in
            try LocalAPIServer.start(assets: LocalAPIServer.findAssets(environment: ProcessInfo.processInfo.environment))
        }
    }

    /// Runs blocking work (starting a server, libcurl calls) on a thread of its own.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result(catching: body)) }
        }
    }

    /// A connection to the shared server as `identity`.
    static func connection(_ identity: LocalAPIServer.Identity = .admin) async throws -> ClusterConnection {
        try await server().connection(for: identity)
    }

    /// An API client for the shared server as `identity`.
    static func client(
        _ identity: LocalAPIServer.Identity = .admin, options: CurlTransport.Options = CurlTransport.Options()
    ) async throws -> APIClient {
        APIClient(transport: try CurlTransport(connection: await connection(identity), options: options))
    }

    /// Runs `body` with a namespace of its own, created for it and deleted afterwards.
    static func withNamespace<T>(_ body: (String) async throws -> T) async throws -> T {
        let admin = try await client()
        let name = "it-" + String((0..<10).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        try create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]],
            in: "/api/v1/namespaces", client: admin)
        // Without a controller manager the namespace stays Terminating; the server's data
        // goes with its directory.
        defer { _ = try? admin.json(HTTPRequest(method: .delete, path: "/api/v1/namespaces/\(name)")) }
        return try await body(name)
    }

    /// Creates `object` in the collection at `path`.
    @discardableResult
    static func create(_ object: JSONValue, in path: String, client: APIClient) throws -> JSONValue {
        try client.json(HTTPRequest(
            method: .post, path: path, headers: ["Content-Type": "application/json"], body: object.jsonData))
    }

    /// Runs the real `kubectl` (`$KUBECTL`, else the one in PATH) with the kubeconfig of `server`,
    /// else the shared one; `environment` is added to the test process's (such as `KUBE_EDITOR`
    /// for `kubectl edit`).
    static func kubectl(
        _ arguments: [String], context: LocalAPIServer.Identity? = nil, environment: [String: String] = [:],
        server: LocalAPIServer? = nil
    ) async throws -> CommandResult {
        let kubeconfig = if let server { server.kubeconfigPath } else { try await Self.server().kubeconfigPath }
        let executable = ProcessInfo.processInfo.environment["KUBECTL"] ?? "kubectl"
        // `run` starts the command through env(1), which takes NAME=VALUE words first.
        let commandLine = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [executable, "--kubeconfig", kubeconfig]
            + (context.map { ["--context", $0.rawValue] } ?? []) + arguments
        return try await offThePool { try run(commandLine) }
    }

    /// Runs a command found in PATH and waits for it; `input` becomes its standard input.
    static func run(_ commandLine: [String], input: String? = nil, in folder: String? = nil) throws -> CommandResult {
        // Standard error goes to a file so that neither output can fill a pipe and block the command.
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("drift-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorPath) }
        let errorFile = try FileHandle(forWritingTo: errorPath)
        defer { try? errorFile.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = commandLine
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorFile
        let inputPath = errorPath.deletingPathExtension().appendingPathExtension("in")
        defer { try? FileManager.default.removeItem(at: inputPath) }
        if let input {
            try input.write(to: inputPath, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: inputPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            errorOutput: String(decoding: try Data(contentsOf: errorPath), as: UTF8.self))
    }

    /// A port on 127.0.0.1 that nothing listens on.
    static func closedPort() throws -> Int {
        try LoopbackPorts.reserve(1)[0]
    }
}
