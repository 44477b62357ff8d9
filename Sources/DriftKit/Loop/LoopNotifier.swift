import Foundation

/// Sends `kubectl drift watch`'s notifications to a webhook on a thread of its own, so that a
/// slow or failing webhook never holds up the loop: transitions only, batched, at most one
/// message per interval (`NotificationBatcher`).
public final class LoopNotifier: @unchecked Sendable {
    /// Posts one notification; nil when it was delivered.
    public typealias Send = @Sendable (WatchNotification) -> NotificationError?

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var batcher: NotificationBatcher
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    private let connection: ClusterConnection
    private let revision: @Sendable () -> String?
    private let send: Send
    private let warn: @Sendable (String) -> Void

    /// - Parameters:
    ///   - url: the webhook; its format (Slack, Teams, generic) is chosen by its host.
    ///   - connection: names the cluster, its context and server in every message.
    ///   - revision: the Git revision the loop follows at the time of sending.
    ///   - warn: told, on the notifier's thread, when a message was not delivered.
    public convenience init(
        url: WebhookURL, policy: NotificationPolicy, interval: Double, connection: ClusterConnection,
        revision: @escaping @Sendable () -> String?, warn: @escaping @Sendable (String) -> Void
    ) {
        self.init(policy: policy, interval: interval, connection: connection, revision: revision, warn: warn) { notification in
            NotificationSender().post(NotificationPayload.body(url.format, notification), to: url)
        }
    }

    init(
        policy: NotificationPolicy, interval: Double, connection: ClusterConnection, revision: @escaping @Sendable () -> String?,
        warn: @escaping @Sendable (String) -> Void, send: @escaping Send
    ) {
        batcher = NotificationBatcher(interval: interval, policy: policy)
        self.connection = connection
        self.revision = revision
        self.warn = warn
        self.send = send
        let thread = Thread { [self] in deliver() }
        thread.name = "kubectl-drift notifications"
        thread.start()
    }

    /// Takes in one of the loop's events; returns at once.
    public func post(_ event: LoopEvent, at time: Date = Date()) {
        condition.lock()
        defer { condition.unlock() }
        if batcher.add(event, at: time) { condition.signal() }
    }

    /// Sends what is pending at once and stops, waiting at most `timeout` seconds for the
    /// last message (a process that was asked to stop must not hang on a webhook).
    public func stop(timeout: Double = 15) {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        _ = finished.wait(timeout: .now() + timeout)
    }

    private func deliver() {
        while true {
            condition.lock()
            while !stopping, batcher.due.map({ $0 > Date() }) ?? true {
                if let due = batcher.due { condition.wait(until: due) } else { condition.wait() }
            }
            let last = stopping
            let batch = batcher.take(
                at: Date(), force: last, server: connection.server, cluster: connection.clusterName,
                context: connection.contextName, revision: revision().flatMap { $0.isEmpty ? nil : $0 })
            condition.unlock()
            if let batch, let problem = send(batch) {
                warn("the notification was not delivered: \(problem)")
            }
            if last {
                finished.signal()
                return
            }
        }
    }
}
