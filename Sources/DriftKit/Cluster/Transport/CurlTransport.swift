import CCurl
import Foundation
import Synchronization

/// HTTPS to one API server over libcurl, safe to call from many threads at once.
///
/// Foundation's URLSession cannot present client certificates or trust a custom CA on
/// Linux, so every request goes through libcurl. Each call borrows an easy handle from a
/// pool; a returned handle keeps its connection (HTTP/2 when offered) and TLS session, so
/// N concurrent workers use at most N connections.
public final class CurlTransport: HTTPTransport {
    public struct Options: Sendable {
        public var connectTimeout: Double = 10
        public var requestTimeout: Double = 60
        public var retry = RetryPolicy()
        public var userAgent = "kubectl-drift/\(DriftVersion.current)"

        public init() {}
    }

    let connection: ClusterConnection
    let options: Options
    private let baseURL: String
    /// `host:port:connect-host:connect-port` when tls-server-name differs from the URL's host.
    private let connectTo: String?
    /// Loopback servers are never reached through an environment proxy, as in client-go.
    private let bypassesEnvironmentProxy: Bool
    private let idleHandles = Mutex<[CurlEasyHandle]>([])
    /// Last credentials that worked; refreshed once after a 401.
    private let credentialState = Mutex<ClientCredentials?>(nil)

    public init(connection: ClusterConnection, options: Options = Options()) throws(TransportError) {
        try Curl.ensureInitialised()
        self.connection = connection
        self.options = options
        let server = connection.server.hasSuffix("/") ? String(connection.server.dropLast()) : connection.server
        guard let components = URLComponents(string: server), let host = components.host,
            let scheme = components.scheme, ["http", "https"].contains(scheme)
        else {
            throw TransportError.connection(server: connection.server, message: "not an http(s) URL")
        }
        bypassesEnvironmentProxy = Self.isLoopback(host)
        if let serverName = connection.tlsServerName, serverName != host {
            // libcurl verifies and sends SNI for the URL's host; connecting that name to the
            // real address makes tls-server-name the verified name, as client-go does.
            let port = components.port ?? (scheme == "https" ? 443 : 80)
            var rewritten = components
            rewritten.host = serverName
            baseURL = rewritten.string ?? server
            connectTo = "\(serverName):\(port):\(host):\(port)"
        } else {
            baseURL = server
            connectTo = nil
        }
    }

    public func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let handle = try borrowHandle()
        defer { idleHandles.withLock { $0.append(handle) } }
        var credentials = try currentCredentials(forceRefresh: false)
        var refreshedAfterUnauthorized = false
        var attempt = 0
        while true {
            attempt += 1
            let outcome = try perform(request, credentials: credentials, on: handle)
            switch outcome {
            case let .success(response):
                if response.statusCode == 401, !refreshedAfterUnauthorized {
                    refreshedAfterUnauthorized = true
                    let renewed = try currentCredentials(forceRefresh: true)
                    if renewed != credentials {
                        credentials = renewed
                        continue
                    }
                }
                let status = RetryPolicy.Outcome.response(
                    statusCode: response.statusCode, retryAfter: response.headers["retry-after"])
                if let delay = options.retry.delay(after: attempt, outcome: status, isIdempotent: request.isIdempotent) {
                    Thread.sleep(forTimeInterval: delay)
                    continue
                }
                return response
            case let .failure(failure, error):
                if let delay = options.retry.delay(after: attempt, outcome: failure, isIdempotent: request.isIdempotent) {
                    Thread.sleep(forTimeInterval: delay)
                    continue
                }
                throw error
            }
        }
    }

    private func borrowHandle() throws(TransportError) -> CurlEasyHandle {
        if let handle = idleHandles.withLock({ $0.popLast() }) { return handle }
        return try CurlEasyHandle()
    }

    func currentCredentials(forceRefresh: Bool) throws(TransportError) -> ClientCredentials {
        if !forceRefresh, let cached = credentialState.withLock({ $0 }) { return cached }
        do {
            let fresh = try connection.credentials.credentials(forceRefresh: forceRefresh)
            credentialState.withLock { $0 = fresh }
            return fresh
        } catch {
            throw TransportError.credentials(message: String(describing: error))
        }
    }

    enum AttemptResult {
        case success(HTTPResponse)
        case failure(RetryPolicy.Outcome, TransportError)
    }

    private func perform(
        _ request: HTTPRequest, credentials: ClientCredentials, on handle: CurlEasyHandle
    ) throws(TransportError) -> AttemptResult {
        let connectToList = try configureConnection(handle, path: request.path, credentials: credentials)
        try handle.set(CURLOPT_TIMEOUT_MS, Int(options.requestTimeout * 1000))
        // An empty string asks for every encoding libcurl can decode (gzip for large LISTs).
        try handle.set(CURLOPT_ACCEPT_ENCODING, "")
        if !request.isIdempotent {
            // libcurl silently resends a request whose reused connection closed unanswered;
            // a fresh connection keeps a non-idempotent request from being sent twice.
            try handle.set(CURLOPT_FRESH_CONNECT, 1)
        }
        return try transfer(request, credentials: credentials, on: handle, keepAlive: connectToList)
    }

    /// Resets `handle` and sets what every request to this server shares: URL, TLS, proxy,
    /// connect timeout, keep-alive; the streaming GET uses it too.
    ///
    /// - Returns: the CONNECT_TO list, which must stay alive until the transfer ends.
    func configureConnection(
        _ handle: CurlEasyHandle, path: String, credentials: ClientCredentials
    ) throws(TransportError) -> CurlHeaderList? {
        try handle.reset()
        try configureTLS(handle, credentials: credentials)
        try handle.set(CURLOPT_URL, baseURL + path)
        try handle.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        try handle.set(CURLOPT_USERAGENT, options.userAgent)
        if let proxy = connection.proxyURL {
            try handle.set(CURLOPT_PROXY, proxy)
        } else if bypassesEnvironmentProxy {
            try handle.set(CURLOPT_PROXY, "")
        }
        guard let connectTo else { return nil }
        let list = CurlHeaderList([connectTo])
        try handle.set(CURLOPT_CONNECT_TO, pointer: UnsafeMutableRawPointer(list.list))
        return list
    }

    private func configureTLS(_ handle: CurlEasyHandle, credentials: ClientCredentials) throws(TransportError) {
        if connection.insecureSkipTLSVerify {
            try handle.set(CURLOPT_SSL_VERIFYPEER, 0)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 0)
        } else if let authority = connection.certificateAuthorityPEM {
            try handle.set(CURLOPT_CAINFO_BLOB, blob: authority)
        }
        if let certificate = credentials.clientCertificatePEM {
            try handle.set(CURLOPT_SSLCERT_BLOB, blob: certificate)
        }
        if let key = credentials.clientKeyPEM {
            try handle.set(CURLOPT_SSLKEY_BLOB, blob: key)
        }
    }

    private func transfer(
        _ request: HTTPRequest, credentials: ClientCredentials, on handle: CurlEasyHandle, keepAlive: CurlHeaderList?
    ) throws(TransportError) -> AttemptResult {
        let headers = requestHeaders(credentials: credentials) + request.headers.map { "\($0.key): \($0.value)" }
        let headerList = CurlHeaderList(headers)
        try handle.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList.list))

        switch request.method {
        case .get: try handle.set(CURLOPT_HTTPGET, 1)
        case .post, .put, .patch, .delete: try handle.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body { try handle.setBody(body) }

        let accumulator = ResponseAccumulator()
        let context = Unmanaged.passUnretained(accumulator).toOpaque()
        try handle.setWriteFunction(CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
            accumulator.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        try handle.set(CURLOPT_WRITEDATA, pointer: context)
        try handle.setWriteFunction(CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            accumulator.addHeaderLine(line)
            return size * count
        }
        try handle.set(CURLOPT_HEADERDATA, pointer: context)

        let (code, message) = withExtendedLifetime((headerList, keepAlive, accumulator)) { handle.perform() }
        if code == CURLE_OK {
            return .success(HTTPResponse(
                statusCode: handle.responseCode(), headers: accumulator.headers, body: accumulator.body))
        }
        return classify(code, message: message, systemErrno: handle.systemErrno())
    }

    /// Accept and Authorization headers (and no `Expect: 100-continue`) for `credentials`.
    func requestHeaders(credentials: ClientCredentials) -> [String] {
        var headers = ["Accept: application/json", "Expect:"]
        if let token = credentials.bearerToken {
            headers.append("Authorization: Bearer \(token)")
        } else if let basic = credentials.basicAuth {
            let encoded = Data("\(basic.username):\(basic.password)".utf8).base64EncodedString()
            headers.append("Authorization: Basic \(encoded)")
        }
        return headers
    }

    private static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasPrefix("127.") || bare == "::1"
    }

    func classify(_ code: CURLcode, message: String, systemErrno: Int32) -> AttemptResult {
        let server = connection.server
        switch code {
        case CURLE_SSL_CONNECT_ERROR where [ECONNRESET, EPIPE, ECONNABORTED].contains(systemErrno):
            // The network broke the handshake, not a TLS setting, and nothing was sent yet.
            return .failure(.notSent, .connection(server: server, message: message))
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(.otherFailure, .timeout(server: server, seconds: options.requestTimeout))
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .failure(.connectionLost, .connection(server: server, message: message))
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .failure(.otherFailure, .tls(server: server, message: message))
        default:
            return .failure(.otherFailure, .connection(server: server, message: message))
        }
    }
}

/// Collects one response's headers and body from libcurl's callbacks.
private final class ResponseAccumulator {
    var body = Data()
    var headers: [String: String] = [:]

    func addHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new status line (after 100 Continue or a redirect) starts a new header block.
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name] = value
    }
}
