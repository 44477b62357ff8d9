import Testing
@testable import DriftKit

@Suite("Field diff")
struct FieldDiffTests {
    @Test("equal objects have no changes, whatever their member order")
    func equalObjects() {
        let live: JSONValue = ["spec": ["replicas": 3, "paused": false], "metadata": ["name": "a"]]
        let desired: JSONValue = ["metadata": ["name": "a"], "spec": ["paused": false, "replicas": 3]]
        #expect(FieldDiff.changes(from: live, to: desired).isEmpty)
    }

    @Test("a changed scalar is reported at its JSON pointer with both values")
    func changedScalar() {
        let live: JSONValue = ["spec": ["replicas": 5]]
        let desired: JSONValue = ["spec": ["replicas": 3]]
        #expect(FieldDiff.changes(from: live, to: desired) == [FieldChange(path: "/spec/replicas", live: 5, desired: 3)])
    }

    @Test("added and removed members have one side absent")
    func addedAndRemoved() {
        let live: JSONValue = ["metadata": ["labels": ["app": "web", "team": "ops"]]]
        let desired: JSONValue = ["metadata": ["labels": ["app": "web", "tier": "front"]]]
        #expect(FieldDiff.changes(from: live, to: desired) == [
            FieldChange(path: "/metadata/labels/tier", live: nil, desired: "front"),
            FieldChange(path: "/metadata/labels/team", live: "ops", desired: nil),
        ])
    }

    @Test("pointer tokens escape ~ and / (RFC 6901)")
    func pointerEscaping() {
        let live: JSONValue = ["metadata": ["annotations": ["app.kubernetes.io/name": "a", "x~y": "1"]]]
        let desired: JSONValue = ["metadata": ["annotations": ["app.kubernetes.io/name": "b", "x~y": "2"]]]
        #expect(FieldDiff.changes(from: live, to: desired).map(\.path) == [
            "/metadata/annotations/app.kubernetes.io~1name", "/metadata/annotations/x~0y",
        ])
    }

    @Test("arrays of the same length are compared element by element")
    func sameLengthArrays() {
        let live: JSONValue = ["containers": [["name": "web", "image": "nginx:1.21.0"], ["name": "log", "image": "fluent"]]]
        let desired: JSONValue = ["containers": [["name": "web", "image": "nginx:1.25.0"], ["name": "log", "image": "fluent"]]]
        #expect(FieldDiff.changes(from: live, to: desired) == [
            FieldChange(path: "/containers/0/image", live: "nginx:1.21.0", desired: "nginx:1.25.0"),
        ])
    }

    @Test("elements only removed or only added are changes of their own, at their index where they are")
    func removedAndAddedElements() {
        let env: JSONValue = [["name": "A", "value": "1"], ["name": "DEBUG", "value": "1"], ["name": "B", "value": "2"]]
        let trimmed: JSONValue = [["name": "A", "value": "1"], ["name": "B", "value": "2"]]
        #expect(FieldDiff.changes(from: ["env": env], to: ["env": trimmed]) == [
            FieldChange(path: "/env/1", live: ["name": "DEBUG", "value": "1"], desired: nil),
        ])
        #expect(FieldDiff.changes(from: ["args": ["a"]], to: ["args": ["x", "a", "b"]]) == [
            FieldChange(path: "/args/0", live: nil, desired: "x"), FieldChange(path: "/args/2", live: nil, desired: "b"),
        ])
    }

    @Test("an array whose length changed otherwise is reported whole")
    func resizedArray() {
        let live: JSONValue = ["args": ["a", "b"]]
        let desired: JSONValue = ["args": ["c"]]
        #expect(FieldDiff.changes(from: live, to: desired) == [FieldChange(path: "/args", live: ["a", "b"], desired: ["c"])])
    }

    @Test("a type change is one change; 3 and 3.0 are equal")
    func typeChanges() {
        #expect(FieldDiff.changes(from: ["port": "80"], to: ["port": 80]) == [FieldChange(path: "/port", live: "80", desired: 80)])
        #expect(FieldDiff.changes(from: ["cpu": 3], to: ["cpu": 3.0]).isEmpty)
    }
}
