import Foundation
import Synchronization

/// Settings of a drift check.
public struct DriftOptions: Sendable {
    /// The field manager named in the server-side apply dry run.
    public var fieldManager = "kubectl-drift"
    /// Requests in flight at most.
    public var concurrency = 8
    /// The namespace given with `--namespace`; a manifest naming another one is an error, as in kubectl.
    public var explicitNamespace: String?
    /// From this many objects of one type in one namespace, one LIST replaces the GETs.
    public var listThreshold = 4
    /// Ignore rules and ignored field managers (drift.yaml, --ignore-path, --ignore-manager).
    public var filter = DriftFilter()
    /// Field managers whose fields are drift even where Git does not set them: people's
    /// (drift.yaml `handEditManagers`, --hand-edit-manager). Empty for plain server-side-apply
    /// semantics.
    public var handEditManagers = Set(HandEdits.defaultManagers)
    /// The ApplySet whose part-of label the desired objects carry; nil in Flux mode, where
    /// Flux's inventories record ownership.
    public var membership: ApplySetMembership?
    /// In-sync verdicts to reuse when nothing that shapes them changed (`VerdictKey`), and to
    /// record this run's into; nil (`--no-cache`) to dry-run every object.
    public var verdictCache: VerdictCache?

    public init() {}
}

/// Why a whole run failed before any object could be compared.
public enum DriftError: Error, CustomStringConvertible {
    case cluster(server: String, APIError)
    /// The kubeconfig's credential source (an exec plugin, a token file) gave no credentials;
    /// `reason` names the user and says why.
    case credentials(server: String, reason: String)

    public var description: String {
        switch self {
        case let .credentials(server, reason): return "cannot get credentials for the cluster at \(server): \(reason)"
        case let .cluster(server, .transport(error)): return "cannot reach the cluster at \(server): \(error)"
        case let .cluster(server, error): return "the cluster at \(server) refused the request: \(error)"
        }
    }
}

/// Compares desired objects with the live cluster, exactly and with bounded concurrency.
///
/// Each object is compared with what a server-side apply dry run of its manifest would
/// store, so defaulted fields, admission and conversions are the server's, never guessed.
public struct DriftDetector: Sendable {
    public let client: APIClient
    public let connection: ClusterConnection
    public let options: DriftOptions

    public init(client: APIClient, connection: ClusterConnection, options: DriftOptions) {
        self.client = client
        self.connection = connection
        self.options = options
    }

    /// One cheap request (`/version`), so that an unreachable server, a TLS problem or rejected
    /// credentials is one clear error, not the same error once per object or per stage.
    ///
    /// - Returns: the server's answer, part of every `VerdictKey`.
    @discardableResult
    public static func probe(_ client: APIClient, connection: ClusterConnection) throws(DriftError) -> JSONValue {
        do {
            return try client.get("/version")
        } catch {
            throw clusterError(error, connection: connection)
        }
    }

    /// A failed first request as one error for the run: credentials that could not be had
    /// (the request was never sent) or a cluster that cannot be reached or refused it.
    public static func clusterError(_ error: APIError, connection: ClusterConnection) -> DriftError {
        if case let .transport(.credentials(reason)) = error { return .credentials(server: connection.server, reason: reason) }
        return .cluster(server: connection.server, error)
    }

    /// Called after each object's verdict with (done, total).
    public typealias Progress = @Sendable (Int, Int) -> Void

    /// Compares every manifest with the cluster.
    ///
    /// - Parameters:
    ///   - existenceOnly: objects only checked for presence, never for their fields (Flux's
    ///     `ssa: IfNotPresent`).
    ///   - skipped: objects that are not compared, reported `skipped` with their namespace
    ///     settled as a manifest's would be, so that pruning knows them as Git's.
    public func detect(
        _ manifests: [Manifest], existenceOnly: Set<ObjectIdentity> = [], skipped: [SkippedObject] = [],
        progress: Progress? = nil
    ) throws(DriftError) -> DriftReport {
        let serverVersion = try Self.probe(client, connection: connection)
        let discovery = Discovery(client: client)
        discovery.prefetch(
            apiVersions: Set(manifests.map(\.apiVersion) + skipped.map(\.apiVersion).filter { !$0.isEmpty }),
            concurrency: options.concurrency)
        let definedKinds = DefinedKind.defined(by: manifests)

        var resolved: [Target] = []
        var verdicts: [ObjectDrift] = []
        var firstDefinition: [ObjectIdentity: ManifestLocation] = [:]
        // Manifests that differ only in naming the default namespace are one object: the
        // second is an error, and nil means `identity` is seen for the first time.
        func duplicate(_ identity: ObjectIdentity, of manifest: Manifest) -> ObjectDrift? {
            guard let first = firstDefinition[identity] else {
                firstDefinition[identity] = manifest.source
                return nil
            }
            return ObjectDrift(
                identity: identity, apiVersion: manifest.apiVersion, source: manifest.source,
                status: .error, error: "the same object is defined at \(first)")
        }
        for manifest in manifests {
            switch resolve(manifest, discovery: discovery, definedKinds: definedKinds) {
            case let .target(target):
                if let error = duplicate(target.identity, of: manifest) { verdicts.append(error) } else { resolved.append(target) }
            case let .awaitingDefinition(verdict): verdicts.append(duplicate(verdict.identity, of: manifest) ?? verdict)
            case let .unresolved(verdict): verdicts.append(verdict)
            }
        }
        let targets = resolved
        // Objects whose namespace the same run creates cannot be dry-run yet; they are missing.
        let namespacesToCreate = Set(manifests.filter { $0.group.isEmpty && $0.kind == "Namespace" }.map(\.name))
        let counter = ProgressCounter(total: manifests.count, done: verdicts.count, report: progress)
        let live = fetchLive(targets)
        let keys = verdictKeys(serverVersion: serverVersion, discovery: discovery)
        verdicts += BoundedConcurrency.map(Array(targets.indices), limit: options.concurrency) { index in
            defer { counter.advance() }
            if existenceOnly.contains(targets[index].identity) || existenceOnly.contains(targets[index].manifest.identity) {
                return checkExistence(targets[index], live: live[index])
            }
            let target = labelled(targets[index], live: live[index])
            guard let keys, let cache = options.verdictCache, let key = keys.key(for: target, live: live[index]) else {
                return compare(target, live: live[index], namespacesToCreate: namespacesToCreate)
            }
            if cache.isInSync(target.identity, key: key) { return cachedVerdict(target, live: live[index]) }
            let verdict = compare(target, live: live[index], namespacesToCreate: namespacesToCreate)
            if VerdictKeys.isCacheable(verdict, body: target.body) { cache.record(target.identity, key: key) } else { cache.forget(target.identity) }
            return verdict
        }
        verdicts += skipped.map { ObjectDrift(skipped: $0, identity: identity(of: $0, discovery: discovery)) }
        return DriftReport(objects: verdicts, server: connection.server)
    }

    /// A manifest mapped to its resource and namespace.
    struct Target: Sendable {
        var manifest: Manifest
        var resource: APIResource
        var namespace: String?
        /// The object sent in the dry run: the manifest with its namespace settled.
        var body: JSONValue

        var identity: ObjectIdentity {
            ObjectIdentity(group: manifest.group, kind: manifest.kind, namespace: namespace, name: manifest.name)
        }

        var objectPath: String { ResourcePath.object(resource, namespace: namespace, name: manifest.name) }

        var applyTarget: ApplyTarget { ApplyTarget(path: objectPath, body: body, namespaced: resource.namespaced) }
    }

    private enum Resolution {
        case target(Target)
        /// Its kind is defined by a CustomResourceDefinition among the manifests, not served yet.
        case awaitingDefinition(ObjectDrift)
        case unresolved(ObjectDrift)
    }

    private func resolve(_ manifest: Manifest, discovery: Discovery, definedKinds: [DefinedKind]) -> Resolution {
        do {
            let resource = try discovery.resource(apiVersion: manifest.apiVersion, kind: manifest.kind)
            return place(manifest, namespaced: resource.namespaced) { namespace, body in
                .target(Target(manifest: manifest, resource: resource, namespace: namespace, body: body))
            }
        } catch {
            guard error.isNotServed, let defined = definedKinds.first(where: { $0.defines(manifest) }) else {
                return .unresolved(Self.failure(manifest, error.description))
            }
            return place(manifest, namespaced: defined.namespaced) { namespace, body in
                // Nothing can be dry-run before the server serves the kind; the manifest as
                // written is the best view of what applying it after its CRD would create.
                var verdict = ObjectDrift(
                    identity: ObjectIdentity(group: manifest.group, kind: manifest.kind, namespace: namespace, name: manifest.name),
                    apiVersion: manifest.apiVersion, source: manifest.source, status: .missing,
                    desired: ObjectNormalizer.normalize(body))
                verdict.awaitedDefinition = defined.definition
                return .awaitingDefinition(verdict)
            }
        }
    }

    /// Settles the manifest's namespace for an object of this scope, as kubectl does, and
    /// passes it with the object to send to `resolved`.
    private func place(
        _ manifest: Manifest, namespaced: Bool, _ resolved: (_ namespace: String?, _ body: JSONValue) -> Resolution
    ) -> Resolution {
        let namespaceField = JSONPointer(tokens: ["metadata", "namespace"])
        guard namespaced else {
            // Cluster-scoped objects have no namespace; kubectl ignores one given in the manifest.
            return resolved(nil, manifest.namespace == nil ? manifest.object : namespaceField.updating(manifest.object, to: nil))
        }
        if let explicit = options.explicitNamespace, let own = manifest.namespace, own != explicit {
            return .unresolved(Self.failure(manifest,
                "the namespace from the manifest (\(own)) does not match the namespace given with --namespace (\(explicit))"))
        }
        let namespace = manifest.namespace ?? connection.namespace
        return resolved(
            namespace, manifest.namespace != nil ? manifest.object : namespaceField.updating(manifest.object, to: .string(namespace)))
    }

    /// A skipped object's identity with the namespace it would be created in: its own, else
    /// the one a manifest would get; none for a cluster-scoped kind. A kind the server does
    /// not serve keeps the namespace the object names.
    func identity(of skipped: SkippedObject, discovery: Discovery) -> ObjectIdentity {
        var identity = skipped.identity
        guard let resource = try? discovery.resource(apiVersion: skipped.apiVersion, kind: identity.kind) else { return identity }
        identity.namespace = resource.namespaced ? identity.namespace ?? options.explicitNamespace ?? connection.namespace : nil
        return identity
    }

    /// The verdict for a manifest that cannot be compared at all.
    private static func failure(_ manifest: Manifest, _ message: String) -> ObjectDrift {
        ObjectDrift(
            identity: manifest.identity, apiVersion: manifest.apiVersion, source: manifest.source,
            status: .error, error: message)
    }

    /// What was found live for one target.
    enum LiveState: Sendable {
        /// The normalised object, its managedFields (who wrote what, and when), and its
        /// version (uid and resourceVersion, which normalising drops).
        case present(JSONValue, managedFields: JSONValue?, version: LiveVersion?)
        case absent
        case failed(String)
    }

    /// Fetches the live objects: one LIST per type and namespace holding many targets, GETs otherwise.
    private func fetchLive(_ targets: [Target]) -> [LiveState] {
        struct Collection: Hashable {
            var resource: APIResource
            var namespace: String?
        }
        var groups: [Collection: [Int]] = [:]
        for (index, target) in targets.enumerated() {
            groups[Collection(resource: target.resource, namespace: target.namespace), default: []].append(index)
        }
        enum Fetch: Sendable {
            case list(APIResource, String?, [Int])
            case get(Int)
        }
        var fetches: [Fetch] = []
        for (collection, indices) in groups.sorted(by: { $0.value[0] < $1.value[0] }) {
            if indices.count >= options.listThreshold {
                fetches.append(.list(collection.resource, collection.namespace, indices))
            } else {
                fetches += indices.map(Fetch.get)
            }
        }
        let results = BoundedConcurrency.map(fetches, limit: options.concurrency) { fetch -> [(Int, LiveState)] in
            switch fetch {
            case let .get(index):
                let target = targets[index]
                do {
                    let object = try client.getIfPresent(target.objectPath)
                    return [(index, object.map { present($0, typeMeta: nil) } ?? .absent)]
                } catch {
                    return [(index, .failed("cannot read the live object: \(error)"))]
                }
            case let .list(resource, namespace, indices):
                do {
                    let items = try client.list(ResourcePath.collection(resource, namespace: namespace))
                    let wanted = Set(indices.map { targets[$0].manifest.name })
                    var byName: [String: LiveState] = [:]
                    for item in items {
                        guard let name = item[["metadata", "name"]]?.stringValue, wanted.contains(name) else { continue }
                        byName[name] = present(item, typeMeta: (resource.groupVersion, resource.kind))
                    }
                    return indices.map { index in (index, byName[targets[index].manifest.name] ?? .absent) }
                } catch {
                    return indices.map { ($0, .failed("cannot list the live objects: \(error)")) }
                }
            }
        }
        var live = [LiveState](repeating: .absent, count: targets.count)
        for (index, state) in results.joined() { live[index] = state }
        return live
    }

    /// A live object as compared: normalised, with its managedFields beside it.
    private func present(_ object: JSONValue, typeMeta: (String, String)?) -> LiveState {
        let version = object[["metadata", "uid"]]?.stringValue.flatMap { uid in
            object[["metadata", "resourceVersion"]]?.stringValue.map { LiveVersion(uid: uid, resourceVersion: $0) }
        }
        return .present(
            ObjectNormalizer.normalize(object, typeMeta: typeMeta), managedFields: object[["metadata", "managedFields"]],
            version: version)
    }

    /// The target as the dry run sends it: with the ApplySet's part-of label, when there is one.
    private func labelled(_ target: Target, live: LiveState) -> Target {
        guard let membership = options.membership else { return target }
        var labelled = target
        switch live {
        case .failed: return target
        case .absent: labelled.body = membership.body(target.body, live: nil)
        case let .present(object, _, _): labelled.body = membership.body(target.body, live: object)
        }
        return labelled
    }

    /// The run's key maker when there is a cache and the cluster's admission configuration
    /// and type definitions can be read; nil (every object dry-run) otherwise.
    private func verdictKeys(serverVersion: JSONValue, discovery: Discovery) -> VerdictKeys? {
        guard options.verdictCache != nil,
            let context = try? VerdictContext.read(client: client, discovery: discovery, concurrency: options.concurrency)
        else { return nil }
        let run = VerdictKey.Run(
            serverVersion: serverVersion, fieldManager: options.fieldManager, filter: options.filter,
            handEditManagers: options.handEditManagers, admission: context.admissionDigest)
        return VerdictKeys(run: run, context: context)
    }

    /// The verdict of an object whose key matched its last in-sync verdict: what `compare`
    /// gives an object in sync with nothing ignored (`VerdictKeys.isCacheable`).
    private func cachedVerdict(_ target: Target, live: LiveState) -> ObjectDrift {
        var verdict = ObjectDrift(
            identity: target.identity, apiVersion: target.manifest.apiVersion, source: target.manifest.source,
            status: .inSync)
        verdict.target = target.applyTarget
        if case let .present(object, _, _) = live {
            (verdict.live, verdict.desired) = (object, VerdictKeys.inSyncResult(live: object, body: target.body))
        }
        return verdict
    }

    /// In sync when the object exists, whatever its fields; missing otherwise.
    private func checkExistence(_ target: Target, live: LiveState) -> ObjectDrift {
        var verdict = ObjectDrift(
            identity: target.identity, apiVersion: target.manifest.apiVersion, source: target.manifest.source,
            status: .inSync)
        verdict.target = target.applyTarget
        switch live {
        case let .failed(message):
            verdict.status = .error
            verdict.error = message
        case .absent:
            verdict.status = .missing
            verdict.desired = ObjectNormalizer.normalize(target.body)
        case let .present(object, _, _):
            verdict.live = object
        }
        return verdict
    }

    private func compare(_ target: Target, live: LiveState, namespacesToCreate: Set<String>) -> ObjectDrift {
        var verdict = ObjectDrift(
            identity: target.identity, apiVersion: target.manifest.apiVersion, source: target.manifest.source,
            status: .error)
        verdict.target = target.applyTarget
        let liveObject: JSONValue?
        let managedFields: JSONValue?
        switch live {
        case let .failed(message):
            verdict.error = message
            return verdict
        case .absent: (liveObject, managedFields) = (nil, nil)
        case let .present(object, fields, _): (liveObject, managedFields) = (object, fields)
        }
        verdict.live = liveObject
        let applied: JSONValue
        var rebuilt = false
        do throws(APIError) {
            do throws(APIError) {
                applied = try client.apply(
                    target.body, at: target.objectPath, fieldManager: options.fieldManager, force: true, dryRun: true)
            } catch where error.statusCode == 422 {
                // Invalid: perhaps only because a person changed a key field (see KeyFieldEdits).
                guard let result = rebuildingKeyFieldEdits(target, live: liveObject, managedFields: managedFields, in: &verdict)
                else { throw error }
                (applied, rebuilt) = (result, true)
            }
        } catch {
            if liveObject == nil, error.statusCode == 404, let namespace = target.namespace,
                namespacesToCreate.contains(namespace)
            {
                // The server cannot default an object for a namespace that does not exist yet;
                // the manifest as written is the best view of what applying would create.
                verdict.status = .missing
                verdict.desired = ObjectNormalizer.normalize(target.body)
                return verdict
            }
            // The API server's wording for every immutable field ("field is immutable",
            // "may not change once set") comes with 422 Invalid: that is drift, which only a
            // recreate puts right, not a failure to compare.
            if liveObject != nil, error.statusCode == 422,
                ["immutable", "may not change"].contains(where: { error.description.contains($0) })
            {
                verdict.status = .drifted
                verdict.recreateReason = error.description
            } else {
                verdict.error = "the server-side apply dry run failed: \(error)"
            }
            return verdict
        }
        guard let liveObject else {
            verdict.status = .missing
            verdict.desired = ObjectNormalizer.normalize(applied)
            return verdict
        }
        let desired: JSONValue
        do {
            desired = ObjectNormalizer.normalize(
                rebuilt ? applied : try revertingHandEdits(applied, in: &verdict, alwaysReplace: false))
        } catch {
            verdict.error = "the server refused the object without its hand edits (a dry run): \(error)"
            return verdict
        }
        verdict.desired = desired
        verdict.changes = FieldDiff.changes(from: liveObject, to: desired)
        verdict.status = verdict.changes.isEmpty ? .inSync : .drifted
        let filtered = options.filter.filter(verdict, managedFields: managedFields)
        verdict = filtered.drift
        verdict.ignoredChanges = filtered.ignored
        verdict.warnings += filtered.warnings
        if options.membership?.onlyAddsMembership(verdict.changes) == true {
            // Membership is recorded on what an apply writes anyway; alone it is no reason to write.
            verdict.changes = []
            verdict.status = .inSync
        }
        if let managedFields, let live = verdict.live {
            verdict.changes = ChangeAttribution.attribute(
                verdict.changes, managedFields: managedFields, live: live, fieldManager: options.fieldManager)
        }
        return verdict
    }

    /// What the object becomes when remediation also reverts hand edits: the dry run's result
    /// without the fields only hand-edit managers own, as the server would store it (a replace
    /// dry run, so defaults come back exactly as they would). Records on the verdict the
    /// managers of those fields, whose fields remediation takes over.
    ///
    /// - Parameters:
    ///   - applied: the server-side apply dry run's answer, managedFields included.
    ///   - alwaysReplace: ask for the replace dry run even without hand edits to remove (the
    ///     object was put together here, and only the server can validate and default it).
    private func revertingHandEdits(
        _ applied: JSONValue, in verdict: inout ObjectDrift, alwaysReplace: Bool
    ) throws(APIError) -> JSONValue {
        let managers = handEditManagers(for: verdict)
        guard !managers.isEmpty else { return applied }
        let handOnly: [OwnedField]
        do {
            handOnly = try HandEdits.handOnlyFields(
                in: applied, managers: managers, keeping: HandEdits.fieldsSetThroughAliases(by: verdict.target?.body ?? .null))
        } catch {
            verdict.warnings.append("\(verdict.identity): \(error); hand edits are not reported")
            return applied
        }
        // Only these managers' fields change the outcome; the rest Git sets (the forced apply
        // takes them) or another manager shares, so taking them over would be a wasted write.
        verdict.handEditors.formUnion(handOnly.map(\.manager))
        guard !handOnly.isEmpty || alwaysReplace, let path = verdict.target?.path else { return applied }
        let reverted = JSONPointer(tokens: ["metadata", "managedFields"]).updating(
            HandEdits.removing(handOnly, from: applied), to: nil)
        return try client.replace(reverted, at: path, fieldManager: options.fieldManager, dryRun: true)
    }

    /// What remediation stores when a person changed key fields (see `KeyFieldEdits`): a dry
    /// run without the edited lists, the lists as Git has them, hand edits reverted, and a
    /// replace dry run of the whole; nil when the failure is not one of these, or the server
    /// refuses the rebuilt object too.
    private func rebuildingKeyFieldEdits(
        _ target: Target, live: JSONValue?, managedFields: JSONValue?, in verdict: inout ObjectDrift
    ) -> JSONValue? {
        guard let live, let managedFields,
            let edits = KeyFieldEdits.find(
                live: JSONPointer(tokens: ["metadata", "managedFields"]).updating(live, to: managedFields),
                manifest: target.body, managers: handEditManagers(for: verdict), fieldManager: options.fieldManager),
            let withoutLists = try? client.apply(
                edits.removingLists(from: target.body), at: target.objectPath,
                fieldManager: options.fieldManager, force: true, dryRun: true)
        else { return nil }
        // The re-keyed elements are gone from the rebuilt object; their managers are still
        // taken over, so that the apply replaces the elements.
        verdict.handEditors = edits.managers
        return try? revertingHandEdits(
            edits.restoringLists(in: withoutLists, manifest: target.body, live: live), in: &verdict, alwaysReplace: true)
    }

    /// The hand-edit managers for one object: those of the options that no ignore rule for
    /// the object names, and never our own.
    private func handEditManagers(for verdict: ObjectDrift) -> Set<String> {
        options.handEditManagers.subtracting(options.filter.ignoredManagers(for: verdict)).subtracting([options.fieldManager])
    }
}

/// Counts finished objects across worker threads and reports progress.
private final class ProgressCounter: Sendable {
    private let total: Int
    private let done: Mutex<Int>
    private let report: DriftDetector.Progress?

    init(total: Int, done: Int, report: DriftDetector.Progress?) {
        self.total = total
        self.done = Mutex(done)
        self.report = report
    }

    func advance() {
        guard let report else { return }
        let value = done.withLock { count in
            count += 1
            return count
        }
        report(value, total)
    }
}
