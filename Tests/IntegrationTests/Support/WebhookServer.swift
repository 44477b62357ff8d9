import Foundation
@testable import DriftKit

/// A webhook on 127.0.0.1 that keeps every POST body it receives, for the notification tests.
///
/// A small Python HTTP server: it answers 204, or 500 with the body `invalid_payload` for a
/// path under `/fail`. Bodies are written to a folder as they arrive, so a test reads what a
/// `kubectl-drift` run sent once the run has ended (a notification is sent before exit).
final class WebhookServer {
    /// `http://127.0.0.1:PORT`: append a path.
    let url: String
    private let folder: String
    private let process: Process

    private init(url: String, folder: String, process: Process) {
        self.url = url
        self.folder = folder
        self.process = process
    }

    deinit { stop() }

    /// Starts the server and waits until it listens.
    static func start() async throws -> WebhookServer {
        let folder = try DiffEndToEndTests.folder([:])
        let port = try TestCluster.closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import http.server, os, sys
            folder, port = sys.argv[1], int(sys.argv[2])
            class Hook(http.server.BaseHTTPRequestHandler):
                received = 0
                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    Hook.received += 1
                    path = os.path.join(folder, "%04d.json" % Hook.received)
                    open(path + ".part", "wb").write(body)
                    os.rename(path + ".part", path)
                    failing = self.path.startswith("/fail")
                    self.send_response(500 if failing else 204)
                    self.end_headers()
                    if failing:
                        self.wfile.write(b"invalid_payload")
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", port), Hook)
            open(os.path.join(folder, "ready"), "w").close()
            server.serve_forever()
            """, folder, String(port)]
        // Its own output, never the test process's: a helper holding the test's stdout open
        // would keep `swift test` waiting after the tests end.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = WebhookServer(url: "http://127.0.0.1:\(port)", folder: folder, process: process)
        // The server says when it listens; a busy machine may take seconds to start Python.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: folder + "/ready"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return server
    }

    /// The bodies received so far, in order.
    func bodies() throws -> [JSONValue] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
    }

    func stop() {
        // SIGKILL: a child may inherit an ignored SIGTERM from the test harness.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
