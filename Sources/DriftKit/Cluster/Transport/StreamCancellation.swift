import Foundation

/// Ends a streaming GET (and the waits between attempts) from another thread, promptly.
///
/// A stream waits for data in `curl_multi_poll`; `cancel()` wakes that wait at once, so an
/// idle watch stops in milliseconds rather than at its next byte.
final class StreamCancellation: @unchecked Sendable {
    // Unchecked Sendable: every stored property is read and written under `condition`.
    private let condition = NSCondition()
    private var cancelled = false
    /// The multi handle of the stream under way, woken by `cancel()`.
    private var activeStream: CurlMultiHandle?

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Cancels the stream under way and every later one, and ends any `sleep`.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        activeStream?.wakeUp()
        condition.broadcast()
    }

    /// Waits `seconds`, or less when cancelled.
    ///
    /// - Returns: false when cancelled.
    func sleep(_ seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, condition.wait(until: deadline) {}
        return !cancelled
    }

    /// Registers the stream about to wait, so that `cancel()` can wake it.
    ///
    /// - Returns: false when already cancelled, and then nothing is registered.
    func attach(_ stream: CurlMultiHandle) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled else { return false }
        activeStream = stream
        return true
    }

    /// Forgets the stream before its handle is freed, so that `cancel()` never wakes a freed handle.
    func detach() {
        condition.lock()
        defer { condition.unlock() }
        activeStream = nil
    }
}
