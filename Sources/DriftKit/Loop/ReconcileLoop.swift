import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How `kubectl drift watch` runs.
public struct LoopOptions: Sendable {
    /// Put drifted and missing objects back (`--remediate`); without it the loop only reports.
    public var remediate = false
    /// How often Git is read again and every object verified again (`--interval`), in seconds.
    public var interval: Double = 300
    /// At each interval, delete the ApplySet's members Git no longer has (`--prune`).
    public var prune = false
    /// The first delay after a failed remediation, doubling after each further failure...
    public var backoffBase: Double = 1
    /// ...up to this many seconds.
    public var backoffLimit: Double = 300
    /// After this many rounds in which another manager re-takes a field the loop put back...
    public var fightRounds = 3
    /// ...each within this many seconds of the remediation, the loop stops remediating the object.
    public var fightWindow: Double = 600
    /// How often the source's fingerprint is compared, to read Git sooner than the interval.
    public var sourceCheck: Double = 1
    /// Print Secret values in `drifted` events (`--show-secrets`); masked otherwise.
    public var showSecrets = false

    public init() {}
}

/// The desired state at one revision, as the loop reads it at each interval.
public struct DesiredSnapshot: Sendable {
    public var manifests: [Manifest]
    public var existenceOnly: Set<ObjectIdentity>
    /// What it was read from: a short commit id, or a digest of the working tree's manifests.
    public var revision: String
    /// The Flux Kustomizations the objects come from (`--flux`): whether each is suspended, and
    /// with `--prune` whose inventory says what is pruned.
    public var fluxUnits: [FluxUnit]
    /// This revision's drift.yaml; nil when it has none.
    public var config: DriftConfig?
    /// Objects Git has that are not compared: never watched nor remediated, and never pruned.
    public var skipped: [SkippedObject]

    public init(
        manifests: [Manifest], existenceOnly: Set<ObjectIdentity> = [], revision: String, fluxUnits: [FluxUnit] = [],
        config: DriftConfig? = nil, skipped: [SkippedObject] = []
    ) {
        self.manifests = manifests
        self.skipped = skipped
        self.existenceOnly = existenceOnly
        self.revision = revision
        self.fluxUnits = fluxUnits
        self.config = config
    }

    /// This revision's drift.yaml says `suspend: true`: nothing is remediated or pruned.
    var suspended: Bool { config?.suspend == true }

    /// Ignore rules the revision's HelmReleases set (`spec.driftDetection.ignore`).
    public var ignoreRules: [IgnoreRule] { fluxUnits.helmIgnoreRules }
}

/// `kubectl drift watch`: verifies each desired object again when the cluster says it changed
/// (LIST + WATCH, no polling), puts it back with `remediate`, and reads Git again at every
/// interval, verifying what changed there.
///
/// Safe in a loop: a failed remediation backs off exponentially per object; an object whose
/// fields another manager keeps re-taking is left alone after a few rounds and the fight is
/// reported with the ignore rule that ends it; suspension, the health gate and the pinned
/// cluster are the `Remediator`'s, read live on every round. Everything happens on the thread
/// that calls `run`; the watch's threads only leave work in the inbox.
public final class ReconcileLoop: @unchecked Sendable {
    /// The comparison of the revision in force: its drift.yaml's ignore rules and managers.
    private var detector: DriftDetector
    private let comparison: ((DesiredSnapshot) -> DriftDetector)?
    private let remediation: RemediationOptions
    private let options: LoopOptions
    private let source: any LiveEventSource
    private let load: () throws -> DesiredSnapshot
    private let fingerprint: (() -> String?)?
    private let emit: (LoopEvent) -> Void
    private let inbox = LoopInbox()
    /// What the loop counts, for `--metrics-address`.
    public let metrics: LoopMetrics

    // State below is touched only by the thread in `run`.
    private var snapshot = DesiredSnapshot(manifests: [], revision: "")
    private var manifestsByKey: [WatchKey: Manifest] = [:]
    private var keysByCollection: [String: Set<WatchKey>] = [:]
    private var histories: [ObjectIdentity: ObjectHistory] = [:]
    private var reportedProblems: Set<String> = []
    private var watching: Set<String> = []

    /// - Parameters:
    ///   - remediation: how objects are put back; its `prune` is ignored (the loop prunes at
    ///     intervals only, with the whole of Git in hand), and its Flux units and suspension
    ///     are those of the revision in force.
    ///   - load: reads the desired state; called at the start and at every interval.
    ///   - fingerprint: a cheap token of the source (`SourceFingerprint`); when it changes,
    ///     Git is read at once instead of at the next interval.
    ///   - comparison: the detector for a revision whose drift.yaml differs from the one in
    ///     force (new ignore rules take effect with their commit); nil keeps `detector`.
    ///   - metrics: where the loop counts; its revision is the one in force.
    ///   - emit: told every event, on the loop's thread.
    public init(
        detector: DriftDetector, remediation: RemediationOptions, options: LoopOptions, source: any LiveEventSource,
        load: @escaping () throws -> DesiredSnapshot, fingerprint: (() -> String?)? = nil,
        comparison: ((DesiredSnapshot) -> DriftDetector)? = nil, metrics: LoopMetrics = LoopMetrics(),
        emit: @escaping (LoopEvent) -> Void
    ) {
        self.metrics = metrics
        self.comparison = comparison
        self.detector = detector
        var perObject = remediation
        perObject.prune = false
        self.remediation = perObject
        self.options = options
        self.source = source
        self.load = load
        self.fingerprint = fingerprint
        self.emit = emit
    }

    /// Says `event` and counts it.
    private func say(_ event: LoopEvent) {
        metrics.count(event)
        emit(event)
    }

    /// Says a problem unless it was said already; the memory of what was said stays bounded
    /// (a loop that runs for days must not grow with every distinct message).
    private func sayOnce(_ problem: String) {
        if reportedProblems.count > 1_000 { reportedProblems = [] }
        if reportedProblems.insert(problem).inserted { say(.problem(problem)) }
    }

    /// Asks `run` to return once the work in hand (a write in flight included) is done.
    public func stop() { inbox.stop() }

    /// Runs until `stop`; throws only when the first read of Git or of the cluster fails.
    public func run() throws {
        snapshot = try load()
        try verify(snapshot.manifests, initial: true)
        metrics.synced(revision: snapshot.revision, objects: Set(snapshot.manifests.map(\.identity)), at: Date())
        watch()
        var nextInterval = Date().addingTimeInterval(options.interval)
        var lastFingerprint = fingerprint?()
        while !inbox.isStopping {
            var wakeUp = min(nextInterval, earliestRetry() ?? nextInterval)
            if fingerprint != nil { wakeUp = min(wakeUp, Date().addingTimeInterval(options.sourceCheck)) }
            let work = inbox.take(waitingUntil: wakeUp)
            guard !inbox.isStopping else { break }
            work.problems.forEach(sayOnce)
            var keys = work.changed
            for collection in work.resynced { keys.formUnion(keysByCollection[collection] ?? []) }
            let now = Date()
            let due = histories.filter { $0.value.verifyAgain || ($0.value.notBefore.map { $0 <= now } ?? false) }.keys
            var manifests = keys.compactMap { manifestsByKey[$0] }
            let queued = Set(manifests.map(\.identity))
            manifests += snapshot.manifests.filter { due.contains($0.identity) && !queued.contains($0.identity) }
            if !manifests.isEmpty { try? verify(manifests, initial: false) }
            let current = fingerprint?()
            let interval = Date() >= nextInterval
            if interval || current != lastFingerprint {
                lastFingerprint = current
                reread(verifyingEverything: interval)
                if interval { nextInterval = Date().addingTimeInterval(options.interval) }
            }
        }
        source.stop()
    }

    // MARK: Git

    /// Reads Git again: a new revision is said and the objects it changed are verified; at
    /// the interval (`verifyingEverything`) every object is, for what the watch may have
    /// missed. An unreadable revision is reported and the last good one kept, so nothing is
    /// applied from it.
    private func reread(verifyingEverything: Bool) {
        let fresh: DesiredSnapshot
        do {
            fresh = try load()
        } catch {
            sayOnce("cannot read Git: \(error); still checking \(snapshot.revision)")
            if verifyingEverything { try? verify(snapshot.manifests, initial: false) }
            return
        }
        // Git is readable again: a later failure is news again.
        reportedProblems = reportedProblems.filter { !$0.hasPrefix("cannot read Git") }
        let old = Dictionary(snapshot.manifests.map { ($0.identity, $0.object) }, uniquingKeysWith: { first, _ in first })
        let changedInGit = fresh.manifests.filter { old[$0.identity] != $0.object }
        let moved = fresh.revision != snapshot.revision
        if moved {
            let freshIdentities = Set(fresh.manifests.map(\.identity))
            let changed = changedInGit.count + old.keys.filter { !freshIdentities.contains($0) }.count
            say(.git(from: snapshot.revision, to: fresh.revision, changed: changed))
            // What Git no longer has is no longer verified when the cluster changes it.
            let kept = Set(fresh.manifests.map(\.identity))
            manifestsByKey = manifestsByKey.filter { kept.contains($0.value.identity) }
            keysByCollection = keysByCollection.mapValues { $0.filter { manifestsByKey[$0] != nil } }.filter { !$0.value.isEmpty }
            histories = histories.filter { kept.contains($0.key) }
            resolved = resolved.filter { kept.contains($0.key) }
        }
        // New rules or managers change every verdict.
        let rulesChanged = fresh.config != snapshot.config || fresh.ignoreRules != snapshot.ignoreRules
        if rulesChanged, let comparison { detector = comparison(fresh) }
        snapshot = fresh
        let verified = verifyingEverything || rulesChanged ? snapshot.manifests : changedInGit
        if !verified.isEmpty { try? verify(verified, initial: false) }
        metrics.synced(revision: snapshot.revision, objects: Set(snapshot.manifests.map(\.identity)), at: Date())
        if options.prune, options.remediate, verifyingEverything || moved { prune() }
        watch()
        returnFreedMemory()
    }

    /// Gives the memory a full verification freed back to the system. glibc keeps freed
    /// blocks in each thread's arena, so without this a loop that runs for days would hold
    /// the high-water mark of its busiest interval.
    private func returnFreedMemory() {
        Self.mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, which its Swift module does not export; nil on other C libraries.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    // MARK: Verification and remediation

    /// Verifies `manifests`, remediating those that may be (with `remediate`), and says what changed.
    private func verify(_ manifests: [Manifest], initial: Bool) throws {
        let now = Date()
        let eligible = options.remediate ? manifests.filter { mayRemediate($0, now: now) } : []
        let eligibleKeys = Set(eligible.map(\.identity))
        let others = manifests.filter { !eligibleKeys.contains($0.identity) }
        // Verdicts come back in their own order; a manifest's place in Git names it.
        let bySource = Dictionary(manifests.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })

        do {
            if !others.isEmpty {
                for drift in try detector.detect(others, existenceOnly: snapshot.existenceOnly).objects {
                    if let manifest = bySource[drift.source] { record(drift, manifest: manifest, outcome: nil) }
                }
            }
            if !eligible.isEmpty {
                var remediation = self.remediation
                remediation.fluxUnits = snapshot.fluxUnits
                remediation.suspendAll = snapshot.suspended
                let report = try Remediator(detector: detector, options: remediation)
                    .remediate(eligible, existenceOnly: snapshot.existenceOnly)
                for result in report.results {
                    if let manifest = bySource[result.drift.source] {
                        record(result.drift, manifest: manifest, outcome: result.outcome)
                    }
                }
            }
        } catch {
            if initial { throw error }
            sayOnce("\(error)")
            // The changes that brought these objects here must not wait for the interval: they
            // are verified again after a backoff, however long the cluster stays away.
            clusterFailures += 1
            let retry = now.addingTimeInterval(
                ObjectHistory.backoff(failures: clusterFailures, base: options.backoffBase, limit: min(30, options.backoffLimit)))
            for manifest in manifests { histories[manifest.identity, default: ObjectHistory()].notBefore = retry }
            return
        }
        clusterFailures = 0
        reportedProblems = reportedProblems.filter { !$0.hasPrefix("cannot reach") && !$0.hasPrefix("the cluster at") }
    }

    /// Verifications in a row that failed as a whole (the cluster unreachable or refusing).
    private var clusterFailures = 0

    private func mayRemediate(_ manifest: Manifest, now: Date) -> Bool {
        guard let history = histories[manifest.identity] else { return true }
        if history.fight != nil { return false }
        return history.notBefore.map { $0 <= now } ?? true
    }

    /// Takes in one verdict (and what remediation did, when it ran) and says what changed.
    private func record(_ drift: ObjectDrift, manifest: Manifest, outcome: RemediationOutcome?) {
        if let path = drift.target?.path, let key = WatchKey(objectPath: path) {
            manifestsByKey[key] = manifest
            keysByCollection[key.collection, default: []].insert(key)
        }
        let key = manifest.identity
        if drift.status != .error { resolved[key] = drift.identity }
        var history = histories[key] ?? ObjectHistory()
        defer { histories[key] = history }
        let previous = history.status
        history.verifyAgain = false
        metrics.record(key, status: drift.status)
        let now = Date()
        // A retry that is due has just happened; one still ahead (after a failed remediation)
        // stands. Left in the past, it would make the object due on every round.
        if let notBefore = history.notBefore, notBefore <= now { history.notBefore = nil }
        switch drift.status {
        case .inSync:
            if let previous, previous != .inSync, !history.remediated { say(.recovered(drift.identity)) }
            history.status = .inSync
            history.remediated = false
            history.failures = 0
            history.notBefore = nil
        case .drifted, .missing:
            let transition = previous != drift.status || history.remediated
            if transition {
                let shown = options.showSecrets ? drift : SecretMasker.mask(drift)
                say(.drifted(drift.identity, missing: drift.status == .missing, changes: shown.changes))
            }
            history.status = drift.status
            // Report only: a verdict was had, so nothing to retry until the cluster or Git changes it.
            if !options.remediate { history.failures = 0 }
            if let fight = history.recordDrift(
                drift.changes, ours: detector.options.fieldManager, now: now, window: options.fightWindow, rounds: options.fightRounds)
            {
                say(.fight(drift.identity, manager: fight.manager, path: fight.path, rule: Self.ignoreRule(drift.identity, path: fight.path)))
                return
            }
            guard let outcome else { return }
            switch outcome {
            case .applied, .recreated:
                say(.remediated(drift.identity))
                history.remediated = true
                history.failures = 0
                history.notBefore = nil
                history.lastRemediation = (Set(drift.changes.map(\.path)), now)
                history.verifyAgain = true
            case let .failed(reason), let .skipped(reason), let .blocked(reason):
                history.failures += 1
                let delay = ObjectHistory.backoff(failures: history.failures, base: options.backoffBase, limit: options.backoffLimit)
                history.notBefore = now.addingTimeInterval(delay)
                history.remediated = false
                say(.failed(drift.identity, reason: reason, retry: delay))
            case let .suspended(reason):
                if transition { say(.problem("\(drift.identity) is not remediated: \(reason)")) }
            case .unchanged, .wouldApply, .wouldRecreate:
                break
            }
        case .error:
            // Often passing (a timed-out dry run, a 429): verified again after a backoff, not
            // only at the next interval; said once until it changes.
            history.failures += 1
            let delay = ObjectHistory.backoff(failures: history.failures, base: options.backoffBase, limit: options.backoffLimit)
            history.notBefore = now.addingTimeInterval(delay)
            if previous != .error { say(.failed(drift.identity, reason: drift.error ?? "unknown error", retry: delay)) }
            history.status = .error
        case .skipped:
            // Never met: the loop verifies only the objects it can compare (`DesiredSnapshot.skipped` aside).
            break
        }
    }

    /// Deletes what Git no longer has, as `kubectl drift apply --prune` would: in Flux mode what
    /// the Kustomizations' inventories list, else what the ApplySet holds. Skipped while any
    /// desired object has no verdict yet (its identity in the cluster unknown, it could be taken
    /// for one Git no longer has), and while this revision's drift.yaml suspends remediation.
    private func prune() {
        guard !snapshot.suspended else { return }
        let desired = snapshot.manifests.compactMap { resolved[$0.identity] }
        guard desired.count == snapshot.manifests.count else {
            say(.problem("prune skipped this round: not every object of \(snapshot.revision) could be verified"))
            return
        }
        let client = detector.client
        let concurrency = detector.options.concurrency
        // Git has the skipped objects too: an earlier apply may have made one a member.
        let discovery = Discovery(client: client)
        let kept = Set(desired + snapshot.skipped.map { detector.identity(of: $0, discovery: discovery) })
        let candidates: [PruneCandidate]
        if !snapshot.fluxUnits.isEmpty {
            let flux = FluxLiveState.read(snapshot.fluxUnits, client: client, concurrency: concurrency)
            let plan = FluxInventoryPruner(client: client, discovery: Discovery(client: client))
                .plan(flux, desired: kept, concurrency: concurrency)
            plan.problems.forEach { sayOnce("prune: \($0)") }
            candidates = plan.candidates
        } else if let membership = detector.options.membership {
            let pruner = Pruner(
                client: client, discovery: Discovery(client: client), applySet: membership.applySet,
                fieldManager: detector.options.fieldManager)
            let plan = pruner.plan(desired: kept, parent: membership.recorded, concurrency: concurrency)
            plan.problems.forEach { sayOnce("prune: \($0)") }
            candidates = plan.candidates
        } else {
            return
        }
        for result in Pruner.delete(candidates, client: client, concurrency: concurrency) {
            switch result.outcome {
            case .deleted: say(.pruned(result.identity))
            case let .failed(reason): say(.failed(result.identity, reason: "prune failed: \(reason)", retry: nil))
            }
        }
    }

    /// The identity each desired object has in the cluster (its namespace settled), by its
    /// identity as Git writes it; known once it has a verdict.
    private var resolved: [ObjectIdentity: ObjectIdentity] = [:]

    /// Starts watching the collections of the desired objects, when they changed, then
    /// verifies their objects once more: a change made after an object's last verdict but
    /// before its collection's LIST arrives as no event (the LIST already holds it). Cheap:
    /// what did not change is a verdict-cache hit, no dry run.
    private func watch() {
        let collections = Set(keysByCollection.keys)
        guard collections != watching else { return }
        if !watching.isEmpty { source.stop() }
        watching = collections
        let inbox = self.inbox
        source.start(collections.sorted()) { inbox.post($0) }
        var seen: Set<ObjectIdentity> = []
        let listed = collections.sorted().flatMap { keysByCollection[$0] ?? [] }.compactMap { manifestsByKey[$0] }
            .filter { seen.insert($0.identity).inserted }
        if !listed.isEmpty { try? verify(listed, initial: false) }
    }

    private func earliestRetry() -> Date? {
        if histories.values.contains(where: \.verifyAgain) { return Date() }
        return histories.values.compactMap(\.notBefore).min()
    }

    /// `{kind: Deployment, name: web, namespace: shop, jsonPointers: [/spec/replicas]}`.
    static func ignoreRule(_ identity: ObjectIdentity, path: String) -> String {
        var parts = ["kind: \(identity.kind)", "name: \(identity.name)"]
        if !identity.group.isEmpty { parts.insert("group: \(identity.group)", at: 0) }
        if let namespace = identity.namespace { parts.append("namespace: \(namespace)") }
        parts.append("jsonPointers: [\(path)]")
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
