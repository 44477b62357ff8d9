/// How one desired object compares with the cluster.
public enum DriftStatus: String, Sendable, CaseIterable {
    case inSync = "in-sync"
    case drifted
    /// Not in the cluster: applying would create it.
    case missing
    /// Could not be compared; the reason is in `ObjectDrift.error`.
    case error
    /// Not compared, by design (a hook, an object the server names, an encrypted object);
    /// the reason is in `ObjectDrift.skipReason`. Neither drift nor an error.
    case skipped
}

/// The verdict for one desired object.
public struct ObjectDrift: Sendable {
    public var identity: ObjectIdentity
    public var apiVersion: String
    public var source: ManifestLocation
    public var status: DriftStatus
    /// Every changed field; empty unless drifted.
    public var changes: [FieldChange]
    /// The live object, normalised; nil when missing or not fetched.
    public var live: JSONValue?
    /// The object as the server would store it after applying the manifest, normalised.
    public var desired: JSONValue?
    public var error: String?
    /// Changes left out by ignore rules or ignored field managers.
    public var ignoredChanges: [IgnoredChange] = []
    /// Problems that did not stop the comparison, such as unreadable managedFields.
    public var warnings: [String] = []
    /// How to apply the object; nil when its kind could not be resolved.
    public var target: ApplyTarget?
    /// Hand-edit managers with fields in the live object: remediation takes their fields over
    /// (into its own field manager) before applying, so that what only they set is removed.
    public var handEditors: Set<String> = []
    /// The name of the CustomResourceDefinition among the desired manifests that defines the
    /// object's kind, which the server does not serve yet: the object is missing, has no
    /// `target`, and is compared again once that definition is applied.
    public var awaitedDefinition: String?
    /// Why the object must be deleted and created again to match Git: the server's refusal of
    /// the dry run, because Git changes a field it will not change in place (an immutable
    /// field). Such an object is `drifted`; nil for every other object.
    public var recreateReason: String?
    /// Only deleting and creating the object again applies it (`--force-recreate`).
    public var needsRecreate: Bool { recreateReason != nil }
    /// Why a `skipped` object is not compared; nil for every other object.
    public var skipReason: SkipReason?
    /// For a `skipped` object the server names: its `metadata.generateName`, which is also
    /// `identity.name`.
    public var generateName: String?

    public init(
        identity: ObjectIdentity, apiVersion: String, source: ManifestLocation, status: DriftStatus,
        changes: [FieldChange] = [], live: JSONValue? = nil, desired: JSONValue? = nil, error: String? = nil
    ) {
        self.identity = identity
        self.apiVersion = apiVersion
        self.source = source
        self.status = status
        self.changes = changes
        self.live = live
        self.desired = desired
        self.error = error
    }
}

extension ObjectDrift {
    /// The verdict for an object that is not compared: `skipped`, with the reason.
    ///
    /// - Parameter identity: its identity with the namespace settled, as the detector settles it.
    init(skipped: SkippedObject, identity: ObjectIdentity) {
        self.init(identity: identity, apiVersion: skipped.apiVersion, source: skipped.source, status: .skipped)
        skipReason = skipped.reason
        generateName = skipped.generateName
    }
}

/// A section of a report, such as one Flux Kustomization: a title, the objects whose
/// manifests came from `sources`, and notes (objects not checked, charts not rendered).
public struct ReportGroup: Sendable, Equatable {
    public var title: String
    /// Values of `ManifestLocation.file` that belong to the group.
    public var sources: Set<String>
    public var notes: [String]
    /// Why remediation leaves the group's objects alone (a suspended Flux Kustomization); nil when it does not.
    public var suspended: String?
    /// When remediation applies the group: 1 first, a group waiting for others later (Flux `dependsOn`); nil when unordered.
    public var order: Int?
    /// What the group waits for before it is applied, such as `Kustomization flux-system/infrastructure`.
    public var dependsOn: [String] = []

    public init(title: String, sources: Set<String>, notes: [String]) {
        self.title = title
        self.sources = sources
        self.notes = notes
    }
}

/// Something of the desired state that was not checked at all, and why: a Flux Kustomization
/// or HelmRelease that could not be rendered, a file that could not be read.
public struct NotChecked: Sendable, Equatable, CustomStringConvertible {
    /// What it is, as a person names it: `HelmRelease web/podinfo`, `postBuild.substituteFrom ConfigMap apps/vars`.
    public var what: String
    public var reason: String
    /// The Flux object, when `what` is one.
    public var kind: String?
    public var namespace: String?
    public var name: String?

    public init(what: String, reason: String, kind: String? = nil, namespace: String? = nil, name: String? = nil) {
        self.what = what
        self.reason = reason
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(what): not checked, \(reason)" }
}

/// The verdicts for a whole run, in a stable order.
public struct DriftReport: Sendable {
    public var objects: [ObjectDrift]
    /// The API server compared against.
    public var server: String
    /// Sections to show the objects in; empty for one flat list.
    public var groups: [ReportGroup] = []
    /// What Git holds that was not checked, with why.
    public var notChecked: [NotChecked] = []
    /// With `--prune`: live objects of our ApplySet that Git no longer has; `apply --prune` deletes them.
    public var prunable: [ObjectIdentity] = []
    /// With `--prune`: what deleting a prunable Namespace deletes with it (all ours).
    public var pruneContents: [ObjectIdentity: [ObjectIdentity]] = [:]
    /// With `--prune`: objects Git no longer has that pruning keeps, and why (a Namespace that
    /// holds what is not ours, an object of a Flux inventory that kustomize-controller would keep).
    public var pruneHeld: [PruneHold] = []

    public init(objects: [ObjectDrift], server: String) {
        self.objects = objects.sorted { ($0.source.file, $0.source.line, $0.identity) < ($1.source.file, $1.source.line, $1.identity) }
        self.server = server
    }

    public func count(_ status: DriftStatus) -> Int { objects.filter { $0.status == status }.count }

    /// `kubectl diff` convention: 0 in sync, 1 drift found, 2 when any object could not be compared.
    public var exitCode: Int32 {
        if count(.error) > 0 { return 2 }
        return count(.drifted) + count(.missing) + prunable.count > 0 ? 1 : 0
    }
}
