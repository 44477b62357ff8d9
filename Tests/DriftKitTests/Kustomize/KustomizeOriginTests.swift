import Testing
@testable import DriftKit

@Suite("kustomize origin annotations")
struct KustomizeOriginTests {
    @Test("origin annotations are asked for once, keeping other build metadata")
    func requesting() throws {
        let plain = JSONObject([("resources", JSONValue.array(["a.yaml"]))])
        let requested = try #require(KustomizeOrigin.requesting(in: plain))
        #expect(requested["buildMetadata"] == ["originAnnotations"])
        let withOther = try #require(KustomizeOrigin.requesting(in: JSONObject([("buildMetadata", JSONValue.array(["managedByLabel"]))])))
        #expect(withOther["buildMetadata"] == ["managedByLabel", "originAnnotations"])
        #expect(KustomizeOrigin.requesting(in: requested) == nil, "a kustomization that asks for them itself keeps them")
    }

    @Test("the annotation is taken off, and an annotations map it leaves empty goes too")
    func taking() {
        let annotated: JSONValue = [
            "kind": "ConfigMap",
            "metadata": ["name": "a", "annotations": ["config.kubernetes.io/origin": "path: ../base/cm.yaml\n"]],
        ]
        let (object, path) = KustomizeOrigin.taking(from: annotated)
        #expect(path == "../base/cm.yaml")
        #expect(object == ["kind": "ConfigMap", "metadata": ["name": "a"]])

        let kept: JSONValue = ["metadata": ["annotations": ["note": "x", "config.kubernetes.io/origin": "path: cm.yaml\n"]]]
        #expect(KustomizeOrigin.taking(from: kept).object == ["metadata": ["annotations": ["note": "x"]]])
    }

    @Test("generated and remote objects name no file", arguments: [
        "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n",
        "path: deploy/cm.yaml\nrepo: https://github.com/example/repo\nref: main\n",
    ])
    func noFile(origin: String) {
        let object: JSONValue = ["metadata": ["annotations": ["config.kubernetes.io/origin": .string(origin)]]]
        let (stripped, path) = KustomizeOrigin.taking(from: object)
        #expect(path == nil)
        #expect(stripped == ["metadata": [:]])
    }

    @Test("the line is the object's document: by name, by a prefixed name, or the only one of its kind", arguments: [
        ("ConfigMap", "b", 5), ("ConfigMap", "prod-b-v1", 5), ("Service", "anything", 9), ("Secret", "none", 1),
    ])
    func lines(kind: String, name: String, line: Int) {
        let text = """
            kind: ConfigMap
            metadata:
              name: a
            ---
            kind: ConfigMap
            metadata:
              name: b
            ---
            kind: Service
            metadata:
              name: web
            """
        #expect(KustomizeOrigin.line(of: kind, named: name, in: text, file: "x.yaml") == line)
    }
}
