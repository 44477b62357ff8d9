import Foundation
import Testing
@testable import DriftKit

/// Real POSTs to a local HTTP server through libcurl.
@Suite("Notification sender")
struct NotificationSenderTests {
    private let sender = NotificationSender(timeout: 5, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01))

    @Test("posts the generic JSON body with Content-Type application/json to the URL's path and query")
    func deliversGeneric() throws {
        let server = try FaultInjectingServer([.respond(status: 200, body: "ok")])
        defer { server.stop() }
        let content = NotificationPayloadTests.content()
        let error = sender.send(content, to: try WebhookURL(server.url + "/hooks/drift?token=abc"))
        #expect(error == nil)
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/drift?token=abc")
        #expect(request.headers["content-type"] == "application/json")
        let body = try JSONValue.parse(request.body)
        #expect(body == NotificationPayload.generic(content))
        #expect(body["kind"] == "DriftNotification")
        #expect(!String(decoding: request.body, as: UTF8.self).contains(NotificationPayloadTests.secretValue))
    }

    @Test("an explicit format overrides the URL's; a URL without a path posts to /")
    func deliversSlackFormat() throws {
        let server = try FaultInjectingServer([.respond(status: 204)])
        defer { server.stop() }
        let content = NotificationPayloadTests.content()
        #expect(sender.send(content, to: try WebhookURL(server.url), format: .slack) == nil)
        let request = try #require(server.requests.first)
        #expect(request.path == "/")
        #expect(try JSONValue.parse(request.body) == NotificationPayload.slack(content))
    }

    @Test("503 is retried and the later 2xx counts as delivered")
    func retriesServiceUnavailable() throws {
        let server = try FaultInjectingServer([.respond(status: 503), .respond(status: 202)])
        defer { server.stop() }
        #expect(sender.post(["hello": "world"], to: try WebhookURL(server.url + "/x")) == nil)
        #expect(server.requests.count == 2)
    }

    @Test("a 500 answer is a NotificationError naming the status and the body, not the path")
    func serverError() throws {
        let server = try FaultInjectingServer([.respond(status: 500, body: "invalid_payload")])
        defer { server.stop() }
        let error = try #require(sender.send(NotificationPayloadTests.content(), to: try WebhookURL(server.url + "/services/SECRET-TOKEN")))
        #expect(error == .rejected(endpoint: server.url, statusCode: 500, body: "invalid_payload"))
        #expect(error.description.contains("HTTP 500"))
        #expect(!error.description.contains("SECRET-TOKEN"))
        #expect(server.requests.count == 1)
    }

    @Test("a closed port is a NotificationError, returned rather than thrown")
    func connectionRefused() throws {
        let server = try FaultInjectingServer([])
        let url = server.url
        server.stop()
        let error = try #require(sender.post(["hello": "world"], to: try WebhookURL(url + "/services/SECRET-TOKEN")))
        guard case let .transport(transportError) = error else {
            Issue.record("expected a transport error, got \(error)")
            return
        }
        guard case .connection = transportError else {
            Issue.record("expected a connection error, got \(transportError)")
            return
        }
        #expect(!error.description.contains("SECRET-TOKEN"))
    }

    @Test("URLs that are not http(s) with a host are rejected before any connection, saying why without the URL", arguments: [
        ("ftp://example.com/hook", "found scheme ftp"), ("hooks.slack.com/services/x", "found no scheme"),
        ("https:///path", "found no host"), ("", "found nothing"), ("notaurl", "found no scheme"),
    ])
    func invalidURL(url: String, reason: String) {
        #expect {
            _ = try WebhookURL(url)
        } throws: { error in
            guard case let .invalidURL(message)? = error as? NotificationError else { return false }
            return message.hasPrefix("expected an http(s) URL") && message.contains(reason)
                && (url.isEmpty || !message.contains(url))
        }
    }

    @Test("a URL splits into the transport's server, the request path and basic credentials; it prints as its server only")
    func split() throws {
        let target = try WebhookURL(
            "https://user:pa%40ss@prod-1.westeurope.logic.azure.com:443/workflows/a%2Fb/invoke?api-version=2016&sig=x")
        #expect(target.endpoint == "https://prod-1.westeurope.logic.azure.com:443")
        #expect(target.path == "/workflows/a%2Fb/invoke?api-version=2016&sig=x")
        #expect(target.basicAuth == BasicAuth(username: "user", password: "pa@ss"))
        #expect(target.format == .teams)
        let plain = try WebhookURL("https://hooks.slack.com/services/T/B/X")
        #expect(plain.endpoint == "https://hooks.slack.com")
        #expect(plain.path == "/services/T/B/X")
        #expect(plain.basicAuth == nil)
        #expect(plain.description == "https://hooks.slack.com")
    }
}
