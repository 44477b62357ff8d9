import Testing
@testable import DriftKit

@Suite("Ignore rules applied to verdicts")
struct IgnoreDriftFilterTests {
    static func rule(_ pointers: String..., target: IgnoreTarget = .any) throws -> IgnoreRule {
        IgnoreRule(paths: try pointers.map { try JSONPointer($0) }, target: target)
    }

    static let deploymentLive: JSONValue = [
        "metadata": ["name": "web", "annotations": ["example.com/note": "live", "owner": "a"]],
        "spec": [
            "replicas": 5,
            "template": ["spec": ["containers": [["name": "web", "image": "nginx:1.21"], ["name": "log", "image": "fluent:1"]]]],
        ],
    ]
    static let deploymentDesired: JSONValue = [
        "metadata": ["name": "web", "annotations": ["example.com/note": "git", "owner": "b"]],
        "spec": [
            "replicas": 3,
            "template": ["spec": ["containers": [["name": "web", "image": "nginx:1.25"], ["name": "log", "image": "fluent:2"]]]],
        ],
    ]

    static func deployment() -> ObjectDrift {
        IgnoreTestSupport.drift(live: deploymentLive, desired: deploymentDesired)
    }

    @Test("a change at an ignored pointer is dropped and listed with its reason")
    func leaf() throws {
        let filter = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/replicas")])
        let result = filter.filter(Self.deployment(), managedFields: nil)
        #expect(result.drift.status == .drifted)
        #expect(!result.drift.changes.map(\.path).contains("/spec/replicas"))
        #expect(result.drift.changes.count == Self.deployment().changes.count - 1)
        #expect(result.ignored == [
            IgnoredChange(change: FieldChange(path: "/spec/replicas", live: 5, desired: 3), reason: .path(try JSONPointer("/spec/replicas"))),
        ])
    }

    @Test("changes below an ignored pointer are dropped; siblings sharing a name prefix are not")
    func below() throws {
        let template = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/template")]).apply(to: Self.deployment(), managedFields: nil)
        #expect(template.changes.map(\.path) == [
            "/metadata/annotations/example.com~1note", "/metadata/annotations/owner", "/spec/replicas",
        ])
        let prefix = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/replica", "/spec/templ")]).apply(to: Self.deployment(), managedFields: nil)
        #expect(prefix.changes == Self.deployment().changes)
    }

    @Test("escaped pointers match keys with / and ~")
    func escaped() throws {
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/metadata/annotations/example.com~1note")]).apply(to: Self.deployment(), managedFields: nil)
        #expect(!result.changes.map(\.path).contains("/metadata/annotations/example.com~1note"))
        #expect(result.changes.map(\.path).contains("/metadata/annotations/owner"))
    }

    @Test("a pointer into an array element drops only that element's change")
    func arrayElement() throws {
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/template/spec/containers/0/image")]).apply(to: Self.deployment(), managedFields: nil)
        let paths = result.changes.map(\.path)
        #expect(!paths.contains("/spec/template/spec/containers/0/image"))
        #expect(paths.contains("/spec/template/spec/containers/1/image"))
    }

    @Test("an object whose changes are all ignored is in sync")
    func becomesInSync() throws {
        let filter = DriftFilter(rules: [
            try IgnoreDriftFilterTests.rule("/spec", target: IgnoreTarget(kind: try AnchoredPattern("Deployment"))),
            try IgnoreDriftFilterTests.rule("/metadata/annotations"),
        ])
        let result = filter.filter(Self.deployment(), managedFields: nil)
        #expect(result.drift.status == .inSync)
        #expect(result.drift.changes.isEmpty)
        #expect(result.ignored.count == Self.deployment().changes.count)
        // The objects themselves are kept for the report.
        #expect(result.drift.live == Self.deploymentLive && result.drift.desired == Self.deploymentDesired)
    }

    @Test("a rule whose target does not match the object changes nothing")
    func targetMismatch() throws {
        let filter = DriftFilter(rules: [
            try IgnoreDriftFilterTests.rule("/spec/replicas", target: IgnoreTarget(kind: try AnchoredPattern("StatefulSet"))),
            try IgnoreDriftFilterTests.rule("/spec/replicas", target: IgnoreTarget(labelSelector: try LabelSelector("app=web"))),
        ])
        #expect(filter.apply(to: Self.deployment(), managedFields: nil).changes == Self.deployment().changes)
    }

    @Test("a parent change whose only difference is an ignored child disappears")
    func parentOnlyIgnoredChild() throws {
        let drift = IgnoreTestSupport.drift(live: ["metadata": ["name": "a"]], desired: ["metadata": ["name": "a", "labels": ["foo": "bar"]]])
        #expect(drift.changes == [FieldChange(path: "/metadata/labels", live: nil, desired: ["foo": "bar"])])
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/metadata/labels/foo")]).filter(drift, managedFields: nil)
        #expect(result.drift.status == .inSync)
        #expect(result.ignored.map(\.change) == [FieldChange(path: "/metadata/labels/foo", live: nil, desired: "bar")])
    }

    @Test("a parent change keeps the differences of its other children")
    func parentWithOtherChildren() throws {
        let drift = IgnoreTestSupport.drift(
            live: ["metadata": ["name": "a"]], desired: ["metadata": ["name": "a", "labels": ["foo": "bar", "app": "web"]]])
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/metadata/labels/foo")]).apply(to: drift, managedFields: nil)
        #expect(result.status == .drifted)
        #expect(result.changes == [FieldChange(path: "/metadata/labels", live: nil, desired: ["app": "web"])])
    }

    @Test("a parent removed by applying keeps its ignored live children")
    func parentRemoved() throws {
        let onlyIgnored = IgnoreTestSupport.drift(
            live: ["metadata": ["name": "a", "labels": ["foo": "x"]]], desired: ["metadata": ["name": "a"]])
        #expect(DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/metadata/labels/foo")]).apply(to: onlyIgnored, managedFields: nil).status == .inSync)
        let more = IgnoreTestSupport.drift(
            live: ["metadata": ["name": "a", "labels": ["foo": "x", "bar": "y"]]], desired: ["metadata": ["name": "a"]])
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/metadata/labels/foo")]).apply(to: more, managedFields: nil)
        #expect(result.changes == [FieldChange(path: "/metadata/labels/bar", live: "y", desired: nil)])
    }

    @Test("an element only live is ignored by a rule naming it, not by one naming its neighbour")
    func removedElement() throws {
        let drift = IgnoreTestSupport.drift(live: ["spec": ["args": ["a", "--debug"]]], desired: ["spec": ["args": ["a"]]])
        #expect(drift.changes.map(\.path) == ["/spec/args/1"])
        #expect(DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/args/1")]).apply(to: drift, managedFields: nil).status == .inSync)
        #expect(DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/args/0")]).apply(to: drift, managedFields: nil).status == .drifted)
    }

    @Test("a field ignored inside a resized array is shown with its live value")
    func fieldInResizedArray() throws {
        let drift = IgnoreTestSupport.drift(
            live: ["spec": ["containers": [["name": "web", "image": "v1"]]]],
            desired: ["spec": ["containers": [["name": "web", "image": "v2"], ["name": "metrics", "image": "m"]]]])
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec/containers/0/image")]).apply(to: drift, managedFields: nil)
        #expect(drift.changes.map(\.path) == ["/spec/containers"])
        // Without the ignored image, the list only gains an element.
        #expect(result.changes == [FieldChange(path: "/spec/containers/1", live: nil, desired: ["name": "metrics", "image": "m"])])
    }

    @Test("missing, in-sync and failed verdicts are left alone", arguments: [DriftStatus.missing, .inSync, .error])
    func otherStatuses(status: DriftStatus) throws {
        var drift = Self.deployment()
        drift.status = status
        let result = DriftFilter(rules: [try IgnoreDriftFilterTests.rule("/spec")]).filter(drift, managedFields: nil)
        #expect(result.drift.status == status)
        #expect(result.drift.changes == drift.changes)
        #expect(result.ignored.isEmpty)
    }

    @Test("rules read from drift.yaml, Flux and Argo CD style, apply to the verdict")
    func fromConfig() throws {
        let config = try ConfigTestSupport.parse(ConfigTestSupport.header + """
            ignoreDifferences:
              - paths: [/spec/replicas]
                target: {group: apps, kind: Deploy.*}
              - group: apps
                kind: "*"
                name: web
                jsonPointers: [/spec/template/spec/containers/1/image]
              - kind: Deployment
                jsonPointers: [/metadata/annotations]
            """)
        let result = config.driftFilter().apply(to: Self.deployment(), managedFields: nil)
        // The third rule is Argo CD style without group: the core group only, so not this Deployment.
        #expect(result.changes.map(\.path) == [
            "/metadata/annotations/example.com~1note", "/metadata/annotations/owner", "/spec/template/spec/containers/0/image",
        ])
        let withPath = config.driftFilter(ignoringPaths: [try JSONPointer("/metadata/annotations")]).apply(to: Self.deployment(), managedFields: nil)
        #expect(withPath.changes.map(\.path) == ["/spec/template/spec/containers/0/image"])
    }
}
