import CCurl
import Foundation

/// The one place DriftKit talks to libcurl: global initialisation, handles and error checking.
enum Curl {
    /// libcurl's global state, initialised once per process before the first handle.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Fails with the library's own message when a call did not return CURLE_OK.
    static func check(_ code: CURLcode, _ action: @autoclosure () -> String) throws(TransportError) {
        guard code != CURLE_OK else { return }
        throw TransportError.library(action: action(), message: String(cString: curl_easy_strerror(code)))
    }

    static func ensureInitialised() throws(TransportError) {
        try check(globalInit, "initialising libcurl")
    }
}

/// An easy handle, reused so its connections stay open.
///
/// Unchecked Sendable: a handle is used by one thread at a time, which the transport's
/// pool guarantees by lending each handle to one request.
final class CurlEasyHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// libcurl writes its detailed message for the last failure here (CURLOPT_ERRORBUFFER).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() throws(TransportError) {
        try Curl.ensureInitialised()
        guard let handle = curl_easy_init() else {
            throw TransportError.library(action: "creating a libcurl handle", message: "curl_easy_init returned nil")
        }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Clears the previous request's options, keeping open connections and TLS sessions.
    func reset() throws(TransportError) {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try Curl.check(drift_curl_setopt_long(handle, option, value), "setting libcurl option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try Curl.check(drift_curl_setopt_string(handle, option, value), "setting libcurl option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(TransportError) {
        try Curl.check(drift_curl_setopt_pointer(handle, option, pointer), "setting libcurl option \(option.rawValue)")
    }

    /// Sets a blob option (certificates, keys); libcurl copies the bytes.
    func set(_ option: CURLoption, blob: Data) throws(TransportError) {
        var bytes = [UInt8](blob)
        let code = bytes.withUnsafeMutableBytes { buffer in
            var curlBlob = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
            return withUnsafeMutablePointer(to: &curlBlob) { drift_curl_setopt_pointer(handle, option, $0) }
        }
        try Curl.check(code, "setting libcurl option \(option.rawValue)")
    }

    /// Sets the request body; COPYPOSTFIELDS copies it at once, so `body` need not outlive the call.
    func setBody(_ body: Data) throws(TransportError) {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, body.count)
        let code = body.withUnsafeBytes { bytes in
            drift_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        try Curl.check(code, "setting the request body")
    }

    func setWriteFunction(
        _ option: CURLoption,
        _ function: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(TransportError) {
        try Curl.check(drift_curl_setopt_write_function(handle, option, function), "setting libcurl callback")
    }

    /// Runs the configured transfer; the error is libcurl's detailed message when it has one.
    func perform() -> (code: CURLcode, message: String) {
        let code = curl_easy_perform(handle)
        return (code, code == CURLE_OK ? "" : message(for: code))
    }

    /// libcurl's detailed message for the transfer that just ended with `code`, else its
    /// generic one; a multi-driven transfer (a stream) reads its failure here too.
    func message(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    /// The system's errno for the transfer's failure (ECONNRESET for a reset); 0 when it recorded none.
    func systemErrno() -> Int32 {
        var value = 0
        _ = drift_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &value)
        return Int32(value)
    }

    func responseCode() -> Int {
        var code = 0
        _ = drift_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}

/// A curl_slist of request headers, freed with the list.
final class CurlHeaderList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init(_ headers: [String]) {
        for header in headers { list = curl_slist_append(list, header) }
    }

    deinit { curl_slist_free_all(list) }
}

/// A multi handle driving one easy handle, so that a long transfer (a watch) can wait for
/// data in `curl_multi_poll` and be woken from another thread by `wakeUp()`.
///
/// Unchecked Sendable: only `wakeUp()` may be called from other threads, which libcurl allows.
final class CurlMultiHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(TransportError) {
        try Curl.ensureInitialised()
        guard let handle = curl_multi_init() else {
            throw TransportError.library(action: "creating a libcurl multi handle", message: "curl_multi_init returned nil")
        }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    /// Fails with libcurl's message when a multi call did not return CURLM_OK.
    static func check(_ code: CURLMcode, _ action: @autoclosure () -> String) throws(TransportError) {
        guard code != CURLM_OK else { return }
        throw TransportError.library(action: action(), message: String(cString: curl_multi_strerror(code)))
    }

    /// Ends a `poll` under way in another thread at once.
    func wakeUp() {
        _ = curl_multi_wakeup(handle)
    }
}
