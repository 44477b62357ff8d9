import Foundation
import Testing
@testable import DriftKit

/// Objects captured from a kube-apiserver (see Fixtures/ignore/README.md).
enum ManagedFieldsFixtures {
    static func json(_ name: String) throws -> JSONValue {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: root.appendingPathComponent("ignore").appendingPathComponent(name))
        return try JSONValue.parse(data)
    }

    static var live: JSONValue { get throws { try json("deploy-live.json") } }

    static var managedFields: JSONValue {
        get throws { try #require(try live[["metadata", "managedFields"]]) }
    }

    /// A verdict as the detector makes it: both sides normalised, then diffed.
    static func verdict(desired name: String) throws -> ObjectDrift {
        let live = ObjectNormalizer.normalize(try live)
        let desired = ObjectNormalizer.normalize(try json(name))
        return IgnoreTestSupport.drift(namespace: "default", name: "drift-fixture-web", live: live, desired: desired)
    }
}

@Suite("managedFields: reading fieldsV1")
struct IgnoreFieldSetTests {
    @Test("the entries of a real object, in order, with operations")
    func entries() throws {
        let entries = try ManagedFields.entries(try ManagedFieldsFixtures.managedFields)
        #expect(entries.map(\.manager) == [
            "gitops", "sidecar-injector", "hpa-like-controller", "kubectl-annotate", "kubectl-label", "kube-controller-manager", "kubectl-set",
        ])
        #expect(entries.map(\.operation) == ["Apply", "Apply", "Update", "Update", "Update", "Update", "Update"])
        #expect(entries.allSatisfy { $0.apiVersion == "apps/v1" && $0.subresource == nil })
    }

    @Test("path elements of all four kinds are read")
    func pathElements() throws {
        #expect(try FieldPathElement(serialized: "f:app.kubernetes.io/name") == .field("app.kubernetes.io/name"))
        #expect(try FieldPathElement(serialized: "k:{\"containerPort\":443,\"protocol\":\"TCP\"}") == .key(JSONObject([("containerPort", 443), ("protocol", "TCP")])))
        #expect(try FieldPathElement(serialized: "v:\"example.com/protect\"") == .value("example.com/protect"))
        #expect(try FieldPathElement(serialized: "v:8080") == .value(8080))
        #expect(try FieldPathElement(serialized: "i:3") == .index(3))
        #expect(try FieldPathElement(serialized: "x:future") == nil)
        #expect(try FieldPathElement(serialized: "f:") == .field(""))
    }

    @Test("malformed path elements are errors", arguments: ["f", "fx:a", "k:{", "k:[1]", "v:{bad", "i:x", "i:-1", ""])
    func malformedElements(text: String) {
        #expect(throws: ManagedFieldsError.self) { try FieldPathElement(serialized: text) }
    }

    @Test("a leaf {} and a \".\" make the path a member; children alone do not")
    func membership() throws {
        let set = try FieldSet(fieldsV1: [
            "f:spec": ["f:replicas": [:], "f:template": ["f:spec": ["f:containers": ["k:{\"name\":\"web\"}": [".": [:], "f:image": [:]]]]]],
            "x:unknown": ["f:a": [:]],
        ])
        #expect(!set.isMember)
        try #require(set.children.count == 1)
        let spec = set.children[0]
        #expect(spec.element == .field("spec") && !spec.set.isMember)
        #expect(spec.set.children.map(\.element) == [.field("replicas"), .field("template")])
        #expect(spec.set.children[0].set.isMember && spec.set.children[0].set.children.isEmpty)
        let containers = spec.set.children[1].set.children[0].set.children[0].set
        let web = try #require(containers.children.first)
        #expect(web.element == .key(JSONObject([("name", "web")])))
        #expect(web.set.isMember)
        #expect(web.set.children.map(\.element) == [.field("image")])
    }

    @Test(
        "malformed managedFields are errors",
        arguments: [
            JSONValue.string("x"), [["manager": "a", "fieldsV1": "x"]], [["fieldsV1": [:]]], ["not an object"],
            [["manager": "a", "fieldsV1": ["f:spec": "x"]]],
        ])
    func malformed(value: JSONValue) {
        #expect(throws: ManagedFieldsError.self) { try ManagedFields.entries(value) }
    }

    @Test("entries of another fieldsType are skipped; null is no entries")
    func otherTypes() throws {
        #expect(try ManagedFields.entries([["manager": "a", "fieldsType": "FieldsV2", "fieldsV2": 1]]).isEmpty)
        #expect(try ManagedFields.entries(.null).isEmpty)
    }
}

@Suite("managedFields: what a manager owns")
struct IgnoreOwnedFieldsTests {
    static func owned(_ manager: String) throws -> Set<String> {
        try ManagedFields.ownedPointers(
            managedFields: try ManagedFieldsFixtures.managedFields, object: try ManagedFieldsFixtures.live, manager: manager)
    }

    @Test(
        "single-field managers of the captured Deployment",
        arguments: [
            ("kube-controller-manager", ["/spec/replicas"]),
            ("hpa-like-controller", ["/spec/minReadySeconds"]),
            ("kubectl-label", ["/metadata/labels/team"]),
            ("kubectl-annotate", ["/metadata/annotations/example.com~1note"]),
            // `kubectl set image log=...`: k:{"name":"log"} is the second container live.
            ("kubectl-set", ["/spec/template/spec/containers/1/image"]),
            ("nobody", []),
        ])
    func singleFields(manager: String, pointers: [String]) throws {
        #expect(try Self.owned(manager) == Set(pointers))
    }

    @Test("keyed list elements resolve to their live index, sets by value, with \".\" as the element itself")
    func sidecarInjector() throws {
        #expect(try Self.owned("sidecar-injector") == [
            "/metadata/finalizers/0",
            "/spec/selector",
            "/spec/template/metadata/annotations/sidecar.example.com~1injected",
            "/spec/template/spec/containers/0",
            "/spec/template/spec/containers/0/env/1",
            "/spec/template/spec/containers/0/env/1/name",
            "/spec/template/spec/containers/0/env/1/value",
            "/spec/template/spec/containers/0/image",
            "/spec/template/spec/containers/0/name",
            "/spec/template/spec/containers/2",
            "/spec/template/spec/containers/2/image",
            "/spec/template/spec/containers/2/name",
        ])
    }

    @Test("composite keys with numbers match defaulted fields of the live element")
    func compositeKeys() throws {
        let owned = try Self.owned("gitops")
        #expect(owned.contains("/spec/template/spec/containers/0/ports/1"))
        #expect(owned.contains("/spec/template/spec/containers/0/ports/1/containerPort"))
        #expect(!owned.contains("/spec/template/spec/containers/0/ports/1/protocol"))
        #expect(owned.contains("/spec/template/spec/containers/0/ports/0/protocol"))
        #expect(owned.contains("/metadata/labels/app.kubernetes.io~1name"))
        // kubectl set image took the log image over; gitops keeps the element and its name.
        #expect(owned.contains("/spec/template/spec/containers/1") && owned.contains("/spec/template/spec/containers/1/name"))
        #expect(!owned.contains("/spec/template/spec/containers/1/image"))
        #expect(!owned.contains("/spec/replicas"))
    }

    @Test("whole values and kept elements are told apart")
    func wholeValues() throws {
        let fields = try ManagedFields.ownedFields(
            managedFields: try ManagedFieldsFixtures.managedFields, object: try ManagedFieldsFixtures.live, managers: ["sidecar-injector"])
        let element = try #require(fields.first { $0.pointer.description == "/spec/template/spec/containers/2" })
        #expect(!element.wholeValue)
        #expect(element.manager == "sidecar-injector")
        let image = try #require(fields.first { $0.pointer.description == "/spec/template/spec/containers/2/image" })
        #expect(image.wholeValue)
        let finalizer = try #require(fields.first { $0.pointer.description == "/metadata/finalizers/0" })
        #expect(finalizer.wholeValue)
    }

    @Test("i: indices, unknown elements and elements missing from the object")
    func synthetic() throws {
        let object: JSONValue = ["spec": ["args": ["a", "b"], "ports": [["port": 80]]]]
        let managedFields: JSONValue = [[
            "manager": "m", "operation": "Update",
            "fieldsV1": [
                "f:spec": [
                    "f:args": ["i:1": [:], "i:5": [:]],
                    "f:ports": ["k:{\"port\":81}": [".": [:], "f:port": [:]], "k:{\"port\":80}": ["f:port": [:]]],
                    "f:absent": [:],
                    "z:{}": [:],
                ],
            ],
        ]]
        #expect(try ManagedFields.ownedPointers(managedFields: managedFields, object: object, manager: "m") == [
            "/spec/args/1", "/spec/ports/0/port", "/spec/absent",
        ])
    }
}

@Suite("managedFields: ignoring a manager's fields")
struct IgnoreManagerTests {
    @Test("the captured drift: replicas scaled by a controller and an image set by hand")
    func capturedDrift() throws {
        let drift = try ManagedFieldsFixtures.verdict(desired: "deploy-desired.json")
        #expect(drift.changes == [
            FieldChange(path: "/spec/replicas", live: 4, desired: 2),
            FieldChange(path: "/spec/template/spec/containers/1/image", live: "fluent/fluent-bit:3.0", desired: "fluent/fluent-bit:2.2"),
        ])
        let managedFields = try ManagedFieldsFixtures.managedFields

        let hpa = DriftFilter(managers: ["kube-controller-manager"]).filter(drift, managedFields: managedFields)
        #expect(hpa.drift.status == .drifted)
        #expect(hpa.drift.changes.map(\.path) == ["/spec/template/spec/containers/1/image"])
        #expect(hpa.ignored == [IgnoredChange(change: FieldChange(path: "/spec/replicas", live: 4, desired: 2), reason: .manager("kube-controller-manager"))])

        let both = DriftFilter(managers: ["kube-controller-manager", "kubectl-set"]).apply(to: drift, managedFields: managedFields)
        #expect(both.status == .inSync)

        // The manager that applied Git's manifest owns neither field now.
        #expect(DriftFilter(managers: ["gitops"]).apply(to: drift, managedFields: managedFields).changes == drift.changes)
    }

    @Test("managers only count where their rule's target matches")
    func ruleManagers() throws {
        let drift = try ManagedFieldsFixtures.verdict(desired: "deploy-desired.json")
        let managedFields = try ManagedFieldsFixtures.managedFields
        let matching = DriftFilter(rules: [IgnoreRule(managers: ["kube-controller-manager"], target: IgnoreTarget(kind: try AnchoredPattern("Deployment")))])
        #expect(matching.apply(to: drift, managedFields: managedFields).changes.count == 1)
        let other = DriftFilter(rules: [IgnoreRule(managers: ["kube-controller-manager"], target: IgnoreTarget(name: try AnchoredPattern("other")))])
        #expect(other.apply(to: drift, managedFields: managedFields).changes.count == 2)
    }

    @Test("without managedFields nothing is ignored by manager")
    func noManagedFields() throws {
        let drift = try ManagedFieldsFixtures.verdict(desired: "deploy-desired.json")
        #expect(DriftFilter(managers: ["kube-controller-manager"]).apply(to: drift, managedFields: nil).changes == drift.changes)
    }

    @Test("unreadable managedFields leave the verdict alone, with a warning")
    func unreadable() throws {
        let drift = try ManagedFieldsFixtures.verdict(desired: "deploy-desired.json")
        let result = DriftFilter(managers: ["kube-controller-manager"]).filter(drift, managedFields: "garbage")
        #expect(result.drift.changes == drift.changes)
        #expect(result.warnings.count == 1)
        #expect(result.warnings[0].contains("kube-controller-manager"))
    }

    @Test("a container added in Git: without the ignored image, the added container is a change of its own")
    func addedContainer() throws {
        let drift = try ManagedFieldsFixtures.verdict(desired: "deploy-desired-added.json")
        #expect(drift.changes.map(\.path) == ["/spec/replicas", "/spec/template/spec/containers"])
        let result = DriftFilter(managers: ["kube-controller-manager", "kubectl-set"]).filter(drift, managedFields: try ManagedFieldsFixtures.managedFields)
        try #require(result.drift.changes.count == 1)
        let container = result.drift.changes[0]
        #expect(container.path == "/spec/template/spec/containers/3")
        #expect(container.live == nil)
        #expect(container.desired?["name"] == "metrics")
        #expect(result.ignored.map(\.change.path) == ["/spec/replicas", "/spec/template/spec/containers/1/image"])
    }

    @Test("an injected sidecar that Git does not have is not drift when its injector is ignored")
    func injectedSidecar() throws {
        // What Git would give if the sidecar and the finalizer were not kept by their owner.
        var desired = try ManagedFieldsFixtures.json("deploy-desired.json")
        desired = Self.removing(container: "proxy", finalizers: true, from: desired)
        var live = try ManagedFieldsFixtures.live
        live = Self.setting(replicas: 2, logImage: "fluent/fluent-bit:2.2", in: live)
        let drift = IgnoreTestSupport.drift(
            namespace: "default", name: "drift-fixture-web",
            live: ObjectNormalizer.normalize(live), desired: ObjectNormalizer.normalize(desired))
        #expect(drift.changes.map(\.path) == ["/metadata/finalizers", "/spec/template/spec/containers/2"])
        let managedFields = try #require(live[["metadata", "managedFields"]])

        let result = DriftFilter(managers: ["sidecar-injector"]).filter(drift, managedFields: managedFields)
        #expect(result.drift.status == .inSync, "\(result.drift.changes)")
        #expect(result.ignored.map(\.change.path).contains("/spec/template/spec/containers/2"))
        // Another manager's sidecar is still drift.
        #expect(DriftFilter(managers: ["kubectl-label"]).apply(to: drift, managedFields: managedFields).status == .drifted)
    }

    static func removing(container: String, finalizers: Bool, from object: JSONValue) -> JSONValue {
        guard case var .object(root) = object, case var .object(metadata)? = root["metadata"],
            case var .object(spec)? = root["spec"], case var .object(template)? = spec["template"],
            case var .object(podSpec)? = template["spec"], case let .array(containers)? = podSpec["containers"]
        else { return object }
        if finalizers { metadata["finalizers"] = nil }
        podSpec["containers"] = .array(containers.filter { $0["name"]?.stringValue != container })
        template["spec"] = .object(podSpec)
        spec["template"] = .object(template)
        root["spec"] = .object(spec)
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    static func setting(replicas: Int64, logImage: String, in object: JSONValue) -> JSONValue {
        guard case var .object(root) = object, case var .object(spec)? = root["spec"], case var .object(template)? = spec["template"],
            case var .object(podSpec)? = template["spec"], case var .array(containers)? = podSpec["containers"]
        else { return object }
        spec["replicas"] = .int(replicas)
        for index in containers.indices where containers[index]["name"] == "log" {
            if case var .object(container) = containers[index] {
                container["image"] = .string(logImage)
                containers[index] = .object(container)
            }
        }
        podSpec["containers"] = .array(containers)
        template["spec"] = .object(podSpec)
        spec["template"] = .object(template)
        root["spec"] = .object(spec)
        return .object(root)
    }
}
