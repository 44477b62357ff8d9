/// What a remediation run did, as far as a notification needs to know.
///
/// Built by the caller from the remediation result; kept minimal so that notifications do
/// not depend on how remediation is implemented.
public struct NotificationSummary: Sendable, Equatable {
    /// An object paired with why it was not remediated.
    public struct Problem: Sendable, Equatable {
        public var identity: ObjectIdentity
        /// The server's reason, or why the object was left alone.
        public var reason: String

        public init(_ identity: ObjectIdentity, _ reason: String) {
            self.identity = identity
            self.reason = reason
        }
    }

    /// Objects written to the cluster (created or updated).
    public var applied: [ObjectIdentity]
    /// Objects that could not be written, with the server's reason.
    public var failed: [Problem]
    /// Objects deleted because Git no longer has them.
    public var pruned: [ObjectIdentity]
    /// Objects left alone on purpose (immutable field without `--force-recreate`, ...).
    public var skipped: [Problem]

    public init(
        applied: [ObjectIdentity] = [], failed: [Problem] = [], pruned: [ObjectIdentity] = [], skipped: [Problem] = []
    ) {
        self.applied = applied
        self.failed = failed
        self.pruned = pruned
        self.skipped = skipped
    }
}

/// Everything one notification says: the drift report, what remediation did, and where.
public struct NotificationContent: Sendable {
    /// The report with Secret values masked; the builders only ever print paths from it.
    public private(set) var report: DriftReport
    /// nil for a detection-only run (`diff --notify`).
    public var remediation: NotificationSummary?
    /// The cluster's name: the kubeconfig cluster entry, or another name; nil to name it by its server.
    public var cluster: String?
    /// The kubeconfig context used; nil when none (in-cluster configuration).
    public var context: String?
    /// The Git revision compared (a commit id or ref); nil when not known.
    public var revision: String?
    /// Objects listed per section before "and M more".
    public var maxObjects: Int
    /// Changed paths listed per object before "+K more".
    public var maxPathsPerObject: Int

    /// - Parameter report: masked here with `SecretMasker`, whatever `--show-secrets` says.
    public init(
        report: DriftReport, remediation: NotificationSummary? = nil, cluster: String? = nil, context: String? = nil,
        revision: String? = nil, maxObjects: Int = 10, maxPathsPerObject: Int = 5
    ) {
        self.report = SecretMasker.mask(report)
        self.remediation = remediation
        self.cluster = cluster
        self.context = context
        self.revision = revision
        self.maxObjects = max(1, maxObjects)
        self.maxPathsPerObject = max(1, maxPathsPerObject)
    }

    /// Objects that are not in sync, in report order (skipped ones are neither).
    var outOfSync: [ObjectDrift] { report.objects.filter { $0.status != .inSync && $0.status != .skipped } }

    /// Whether anything needs attention or changed: an object drifted, is missing or could not
    /// be compared, an object is to be pruned, or remediation applied, pruned or failed something.
    var isNoteworthy: Bool {
        let remediated = remediation.map { !$0.applied.isEmpty || !$0.pruned.isEmpty || !$0.failed.isEmpty } ?? false
        return !outOfSync.isEmpty || !report.prunable.isEmpty || remediated
    }

    /// The cluster's name for titles: `cluster`, else the server URL.
    var clusterName: String { cluster ?? report.server }

    /// One line for titles and notification previews.
    var headline: String {
        var parts: [String] = []
        let drifted = report.count(.drifted)
        let missing = report.count(.missing)
        let errors = report.count(.error)
        let skipped = report.count(.skipped)
        let compared = report.objects.count - skipped
        if drifted + missing + errors == 0 {
            parts.append("all \(compared) objects in sync")
        } else {
            var found = ["\(drifted) drifted"]
            if missing > 0 { found.append("\(missing) missing") }
            if errors > 0 { found.append("\(errors) not compared") }
            parts.append(found.joined(separator: ", ") + " of \(compared) objects")
        }
        // Remediation counts them among its own skipped below.
        if remediation == nil, skipped > 0 { parts[0] += ", \(skipped) skipped" }
        // What remediation pruned (or failed to) says it in its own words below.
        if remediation == nil, !report.prunable.isEmpty { parts[0] += ", \(report.prunable.count) to prune" }
        if let remediation {
            var done = ["\(remediation.applied.count) applied"]
            if !remediation.pruned.isEmpty { done.append("\(remediation.pruned.count) pruned") }
            if !remediation.failed.isEmpty { done.append("\(remediation.failed.count) failed") }
            if !remediation.skipped.isEmpty { done.append("\(remediation.skipped.count) skipped") }
            parts.append(done.joined(separator: ", "))
        }
        return "kubectl-drift on \(clusterName): " + parts.joined(separator: "; ")
    }

    /// The first `maxObjects` elements and how many were left out.
    func limited<T>(_ items: [T]) -> (shown: ArraySlice<T>, more: Int) {
        (items.prefix(maxObjects), max(0, items.count - maxObjects))
    }

    /// The object's changed paths, at most `maxPathsPerObject`, and how many were left out.
    func paths(of drift: ObjectDrift) -> (shown: [String], more: Int) {
        let all = drift.changes.map(\.path)
        return (Array(all.prefix(maxPathsPerObject)), max(0, all.count - maxPathsPerObject))
    }

    /// A reason cut to `limit` characters on one line.
    static func shorten(_ text: String, limit: Int = 300) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count <= limit ? oneLine : String(oneLine.prefix(limit - 1)) + "…"
    }
}
