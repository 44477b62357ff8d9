import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that forwards bytes both ways to a local port, and can cut every
/// connection it carries on cue: a dropped network, as a watch sees it.
///
/// TLS passes through untouched, so a client trusting the server's CA talks to the server
/// (whose certificate names 127.0.0.1) as if directly.
final class FaultProxy: @unchecked Sendable {
    // Unchecked Sendable: `pairs` and `isClosed` are used under `lock` only.
    let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    /// The client and server sockets of each open connection.
    private var pairs: [Int: (client: Int32, server: Int32)] = [:]
    private var nextID = 0
    private var isClosed = false

    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw Self.failure("socket") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(listener, 64) == 0 else {
            Glibc.close(listener)
            throw Self.failure("bind and listen")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: actual.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Cuts every connection open now, both ways; later connections are forwarded again.
    func cutConnections() {
        lock.lock()
        defer { lock.unlock() }
        for pair in pairs.values {
            // shutdown, not close: the pump thread closes the sockets, so no descriptor is reused under it.
            shutdown(pair.client, Int32(SHUT_RDWR))
            shutdown(pair.server, Int32(SHUT_RDWR))
        }
    }

    /// Stops accepting and cuts every connection.
    func close() {
        lock.lock()
        isClosed = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        cutConnections()
    }

    deinit {
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            lock.lock()
            let closed = isClosed
            lock.unlock()
            if client < 0 || closed {
                if client >= 0 { Glibc.close(client) }
                return
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            lock.lock()
            let id = nextID
            nextID += 1
            pairs[id] = (client, server)
            lock.unlock()
            Thread.detachNewThread { [self] in pump(id: id, client: client, server: server) }
        }
    }

    /// Copies bytes both ways until either side ends, then closes both.
    private func pump(id: Int, client: Int32, server: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        loop: while poll(&fds, 2, -1) > 0 {
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                let source = entry.fd
                let target = index == 0 ? server : client
                let count = read(source, &buffer, buffer.count)
                guard count > 0, Self.writeAll(target, buffer, count) else { break loop }
            }
        }
        lock.lock()
        pairs[id] = nil
        lock.unlock()
        Glibc.close(client)
        Glibc.close(server)
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var written = 0
        while written < count {
            let result = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func failure(_ step: String) -> NSError {
        NSError(domain: "FaultProxy", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(step) failed: errno \(errno)"])
    }
}
