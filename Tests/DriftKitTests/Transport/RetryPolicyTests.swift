import Testing
@testable import DriftKit

/// `RetryPolicy.delay` on its own.
@Suite("Retry policy")
struct RetryPolicyTests {
    private let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.2, maxDelay: 30)

    private func unavailable(_ retryAfter: String? = nil) -> RetryPolicy.Outcome {
        .response(statusCode: 503, retryAfter: retryAfter)
    }

    @Test("without Retry-After the delay doubles from baseDelay")
    func exponentialBackoff() {
        let delays = (1...4).map { policy.delay(after: $0, outcome: unavailable(), isIdempotent: true) }
        #expect(delays == [0.2, 0.4, 0.8, 1.6])
    }

    @Test("no delay is longer than maxDelay, however many attempts")
    func maxDelayCaps() {
        let patient = RetryPolicy(maxAttempts: 1_000, baseDelay: 1, maxDelay: 5)
        #expect(patient.delay(after: 4, outcome: unavailable(), isIdempotent: true) == 5)
        #expect(patient.delay(after: 999, outcome: unavailable(), isIdempotent: true) == 5)
        #expect(patient.delay(after: 2, outcome: unavailable("120"), isIdempotent: true) == 5)
    }

    @Test("Retry-After in seconds is honoured", arguments: [("1", 1.0), (" 3 ", 3.0), ("0", 0.0), ("2.5", 2.5)])
    func retryAfterSeconds(header: String, seconds: Double) {
        #expect(policy.delay(after: 1, outcome: unavailable(header), isIdempotent: true) == seconds)
        let throttled = RetryPolicy.Outcome.response(statusCode: 429, retryAfter: header)
        #expect(policy.delay(after: 1, outcome: throttled, isIdempotent: false) == seconds)
    }

    @Test("a Retry-After that is not a number of seconds falls back to the backoff",
          arguments: ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "soon", ""])
    func retryAfterUnusable(header: String) {
        #expect(policy.delay(after: 2, outcome: unavailable(header), isIdempotent: true) == 0.4)
    }

    @Test("429 and 503 are retried for every method; the server did not act")
    func throttlingRetriedForAnyMethod() {
        for status in [429, 503] {
            let outcome = RetryPolicy.Outcome.response(statusCode: status, retryAfter: nil)
            #expect(policy.delay(after: 1, outcome: outcome, isIdempotent: false) == 0.2)
        }
    }

    @Test("other statuses are final", arguments: [200, 201, 400, 401, 403, 404, 409, 500, 502, 504])
    func otherStatusesFinal(status: Int) {
        #expect(policy.delay(after: 1, outcome: .response(statusCode: status, retryAfter: "1"), isIdempotent: true) == nil)
    }

    @Test("a lost connection is retried only for idempotent requests")
    func connectionLost() {
        #expect(policy.delay(after: 1, outcome: .connectionLost, isIdempotent: true) == 0.2)
        #expect(policy.delay(after: 3, outcome: .connectionLost, isIdempotent: true) == 0.8)
        #expect(policy.delay(after: 1, outcome: .connectionLost, isIdempotent: false) == nil)
    }

    @Test("a connection broken before the request was sent is retried for every method")
    func notSent() {
        #expect(policy.delay(after: 1, outcome: .notSent, isIdempotent: false) == 0.2)
        #expect(policy.delay(after: 2, outcome: .notSent, isIdempotent: true) == 0.4)
        #expect(policy.delay(after: 5, outcome: .notSent, isIdempotent: false) == nil)
    }

    @Test("refused connections, TLS failures and timeouts are reported at once")
    func otherFailures() {
        #expect(policy.delay(after: 1, outcome: .otherFailure, isIdempotent: true) == nil)
    }

    @Test("the attempt numbered maxAttempts is the last")
    func attemptsBounded() {
        #expect(policy.delay(after: 4, outcome: unavailable(), isIdempotent: true) != nil)
        #expect(policy.delay(after: 5, outcome: unavailable(), isIdempotent: true) == nil)
        #expect(policy.delay(after: 5, outcome: .connectionLost, isIdempotent: true) == nil)
        #expect(RetryPolicy(maxAttempts: 1).delay(after: 1, outcome: unavailable("1"), isIdempotent: true) == nil)
    }
}
