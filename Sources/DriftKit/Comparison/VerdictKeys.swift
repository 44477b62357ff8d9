/// Makes the `VerdictKey` of each object of one run, and says which verdicts may be cached.
struct VerdictKeys: Sendable {
    let run: VerdictKey.Run
    let context: VerdictContext

    /// The key of an object about to be dry-run; nil when its verdict is never cached: it is
    /// not live (a missing object is always dry-run), its namespace was not listed, its type is
    /// served by an aggregated API server, or it is a Pod, which built-in admission (LimitRanger,
    /// PodNodeSelector, PodTolerationRestriction) changes from other objects no key tracks.
    func key(for target: DriftDetector.Target, live: DriftDetector.LiveState) -> VerdictKey? {
        guard case let .present(_, _, version?) = live,
            !(target.resource.group.isEmpty && target.resource.name == "pods"),
            let definition = context.definition(of: target.resource)
        else { return nil }
        var namespaceVersion: String?
        if let namespace = target.namespace {
            guard let listed = context.namespaces[namespace] else { return nil }
            namespaceVersion = listed
        }
        return VerdictKey(
            run: run, body: target.body, definition: definition, namespaceVersion: namespaceVersion, uid: version.uid,
            resourceVersion: version.resourceVersion)
    }

    /// Whether a fresh verdict may be reused while its key holds: in sync, with the dry run's
    /// result `inSyncResult` of the live object, so that the verdict is rebuilt exactly from the
    /// live object read again each run: no ignored change, no warning, no hand-edit manager to
    /// take over.
    static func isCacheable(_ verdict: ObjectDrift, body: JSONValue) -> Bool {
        guard verdict.status == .inSync, verdict.changes.isEmpty, verdict.ignoredChanges.isEmpty, verdict.warnings.isEmpty,
            verdict.handEditors.isEmpty, verdict.recreateReason == nil, let live = verdict.live
        else { return false }
        return verdict.desired == inSyncResult(live: live, body: body)
    }

    /// What the dry run of an object in sync gives: the live object, with the ApplySet label
    /// the manifest sent carries (a label that an object lacks only for want of an apply, which
    /// alone is no drift: `ApplySetMembership.onlyAddsMembership`).
    static func inSyncResult(live: JSONValue, body: JSONValue) -> JSONValue {
        let label = JSONPointer(tokens: ["metadata", "labels", ApplySet.partOfLabel])
        guard let value = body[label.tokens] else { return live }
        return label.updating(live, to: value)
    }
}

/// A live object's version: any write to it changes its resourceVersion, and deleting and
/// creating it again changes its uid.
struct LiveVersion: Sendable, Hashable {
    var uid: String
    var resourceVersion: String
}
