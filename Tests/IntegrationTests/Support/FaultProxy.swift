import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that forwards bytes both ways to a local port, and injects the
/// network's faults on cue: every connection cut (a dropped network, as a watch sees it),
/// connections reset at random points, and stalls (bytes held, both ways, on open and new
/// connections alike).
///
/// TLS passes through untouched, so a client trusting the server's CA talks to the server
/// (whose certificate names 127.0.0.1) as if directly. That is also why every fault here is a
/// TCP one: the proxy cannot read or write HTTP inside the TLS stream.
final class FaultProxy: @unchecked Sendable {
    // Unchecked Sendable: every `var` is used under `lock` only.
    let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    /// The client and server sockets of each open connection.
    private var pairs: [Int: (client: Int32, server: Int32)] = [:]
    private var nextID = 0
    private var isClosed = false
    private var isStalled = false
    /// The chance that a connection is reset just before it forwards a chunk of bytes.
    private var resetChance = 0.0
    private var bytesForwarded = 0
    private var resets = 0

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

    /// Resets each connection, from now on, just before a chunk it forwards (either way) with
    /// `chance` (0 stops it): connections broken at random points of requests and answers.
    func resetAtRandom(chance: Double) {
        lock.lock()
        resetChance = chance
        lock.unlock()
    }

    /// Holds every byte, of open connections and of those accepted meanwhile, until `resume()`:
    /// a server or network that stops answering without closing anything.
    func stall() {
        lock.lock()
        isStalled = true
        lock.unlock()
    }

    func resume() {
        lock.lock()
        isStalled = false
        lock.unlock()
    }

    /// Bytes forwarded from the server to clients so far: how far a run has got.
    var forwarded: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytesForwarded
    }

    /// Connections reset at random so far.
    var resetCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return resets
    }

    /// Waits until the server has sent clients `bytes` more than `start`, or `timeout` passes;
    /// whether it did.
    func waitUntilForwarded(_ bytes: Int, since start: Int, timeout: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while forwarded - start < bytes {
            guard Date() < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
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

    /// What the pump does with the bytes waiting on a connection.
    private enum Verdict {
        case forward, hold, reset
    }

    private func verdict() -> Verdict {
        lock.lock()
        defer { lock.unlock() }
        if isStalled { return .hold }
        guard resetChance > 0, Double.random(in: 0..<1) < resetChance else { return .forward }
        resets += 1
        return .reset
    }

    /// Copies bytes both ways until either side ends, then closes both.
    private func pump(id: Int, client: Int32, server: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        // A timeout, so that a stall ending is noticed without new bytes.
        loop: while poll(&fds, 2, 20) >= 0 {
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                switch verdict() {
                case .hold:
                    // Unread bytes wait in the kernel; the sleep keeps poll from spinning on them.
                    usleep(20_000)
                    continue loop
                case .reset:
                    // Closed with a zero linger, each socket sends RST instead of FIN.
                    var abort = linger(l_onoff: 1, l_linger: 0)
                    for socket in [client, server] {
                        setsockopt(socket, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
                    }
                    break loop
                case .forward:
                    let source = entry.fd
                    let target = index == 0 ? server : client
                    let count = read(source, &buffer, buffer.count)
                    guard count > 0, Self.writeAll(target, buffer, count) else { break loop }
                    if index == 1 {
                        lock.lock()
                        bytesForwarded += count
                        lock.unlock()
                    }
                }
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

