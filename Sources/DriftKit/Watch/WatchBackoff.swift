import Foundation

/// The wait before a watch is started again after a failure: `initial`, doubling each
/// time up to `maximum`, back to `initial` once a stream has been healthy.
public struct WatchBackoff: Sendable, Equatable {
    public var initial: Double
    public var maximum: Double
    /// Failures since the last healthy stream.
    public private(set) var failures = 0

    public init(initial: Double = 0.2, maximum: Double = 30) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay after one more failure.
    public mutating func next() -> Double {
        // The exponent is capped so the shift cannot overflow after days of failures.
        let delay = min(maximum, initial * Double(1 << min(failures, 30)))
        failures += 1
        return delay
    }

    /// Starts again from `initial`, after a stream that was healthy.
    public mutating func reset() {
        failures = 0
    }
}
