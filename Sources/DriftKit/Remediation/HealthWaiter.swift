import Foundation

/// Time for `HealthWaiter`: the real clock, or a fake one in tests.
public struct HealthClock: Sendable {
    /// Seconds since an arbitrary fixed point.
    public var now: @Sendable () -> Double
    /// Blocks the calling thread for about that many seconds.
    public var sleep: @Sendable (Double) -> Void

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The monotonic system clock and `Thread.sleep`.
    public static let system = HealthClock(
        now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
        sleep: { seconds in if seconds > 0 { Thread.sleep(forTimeInterval: seconds) } }
    )
}

/// Polls live objects until each is healthy or failed, or the timeout passes.
///
/// Each round GETs every object not yet settled, at most `concurrency` at once; healthy and
/// failed objects are not asked for again. An object still progressing (or unreadable) at the
/// timeout is `timedOut` with the health it was last seen in.
public struct HealthWaiter: Sendable {
    public let client: APIClient
    /// Seconds between the start of one round and the next.
    public let interval: Double
    /// Seconds from the start of `wait` after which no new round starts.
    public let timeout: Double
    public let clock: HealthClock

    public init(client: APIClient, interval: Double = 2, timeout: Double = 300, clock: HealthClock = .system) {
        self.client = client
        self.interval = max(0, interval)
        self.timeout = max(0, timeout)
        self.clock = clock
    }

    /// The health of each object, `timedOut` for those still unsettled at the deadline; `path` is
    /// the object's API path (a GET of it returns the object).
    public func wait(
        for objects: [(ObjectIdentity, path: String)], concurrency: Int = 8
    ) -> [ObjectIdentity: WorkloadHealth] {
        let deadline = clock.now() + timeout
        var health: [ObjectIdentity: WorkloadHealth] = [:]
        var pending = objects.map { (identity: $0.0, path: $0.path) }
        while true {
            let roundStart = clock.now()
            let client = self.client
            let results = BoundedConcurrency.map(pending, limit: concurrency) { object in
                Self.poll(object.path, client: client)
            }
            for (object, result) in zip(pending, results) { health[object.identity] = result.health }
            pending = zip(pending, results).filter { $0.1.retry }.map(\.0)

            let now = clock.now()
            guard now < deadline else {
                for object in pending {
                    if let last = health[object.identity] { health[object.identity] = .timedOut(after: timeout, last: last) }
                }
                return health
            }
            guard !pending.isEmpty else { return health }
            clock.sleep(min(max(0, roundStart + interval - now), deadline - now))
        }
    }

    /// The health of the object at `path`, or why it could not be read; `retry` is false when
    /// asking again cannot help (the server refuses to show the object to us).
    static func poll(_ path: String, client: APIClient) -> (health: WorkloadHealth, retry: Bool) {
        do {
            let health = HealthCheck.evaluate(try client.get(path))
            return (health, !health.isSettled)
        } catch {
            // A 404 may be an object being recreated; a transport error may pass.
            let refused = error.statusCode == 401 || error.statusCode == 403
            return (.unknown(error.description), !refused)
        }
    }
}
