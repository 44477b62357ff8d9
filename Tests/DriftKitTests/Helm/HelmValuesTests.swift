import Testing
@testable import DriftKit

@Suite("Helm values, composed as helm-controller composes them")
struct HelmValuesTests {
    @Test("mappings merge key by key; lists, scalars and null replace")
    func merging() {
        let base: JSONValue = ["a": ["x": 1, "y": 2], "list": [1, 2], "keep": "yes", "gone": "soon"]
        let overlay: JSONValue = ["a": ["y": 3, "z": 4], "list": [9], "gone": nil]
        let merged = HelmValues.merge(base.objectValue!, overlay.objectValue!)
        #expect(JSONValue.object(merged) == ["a": ["x": 1, "y": 3, "z": 4], "list": [9], "keep": "yes", "gone": nil])
    }

    @Test("a target path sets one value, typed as helm --set types it", arguments: [
        ("replicas", "3", ["replicas": 3] as JSONValue),
        ("image.tag", "v1.2", ["image": ["tag": "v1.2"]] as JSONValue),
        ("flag", "true", ["flag": true] as JSONValue),
        ("flag", "False", ["flag": false] as JSONValue),
        ("nothing", "null", ["nothing": nil] as JSONValue),
        ("zip", "0123", ["zip": "0123"] as JSONValue),
        ("quoted", "\"42\"", ["quoted": "42"] as JSONValue),
        ("annotations.example\\.com/team", "web", ["annotations": ["example.com/team": "web"]] as JSONValue),
        ("hosts[1]", "b", ["hosts": [nil, "b"]] as JSONValue),
        ("servers[0].port", "80", ["servers": [["port": 80]]] as JSONValue),
    ])
    func targetPaths(path: String, value: String, expected: JSONValue) throws {
        #expect(JSONValue.object(try HelmValues.setting(path, to: value, in: JSONObject())) == expected)
    }

    @Test("a literal value stays a string")
    func literal() throws {
        #expect(JSONValue.object(try HelmValues.setting("count", to: "3", literal: true, in: JSONObject())) == ["count": "3"])
    }

    @Test("setting keeps the rest of the values")
    func keepsTheRest() throws {
        let values: JSONValue = ["image": ["repository": "nginx", "tag": "1"]]
        let set = try HelmValues.setting("image.tag", to: "2", in: values.objectValue!)
        #expect(JSONValue.object(set) == ["image": ["repository": "nginx", "tag": 2]])
    }

    @Test("a path that names nothing is refused", arguments: ["", "a..b", "list[x]", "list[-1]"])
    func invalidPaths(path: String) {
        #expect(throws: HelmValuesError.self) { try HelmValues.setting(path, to: "1", in: JSONObject()) }
    }
}
