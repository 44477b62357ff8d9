import Foundation
@testable import DriftKit

/// A mutating admission webhook on https://127.0.0.1 that adds the label `drift.test/injected:
/// "yes"` to every object it is asked about, and keeps a line per request it answered.
///
/// A small Python HTTPS server answering AdmissionReview v1 at `/mutate` with a JSONPatch. Its
/// certificate, for IP 127.0.0.1, is signed by a CA of its own (`LocalPKI`), which the API server
/// trusts through the configuration's `caBundle` (`clientConfig`). Which objects reach it is up
/// to the MutatingWebhookConfiguration a test registers.
final class AdmissionWebhookServer {
    /// The label the webhook adds, and its value.
    static let injectedLabel = "drift.test/injected"
    static let injectedValue = "yes"

    /// The webhook's address and CA, as a MutatingWebhookConfiguration's `clientConfig`.
    let clientConfig: JSONValue
    private let folder: String
    private let process: Process

    private init(clientConfig: JSONValue, folder: String, process: Process) {
        self.clientConfig = clientConfig
        self.folder = folder
        self.process = process
    }

    deinit { stop() }

    private static let script = """
        import base64, http.server, json, os, ssl, sys
        folder, certificate, key = sys.argv[1:4]
        label = sys.argv[4].replace("~", "~0").replace("/", "~1")
        value = sys.argv[5]
        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                request = review["request"]
                labels = request["object"].get("metadata", {}).get("labels")
                if labels is None:
                    patch = [{"op": "add", "path": "/metadata/labels", "value": {sys.argv[4]: value}}]
                else:
                    patch = [{"op": "add", "path": "/metadata/labels/" + label, "value": value}]
                # Written before the answer, so a request is on file once the API server has its response.
                with open(os.path.join(folder, "requests.jsonl"), "a") as log:
                    log.write(json.dumps({
                        "operation": request["operation"], "namespace": request.get("namespace"),
                        "name": request.get("name"), "dryRun": request.get("dryRun", False),
                    }) + "\\n")
                body = json.dumps({
                    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                    "response": {
                        "uid": request["uid"], "allowed": True, "patchType": "JSONPatch",
                        "patch": base64.b64encode(json.dumps(patch).encode()).decode(),
                    },
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        # Port 0: the kernel picks a free port, so no other process can take it first.
        server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(os.path.join(folder, "port.part"), "w") as port:
            port.write(str(server.server_address[1]))
        os.rename(os.path.join(folder, "port.part"), os.path.join(folder, "port"))
        server.serve_forever()
        """

    /// Creates its certificates, starts the server and waits until it listens.
    static func start() async throws -> AdmissionWebhookServer {
        let folder = try DiffEndToEndTests.folder([:])
        let pki = try LocalPKI.generate(
            in: folder, openssl: try LocalPKI.findOpenSSL(searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", script, folder, pki.serverCertificate, pki.serverKey, injectedLabel, injectedValue,
        ]
        // Its own output, never the test process's: a helper holding the test's stdout open
        // would keep `swift test` waiting after the tests end.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A busy machine may take seconds to start Python.
        let deadline = Date().addingTimeInterval(30)
        var port: String?
        while port == nil, process.isRunning, Date() < deadline {
            port = try? String(contentsOfFile: folder + "/port", encoding: .utf8)
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw LocalClusterError.setupFailed(step: "starting the admission webhook", message: "it never listened")
        }
        let clientConfig: JSONValue = [
            "url": .string("https://127.0.0.1:\(port)/mutate"),
            "caBundle": .string(pki.caCertificatePEM.base64EncodedString()),
        ]
        return AdmissionWebhookServer(clientConfig: clientConfig, folder: folder, process: process)
    }

    /// One AdmissionReview the webhook answered.
    struct Request: Sendable, Equatable {
        var operation: String
        var namespace: String?
        var name: String?
        var dryRun: Bool
    }

    /// The requests answered so far, in order.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: folder + "/requests.jsonl", encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let request = try JSONValue.parse(String(line))
            return Request(
                operation: request["operation"]?.stringValue ?? "", namespace: request["namespace"]?.stringValue,
                name: request["name"]?.stringValue, dryRun: request["dryRun"] == .bool(true))
        }
    }

    func stop() {
        // SIGKILL: a child may inherit an ignored SIGTERM from the test harness.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
