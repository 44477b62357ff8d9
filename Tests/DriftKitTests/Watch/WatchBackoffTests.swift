import Testing
@testable import DriftKit

/// `WatchBackoff`'s arithmetic.
@Suite("Watch backoff")
struct WatchBackoffTests {
    @Test("the delay doubles from initial and stops at maximum")
    func doubling() {
        var backoff = WatchBackoff(initial: 0.2, maximum: 30)
        let delays = (0..<10).map { _ in backoff.next() }
        #expect(delays == [0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30])
        #expect(backoff.failures == 10)
    }

    @Test("reset after a healthy stream starts again from initial")
    func reset() {
        var backoff = WatchBackoff(initial: 0.5, maximum: 4)
        _ = (0..<5).map { _ in backoff.next() }
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.next() == 0.5)
        #expect(backoff.next() == 1)
    }

    @Test("days of failures neither overflow nor exceed maximum", arguments: [64, 1_000, 100_000])
    func manyFailures(count: Int) {
        var backoff = WatchBackoff()
        for _ in 0..<count { _ = backoff.next() }
        #expect(backoff.next() == 30)
    }
}
