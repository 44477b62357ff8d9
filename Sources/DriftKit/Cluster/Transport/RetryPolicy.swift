import Foundation

/// Decides whether a failed attempt is tried again, and after how long.
///
/// Mirrors client-go: 429 and 503 are retried for every method (the server did not act on
/// the request) honouring `Retry-After`; a connection lost mid-request is retried only for
/// idempotent requests, one broken before the request went out (reset in the TLS handshake)
/// for every method; a refused connection or a timeout is reported at once.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first one included.
    public var maxAttempts: Int
    /// Delay before the first retry when the server gives no `Retry-After`; doubles each time.
    public var baseDelay: Double
    /// Upper bound for any single delay, `Retry-After` included.
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// What happened on one attempt.
    public enum Outcome: Sendable, Equatable {
        case response(statusCode: Int, retryAfter: String?)
        /// The connection broke after the request may have reached the server.
        case connectionLost
        /// The connection broke before the request was sent: reset in the TLS handshake.
        case notSent
        /// Any other transport failure: refused, TLS, timeout.
        case otherFailure
    }

    /// Seconds to wait before the next attempt, or nil to stop and report `outcome`.
    ///
    /// - Parameter attempt: the 1-based number of the attempt that just ended.
    public func delay(after attempt: Int, outcome: Outcome, isIdempotent: Bool) -> Double? {
        guard attempt < maxAttempts else { return nil }
        let backoff = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        switch outcome {
        case let .response(statusCode, retryAfter) where statusCode == 429 || statusCode == 503:
            if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                return min(maxDelay, seconds)
            }
            return backoff
        case .connectionLost where isIdempotent:
            return backoff
        case .notSent:
            // Nothing reached the server, so even a create cannot happen twice.
            return backoff
        default:
            return nil
        }
    }
}
