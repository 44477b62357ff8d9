import CCurl
import Foundation
import Testing
@testable import DriftKit

/// Authentication and TLS of `CurlTransport` against a real kube-apiserver.
@Suite("Transport and authentication against kube-apiserver", .timeLimit(.minutes(2)))
struct TransportAuthTests {
    /// Asks the server whether the caller may create ConfigMaps in `default`.
    private func mayCreateConfigMaps(_ client: APIClient) throws -> Bool? {
        let review: JSONValue = [
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": ["resourceAttributes": ["verb": "create", "resource": "configmaps", "namespace": "default"]],
        ]
        let answer = try client.json(HTTPRequest(
            method: .post, path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            headers: ["Content-Type": "application/json"], body: review.jsonData))
        return answer[["status", "allowed"]]?.boolValue
    }

    /// The server's gitVersion as the admin connection, CA verified, reads it; the suite runs
    /// against several server versions.
    private func serverVersion() async throws -> JSONValue? {
        let version = try await TestCluster.client().get("/version")["gitVersion"]
        #expect(version?.stringValue?.hasPrefix("v1.") == true)
        return version
    }

    @Test("a client certificate in system:masters authenticates as an administrator")
    func clientCertificate() async throws {
        let connection = try await TestCluster.connection(.admin)
        #expect(try connection.credentials.credentials(forceRefresh: false).clientCertificatePEM != nil)
        let client = APIClient(transport: try CurlTransport(connection: connection))
        #expect(try client.get("/api/v1/namespaces/default")[["metadata", "name"]] == "default")
        #expect(try mayCreateConfigMaps(client) == true)
    }

    @Test("a bearer token authenticates, with the permissions of its user")
    func bearerToken() async throws {
        let admin = try await TestCluster.client(.adminToken)
        #expect(try admin.get("/api/v1/namespaces/default")[["metadata", "name"]] == "default")
        #expect(try mayCreateConfigMaps(admin) == true)
        let readonly = try await TestCluster.client(.readonly)
        #expect(try readonly.get("/api/v1/namespaces/default")[["metadata", "name"]] == "default")
        #expect(try mayCreateConfigMaps(readonly) == false)
    }

    @Test("a wrong token gets 401 and an error that says the credentials were rejected")
    func wrongToken() async throws {
        var connection = try await TestCluster.connection(.adminToken)
        connection.credentials = StaticCredentials(ClientCredentials(bearerToken: "not-a-valid-token"))
        let client = APIClient(transport: try CurlTransport(connection: connection))
        let error = try #require(throws: APIError.self) { try client.get("/api/v1/namespaces") }
        #expect(error.statusCode == 401)
        #expect(error.description == "the server rejected the credentials (401 Unauthorized): Unauthorized")
    }

    @Test("readonly is refused a dry-run apply with the server's message")
    func readonlyDryRunApply() async throws {
        let readonly = try await TestCluster.client(.readonly)
        try await TestCluster.withNamespace { namespace in
            #expect(try readonly.list("/api/v1/namespaces/\(namespace)/configmaps").isEmpty)
            let configMap: JSONValue = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "drift", "namespace": .string(namespace)], "data": ["key": "value"],
            ]
            let error = try #require(throws: APIError.self) {
                try readonly.apply(
                    configMap, at: "/api/v1/namespaces/\(namespace)/configmaps/drift",
                    fieldManager: "kubectl-drift", force: true, dryRun: true)
            }
            guard case let .status(status) = error else {
                Issue.record("expected a Status error, got \(error)")
                return
            }
            #expect(status.code == 403)
            #expect(status.reason == "Forbidden")
            #expect(status.message.contains(#"User "readonly" cannot patch resource "configmaps""#))
            #expect(status.message.contains(#"in the namespace "\#(namespace)""#))
            #expect(error.description == "forbidden (403): \(status.message)")
        }
    }

    @Test("a server certificate from an untrusted CA is a TLS error")
    func untrustedAuthority() async throws {
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("drift-other-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: other) }
        let pki = try LocalPKI.generate(
            in: other.path, openssl: LocalPKI.findOpenSSL(searchPath: ProcessInfo.processInfo.environment["PATH"] ?? ""))
        var connection = try await TestCluster.connection(.adminToken)
        connection.certificateAuthorityPEM = try Data(contentsOf: URL(fileURLWithPath: pki.caCertificate))
        let transport = try CurlTransport(connection: connection)
        let error = try #require(throws: TransportError.self) { try transport.send(HTTPRequest(path: "/version")) }
        guard case let .tls(server, message) = error else {
            Issue.record("expected a TLS error, got \(error)")
            return
        }
        #expect(server == connection.server)
        #expect(message.contains("certificate"))
    }

    @Test("insecure-skip-tls-verify connects without the CA")
    func insecureSkipVerify() async throws {
        var connection = try await TestCluster.connection(.adminToken)
        connection.certificateAuthorityPEM = nil
        connection.insecureSkipTLSVerify = true
        let client = APIClient(transport: try CurlTransport(connection: connection))
        let version = try await serverVersion()
        #expect(try client.get("/version")["gitVersion"] == version)
    }

    @Test("tls-server-name is the name verified when the URL names the IP address")
    func tlsServerName() async throws {
        var connection = try await TestCluster.connection(.adminToken)
        #expect(connection.server.hasPrefix("https://127.0.0.1:"))
        connection.tlsServerName = "localhost"
        let client = APIClient(transport: try CurlTransport(connection: connection))
        let version = try await serverVersion()
        #expect(try client.get("/version")["gitVersion"] == version)

        connection.tlsServerName = "not-in-the-certificate.example"
        let mismatched = try CurlTransport(connection: connection)
        let error = try #require(throws: TransportError.self) { try mismatched.send(HTTPRequest(path: "/version")) }
        guard case .tls = error else {
            Issue.record("expected a TLS error, got \(error)")
            return
        }
    }

    /// `HTTPResponse` does not carry the protocol version, so this checks the two halves:
    /// the libcurl the transport links negotiates HTTP/2, and the server offers it over TLS.
    @Test("HTTP/2 is available on both ends")
    func http2() async throws {
        let features = curl_version_info(CURLVERSION_FOURTH).pointee.features
        #expect(features & CURL_VERSION_HTTP2 != 0, "libcurl is built without HTTP/2")

        let server = try await TestCluster.server()
        let result = try await TestCluster.offThePool {
            try TestCluster.run([
                "curl", "--silent", "--show-error", "--http2", "--noproxy", "*", "--output", "/dev/null",
                "--write-out", "%{http_version}", "--cacert", server.pki.caCertificate,
                "--cert", server.pki.adminCertificate, "--key", server.pki.adminKey, server.serverURL + "/version",
            ])
        }
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "2")
    }

    @Test("an unreachable server is a connection error, reported at once")
    func unreachable() throws {
        let port = try TestCluster.closedPort()
        let transport = try CurlTransport(connection: ClusterConnection(server: "https://127.0.0.1:\(port)"))
        let started = Date()
        let error = try #require(throws: TransportError.self) { try transport.send(HTTPRequest(path: "/version")) }
        #expect(Date().timeIntervalSince(started) < 2)
        guard case let .connection(server, _) = error else {
            Issue.record("expected a connection error, got \(error)")
            return
        }
        #expect(server == "https://127.0.0.1:\(port)")
    }
}
