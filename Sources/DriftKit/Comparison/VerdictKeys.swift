/// Makes the `VerdictKey` of each object of one run, and says which verdicts may be cached.
struct VerdictKeys: Sendable {
    let run: VerdictKey.Run
    let context: VerdictContext

    /// The key of an object about to be dry-run; nil when its verdict is never cached: it is
    /// not live (a missing object is always dry-run), its type is served by an aggregated API
    /// server, or it is a Pod, which built-in admission (LimitRanger, PodNodeSelector,
    /// PodTolerationRestriction) changes from other objects no key tracks.
    func key(for target: DriftDetector.Target, live: DriftDetector.LiveState) -> VerdictKey? {
        guard case let .present(_, _, version?) = live,
            !(target.resource.group.isEmpty && target.resource.name == "pods"),
            let definition = context.definition(of: target.resource)
        else { return nil }
        return VerdictKey(
            run: run, body: target.body, definition: definition, uid: version.uid, resourceVersion: version.resourceVersion)
    }

    /// Whether a fresh verdict may be reused while its key holds: in sync with the dry run's
    /// result equal to the live object, so that nothing but the status and the live object
    /// (read again each run) is in it: no ignored change, no warning, no hand-edit manager to
    /// take over (the membership label alone being added is in sync, but not equal).
    static func isCacheable(_ verdict: ObjectDrift) -> Bool {
        verdict.status == .inSync && verdict.changes.isEmpty && verdict.ignoredChanges.isEmpty && verdict.warnings.isEmpty
            && verdict.handEditors.isEmpty && verdict.recreateReason == nil && verdict.live != nil
            && verdict.desired == verdict.live
    }
}

/// A live object's version: any write to it changes its resourceVersion, and deleting and
/// creating it again changes its uid.
struct LiveVersion: Sendable, Hashable {
    var uid: String
    var resourceVersion: String
}
