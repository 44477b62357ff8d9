import Foundation

/// A webhook URL, checked before any work is done: absolute, http or https, with a host.
///
/// Its description names only the scheme, host and port: the path of a Slack or Teams webhook
/// URL is itself the secret, so neither the URL nor its path appears in any message.
public struct WebhookURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, trimmed; never printed.
    let text: String
    /// `scheme://host[:port]`, the transport's server.
    public let endpoint: String
    /// Path and query, at least `/`.
    let path: String
    let basicAuth: BasicAuth?

    /// - Throws: `NotificationError.invalidURL` saying what is wrong, without repeating the URL.
    public init(_ text: String) throws(NotificationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expected = "expected an http(s) URL such as https://hooks.example.com/drift"
        guard !trimmed.isEmpty else { throw .invalidURL(reason: "\(expected), found nothing") }
        guard let components = URLComponents(string: trimmed) else {
            throw .invalidURL(reason: "\(expected), found text that is not a URL")
        }
        guard let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(reason: "\(expected), found no scheme (http:// or https://)")
        }
        guard ["http", "https"].contains(scheme) else {
            throw .invalidURL(reason: "\(expected), found scheme \(scheme)")
        }
        guard let host = components.percentEncodedHost, !host.isEmpty else {
            throw .invalidURL(reason: "\(expected), found no host")
        }
        var endpoint = "\(scheme)://\(host)"
        if let port = components.port { endpoint += ":\(port)" }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.text = trimmed
        self.endpoint = endpoint
        self.path = path
        basicAuth = components.user.map { BasicAuth(username: $0, password: components.password ?? "") }
    }

    public var description: String { endpoint }

    /// The body format its host calls for.
    public var format: NotificationFormat { NotificationFormat(url: text) }
}
