import Foundation
import Testing
@testable import DriftKit

/// An object with managedFields built from (manager, operation, subresource, time, fieldsV1) entries.
enum HandEditFixture {
    static func managedEntry(
        _ manager: String, _ fields: JSONValue, operation: String = "Update", subresource: String? = nil,
        time: String? = "2026-12-01T10:00:00Z"
    ) -> JSONValue {
        var entry = JSONObject()
        entry["manager"] = .string(manager)
        entry["operation"] = .string(operation)
        entry["apiVersion"] = "apps/v1"
        entry["fieldsType"] = "FieldsV1"
        entry["fieldsV1"] = fields
        if let subresource { entry["subresource"] = .string(subresource) }
        if let time { entry["time"] = .string(time) }
        return .object(entry)
    }

    /// A Deployment as a dry run returns it: Git sets the app label, the image and env MODE;
    /// a person added a label, a variable and limits; a controller added an annotation.
    static let object: JSONValue = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": [
            "name": "web",
            "labels": ["app": "web", "extra": "hand"],
            "annotations": ["controller/seen": "yes"],
            "managedFields": [
                HandEditFixture.managedEntry("kubectl-drift", [
                    "f:metadata": ["f:labels": ["f:app": [:]]],
                    "f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"main"}"#: [
                        ".": [:], "f:image": [:], "f:name": [:],
                        "f:env": [#"k:{"name":"MODE"}"#: [".": [:], "f:name": [:], "f:value": [:]]],
                    ]]]]],
                ], operation: "Apply"),
                HandEditFixture.managedEntry("kubectl-label", ["f:metadata": ["f:labels": ["f:extra": [:]]]]),
                HandEditFixture.managedEntry("kubectl-set", ["f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"main"}"#: [
                    "f:env": [#"k:{"name":"DEBUG"}"#: [".": [:], "f:name": [:], "f:value": [:]]],
                ]]]]]]),
                HandEditFixture.managedEntry("kubectl-patch", ["f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"main"}"#: [
                    "f:resources": ["f:limits": ["f:cpu": [:]]],
                ]]]]]]),
                HandEditFixture.managedEntry("kubectl-edit", ["f:status": ["f:replicas": [:]]], subresource: "status"),
                HandEditFixture.managedEntry("annotator", ["f:metadata": ["f:annotations": [".": [:], "f:controller/seen": [:]]]]),
            ],
        ],
        "spec": ["template": ["spec": ["containers": [[
            "name": "main", "image": "nginx",
            "env": [["name": "MODE", "value": "production"], ["name": "DEBUG", "value": "1"]],
            "resources": ["limits": ["cpu": "1"]],
        ]]]]],
        "status": ["replicas": 3],
    ]

    static let managers = Set(HandEdits.defaultManagers)
}

@Suite("Hand edits: fields only people own")
struct HandEditsTests {
    @Test("what only kubectl's managers own is found; Git's, a controller's and status are not")
    func handOnlyFields() throws {
        let fields = try HandEdits.handOnlyFields(in: HandEditFixture.object, managers: HandEditFixture.managers)
        #expect(fields.map(\.pointer.description).sorted() == [
            "/metadata/labels/extra",
            "/spec/template/spec/containers/0/env/1",
            "/spec/template/spec/containers/0/resources/limits/cpu",
        ])
        #expect(Set(fields.map(\.manager)) == ["kubectl-label", "kubectl-set", "kubectl-patch"])
    }

    @Test("a field another manager owns too stays, and so does one the manifest sets under another name")
    func sharedAndKept() throws {
        var object = HandEditFixture.object
        let entries = (object[["metadata", "managedFields"]]?.arrayValue ?? [])
            + [HandEditFixture.managedEntry("team-controller", ["f:metadata": ["f:labels": ["f:extra": [:]]]])]
        object = JSONPointer(tokens: ["metadata", "managedFields"]).updating(object, to: .array(entries))
        let shared = try HandEdits.handOnlyFields(in: object, managers: HandEditFixture.managers)
        #expect(!shared.map(\.pointer.description).contains("/metadata/labels/extra"))

        let kept = try HandEdits.handOnlyFields(
            in: HandEditFixture.object, managers: HandEditFixture.managers,
            keeping: [try JSONPointer("/spec/template/spec/containers/0/resources/limits/cpu")])
        #expect(kept.count == 2)
    }

    @Test("an empty list of managers finds nothing: plain server-side-apply semantics")
    func noManagers() throws {
        #expect(try HandEdits.handOnlyFields(in: HandEditFixture.object, managers: []).isEmpty)
    }

    @Test("removing fields takes list elements from the highest index down")
    func removing() throws {
        let object: JSONValue = ["env": [["name": "A"], ["name": "B"], ["name": "C"], ["name": "D"]]]
        let managedFields: JSONValue = [HandEditFixture.managedEntry("kubectl-set", [
            "f:env": [#"k:{"name":"B"}"#: [".": [:]], #"k:{"name":"D"}"#: [".": [:]]],
        ])]
        let fields = try ManagedFields.ownedFields(managedFields: managedFields, object: object, managers: ["kubectl-set"])
        #expect(HandEdits.removing(fields, from: object) == ["env": [["name": "A"], ["name": "C"]]])
    }

    @Test("a Secret's stringData keys are data keys Git sets")
    func secretAliases() throws {
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "stringData": ["password": "x", "user": "y"]]
        #expect(HandEdits.fieldsSetThroughAliases(by: secret).map(\.description) == ["/data/password", "/data/user"])
        #expect(HandEdits.fieldsSetThroughAliases(by: ["apiVersion": "v1", "kind": "ConfigMap", "stringData": ["a": "b"]]).isEmpty)
    }
}

@Suite("Who made each change")
struct ChangeAttributionTests {
    static func attribute(_ change: FieldChange, in object: JSONValue = HandEditFixture.object) throws -> ChangeCause? {
        let managedFields = try #require(object[["metadata", "managedFields"]])
        return ChangeAttribution.attribute(
            [change], managedFields: managedFields, live: ObjectNormalizer.normalize(object), fieldManager: "kubectl-drift"
        ).first?.cause
    }

    @Test("a value another manager owns is the cluster's, with that entry's manager, operation and time")
    func cluster() throws {
        let cause = try Self.attribute(FieldChange(path: "/metadata/labels/extra", live: "hand", desired: nil))
        #expect(cause == .cluster(FieldWriter(manager: "kubectl-label", operation: "Update", time: "2026-12-01T10:00:00Z")))
    }

    @Test("a value only our own apply owns is Git's: Git moved on")
    func git() throws {
        #expect(try Self.attribute(FieldChange(path: "/metadata/labels/app", live: "web", desired: "web-2")) == .git)
    }

    @Test("a value nobody owns is unknown")
    func unknown() throws {
        #expect(try Self.attribute(FieldChange(path: "/spec/paused", live: nil, desired: true)) == .unknown)
    }

    @Test("a change of a whole list names the latest other writer inside it")
    func wholeList() throws {
        var object = HandEditFixture.object
        let later = HandEditFixture.managedEntry("kubectl-edit", ["f:spec": ["f:template": ["f:spec": [
            "f:containers": [#"k:{"name":"main"}"#: ["f:env": [#"k:{"name":"MODE"}"#: ["f:value": [:]]]]],
        ]]]], time: "2026-12-01T11:00:00Z")
        let entries = (object[["metadata", "managedFields"]]?.arrayValue ?? []) + [later]
        object = JSONPointer(tokens: ["metadata", "managedFields"]).updating(object, to: .array(entries))
        let cause = try Self.attribute(
            FieldChange(path: "/spec/template/spec/containers/0/env", live: [], desired: [["name": "MODE"]]), in: object)
        #expect(cause == .cluster(FieldWriter(manager: "kubectl-edit", operation: "Update", time: "2026-12-01T11:00:00Z")))
    }

    @Test("a write through the scale subresource is named with it; the text report says kubectl scale and how long ago")
    func scaleSubresource() throws {
        let scaled: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "managedFields": [
                HandEditFixture.managedEntry("kubectl", ["f:spec": ["f:replicas": [:]]], subresource: "scale"),
            ]],
            "spec": ["replicas": 5],
        ]
        let cause = try #require(try Self.attribute(FieldChange(path: "/spec/replicas", live: 5, desired: 3), in: scaled))
        guard case let .cluster(writer) = cause else { Issue.record("expected the cluster, got \(cause)"); return }
        #expect(writer.displayName == "kubectl scale")

        var drift = ObjectDrift(
            identity: ObjectIdentity(group: "apps", kind: "Deployment", namespace: "default", name: "web"), apiVersion: "apps/v1",
            source: ManifestLocation(file: "web.yaml", line: 1, documentIndex: 0), status: .drifted,
            changes: [FieldChange(path: "/spec/replicas", live: 5, desired: 3, cause: cause)],
            live: ["spec": ["replicas": 5]], desired: ["spec": ["replicas": 3]])
        drift.target = nil
        let now = try #require(ISO8601DateFormatter().date(from: "2026-12-01T10:12:30Z"))
        var text = ""
        TextReporter(color: false, now: now).write(DriftReport(objects: [drift], server: "https://k"), to: &text)
        #expect(text.contains("/spec/replicas  5 → 3  (kubectl scale, 12m ago)"), "\(text)")
        #expect(text.contains("CHANGED BY"))
        #expect(text.contains("kubectl scale 12m ago"))
    }
}
