import Foundation
import Synchronization
import Testing
@testable import DriftKit

/// `Pruner` against scripted answers: what it lists, what it deletes, and how.
@Suite("Pruner")
struct PrunerTests {
    /// Answers discovery and list requests from a table, records every request, and answers
    /// DELETE with 200 (or 403 for names starting with `denied`).
    final class ScriptedServer: HTTPTransport {
        let lists: [String: [JSONValue]]
        let requests = Mutex<[HTTPRequest]>([])

        init(lists: [String: [JSONValue]]) { self.lists = lists }

        func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
            requests.withLock { $0.append(request) }
            let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
            if request.method == .delete || request.method == .get && path.hasSuffix("/denied-parent") {
                if path.split(separator: "/").last?.hasPrefix("denied") == true {
                    return HTTPResponse(statusCode: 403, body: Data(#"{"kind":"Status","message":"forbidden by test","reason":"Forbidden","code":403}"#.utf8))
                }
                if path.hasSuffix("/gone") { return HTTPResponse(statusCode: 404) }
                return HTTPResponse(statusCode: 200, body: Data(#"{"kind":"Status","status":"Success"}"#.utf8))
            }
            let body: JSONValue
            switch path {
            case "/api/v1":
                body = ["resources": [
                    ["name": "configmaps", "kind": "ConfigMap", "namespaced": true],
                    ["name": "namespaces", "kind": "Namespace", "namespaced": false],
                ]]
            case "/apis/apps":
                body = ["preferredVersion": ["groupVersion": "apps/v1"], "versions": [["groupVersion": "apps/v1"]]]
            case "/apis/apps/v1":
                body = ["resources": [["name": "deployments", "kind": "Deployment", "namespaced": true]]]
            default:
                guard let items = lists[path] else { return HTTPResponse(statusCode: 404) }
                body = ["items": .array(items), "metadata": [:]]
            }
            return HTTPResponse(statusCode: 200, body: body.jsonData)
        }
    }

    let set = ApplySet(namespace: "shop")

    /// A listed object; a member carries the part-of label, written by `labelledBy` (our own
    /// apply unless said otherwise) at `labelledAt`.
    func object(
        _ kind: String, _ name: String, namespace: String?, member: Bool = true, annotations: JSONValue = [:],
        labelledBy manager: String = "kubectl-drift", labelledAt time: String = "2026-12-01T10:00:00Z"
    ) -> JSONValue {
        var metadata = JSONObject([("name", JSONValue.string(name)), ("uid", .string("uid-\(name)")), ("annotations", annotations)])
        if let namespace { metadata["namespace"] = .string(namespace) }
        if member {
            metadata["labels"] = [ApplySet.partOfLabel: .string(set.id)]
            metadata["managedFields"] = [[
                "manager": .string(manager), "operation": manager == "kubectl-drift" ? "Apply" : "Update", "time": .string(time),
                "fieldsType": "FieldsV1", "fieldsV1": ["f:metadata": ["f:labels": ["f:applyset.kubernetes.io/part-of": [:]]]],
            ]]
        }
        return ["kind": .string(kind), "metadata": .object(metadata)]
    }

    @Test("deletes labelled members missing from Git, never unlabelled or protected ones")
    func planAndExecute() throws {
        let server = ScriptedServer(lists: [
            // This server ignores the label selector: the pruner must check the label itself.
            "/api/v1/namespaces/shop/configmaps": [
                object("ConfigMap", "kept", namespace: "shop"),
                object("ConfigMap", "old", namespace: "shop"),
                object("ConfigMap", "foreign", namespace: "shop", member: false),
                object("ConfigMap", "pinned", namespace: "shop",
                    annotations: ["drift.kubectl-drift.dev/prune": "disabled"]),
                object("ConfigMap", "denied-one", namespace: "shop"),
            ],
            "/api/v1/namespaces/billing/configmaps": [object("ConfigMap", "old", namespace: "billing")],
            "/apis/apps/v1/namespaces/shop/deployments": [object("Deployment", "legacy", namespace: "shop")],
            "/apis/apps/v1/namespaces/billing/deployments": [],
            "/api/v1/namespaces": [object("Namespace", "scratch", namespace: nil)],
        ])
        let client = APIClient(transport: server)
        let pruner = Pruner(client: client, discovery: Discovery(client: client), applySet: set)
        // Git holds one ConfigMap (namespace left implicit) and nothing else; the parent recorded
        // Deployments, Namespaces and the billing namespace from an earlier run.
        let parent = ApplySetParentState(
            id: set.id, tooling: ApplySet.tooling,
            groupKinds: [ApplySetGroupKind(group: "apps", kind: "Deployment"), ApplySetGroupKind(group: "", kind: "Namespace")],
            additionalNamespaces: ["billing"])
        let plan = pruner.plan(desired: [ObjectIdentity(group: "", kind: "ConfigMap", namespace: nil, name: "kept")], parent: parent)

        #expect(plan.problems.isEmpty)
        #expect(plan.candidates.map(\.identity.description) == [
            "configmap/old (namespace billing)",
            "configmap/denied-one (namespace shop)",
            "configmap/old (namespace shop)",
            "deployment.apps/legacy (namespace shop)",
        ])
        #expect(plan.protected.map(\.name) == ["pinned"])
        // This server cannot say what the Namespace holds, so deleting it is not safe.
        #expect(plan.held.map(\.identity.description) == ["namespace/scratch"])
        #expect(plan.held.first?.reason.contains("could not all be read") == true)

        // Every listing asked for our label only.
        let lists = server.requests.withLock { $0 }.filter { $0.path.contains("labelSelector") }
        #expect(lists.count == 5)
        #expect(lists.allSatisfy { $0.path.contains("labelSelector=applyset.kubernetes.io%2Fpart-of%3D\(set.id)") })

        let results = pruner.execute(plan, concurrency: 1)
        #expect(results.filter { $0.outcome == .deleted }.count == 3)
        let failed = results.first { $0.identity.name == "denied-one" }
        guard case let .failed(reason)? = failed?.outcome else { Issue.record("denied-one did not fail"); return }
        #expect(reason.contains("forbidden by test"))

        let deletes = server.requests.withLock { $0 }.filter { $0.method == .delete }
        #expect(Set(deletes.map(\.path)) == [
            "/api/v1/namespaces/billing/configmaps/old",
            "/api/v1/namespaces/shop/configmaps/denied-one",
            "/api/v1/namespaces/shop/configmaps/old",
            "/apis/apps/v1/namespaces/shop/deployments/legacy",
        ])
        let body = try JSONValue.parse(try #require(deletes.first { $0.path.hasSuffix("/legacy") }?.body))
        #expect(body["propagationPolicy"]?.stringValue == "Background")
        #expect(body["kind"]?.stringValue == "DeleteOptions")
        #expect(body[["preconditions", "uid"]]?.stringValue == "uid-legacy")
    }

    @Test("a label by hand, one older than the parent, or a parent that is gone proves no membership")
    func unprovenMembers() throws {
        let server = ScriptedServer(lists: [
            "/api/v1/namespaces/shop/configmaps": [
                object("ConfigMap", "applied", namespace: "shop", labelledAt: "2026-12-01T12:00:00Z"),
                object("ConfigMap", "by-hand", namespace: "shop", labelledBy: "kubectl-label", labelledAt: "2026-12-01T12:00:00Z"),
                object("ConfigMap", "orphan", namespace: "shop", labelledAt: "2026-11-01T12:00:00Z"),
            ],
        ])
        let client = APIClient(transport: server)
        let pruner = Pruner(client: client, discovery: Discovery(client: client), applySet: set)
        var parent = ApplySetParentState(
            id: set.id, tooling: ApplySet.tooling, groupKinds: [ApplySetGroupKind(group: "", kind: "ConfigMap")],
            additionalNamespaces: [])
        parent.created = "2026-12-01T11:00:00Z"
        let plan = pruner.plan(desired: [], parent: parent)
        #expect(plan.candidates.map(\.identity.name) == ["applied"])
        #expect(plan.held.map(\.identity.name) == ["by-hand", "orphan"])
        #expect(plan.held[0].reason.contains("labelled by hand"))
        #expect(plan.held[1].reason.contains("before the ApplySet"))

        let gone = pruner.plan(desired: [ObjectIdentity(group: "", kind: "ConfigMap", namespace: "shop", name: "other")], parent: .absent)
        #expect(gone.candidates.isEmpty)
        #expect(gone.held.map(\.identity.name).sorted() == ["applied", "by-hand", "orphan"])
    }

    @Test("a parent the user may not read: a plain run records nothing and says so; a pruning run is refused")
    func unreadableParent() throws {
        let client = APIClient(transport: ScriptedServer(lists: [:]))
        let hidden = ApplySet(name: "denied-parent", namespace: "shop")
        let plain = try ApplySetMembership.checked(hidden, prune: false, repository: nil, client: client)
        #expect(plain.membership == nil)
        #expect(plain.warning?.contains("cannot read the ApplySet parent secret/denied-parent (namespace shop)") == true)
        #expect(throws: PruneError.self) { try ApplySetMembership.checked(hidden, prune: true, repository: nil, client: client) }
        let absent = try ApplySetMembership.checked(set, prune: true, repository: nil, client: client)
        #expect(absent.membership?.recorded == .absent)
    }

    @Test("a type that cannot be listed is a problem, and its members are not deleted")
    func unknownType() {
        let server = ScriptedServer(lists: ["/api/v1/namespaces/shop/configmaps": []])
        let client = APIClient(transport: server)
        let pruner = Pruner(client: client, discovery: Discovery(client: client), applySet: set)
        let parent = ApplySetParentState(id: set.id, tooling: nil,
            groupKinds: [ApplySetGroupKind(group: "example.com", kind: "Widget")], additionalNamespaces: [])
        let plan = pruner.plan(desired: [], parent: parent)
        #expect(plan.candidates.isEmpty)
        #expect(plan.problems.map(\.groupKind.description) == ["Widget.example.com"])
        #expect(!plan.isComplete)
    }

    @Test("a parent with another id or another tool's tooling stops pruning")
    func foreignParent() throws {
        final class ParentServer: HTTPTransport {
            let parent: JSONValue
            init(_ parent: JSONValue) { self.parent = parent }
            func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
                HTTPResponse(statusCode: 200, body: parent.jsonData)
            }
        }
        func pruner(_ parent: JSONValue) -> Pruner {
            let client = APIClient(transport: ParentServer(parent))
            return Pruner(client: client, discovery: Discovery(client: client), applySet: set)
        }
        let ours = set.parentObject(members: [])
        #expect(try pruner(ours).readParent().id == set.id)
        let other = ApplySet(name: "else", namespace: "shop").parentObject(members: [])
        #expect(throws: PruneError.self) { try pruner(other).readParent() }
        let kubectls: JSONValue = ["metadata": [
            "labels": [ApplySet.idLabel: .string(set.id)],
            "annotations": [ApplySet.toolingAnnotation: "kubectl/v1.32.4"],
        ]]
        #expect(throws: PruneError.foreignTooling(parent: set.parentDescription, tooling: "kubectl/v1.32.4")) {
            try pruner(kubectls).readParent()
        }
        #expect(try pruner(kubectls).readParent(allowForeignTooling: true).tooling == "kubectl/v1.32.4")
    }
}
