import Foundation
import Testing
@testable import DriftKit

/// The verdict cache is exact: after each way the cluster or Git changes, a warm-cached run
/// and a `--no-cache` run give the same report, and an unchanged run asks for no dry run.
///
/// Serialized: the admission tests create cluster-wide MutatingWebhookConfigurations, which
/// change every key while they exist.
@Suite("The verdict cache gives exactly the uncached verdicts", .serialized)
struct VerdictCacheEndToEndTests {
    /// The hand-edit suite's Deployment and Service, a ConfigMap, and a Widget of `group`.
    static func manifests(namespace: String, group: String) -> [String: String] {
        HandEditEndToEndTests.manifests(namespace: namespace).merging([
            "settings.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: \(namespace)
                data:
                  mode: fast
                """,
            "widget.yaml": """
                apiVersion: \(group)/v1
                kind: Widget
                metadata:
                  name: blue
                  namespace: \(namespace)
                spec:
                  color: blue
                """,
        ]) { $1 }
    }

    /// The Widget CRD; with `sizeDefault`, `spec.size` defaults to it.
    static func definition(group: String, sizeDefault: Int? = nil) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.\(group)
        spec:
          group: \(group)
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      color: {type: string}
                      size: {type: integer\(sizeDefault.map { ", default: \($0)" } ?? "")}
        """
    }

    /// One way the cluster changes after an in-sync, cached run.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var name: String
        /// kubectl arguments after `-n NAMESPACE`, `GROUP` standing for the Widget's API group
        /// (kind names alone are ambiguous: other tests define Widgets too); empty for `changesDefinition`.
        var kubectl: [String]
        /// Apply the CRD again with a default for `spec.size`.
        var changesDefinition = false
        var testDescription: String { name }
    }

    static let mutations: [Mutation] = [
        Mutation(name: "kubectl scale", kubectl: ["scale", "deployment", "web", "--replicas=5"]),
        Mutation(name: "kubectl set env", kubectl: ["set", "env", "deployment/web", "-c", "main", "DEBUG=1"]),
        Mutation(name: "kubectl label", kubectl: ["label", "configmap", "settings", "extra=hand"]),
        Mutation(name: "kubectl annotate", kubectl: ["annotate", "service", "web", "note=hand"]),
        Mutation(name: "kubectl patch of a field Git sets", kubectl: [
            "patch", "configmap", "settings", "--type", "merge", "-p", #"{"data":{"mode":"slow"}}"#,
        ]),
        Mutation(name: "kubectl patch of a field Git does not set", kubectl: [
            "patch", "deployment", "web", "--type", "merge", "-p", #"{"spec":{"minReadySeconds":7}}"#,
        ]),
        Mutation(name: "kubectl patch of a custom resource", kubectl: [
            "patch", "widgets.GROUP", "blue", "--type", "merge", "-p", #"{"spec":{"color":"red"}}"#,
        ]),
        Mutation(name: "kubectl delete", kubectl: ["delete", "configmap", "settings"]),
        Mutation(name: "a controller's change (another field manager)", kubectl: [
            "annotate", "--field-manager=some-controller", "deployment", "web", "controller/note=set",
        ]),
        Mutation(name: "a CRD schema change that adds a default", kubectl: [], changesDefinition: true),
    ]

    /// The Widget CRD of the tests that do not change it, installed once: every CRD makes the
    /// server rebuild its OpenAPI, which slows the tests that run beside these.
    static let sharedGroup = group()
    static let sharedDefinition = Task<Void, any Error> { try await install(definition(group: sharedGroup)) }

    /// A Widget group for one test, or the shared one.
    static func widgetGroup(own: Bool) async throws -> String {
        guard own else {
            try await sharedDefinition.value
            return sharedGroup
        }
        let group = group()
        try await install(definition(group: group))
        return group
    }

    static func group() -> String {
        "cache" + String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! }) + ".drift.test"
    }

    /// Installs the CRD and waits until it is served.
    static func install(_ definition: String) async throws {
        let applied = try await TestCluster.kubectl(["apply", "-f", try DiffEndToEndTests.folder(["crd.yaml": definition])])
        #expect(applied.status == 0, "\(applied.errorOutput)")
        let name = definition.split(separator: "\n").first { $0.contains("name: widgets.") }.map {
            $0.replacingOccurrences(of: "name:", with: "").trimmingCharacters(in: .whitespaces)
        } ?? ""
        _ = try await TestCluster.kubectl(["wait", "--for=condition=Established", "--timeout=30s", "crd/\(name)"])
        // Discovery may lag the Established condition by a moment.
        for _ in 0..<50 {
            if try await TestCluster.kubectl(["get", "--raw", "/apis/\(name.drop { $0 != "." }.dropFirst())/v1"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The report's objects and summary, the parts a cached verdict must reproduce.
    static func verdicts(_ result: CommandResult) throws -> JSONValue {
        let report = try JSONValue.parse(result.output)
        return ["summary": report["summary"] ?? .null, "objects": report["objects"] ?? .null]
    }

    /// Runs diff warm-cached and with `--no-cache`, and expects the same report and status.
    static func expectSameVerdicts(_ folder: String, cache: String, _ comment: String) async throws -> CommandResult {
        let cached = try await DriftBinary.run(["diff", "-f", folder, "-o", "json"], environment: ["XDG_CACHE_HOME": cache])
        let uncached = try await DriftBinary.run(
            ["diff", "-f", folder, "-o", "json", "--no-cache"], environment: ["XDG_CACHE_HOME": cache])
        #expect(cached.status == uncached.status, "\(comment): \(cached.errorOutput)\(uncached.errorOutput)")
        #expect(try verdicts(cached) == verdicts(uncached), "\(comment):\n\(cached.output)\n---\n\(uncached.output)")
        return cached
    }

    /// How many verdicts the one cache file under `cache` holds.
    static func entries(in cache: String) throws -> Int {
        let folder = cache + "/kubectl-drift/verdicts"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        try #require(names.count == 1)
        return try String(contentsOfFile: folder + "/" + names[0], encoding: .utf8).split(separator: "\n").count - 1
    }

    static func temporaryCache() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("drift-cache-\(UUID().uuidString)").path
    }

    @Test("after each mutation, the warm-cached diff equals the uncached one; so after apply", arguments: mutations)
    func sameVerdictAfterMutation(_ mutation: Mutation) async throws {
        let group = try await Self.widgetGroup(own: mutation.changesDefinition)
        defer {
            if mutation.changesDefinition {
                Task { _ = try? await TestCluster.kubectl(["delete", "crd", "widgets.\(group)", "--wait=false"]) }
            }
        }
        try await TestCluster.withNamespace { namespace in
            let cache = Self.temporaryCache()
            let folder = try DiffEndToEndTests.folder(Self.manifests(namespace: namespace, group: group))
            let applied = try await DriftBinary.run(["apply", "-f", folder], environment: ["XDG_CACHE_HOME": cache])
            #expect(applied.status == 0, "\(applied.output)\(applied.errorOutput)")
            let warm = try await Self.expectSameVerdicts(folder, cache: cache, "after apply")
            #expect(warm.status == 0, "\(warm.output)")
            #expect(try Self.entries(in: cache) == 4, "every in-sync verdict is recorded")

            if mutation.changesDefinition {
                try await Self.install(Self.definition(group: group, sizeDefault: 3))
            } else {
                let changed = try await TestCluster.kubectl(
                    ["-n", namespace] + mutation.kubectl.map { $0.replacingOccurrences(of: "GROUP", with: group) })
                #expect(changed.status == 0, "\(changed.errorOutput)")
            }
            _ = try await Self.expectSameVerdicts(folder, cache: cache, "after \(mutation.name)")
            // Twice: the first run recorded what it found, the second reuses it.
            _ = try await Self.expectSameVerdicts(folder, cache: cache, "again after \(mutation.name)")

            let remediated = try await DriftBinary.run(["apply", "-f", folder], environment: ["XDG_CACHE_HOME": cache])
            #expect(remediated.status == 0, "\(remediated.output)\(remediated.errorOutput)")
            let after = try await Self.expectSameVerdicts(folder, cache: cache, "after apply following \(mutation.name)")
            #expect(after.status == 0, "\(after.output)")
        }
    }

    /// Detects `manifests` in process, counting the dry runs sent.
    static func detect(_ manifests: [Manifest], cache: VerdictCache) async throws -> (DriftReport, dryRuns: Int) {
        let connection = try await TestCluster.connection()
        let recorder = RecordingTransport(try CurlTransport(connection: connection))
        var options = DriftOptions()
        options.verdictCache = cache
        let detector = DriftDetector(client: APIClient(transport: recorder), connection: connection, options: options)
        let report = try await TestCluster.offThePool { try detector.detect(manifests) }
        return (report, recorder.paths.filter { $0.contains("dryRun=All") }.count)
    }

    static func parsed(_ files: [String: String]) throws -> [Manifest] {
        try ManifestLoader.parse(files.sorted { $0.key < $1.key }.map { ManifestFile(path: $0.key, text: $0.value) })
    }

    @Test("an unchanged second run asks for no dry run; a MutatingWebhookConfiguration change is a miss")
    func skipsDryRunsUntilAdmissionChanges() async throws {
        let group = try await Self.widgetGroup(own: false)
        try await TestCluster.withNamespace { namespace in
            let files = Self.manifests(namespace: namespace, group: group)
            // kubectl's apply, so that no ApplySet label is there for a detector without one.
            let applied = try await TestCluster.kubectl(["apply", "--server-side", "-f", try DiffEndToEndTests.folder(files)])
            #expect(applied.status == 0, "\(applied.errorOutput)")
            let manifests = try Self.parsed(files)
            let cache = VerdictCache()

            let (first, firstDryRuns) = try await Self.detect(manifests, cache: cache)
            #expect(first.objects.map(\.status) == Array(repeating: .inSync, count: 4))
            #expect(firstDryRuns >= 4)
            let (second, secondDryRuns) = try await Self.detect(manifests, cache: cache)
            #expect(second.objects.map(\.status) == Array(repeating: .inSync, count: 4))
            #expect(secondDryRuns == 0)
            #expect(cache.hits == 4)

            // A webhook nothing serves, for a group nothing has, ignored on failure: it calls
            // nothing, yet a new configuration must make every key new.
            let webhook = "drift-cache-\(namespace)"
            let configuration: JSONValue = [
                "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                "metadata": ["name": .string(webhook)],
                "webhooks": [[
                    "name": "nothing.drift.test", "failurePolicy": "Ignore", "sideEffects": "None",
                    "admissionReviewVersions": ["v1"], "timeoutSeconds": 1,
                    "clientConfig": ["url": "https://127.0.0.1:1/mutate"],
                    "rules": [[
                        "apiGroups": ["nothing.drift.test"], "apiVersions": ["v1"], "operations": ["CREATE"],
                        "resources": ["nothings"],
                    ]],
                ]],
            ]
            let admin = try await TestCluster.client()
            try TestCluster.create(
                configuration, in: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", client: admin)
            defer {
                _ = try? admin.json(HTTPRequest(
                    method: .delete, path: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/\(webhook)"))
            }
            let (third, thirdDryRuns) = try await Self.detect(manifests, cache: cache)
            #expect(third.objects.map(\.status) == second.objects.map(\.status))
            #expect(thirdDryRuns >= 4)
            let (_, fourthDryRuns) = try await Self.detect(manifests, cache: cache)
            #expect(fourthDryRuns == 0)

            // Its configuration changed (a new resourceVersion): every key is new again.
            _ = try admin.mergePatch(
                ["metadata": ["labels": ["changed": "yes"]]],
                at: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/\(webhook)", fieldManager: "test")
            let (_, fifthDryRuns) = try await Self.detect(manifests, cache: cache)
            #expect(fifthDryRuns >= 4)
        }
    }

    /// What a verdict says, in the parts a cached verdict must reproduce.
    struct Outcome: Equatable, CustomStringConvertible {
        var identity: ObjectIdentity
        var status: DriftStatus
        var changes: [FieldChange]
        var live: JSONValue?
        var desired: JSONValue?

        init(_ verdict: ObjectDrift) {
            (identity, status, changes, live, desired) = (verdict.identity, verdict.status, verdict.changes, verdict.live, verdict.desired)
        }

        var description: String { "\(identity) \(status) \(changes.map(\.path))" }
    }

    /// Detects `manifests` with `cache`, then with an empty cache, and expects the same verdicts.
    /// - Returns: the verdicts and how many dry runs the cached detection asked for.
    static func expectSameAsUncached(
        _ manifests: [Manifest], cache: VerdictCache, _ comment: String
    ) async throws -> (outcomes: [Outcome], dryRuns: Int) {
        let (cached, dryRuns) = try await detect(manifests, cache: cache)
        let (uncached, _) = try await detect(manifests, cache: VerdictCache())
        let outcomes = cached.objects.map(Outcome.init)
        #expect(outcomes == uncached.objects.map(Outcome.init), "\(comment)")
        return (outcomes, dryRuns)
    }

    static let webhookConfigurations = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
    /// The namespace label the webhook's namespaceSelector asks for.
    static let webhookNamespaceLabel = "drift.test/webhook"

    /// The webhooks of a MutatingWebhookConfiguration sending `server` the ConfigMaps of the
    /// namespaces labelled `webhookNamespaceLabel=selected`, failing any it cannot mutate.
    static func webhooks(_ server: AdmissionWebhookServer, selecting selected: String) -> JSONValue {
        [[
            "name": "inject.drift.test", "failurePolicy": "Fail", "sideEffects": "None",
            "admissionReviewVersions": ["v1"], "timeoutSeconds": 10, "clientConfig": server.clientConfig,
            "namespaceSelector": ["matchLabels": [webhookNamespaceLabel: .string(selected)]],
            "rules": [[
                "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["configmaps"],
            ]],
        ]]
    }

    /// Waits until a ConfigMap created in `namespace` (a dry run) gets the webhook's label or,
    /// with `injected` false, no longer does: the API server follows webhook configurations and
    /// namespaces through informers, a moment after they change.
    static func awaitInjection(_ injected: Bool, namespace: String) async throws {
        for _ in 0..<100 {
            let probe = try await TestCluster.kubectl(
                ["-n", namespace, "create", "configmap", "probe", "--dry-run=server", "-o", "json"])
            let labels = try JSONValue.parse(probe.output)[["metadata", "labels", AdmissionWebhookServer.injectedLabel]]
            if (labels == .string(AdmissionWebhookServer.injectedValue)) == injected { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the webhook's label is \(injected ? "never" : "still") injected in \(namespace)")
    }

    @Test("behind a real mutating webhook, cached verdicts equal uncached ones when it starts and stops mutating")
    func exactBehindMutatingWebhook() async throws {
        let server = try await AdmissionWebhookServer.start()
        defer { server.stop() }
        try await TestCluster.withNamespace { namespace in
            let files = Dictionary(uniqueKeysWithValues: ["one", "two"].map { name in
                ("\(name).yaml", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: \(name)
                      namespace: \(namespace)
                    data:
                      mode: fast
                    """)
            })
            let folder = try DiffEndToEndTests.folder(files)
            let applied = try await TestCluster.kubectl(["apply", "--server-side", "-f", folder])
            #expect(applied.status == 0, "\(applied.errorOutput)")
            let manifests = try Self.parsed(files)
            let cache = VerdictCache()
            let (first, firstDryRuns) = try await Self.expectSameAsUncached(manifests, cache: cache, "after apply")
            #expect(first.map(\.status) == [.inSync, .inSync])
            #expect(firstDryRuns == 2)
            #expect(try await Self.detect(manifests, cache: cache).dryRuns == 0)

            // Registered for namespaces labelled as this one is not yet: it mutates nothing.
            let name = "drift-cache-inject-\(namespace)"
            let configuration: JSONValue = [
                "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                "metadata": ["name": .string(name)], "webhooks": Self.webhooks(server, selecting: namespace),
            ]
            let admin = try await TestCluster.client()
            _ = try await TestCluster.offThePool {
                try TestCluster.create(configuration, in: Self.webhookConfigurations, client: admin)
            }
            defer { _ = try? admin.json(HTTPRequest(method: .delete, path: Self.webhookConfigurations + "/" + name)) }
            let (registered, registeredDryRuns) = try await Self.expectSameAsUncached(manifests, cache: cache, "after registering")
            #expect(registered.map(\.status) == [.inSync, .inSync])
            #expect(registeredDryRuns == 2, "a new admission configuration is a miss")
            #expect(try await Self.detect(manifests, cache: cache).dryRuns == 0)

            // The namespace gets the label: the same configuration now mutates its ConfigMaps.
            let labelled = try await TestCluster.kubectl(
                ["label", "namespace", namespace, "\(Self.webhookNamespaceLabel)=\(namespace)"])
            #expect(labelled.status == 0, "\(labelled.errorOutput)")
            try await Self.awaitInjection(true, namespace: namespace)
            let before = try server.requests().count
            let (mutated, mutatedDryRuns) = try await Self.expectSameAsUncached(manifests, cache: cache, "once it mutates")
            #expect(mutated.map(\.status) == [.drifted, .drifted])
            #expect(mutated.allSatisfy {
                $0.desired?[["metadata", "labels", AdmissionWebhookServer.injectedLabel]] == .string(AdmissionWebhookServer.injectedValue)
            })
            #expect(mutatedDryRuns == 2, "a namespace that changed is a miss")
            let asked = try server.requests().dropFirst(before)
            #expect(asked.filter { $0.dryRun && $0.namespace == namespace && $0.name != "probe" }.count == 4)
            #expect(try await Self.detect(manifests, cache: cache).dryRuns == 2, "drifted verdicts are not cached")

            // Applied through the webhook, the ConfigMaps carry its label: in sync, and cached.
            let remediated = try await TestCluster.kubectl(["apply", "--server-side", "-f", folder])
            #expect(remediated.status == 0, "\(remediated.errorOutput)")
            #expect(try server.requests().filter { !$0.dryRun && $0.namespace == namespace }.count == 2)
            let (synced, syncedDryRuns) = try await Self.expectSameAsUncached(manifests, cache: cache, "after apply through it")
            #expect(synced.map(\.status) == [.inSync, .inSync])
            #expect(synced.allSatisfy {
                $0.live?[["metadata", "labels", AdmissionWebhookServer.injectedLabel]] == .string(AdmissionWebhookServer.injectedValue)
            })
            #expect(syncedDryRuns == 2)
            let beforeHit = try server.requests().count
            #expect(try await Self.detect(manifests, cache: cache).dryRuns == 0)
            #expect(try server.requests().count == beforeHit, "a cached verdict asks the webhook nothing")

            // Its configuration no longer selects the namespace.
            let unselecting: JSONValue = ["webhooks": Self.webhooks(server, selecting: "nobody")]
            _ = try await TestCluster.offThePool {
                try admin.mergePatch(unselecting, at: Self.webhookConfigurations + "/" + name, fieldManager: "test")
            }
            try await Self.awaitInjection(false, namespace: namespace)
            let (unselected, unselectedDryRuns) = try await Self.expectSameAsUncached(
                manifests, cache: cache, "once it no longer selects")
            // The label stays: an apply without it removes only what the applier owns.
            #expect(unselected.map(\.status) == [.inSync, .inSync])
            #expect(unselectedDryRuns == 2, "a changed admission configuration is a miss")
            #expect(try await Self.detect(manifests, cache: cache).dryRuns == 0)
        }
    }

    @Test("objects kubectl applied (no ApplySet label yet: in sync) are cached too, and stay in sync")
    func cachesObjectsWithoutMembership() async throws {
        let group = try await Self.widgetGroup(own: false)
        try await TestCluster.withNamespace { namespace in
            let cache = Self.temporaryCache()
            let folder = try DiffEndToEndTests.folder(Self.manifests(namespace: namespace, group: group))
            let applied = try await TestCluster.kubectl(["apply", "--server-side", "-f", folder])
            #expect(applied.status == 0, "\(applied.errorOutput)")
            let first = try await Self.expectSameVerdicts(folder, cache: cache, "after kubectl apply")
            #expect(first.status == 0, "\(first.output)")
            #expect(try Self.entries(in: cache) == 4)
            let second = try await Self.expectSameVerdicts(folder, cache: cache, "again")
            #expect(second.status == 0, "\(second.output)")
        }
    }

    @Test("the cache file is 0600 in a 0700 folder, and holds no object contents")
    func cacheFileHoldsHashesOnly() async throws {
        try await TestCluster.withNamespace { namespace in
            let cache = Self.temporaryCache()
            let files = ["settings.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: token
                  namespace: \(namespace)
                stringData:
                  token: very-secret-value
                """]
            let folder = try DiffEndToEndTests.folder(files)
            #expect(try await DriftBinary.run(["apply", "-f", folder], environment: ["XDG_CACHE_HOME": cache]).status == 0)
            #expect(try await DriftBinary.run(["diff", "-f", folder], environment: ["XDG_CACHE_HOME": cache]).status == 0)
            let verdicts = cache + "/kubectl-drift/verdicts"
            let names = try FileManager.default.contentsOfDirectory(atPath: verdicts)
            #expect(names.count == 1)
            let file = verdicts + "/" + names[0]
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("secret") && !text.contains("token") && !text.contains(namespace))
            #expect(text.split(separator: "\n").count >= 2)
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            let folderMode = try FileManager.default.attributesOfItem(atPath: verdicts)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(folderMode == 0o700)
        }
    }
}
