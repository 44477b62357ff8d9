import Foundation

/// What remediation did, or would do, with one desired object.
public enum RemediationOutcome: Sendable, Equatable {
    /// Server-side applied (created or taken back).
    case applied
    /// Deleted and created again, for a change to an immutable field.
    case recreated
    /// `--dry-run`: would be deleted and created again.
    case wouldRecreate
    /// `--dry-run`: would be applied.
    case wouldApply
    /// In sync: nothing written, no resourceVersion bump.
    case unchanged
    /// Not touched, and why (could not be compared, needs recreating, unhealthy); a failure
    /// when it could not be compared or needs recreating.
    case skipped(String)
    /// Not touched because remediation is paused for it (drift.yaml, the suspend annotation,
    /// a suspended Flux Kustomization or HelmRelease), and why; never a failure. Shown as skipped.
    case suspended(String)
    /// Not applied because what it waits for (Flux `dependsOn`) failed or is not Ready, and
    /// why; a failure, since the cluster is not what Git says. Shown as skipped.
    case blocked(String)
    /// The apply failed; the server's reason.
    case failed(String)

    public var label: String {
        switch self {
        case .applied: return "applied"
        case .recreated: return "recreated"
        case .wouldRecreate: return "would-recreate"
        case .wouldApply: return "would-apply"
        case .unchanged: return "unchanged"
        case .skipped, .suspended, .blocked: return "skipped"
        case .failed: return "failed"
        }
    }

    public var reason: String? {
        switch self {
        case let .skipped(reason), let .suspended(reason), let .blocked(reason), let .failed(reason): return reason
        case .applied, .recreated, .wouldRecreate, .wouldApply, .unchanged: return nil
        }
    }
}

/// One object's drift and what remediation did about it.
public struct RemediationResult: Sendable {
    public var drift: ObjectDrift
    public var outcome: RemediationOutcome
    /// With `--wait`: the object's health after it was applied.
    public var health: WorkloadHealth?
}

/// The results of a remediation run, in the order the objects were reported.
public struct RemediationReport: Sendable {
    public var results: [RemediationResult]
    public var server: String
    /// With `--prune`: what was deleted (or, in a dry run, would be) and what failed.
    public var pruned: [PruneResult] = []
    /// With `--prune --dry-run`: the objects that would be deleted.
    public var wouldPrune: [ObjectIdentity] = []
    /// With `--prune`: what deleting a Namespace deleted (or would delete) with it.
    public var pruneContents: [ObjectIdentity: [ObjectIdentity]] = [:]
    /// With `--prune`: objects Git no longer has that were kept, and why.
    public var pruneHeld: [PruneHold] = []
    /// With `--prune`: the objects left in place because deleting them was not confirmed.
    public var pruneDeclined: [ObjectIdentity] = []
    /// Types whose members could not be listed, so none of them was pruned.
    public var pruneProblems: [String] = []
    /// What Git holds that was not checked, so not remediated either, with why.
    public var notChecked: [NotChecked] = []

    public func count(_ label: String) -> Int { results.filter { $0.outcome.label == label }.count }

    /// The prune candidates whose deletion failed.
    public var pruneFailures: [PruneResult] {
        pruned.filter { if case .failed = $0.outcome { return true } else { return false } }
    }

    /// Every object Git no longer has that `--prune` found, whatever became of it.
    public var pruneCandidates: [ObjectIdentity] { pruned.map(\.identity) + wouldPrune + pruneDeclined }

    /// 0 when the cluster matches Git afterwards (in a dry run: would, once applied), 2 when
    /// anything failed, was left because it could not be compared or what it waits for was not
    /// Ready, or was not pruned (declined, failed, or its type could not be listed).
    public var exitCode: Int32 {
        let pruneIncomplete = !pruneProblems.isEmpty || !pruneDeclined.isEmpty || !pruneFailures.isEmpty
        return pruneIncomplete || results.contains { result in
            switch result.outcome {
            case .failed, .blocked: return true
            case .skipped: return result.drift.status == .error || result.drift.needsRecreate
            case .applied, .recreated: return result.health.map { !$0.isHealthy } ?? false
            case .wouldApply, .wouldRecreate, .unchanged, .suspended: return false
            }
        } ? 2 : 0
    }
}

/// Settings of a remediation run, on top of the detection's.
public struct RemediationOptions: Sendable {
    /// Print what would be applied; write nothing.
    public var dryRun = false
    /// How long to wait for an applied CustomResourceDefinition to be Established, or for a
    /// deleted object to be gone before it is created again.
    public var establishTimeout: Double = 60
    /// Delete and recreate objects whose immutable fields Git changed (`--force-recreate`).
    public var forceRecreate = false
    /// Asked before objects are deleted (to recreate them, or to prune them) with the objects
    /// concerned; false cancels those deletions.
    public var confirmDeletion: (@Sendable ([ObjectIdentity]) -> Bool)?
    /// Leave a drifted workload alone while it is unhealthy (a health gate, as Flux's).
    public var skipUnhealthy = false
    /// Remediation paused for everything (drift.yaml `suspend: true`); drift is still reported.
    public var suspendAll = false
    /// `--prune`: delete what an earlier apply created and Git no longer has: members of the
    /// detector's ApplySet (`DriftOptions.membership`), or with `fluxUnits`, what Flux's
    /// inventories list, as kustomize-controller would.
    public var prune = false
    /// With `--flux`: the Flux Kustomizations the manifests come from. The objects of a
    /// suspended one (`spec.suspend: true` live or in Git), or of a suspended HelmRelease
    /// rendered with it, are not remediated, and nothing of it is pruned.
    public var fluxUnits: [FluxUnit] = []
    /// After applying, wait this long for applied workloads to become healthy; nil does not wait.
    public var waitTimeout: Double?
    /// With Flux `dependsOn`: how long a dependency's objects may take to become healthy
    /// before what waits for it is not applied, unless `waitTimeout` says otherwise (Flux's
    /// default `spec.timeout` is the interval; five minutes here).
    public var dependencyTimeout: Double = 300
    /// With `prune`, when the manifests are only part of Git (the hook applies what the merged
    /// commits changed): only these objects may be pruned, and the ApplySet parent keeps every
    /// kind and namespace it records; nil when the manifests are all of Git.
    public var pruneOnly: Set<ObjectIdentity>?

    public init() {}
}

/// Puts the cluster back to Git: applies missing and drifted objects, in a safe order.
///
/// CustomResourceDefinitions and Namespaces go first, and an applied CRD is awaited until
/// Established; objects that could not be compared before (a kind the new CRD serves, a
/// namespace just created) are compared again; then cluster-scoped objects, then namespaced
/// ones. In-sync objects are never written. A failure is reported for its object and the
/// others carry on.
public struct Remediator: Sendable {
    /// Live or manifest annotation that pauses remediation of an object (its drift is still reported).
    public static let suspendAnnotation = "drift.kubectl-drift.dev/suspend"
    /// Manifest annotation that allows deleting and recreating the object for an immutable field.
    public static let forceRecreateAnnotation = "drift.kubectl-drift.dev/force-recreate"

    public let detector: DriftDetector
    public let options: RemediationOptions

    public init(detector: DriftDetector, options: RemediationOptions) {
        self.detector = detector
        self.options = options
    }

    private var client: APIClient { detector.client }

    /// - Parameter progress: told as the first comparison, the long part of a run, goes along.
    ///
    /// - Parameter skipped: objects that are not compared: reported skipped, never applied,
    ///   and never pruned as objects Git no longer has.
    public func remediate(
        _ manifests: [Manifest], existenceOnly: Set<ObjectIdentity> = [], skipped: [SkippedObject] = [],
        progress: DriftDetector.Progress? = nil
    ) throws -> RemediationReport {
        // Read before anything is written: whether Flux is suspended is the cluster's state now.
        let flux = options.fluxUnits.isEmpty
            ? nil : FluxLiveState.read(options.fluxUnits, client: client, concurrency: detector.options.concurrency)
        var report = try detector.detect(manifests, existenceOnly: existenceOnly, skipped: skipped, progress: progress)
        var outcomes: [Int: RemediationOutcome] = [:]
        // Every apply records what it writes in the ApplySet, so that any later --prune can
        // delete it; only --prune deletes.
        let applySet = detector.options.membership?.applySet
        let pruner = applySet.map {
            Pruner(client: client, discovery: Discovery(client: client), applySet: $0, fieldManager: detector.options.fieldManager)
        }
        let parent = detector.options.membership?.recorded ?? .absent
        let writes = report.objects.contains { $0.status == .drifted || $0.status == .missing }
        var unrecorded: String?
        if let applySet, !options.dryRun, !options.suspendAll, writes || options.prune {
            // Recorded before the members are written, so an interrupted run leaves nothing untracked.
            do {
                try writeParent(applySet, members: report.objects.map(\.identity), recorded: parent)
            } catch {
                // Nothing is written that the parent might not record; every object is still reported.
                unrecorded = "the ApplySet parent \(applySet.parentDescription) could not record this run's objects: \(error)"
            }
        }

        let graph = FluxDependencyGraph(units: options.fluxUnits)
        if let unrecorded {
            for index in report.objects.indices where [.drifted, .missing].contains(report.objects[index].status) {
                outcomes[index] = .failed("not applied: \(unrecorded)")
            }
        } else if graph.hasDependencies {
            applyInLayers(graph, report: &report, outcomes: &outcomes, manifests: manifests, existenceOnly: existenceOnly, flux: flux)
        } else {
            apply(Array(report.objects.indices), report: &report, outcomes: &outcomes, manifests: manifests, existenceOnly: existenceOnly, flux: flux)
        }
        var results = report.objects.indices.map { index in
            let drift = report.objects[index]
            return RemediationResult(drift: drift, outcome: outcomes[index] ?? Self.leftAlone(drift))
        }
        if let timeout = options.waitTimeout, !options.dryRun {
            let written = results.indices.filter { [.applied, .recreated].contains(results[$0].outcome) }
            let health = HealthWaiter(client: client, interval: 1, timeout: timeout).wait(
                for: written.compactMap { index in results[index].drift.target.map { (results[index].drift.identity, path: $0.path) } },
                concurrency: detector.options.concurrency)
            for index in written { results[index].health = health[results[index].drift.identity] }
        }
        var remediation = RemediationReport(results: results, server: report.server)
        if options.prune, let flux, !options.suspendAll {
            let plan = FluxInventoryPruner(client: client, discovery: Discovery(client: client))
                .plan(flux, desired: Set(report.objects.map(\.identity)), concurrency: detector.options.concurrency)
            prune(allowed(plan.candidates), problems: plan.problems.map(\.description), into: &remediation)
            remediation.pruneHeld = allowed(plan.held)
        }
        if options.prune, let unrecorded {
            remediation.pruneProblems.append("nothing pruned: \(unrecorded)")
        } else if options.prune, let pruner, let applySet, !options.suspendAll {
            let desired = Set(report.objects.map(\.identity))
            let plan = pruner.plan(desired: desired, parent: parent, concurrency: detector.options.concurrency)
            prune(allowed(plan.candidates), problems: plan.problems.map(\.description), into: &remediation)
            remediation.pruneHeld = allowed(plan.held)
            if !options.dryRun, remediation.exitCode == 0 {
                // What is kept stays recorded, so a later prune looks at it again; a run that saw
                // only part of Git forgets nothing the parent records.
                do {
                    try writeParent(
                        applySet, members: Array(desired) + plan.held.map(\.identity),
                        recorded: options.pruneOnly == nil ? .empty : parent)
                } catch {
                    // The parent still records what it did, so the next prune lists it all again.
                    remediation.pruneProblems.append(
                        "the ApplySet parent \(applySet.parentDescription) could not forget what was pruned: \(error)")
                }
            }
        }
        return remediation
    }

    /// Applies the objects at `indices` that need it in the safe order: CRDs and Namespaces
    /// (CRDs awaited until Established, then what they make comparable compared again),
    /// recreations, cluster-scoped objects, namespaced ones.
    private func apply(
        _ indices: [Int], report: inout DriftReport, outcomes: inout [Int: RemediationOutcome], manifests: [Manifest],
        existenceOnly: Set<ObjectIdentity>, flux: FluxLiveState?
    ) {
        let foundation = indices.filter { Self.isFoundation(report.objects[$0]) }
        for (index, outcome) in zip(foundation, apply(foundation.map { report.objects[$0] }, flux: flux)) {
            outcomes[index] = outcome
        }
        let appliedCRDs = foundation.filter { outcomes[$0] == .applied && report.objects[$0].identity.kind == "CustomResourceDefinition" }
        for index in appliedCRDs {
            if let problem = waitUntilEstablished(report.objects[index]) { outcomes[index] = .failed(problem) }
        }

        // What the new CRDs and namespaces make comparable is compared again, and so are the
        // objects whose kind a CRD in Git defines: until it is served they have no target.
        let retry = indices.filter { index in
            outcomes[index] == nil && (report.objects[index].status == .error || report.objects[index].awaitedDefinition != nil)
        }
        if foundation.contains(where: { outcomes[$0] == .applied }), !retry.isEmpty {
            let retried = Set(retry.map { report.objects[$0].source })
            do {
                let again = try detector.detect(manifests.filter { retried.contains($0.source) }, existenceOnly: existenceOnly)
                for index in retry {
                    let old = report.objects[index]
                    if let fresh = again.objects.first(where: { $0.source == old.source && $0.identity.name == old.identity.name && $0.identity.kind == old.identity.kind }) {
                        report.objects[index] = fresh
                    }
                }
            } catch {
                // These could not be compared again; the run's other objects go on.
                for index in retry {
                    report.objects[index].status = .error
                    report.objects[index].error =
                        "not compared again after the CustomResourceDefinitions and Namespaces were applied: \(error)"
                }
            }
        }

        // A suspended object is never deleted, so nobody is asked about it.
        let recreate = indices.filter { index in
            outcomes[index] == nil && report.objects[index].needsRecreate && mayRecreate(report.objects[index])
                && suspension(of: report.objects[index], flux: flux) == nil
        }
        if !recreate.isEmpty {
            let confirmed = options.dryRun || options.confirmDeletion?(recreate.map { report.objects[$0].identity }) ?? true
            for (index, outcome) in zip(recreate, BoundedConcurrency.map(recreate.map { report.objects[$0] }, limit: detector.options.concurrency) {
                confirmed ? self.recreate($0) : .skipped("recreating it was not confirmed")
            }) {
                outcomes[index] = outcome
            }
        }

        for clusterScoped in [true, false] {
            let phase = indices.filter { index in
                outcomes[index] == nil && Self.isClusterScoped(report.objects[index]) == clusterScoped
            }
            for (index, outcome) in zip(phase, apply(phase.map { report.objects[$0] }, flux: flux)) {
                outcomes[index] = outcome
            }
        }
    }

    /// Applies Flux's layers one after another, as Flux reconciles them: a Kustomization or
    /// HelmRelease only after what its `dependsOn` names is applied and healthy (Ready). One
    /// that fails, or whose objects do not become healthy, stops what waits for it, directly
    /// or not, and nothing else.
    private func applyInLayers(
        _ graph: FluxDependencyGraph, report: inout DriftReport, outcomes: inout [Int: RemediationOutcome],
        manifests: [Manifest], existenceOnly: Set<ObjectIdentity>, flux: FluxLiveState?
    ) {
        let nodes = report.objects.map { graph.node(ofObjectFrom: $0.source.file) }
        let depthOf = { (index: Int) in nodes[index].flatMap { graph.depth[$0] } ?? 0 }
        let waitedFor = graph.waitedFor
        var failed: [FluxReference: String] = [:]
        for depth in Set(report.objects.indices.map(depthOf)).sorted() {
            let layer = report.objects.indices.filter { depthOf($0) == depth }
            var ready: [Int] = []
            for index in layer {
                guard let node = nodes[index],
                    let blocker = (graph.dependencies[node] ?? []).first(where: { failed[$0] != nil }), let why = failed[blocker]
                else {
                    ready.append(index)
                    continue
                }
                outcomes[index] = .blocked("not applied: it waits for \(blocker), which \(why)")
                if failed[node] == nil { failed[node] = "was not applied, as it waits for \(blocker)" }
            }
            apply(ready, report: &report, outcomes: &outcomes, manifests: manifests, existenceOnly: existenceOnly, flux: flux)
            for index in ready {
                guard let node = nodes[index], failed[node] == nil, case let .failed(reason)? = outcomes[index] else { continue }
                failed[node] = "failed: \(report.objects[index].identity): \(reason)"
            }
            // Flux waits for Ready; here, for every object of an awaited node to be healthy.
            let awaited = ready.filter { index in
                nodes[index].map { waitedFor.contains($0) && failed[$0] == nil } == true && report.objects[index].target != nil
            }
            guard !options.dryRun, !awaited.isEmpty else { continue }
            let health = HealthWaiter(client: client, interval: 1, timeout: options.waitTimeout ?? options.dependencyTimeout).wait(
                for: awaited.compactMap { index in report.objects[index].target.map { (report.objects[index].identity, path: $0.path) } },
                concurrency: detector.options.concurrency)
            for index in awaited {
                guard let node = nodes[index], failed[node] == nil, let status = health[report.objects[index].identity], !status.isHealthy
                else { continue }
                failed[node] = "is not Ready: \(report.objects[index].identity) is \(status)"
            }
        }
    }

    /// The prune candidates `pruneOnly` allows.
    private func allowed(_ candidates: [PruneCandidate]) -> [PruneCandidate] {
        guard let only = options.pruneOnly else { return candidates }
        return candidates.filter { only.contains($0.identity) }
    }

    private func allowed(_ held: [PruneHold]) -> [PruneHold] {
        guard let only = options.pruneOnly else { return held }
        return held.filter { only.contains($0.identity) }
    }

    /// Deletes prune candidates, or lists them in a dry run; asks first on a terminal.
    private func prune(_ candidates: [PruneCandidate], problems: [String], into report: inout RemediationReport) {
        report.pruneProblems = problems
        report.pruneContents = PruneCandidate.contents(of: candidates)
        if options.dryRun {
            report.wouldPrune = candidates.map(\.identity)
        } else if !candidates.isEmpty, options.confirmDeletion?(candidates.map(\.identity)) == false {
            report.pruneDeclined = candidates.map(\.identity)
        } else {
            report.pruned = Pruner.delete(candidates, client: client, concurrency: detector.options.concurrency)
        }
    }

    /// Server-side applies the ApplySet parent recording `members` and what `recorded` holds.
    private func writeParent(_ applySet: ApplySet, members: [ObjectIdentity], recorded: ApplySetParentState) throws {
        var groupKinds = recorded.groupKinds
        var namespaces = recorded.additionalNamespaces
        for member in members {
            groupKinds.insert(ApplySetGroupKind(member))
            if let namespace = member.namespace { namespaces.insert(namespace) }
        }
        _ = try client.apply(
            applySet.parentObject(
                groupKinds: groupKinds, namespaces: namespaces, repository: detector.options.membership?.repository),
            at: applySet.parentPath,
            fieldManager: detector.options.fieldManager, force: true, dryRun: false)
    }

    /// Why an object no phase applies is left alone: it could not be compared, or is not to
    /// be (`skipped`, with the reason).
    private static func leftAlone(_ drift: ObjectDrift) -> RemediationOutcome {
        switch drift.status {
        case .error: return .skipped("could not be compared: \(drift.error ?? "unknown error")")
        case .skipped: return .skipped(drift.skipReason?.description ?? "not compared")
        case .inSync, .drifted, .missing: return .skipped("not applicable")
        }
    }

    private static func isFoundation(_ drift: ObjectDrift) -> Bool {
        (drift.identity.group == "apiextensions.k8s.io" && drift.identity.kind == "CustomResourceDefinition")
            || (drift.identity.group.isEmpty && drift.identity.kind == "Namespace")
    }

    /// Which apply phase the object belongs to; nil when it cannot be applied at all.
    private static func isClusterScoped(_ drift: ObjectDrift) -> Bool? {
        if let target = drift.target { return !target.namespaced }
        // Its namespace was settled by the scope of the CRD in Git that defines it.
        return drift.awaitedDefinition.map { _ in drift.identity.namespace == nil }
    }

    /// Applies what needs it, concurrently; in-sync objects are left alone.
    private func apply(_ drifts: [ObjectDrift], flux: FluxLiveState?) -> [RemediationOutcome] {
        BoundedConcurrency.map(drifts, limit: detector.options.concurrency) { drift in
            switch drift.status {
            case .inSync: return .unchanged
            case .error, .skipped: return Self.leftAlone(drift)
            case .drifted, .missing: break
            }
            if let suspended = suspension(of: drift, flux: flux) { return suspended }
            if drift.status == .drifted, let release = flux?.helmRelease(ofObjectFrom: drift.source.file),
                let reason = release.driftDetection.leavesDriftReason(release: release.key)
            {
                return .skipped(reason)
            }
            if let reason = drift.recreateReason {
                return .skipped("Git changes a field that cannot change in place; --force-recreate deletes and recreates it: \(reason)")
            }
            if options.skipUnhealthy, drift.status == .drifted, let path = drift.target?.path, let live = try? client.get(path) {
                let health = HealthCheck.evaluate(live)
                if !health.isHealthy { return .skipped("unhealthy, left alone by --skip-unhealthy: \(health)") }
            }
            // A dry run applies no CRD, so an object awaiting one is only ever "would apply".
            if options.dryRun { return .wouldApply }
            guard let target = drift.target else {
                // Still awaiting its CRD after the CRDs were applied: it failed or is not Established.
                return .failed("not created: the server does not serve \(drift.apiVersion) \(drift.identity.kind) until "
                    + "its CustomResourceDefinition \(drift.awaitedDefinition ?? "") is applied and Established")
            }
            do throws(APIError) {
                if drift.status == .drifted, !drift.handEditors.isEmpty {
                    try adoptHandEdits(at: target.path, managers: drift.handEditors)
                }
                _ = try client.apply(
                    target.remediationBody(ignoring: drift.ignoredChanges, live: drift.live), at: target.path,
                    fieldManager: detector.options.fieldManager, force: true, dryRun: false)
                return .applied
            } catch {
                return .failed(error.description)
            }
        }
    }

    /// Moves the fields of hand-edit managers to our field manager, so that the apply that
    /// follows removes what only they set (hand edits, and what Git removed since a
    /// client-side `kubectl apply`), exactly as the detection's dry run said.
    private func adoptHandEdits(at path: String, managers: Set<String>) throws(APIError) {
        guard let live = try client.getIfPresent(path),
            let patch = ManagerAdoption.patch(for: live, manager: detector.options.fieldManager, adopting: managers)
        else { return }
        _ = try client.json(HTTPRequest(
            method: .patch, path: path + "?fieldManager=\(ResourcePath.escape(detector.options.fieldManager))",
            headers: ["Content-Type": "application/json-patch+json"], body: patch.jsonData))
    }

    private func mayRecreate(_ drift: ObjectDrift) -> Bool {
        options.forceRecreate || drift.target?.body[["metadata", "annotations", Self.forceRecreateAnnotation]]?.stringValue == "true"
    }

    /// Deletes the object, waits until it is gone, and creates it from Git.
    private func recreate(_ drift: ObjectDrift) -> RemediationOutcome {
        guard let target = drift.target else { return .skipped("its kind could not be resolved") }
        if options.dryRun { return .wouldRecreate }
        do throws(APIError) {
            // Background propagation, as kubectl delete: the object goes at once and its
            // dependents are collected afterwards (orphan would wait on a finalizer).
            let deleteOptions: JSONValue = ["apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"]
            _ = try client.json(HTTPRequest(
                method: .delete, path: target.path, headers: ["Content-Type": "application/json"], body: deleteOptions.jsonData))
            let deadline = Date().addingTimeInterval(options.establishTimeout)
            while let remaining = try client.getIfPresent(target.path) {
                guard Date() < deadline else {
                    return .failed("deleted to be recreated, but still present after \(Int(options.establishTimeout))s"
                        + Self.finalizerNote(remaining) + "; not created again")
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            _ = try client.apply(
                target.body, at: target.path, fieldManager: detector.options.fieldManager, force: true, dryRun: false)
            return .recreated
        } catch {
            return .failed("recreating it failed: \(error)")
        }
    }

    /// `, waiting on finalizer example.com/hold` for an object whose deletion its finalizers hold
    /// up (the usual reason it outlives the deadline); empty when it has none.
    static func finalizerNote(_ object: JSONValue) -> String {
        let finalizers = (object[["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
        guard !finalizers.isEmpty else { return "" }
        return ", waiting on finalizer\(finalizers.count == 1 ? "" : "s") " + finalizers.joined(separator: ", ")
    }

    /// Why remediation leaves a drifted object alone: drift.yaml's `suspend`, the suspend
    /// annotation, or a suspended Flux Kustomization or HelmRelease; nil to go ahead.
    private func suspension(of drift: ObjectDrift, flux: FluxLiveState?) -> RemediationOutcome? {
        if options.suspendAll { return .suspended("suspended by drift.yaml (suspend: true)") }
        if Self.isSuspended(drift) { return .suspended("suspended by the \(Self.suspendAnnotation) annotation") }
        switch flux?.reconciliation(ofObjectFrom: drift.source.file) ?? .active {
        case .active: return nil
        case let .suspended(suspension): return .suspended("suspended: \(suspension)")
        // Writing what Flux may have paused is worse than not writing it.
        case let .unknown(reason): return .failed("not applied: \(reason)")
        }
    }

    private static func isSuspended(_ drift: ObjectDrift) -> Bool {
        // An object awaiting its CRD has no target; its desired object is the manifest as written.
        [drift.target?.body ?? drift.desired, drift.live].contains { object in
            object?[["metadata", "annotations", suspendAnnotation]]?.stringValue == "true"
        }
    }

    /// Polls an applied CRD until its Established condition is True; the problem, or nil.
    private func waitUntilEstablished(_ drift: ObjectDrift) -> String? {
        guard let path = drift.target?.path else { return nil }
        let deadline = Date().addingTimeInterval(options.establishTimeout)
        while Date() < deadline {
            let conditions = (try? client.get(path))?[["status", "conditions"]]?.arrayValue ?? []
            if conditions.contains(where: { $0["type"] == "Established" && $0["status"] == "True" }) { return nil }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return "applied, but not Established within \(Int(options.establishTimeout))s"
    }
}
