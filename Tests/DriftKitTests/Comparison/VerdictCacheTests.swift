import Foundation
import Testing
@testable import DriftKit

@Suite("Verdict keys: every ingredient changes the key")
struct VerdictKeyTests {
    /// The ingredients of one key, each changeable on its own.
    struct Ingredients: Sendable {
        var serverVersion: JSONValue = ["gitVersion": "v1.30.0"]
        var fieldManager = "kubectl-drift"
        var filter = DriftFilter()
        var handEditManagers: Set<String> = ["kubectl-edit"]
        var admission = "a"
        var body: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["mode": "fast"]]
        var definition = "built-in"
        var namespaceVersion: String? = "3"
        var uid = "u1"
        var resourceVersion = "10"

        var run: VerdictKey.Run {
            VerdictKey.Run(
                serverVersion: serverVersion, fieldManager: fieldManager, filter: filter,
                handEditManagers: handEditManagers, admission: admission)
        }

        var key: VerdictKey {
            VerdictKey(
                run: run, body: body, definition: definition, namespaceVersion: namespaceVersion, uid: uid,
                resourceVersion: resourceVersion)
        }
    }

    static let changes: [(String, @Sendable (inout Ingredients) throws -> Void)] = [
        ("server version", { $0.serverVersion = ["gitVersion": "v1.30.1"] }),
        ("field manager", { $0.fieldManager = "other" }),
        ("ignore path", { $0.filter = DriftFilter(rules: [IgnoreRule(paths: [try JSONPointer("/data/mode")])]) }),
        ("ignored manager", { $0.filter = DriftFilter(managers: ["hpa"]) }),
        ("ignore rule target", {
            $0.filter = DriftFilter(rules: [IgnoreRule(paths: [try JSONPointer("/data")], target: IgnoreTarget(kind: try AnchoredPattern("ConfigMap")))])
        }),
        ("hand-edit managers", { $0.handEditManagers = ["kubectl-edit", "kubectl-patch"] }),
        ("admission configuration", { $0.admission = "b" }),
        ("manifest", { $0.body = ["kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["mode": "slow"]] }),
        ("membership label", {
            $0.body = ["kind": "ConfigMap", "metadata": ["name": "settings", "labels": ["applyset.kubernetes.io/part-of": "x"]], "data": ["mode": "fast"]]
        }),
        ("type definition", { $0.definition = "crd 7" }),
        ("namespace", { $0.namespaceVersion = "4" }),
        ("cluster scope", { $0.namespaceVersion = nil }),
        ("uid", { $0.uid = "u2" }),
        ("resourceVersion", { $0.resourceVersion = "11" }),
    ]

    @Test("changing one ingredient changes the key", arguments: changes.indices)
    func ingredientChangesKey(_ index: Int) throws {
        let (name, change) = Self.changes[index]
        var changed = Ingredients()
        try change(&changed)
        #expect(changed.key != Ingredients().key, "\(name)")
    }

    @Test("the same ingredients give the same key")
    func sameKey() {
        #expect(Ingredients().key == Ingredients().key)
        #expect(Ingredients().key.digest.count == 64)
    }

    @Test("parts are length-prefixed: moving text between parts changes the hash")
    func partsAreDelimited() {
        #expect(VerdictKey.hash(["ab", "c"]) != VerdictKey.hash(["a", "bc"]))
    }

    static let context = VerdictContext(
        admissionDigest: "a", definitions: ["widgets.example.com": "5"], namespaces: ["ns": "3"], builtIn: ["v1.", "v1.apps"])

    static func target(group: String, version: String, name: String, kind: String) throws -> DriftDetector.Target {
        let apiVersion = group.isEmpty ? version : "\(group)/\(version)"
        let manifest = try Manifest(
            object: ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": "x", "namespace": "ns"]],
            source: ManifestLocation(file: "x.yaml", line: 1, documentIndex: 0))
        return DriftDetector.Target(
            manifest: manifest, resource: APIResource(group: group, version: version, name: name, kind: kind, namespaced: true),
            namespace: "ns", body: manifest.object)
    }

    static let live = DriftDetector.LiveState.present(
        ["kind": "ConfigMap"], managedFields: nil, version: LiveVersion(uid: "u", resourceVersion: "1"))

    @Test("built-in types and custom resources have keys; the CRD's resourceVersion is one of their ingredients")
    func definitions() throws {
        let keys = VerdictKeys(run: Ingredients().run, context: Self.context)
        #expect(keys.key(for: try Self.target(group: "", version: "v1", name: "configmaps", kind: "ConfigMap"), live: Self.live) != nil)
        #expect(keys.key(for: try Self.target(group: "apps", version: "v1", name: "deployments", kind: "Deployment"), live: Self.live) != nil)
        let widget = try Self.target(group: "example.com", version: "v1", name: "widgets", kind: "Widget")
        let before = try #require(keys.key(for: widget, live: Self.live))
        let changed = VerdictKeys(
            run: keys.run,
            context: VerdictContext(
                admissionDigest: "a", definitions: ["widgets.example.com": "6"], namespaces: ["ns": "3"], builtIn: ["v1.", "v1.apps"]))
        #expect(changed.key(for: widget, live: Self.live) != before)
    }

    @Test("the namespace's resourceVersion is an ingredient: its labels choose the webhooks that apply")
    func namespaces() throws {
        let configMap = try Self.target(group: "", version: "v1", name: "configmaps", kind: "ConfigMap")
        let before = try #require(VerdictKeys(run: Ingredients().run, context: Self.context).key(for: configMap, live: Self.live))
        let relabelled = VerdictKeys(
            run: Ingredients().run,
            context: VerdictContext(
                admissionDigest: "a", definitions: ["widgets.example.com": "5"], namespaces: ["ns": "4"], builtIn: ["v1.", "v1.apps"]))
        #expect(relabelled.key(for: configMap, live: Self.live) != before)
    }

    @Test("no key for an aggregated API's type, a Pod, an object in a namespace not listed, or an object not live")
    func notCached() throws {
        let keys = VerdictKeys(run: Ingredients().run, context: Self.context)
        let unlisted = VerdictKeys(
            run: Ingredients().run,
            context: VerdictContext(
                admissionDigest: "a", definitions: ["widgets.example.com": "5"], namespaces: [:], builtIn: ["v1.", "v1.apps"]))
        #expect(unlisted.key(for: try Self.target(group: "", version: "v1", name: "configmaps", kind: "ConfigMap"), live: Self.live) == nil)
        #expect(keys.key(for: try Self.target(group: "metrics.k8s.io", version: "v1beta1", name: "pods", kind: "PodMetrics"), live: Self.live) == nil)
        #expect(keys.key(for: try Self.target(group: "", version: "v1", name: "pods", kind: "Pod"), live: Self.live) == nil)
        let configMap = try Self.target(group: "", version: "v1", name: "configmaps", kind: "ConfigMap")
        #expect(keys.key(for: configMap, live: DriftDetector.LiveState.absent) == nil)
        #expect(keys.key(for: configMap, live: DriftDetector.LiveState.failed("no")) == nil)
        #expect(keys.key(for: configMap, live: DriftDetector.LiveState.present(["kind": "ConfigMap"], managedFields: nil, version: nil)) == nil)
    }

    static func verdict(_ status: DriftStatus, _ edit: (inout ObjectDrift) -> Void = { _ in }) -> ObjectDrift {
        var drift = ObjectDrift(
            identity: ObjectIdentity(group: "", kind: "ConfigMap", namespace: "ns", name: "x"), apiVersion: "v1",
            source: ManifestLocation(file: "x.yaml", line: 1, documentIndex: 0), status: status,
            live: ["data": ["a": "1"]], desired: ["data": ["a": "1"]])
        edit(&drift)
        return drift
    }

    static let body: JSONValue = ["data": ["a": "1"]]

    @Test("only a plain in-sync verdict, whose dry run equals the live object, is cached")
    func cacheable() {
        #expect(VerdictKeys.isCacheable(Self.verdict(.inSync), body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.drifted), body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.missing), body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.error), body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.inSync) { $0.warnings = ["w"] }, body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.inSync) { $0.handEditors = ["kubectl-edit"] }, body: Self.body))
        #expect(!VerdictKeys.isCacheable(
            Self.verdict(.inSync) { $0.desired = ["data": ["a": "1"], "metadata": ["labels": ["l": "v"]]] }, body: Self.body))
        #expect(!VerdictKeys.isCacheable(Self.verdict(.inSync) {
            $0.ignoredChanges = [IgnoredChange(change: FieldChange(path: "/data/a", live: "1", desired: "2"), reason: .manager("hpa"))]
        }, body: Self.body))
    }

    @Test("in sync but for the ApplySet label the manifest adds: cached, rebuilt with the label")
    func membershipOnly() {
        let label: JSONValue = ["applyset.kubernetes.io/part-of": "applyset-x"]
        let body: JSONValue = ["metadata": ["labels": label], "data": ["a": "1"]]
        let labelled = Self.verdict(.inSync) { $0.desired = ["data": ["a": "1"], "metadata": ["labels": label]] }
        #expect(VerdictKeys.isCacheable(labelled, body: body))
        #expect(VerdictKeys.inSyncResult(live: ["data": ["a": "1"]], body: body) == labelled.desired)
        #expect(!VerdictKeys.isCacheable(labelled, body: Self.body))
    }
}

@Suite("The verdict cache and its file")
struct VerdictCacheTests {
    static let identity = ObjectIdentity(group: "", kind: "ConfigMap", namespace: "ns", name: "x")
    static let key = VerdictKeyTests.Ingredients().key

    @Test("a recorded key is in sync; another key, or a forgotten object, is not")
    func recordAndForget() {
        let cache = VerdictCache()
        #expect(!cache.isInSync(Self.identity, key: Self.key))
        cache.record(Self.identity, key: Self.key)
        #expect(cache.isInSync(Self.identity, key: Self.key))
        var other = VerdictKeyTests.Ingredients()
        other.resourceVersion = "11"
        #expect(!cache.isInSync(Self.identity, key: other.key))
        cache.forget(Self.identity)
        #expect(!cache.isInSync(Self.identity, key: Self.key))
        #expect(cache.hits == 1)
    }

    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("verdicts-\(UUID().uuidString)").path
    }

    @Test("saved and loaded: the same entries, the file 0600 in a 0700 folder")
    func roundTrip() throws {
        let file = VerdictCacheFile(path: Self.folder() + "/verdicts/cluster")
        let cache = VerdictCache()
        cache.record(Self.identity, key: Self.key)
        try file.save(cache)
        #expect(file.load().isInSync(Self.identity, key: Self.key))
        let files = FileManager.default
        #expect(try files.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        let folder = (file.path as NSString).deletingLastPathComponent
        #expect(try files.attributesOfItem(atPath: folder)[.posixPermissions] as? Int == 0o700)
        #expect(try files.contentsOfDirectory(atPath: folder) == ["cluster"], "no temporary file is left")
    }

    @Test("a missing, foreign or damaged file is an empty cache", arguments: [
        nil, "", "hello\n", "kubectl-drift verdicts 1\nabc def\n",
        "kubectl-drift verdicts 1\n" + String(repeating: "a", count: 64) + "\n",
        "kubectl-drift verdicts 2\n" + String(repeating: "a", count: 64) + " " + String(repeating: "b", count: 64) + "\n",
    ])
    func corrupt(_ text: String?) throws {
        let path = Self.folder() + "/cache"
        if let text {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(VerdictCacheFile(path: path).load().entries(limit: 10).isEmpty)
    }

    @Test("at most `limit` entries are written, those of this run first")
    func bounded() throws {
        let old = VerdictCache(entries: Dictionary(uniqueKeysWithValues: (0..<5).map {
            (VerdictKey.hash(["old", "\($0)"]), VerdictKey.hash(["key", "\($0)"]))
        }))
        old.record(Self.identity, key: Self.key)
        let file = VerdictCacheFile(path: Self.folder() + "/cache", limit: 3)
        try file.save(old)
        let loaded = file.load()
        #expect(loaded.entries(limit: 10).count == 3)
        #expect(loaded.isInSync(Self.identity, key: Self.key))
    }

    @Test("concurrent saves leave one whole file")
    func concurrentSaves() async throws {
        let path = Self.folder() + "/cache"
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let cache = VerdictCache(entries: Dictionary(uniqueKeysWithValues: (0..<200).map {
                        (VerdictKey.hash(["\(writer)", "\($0)"]), VerdictKey.hash(["key", "\($0)"]))
                    }))
                    try? VerdictCacheFile(path: path).save(cache)
                }
            }
        }
        #expect(VerdictCacheFile(path: path).load().entries(limit: 1000).count == 200)
    }

    @Test("the folder: $XDG_CACHE_HOME when absolute, else ~/.cache")
    func folderFromEnvironment() {
        #expect(VerdictCacheFile.folder(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/kubectl-drift/verdicts")
        #expect(VerdictCacheFile.folder(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/h"]) == "/h/.cache/kubectl-drift/verdicts")
        #expect(VerdictCacheFile.folder(environment: ["HOME": "/h"]) == "/h/.cache/kubectl-drift/verdicts")
    }

    @Test("--no-cache on diff and apply")
    func noCacheFlag() throws {
        #expect(try DiffInvocation(["-f", "apps/", "--no-cache"]).noCache)
        #expect(try DiffInvocation(["-f", "apps/", "--no-cache"], command: "apply").noCache)
        #expect(try !DiffInvocation(["-f", "apps/"]).noCache)
    }

    @Test("one file per cluster and user")
    func perClusterAndUser() {
        let environment = ["XDG_CACHE_HOME": "/x"]
        func path(_ server: String, context: String?, user: String?) -> String {
            VerdictCacheFile(
                connection: ClusterConnection(server: server, contextName: context, clusterName: "c"), user: user,
                environment: environment
            ).path
        }
        let base = path("https://a:6443", context: "admin", user: nil)
        #expect(base.hasPrefix("/x/kubectl-drift/verdicts/"))
        #expect(path("https://b:6443", context: "admin", user: nil) != base)
        #expect(path("https://a:6443", context: "viewer", user: nil) != base)
        #expect(path("https://a:6443", context: "admin", user: "other") != base)
        #expect(path("https://a:6443", context: "admin", user: nil) == base)
    }
}
