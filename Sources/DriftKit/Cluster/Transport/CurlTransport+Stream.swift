import CCurl
import Foundation

/// How a streaming GET ended, when it did not fail.
enum StreamEnd: Sendable {
    /// The server ended a 2xx response (a watch whose `timeoutSeconds` ran out), or the
    /// reader asked to stop.
    case completed
    /// The server answered with a non-2xx status; `body` holds at most the first 64 KiB.
    case status(HTTPResponse)
    /// `StreamCancellation.cancel()` was called.
    case cancelled
}

extension CurlTransport {
    /// Lines of a response longer than this end the stream: no Kubernetes object comes near
    /// it (etcd refuses values over 1.5 MiB by default), so it is a broken stream.
    static let maxStreamLineBytes = 32 << 20

    /// A GET whose response is read as it arrives, one newline-terminated line at a time
    /// (a watch's events), with the TLS, credentials and proxy rules of `send`.
    ///
    /// It uses handles of its own, never the pool's, and has no overall time limit: a watch
    /// lasts minutes. A connection that carries nothing for `idleTimeout` seconds is taken for
    /// dead (a live watch ends by itself at its `timeoutSeconds`). A 401 refreshes the
    /// credentials once, as `send` does; nothing else is retried here, since only the caller
    /// knows where to resume.
    ///
    /// - Parameters:
    ///   - onOpen: called when the server has accepted the stream (a 2xx status and its headers).
    ///   - onLine: gets each line without its newline; returning false ends the stream.
    func streamLines(
        _ path: String, idleTimeout: Double, cancellation: StreamCancellation,
        onOpen: () -> Void, onLine: (Data) -> Bool
    ) throws(TransportError) -> StreamEnd {
        let easy = try CurlEasyHandle()
        let multi = try CurlMultiHandle()
        var credentials = try currentCredentials(forceRefresh: false)
        var refreshedAfterUnauthorized = false
        while true {
            let end = try withoutActuallyEscaping(onOpen) { onOpen throws(TransportError) in
                try withoutActuallyEscaping(onLine) { onLine throws(TransportError) in
                    let reader = StreamReader(onOpen: onOpen, onLine: onLine, cancellation: cancellation)
                    return try stream(
                        path, credentials: credentials, idleTimeout: idleTimeout, easy: easy, multi: multi, reader: reader)
                }
            }
            if case let .status(response) = end, response.statusCode == 401, !refreshedAfterUnauthorized {
                refreshedAfterUnauthorized = true
                let renewed = try currentCredentials(forceRefresh: true)
                if renewed != credentials {
                    credentials = renewed
                    continue
                }
            }
            return end
        }
    }

    private func stream(
        _ path: String, credentials: ClientCredentials, idleTimeout: Double,
        easy: CurlEasyHandle, multi: CurlMultiHandle, reader: StreamReader
    ) throws(TransportError) -> StreamEnd {
        let connectToList = try configureConnection(easy, path: path, credentials: credentials)
        try easy.set(CURLOPT_HTTPGET, 1)
        // Less than one byte a second for idleTimeout seconds: a dead peer, or a network that
        // dropped the connection without a reset. TCP keep-alive alone takes minutes.
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(idleTimeout.rounded(.up))))
        // A peer host that vanished sends no reset: probes after 30 s idle, every 10 s, find it
        // in about two minutes rather than libcurl's default of over ten.
        try easy.set(CURLOPT_TCP_KEEPIDLE, 30)
        try easy.set(CURLOPT_TCP_KEEPINTVL, 10)
        let headerList = CurlHeaderList(requestHeaders(credentials: credentials))
        try easy.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList.list))
        let context = Unmanaged.passUnretained(reader).toOpaque()
        try easy.setWriteFunction(CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let reader = Unmanaged<StreamReader>.fromOpaque(context).takeUnretainedValue()
            // Returning less than was given makes libcurl end the transfer.
            return reader.receive(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.setWriteFunction(CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let reader = Unmanaged<StreamReader>.fromOpaque(context).takeUnretainedValue()
            reader.receiveHeader(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
            return size * count
        }
        try easy.set(CURLOPT_HEADERDATA, pointer: context)

        let result = try withExtendedLifetime((connectToList, headerList, reader)) { () throws(TransportError) in
            try drive(easy, in: multi, cancellation: reader.cancellation)
        }
        if reader.cancellation.isCancelled { return .cancelled }
        if result == CURLE_OK, let status = reader.statusCode, !(200..<300).contains(status) {
            return .status(HTTPResponse(statusCode: status, headers: [:], body: reader.errorBody))
        }
        if result == CURLE_OK || (result == CURLE_WRITE_ERROR && reader.stoppedByReader) { return .completed }
        if result == CURLE_WRITE_ERROR, reader.lineTooLong {
            throw .connection(
                server: connection.server, message: "the stream sent a line longer than \(Self.maxStreamLineBytes) bytes")
        }
        if result == CURLE_OPERATION_TIMEDOUT { throw .timeout(server: connection.server, seconds: idleTimeout) }
        let message = easy.message(for: result)
        if case let .failure(_, error) = classify(result, message: message, systemErrno: easy.systemErrno()) { throw error }
        throw .connection(server: connection.server, message: message)
    }

    /// Runs the transfer in `multi`, waking at least once a second and at once on `cancel()`.
    ///
    /// - Returns: the transfer's result; CURLE_OK also when cancelled (the reader knows).
    private func drive(
        _ easy: CurlEasyHandle, in multi: CurlMultiHandle, cancellation: StreamCancellation
    ) throws(TransportError) -> CURLcode {
        try CurlMultiHandle.check(curl_multi_add_handle(multi.handle, easy.handle), "starting a stream")
        defer { curl_multi_remove_handle(multi.handle, easy.handle) }
        guard cancellation.attach(multi) else { return CURLE_OK }
        defer { cancellation.detach() }
        var running: Int32 = 1
        while running > 0 {
            try CurlMultiHandle.check(curl_multi_perform(multi.handle, &running), "reading a stream")
            guard running > 0 else { break }
            if cancellation.isCancelled { return CURLE_OK }
            try CurlMultiHandle.check(curl_multi_poll(multi.handle, nil, 0, 1000, nil), "waiting for a stream")
        }
        var pending: Int32 = 0
        while let message = curl_multi_info_read(multi.handle, &pending) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return CURLE_OK
    }
}

/// Hands a streamed body's lines to the reader and the cancellation its chances to act;
/// keeps the status code and, for an error status, the start of the body.
private final class StreamReader {
    let onOpen: () -> Void
    let onLine: (Data) -> Bool
    let cancellation: StreamCancellation
    private(set) var statusCode: Int?
    private(set) var errorBody = Data()
    private(set) var stoppedByReader = false
    private(set) var lineTooLong = false
    private var lines = LineBuffer(maxLineBytes: CurlTransport.maxStreamLineBytes)

    init(onOpen: @escaping () -> Void, onLine: @escaping (Data) -> Bool, cancellation: StreamCancellation) {
        self.onOpen = onOpen
        self.onLine = onLine
        self.cancellation = cancellation
    }

    func receiveHeader(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new status line (after 100 Continue) replaces the previous one.
            let fields = line.split(separator: " ")
            statusCode = fields.count > 1 ? Int(fields[1]) : nil
        } else if line == "\r\n" || line == "\n", let statusCode, (200..<300).contains(statusCode) {
            onOpen()
        }
    }

    /// Takes bytes from libcurl; false ends the transfer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if cancellation.isCancelled { return false }
        if let statusCode, !(200..<300).contains(statusCode) {
            errorBody.append(contentsOf: bytes.prefix(max(0, (64 << 10) - errorBody.count)))
            return true
        }
        let outcome = lines.append(bytes) { line in
            onLine(line) && !cancellation.isCancelled
        }
        switch outcome {
        case .more: return true
        case .stopped:
            stoppedByReader = !cancellation.isCancelled
            return false
        case .lineTooLong:
            lineTooLong = true
            return false
        }
    }
}
