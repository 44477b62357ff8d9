/// When a run sends its notification (`--notify-on`, drift.yaml `notifyOn`).
public enum NotificationPolicy: String, Sendable, CaseIterable {
    /// Only when there is something to act on or to know: an object drifted, is missing, could
    /// not be compared, is to be pruned, or remediation applied, pruned or failed something.
    case drift
    /// Every run, an all-in-sync one too (a heartbeat).
    case always

    public static let `default` = NotificationPolicy.drift

    /// Whether a run with this content sends its notification.
    public func shouldSend(_ content: NotificationContent) -> Bool {
        self == .always || content.isNoteworthy
    }
}
