import Foundation
import Synchronization

/// What a running hook is doing and how long it may take, for the executable's watchdog:
/// the hook's time limit is only known once drift.yaml is read, and a hook past it must
/// say what it was doing when it stopped.
public final class HookWatch: Sendable {
    private struct State {
        var timeout: Double?
        var phase = "starting"
    }

    private let state = Mutex(State())
    /// When the hook started: its time limit counts from here.
    public let started = Date()

    public init() {}

    /// Sets the hook's time limit (drift.yaml `hook.timeout`), counted from `started`.
    public func limit(_ seconds: Double) {
        state.withLock { $0.timeout = seconds }
    }

    /// Says what the hook does now (`previewing against https://...`, `applying`).
    public func enter(_ phase: String) {
        state.withLock { $0.phase = phase }
    }

    /// The time limit, if set, and the phase.
    public var current: (timeout: Double?, phase: String) {
        state.withLock { ($0.timeout, $0.phase) }
    }

    /// Seconds left before the limit; nil without one.
    public var remaining: Double? {
        current.timeout.map { $0 - Date().timeIntervalSince(started) }
    }
}
