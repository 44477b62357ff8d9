import Foundation

/// Everything needed to talk to one API server: where it is, how to trust it, and who we are.
///
/// Produced by resolving a kubeconfig (or the in-cluster service account) and consumed by
/// the transport; key material stays in memory.
public struct ClusterConnection: Sendable {
    /// The API server's base URL, such as `https://127.0.0.1:6443`.
    public var server: String
    /// PEM bundle of the certificate authorities to trust; nil means the system store.
    public var certificateAuthorityPEM: Data?
    public var insecureSkipTLSVerify: Bool
    /// Name to verify the server certificate against, when it differs from the URL's host.
    public var tlsServerName: String?
    public var proxyURL: String?
    /// Supplies the client's credentials for each request.
    public var credentials: any CredentialSource
    /// The namespace for objects that name none: `--namespace`, else the context's, else `default`.
    public var namespace: String
    /// The kubeconfig context used, nil for in-cluster configuration.
    public var contextName: String?
    /// The kubeconfig cluster entry used (the context's, or `--cluster`), nil for in-cluster
    /// configuration.
    public var clusterName: String?

    public init(
        server: String,
        certificateAuthorityPEM: Data? = nil,
        insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil,
        proxyURL: String? = nil,
        credentials: any CredentialSource = StaticCredentials(ClientCredentials()),
        namespace: String = "default",
        contextName: String? = nil,
        clusterName: String? = nil
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.proxyURL = proxyURL
        self.credentials = credentials
        self.namespace = namespace
        self.contextName = contextName
        self.clusterName = clusterName
    }
}

/// The credentials presented on a request; any combination may be set.
public struct ClientCredentials: Sendable, Equatable {
    public var bearerToken: String?
    public var clientCertificatePEM: Data?
    public var clientKeyPEM: Data?
    public var basicAuth: BasicAuth?

    public init(
        bearerToken: String? = nil,
        clientCertificatePEM: Data? = nil,
        clientKeyPEM: Data? = nil,
        basicAuth: BasicAuth? = nil
    ) {
        self.bearerToken = bearerToken
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.basicAuth = basicAuth
    }
}

public struct BasicAuth: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// Supplies credentials for requests: fixed ones, a token file that may rotate, or an exec plugin.
public protocol CredentialSource: Sendable {
    /// The credentials to present now.
    ///
    /// - Parameter forceRefresh: true after the server answered 401 with the previous
    ///   credentials; a source that can renew them (an exec plugin, a token file) does so.
    func credentials(forceRefresh: Bool) throws -> ClientCredentials
}

/// Credentials that never change.
public struct StaticCredentials: CredentialSource {
    public let value: ClientCredentials

    public init(_ value: ClientCredentials) { self.value = value }

    public func credentials(forceRefresh: Bool) -> ClientCredentials { value }
}
