import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP server for `--metrics-address`: `GET /metrics` (Prometheus text) and
/// `GET /healthz` (`ok`), one request per connection, on a thread of its own.
public final class MetricsServer: Sendable {
    /// The port it listens on (the one asked for, or the one the system chose for port 0).
    public let port: Int
    private let socket: Int32

    /// Listens on `address` (`127.0.0.1:9090`); `metrics` is asked for the text of each scrape.
    public init(address: String, metrics: @escaping @Sendable () -> String) throws(MetricsServerError) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw .invalidAddress(address)
        }
        let host = String(address[..<colon])
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host.isEmpty ? "127.0.0.1" : host, &socketAddress.sin_addr) == 1 else {
            throw .invalidAddress(address)
        }
        #if canImport(Glibc)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw .cannotListen(address, String(cString: strerror(errno))) }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard listening else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotListen(address, reason)
        }
        self.socket = descriptor
        self.port = Int(UInt16(bigEndian: socketAddress.sin_port))
        // Ends when `stop` closes the socket and accept fails.
        Thread.detachNewThread {
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                Self.answer(client, metrics: metrics)
            }
        }
    }

    /// Stops listening; a scrape in progress finishes.
    public func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private static func answer(_ client: Int32, metrics: () -> String) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(client, &buffer, buffer.count)
        guard count > 0 else { return }
        let request = String(decoding: buffer[..<count], as: UTF8.self)
        let words = request.split(separator: "\n").first?.split(separator: " ") ?? []
        let path = words.count > 1 ? words[1].split(separator: "?").first.map(String.init) ?? "" : ""
        let (status, type, body): (String, String, String)
        switch (words.first, path) {
        case ("GET", "/metrics"): (status, type, body) = ("200 OK", "text/plain; version=0.0.4", metrics())
        case ("GET", "/healthz"): (status, type, body) = ("200 OK", "text/plain", "ok\n")
        case ("GET", _): (status, type, body) = ("404 Not Found", "text/plain", "not found: try /metrics or /healthz\n")
        default: (status, type, body) = ("405 Method Not Allowed", "text/plain", "only GET\n")
        }
        let response = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = response.withCString { write(client, $0, strlen($0)) }
    }
}

/// Why the metrics server could not start.
public enum MetricsServerError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case cannotListen(String, String)

    public var description: String {
        switch self {
        case let .invalidAddress(address): return "invalid --metrics-address \"\(address)\": expected HOST:PORT such as 127.0.0.1:9090"
        case let .cannotListen(address, reason): return "cannot listen on \(address): \(reason)"
        }
    }
}
