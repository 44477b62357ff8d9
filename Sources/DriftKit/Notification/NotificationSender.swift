import Foundation

/// Why a notification was not delivered, or could not be: a warning for the caller to print
/// after its own "not delivered", since a failed notification never fails the run. Each
/// message says what failed and why, once.
///
/// Messages name only the webhook's scheme, host and port: the path of a Slack or Teams
/// webhook URL is itself the secret.
public enum NotificationError: Error, Equatable, CustomStringConvertible {
    /// The URL is not an absolute http(s) URL with a host (found before any work is done); the
    /// caller says where the URL came from.
    case invalidURL(reason: String)
    /// No HTTP answer: refused, TLS, timeout.
    case transport(TransportError)
    /// The webhook answered with a status outside 200-299.
    case rejected(endpoint: String, statusCode: Int, body: String)

    public var description: String {
        switch self {
        case let .invalidURL(reason): return reason
        case let .transport(error): return error.description
        case let .rejected(endpoint, statusCode, body):
            return "\(endpoint) answered HTTP \(statusCode)" + (body.isEmpty ? "" : ": \(body)")
        }
    }
}

/// Posts notification bodies to a webhook through `CurlTransport`.
public struct NotificationSender: Sendable {
    /// Seconds for connecting and for the whole request, each.
    public var timeout: Double
    /// How 429 and 503 answers are retried; a POST is never resent after a lost connection.
    public var retry: RetryPolicy

    /// The default retry allows 3 attempts and waits at most 10 s each, so a slow webhook
    /// holds up the end of a run by well under a minute.
    public init(timeout: Double = 10, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 10)) {
        self.timeout = timeout
        self.retry = retry
    }

    /// Builds the body for `url` (Slack, Teams or generic, unless `format` is given) and posts it.
    public func send(_ content: NotificationContent, to url: WebhookURL, format: NotificationFormat? = nil) -> NotificationError? {
        post(NotificationPayload.body(format ?? url.format, content), to: url)
    }

    /// Posts `body` as `application/json` to `url`; nil when the webhook answered 2xx.
    public func post(_ body: JSONValue, to url: WebhookURL) -> NotificationError? {
        var options = CurlTransport.Options()
        options.connectTimeout = timeout
        options.requestTimeout = timeout
        options.retry = retry
        let credentials = ClientCredentials(basicAuth: url.basicAuth)
        let connection = ClusterConnection(server: url.endpoint, credentials: StaticCredentials(credentials))
        let request = HTTPRequest(
            method: .post, path: url.path, headers: ["Content-Type": "application/json"], body: body.jsonData)
        do {
            let transport = try CurlTransport(connection: connection, options: options)
            let response = try transport.send(request)
            guard response.isSuccess else {
                let text = String(decoding: response.body.prefix(1_000), as: UTF8.self)
                return .rejected(
                    endpoint: url.endpoint, statusCode: response.statusCode,
                    body: NotificationContent.shorten(text, limit: 200))
            }
            return nil
        } catch {
            return .transport(error)
        }
    }
}
