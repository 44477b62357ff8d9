import Foundation
import Testing
@testable import DriftKit

@Suite("Manifest loading")
struct ManifestLoaderTests {
    private let configMap = #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"k": "v"}}"#

    @Test("objects remember their file and document; identity has group, kind, namespace, name")
    func identityAndSource() throws {
        let manifests = try ManifestLoader.parse([ManifestFile(path: "apps/cm.json", text: configMap)])
        let manifest = try #require(manifests.first)
        #expect(manifest.identity == ObjectIdentity(group: "", kind: "ConfigMap", namespace: nil, name: "settings"))
        #expect(manifest.source == ManifestLocation(file: "apps/cm.json", line: 1, documentIndex: 0))
        #expect(manifest.identity.kubectlName == "configmap/settings")
    }

    @Test("kind: List is expanded into its items")
    func listExpansion() throws {
        let list = #"{"apiVersion": "v1", "kind": "List", "items": [\#(configMap), {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}]}"#
        let manifests = try ManifestLoader.parse([ManifestFile(path: "list.json", text: list)])
        #expect(manifests.map(\.identity.kubectlName) == ["configmap/settings", "deployment.apps/web"])
        #expect(manifests[1].namespace == "prod")
    }

    @Test("a document without apiVersion, kind or name is an error naming file and document", arguments: [
        (#"{"kind": "ConfigMap", "metadata": {"name": "a"}}"#, "has no apiVersion"),
        (#"{"apiVersion": "v1", "metadata": {"name": "a"}}"#, "has no kind"),
        (#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"a": "b"}}}"#, "has no metadata.name"),
        (#"["not", "an", "object"]"#, "is an array, not an object"),
    ])
    func invalidDocuments(text: String, fragment: String) {
        #expect {
            _ = try ManifestLoader.parse([ManifestFile(path: "bad.json", text: text)])
        } throws: { error in
            let message = String(describing: error)
            return message.contains("bad.json: document 1") && message.contains(fragment)
        }
    }

    @Test("the same object defined twice names both places")
    func duplicates() {
        let files = [ManifestFile(path: "a.json", text: configMap), ManifestFile(path: "b.json", text: configMap)]
        #expect(throws: ManifestError.duplicate(
            ObjectIdentity(group: "", kind: "ConfigMap", namespace: nil, name: "settings"),
            first: ManifestLocation(file: "a.json", line: 1, documentIndex: 0),
            second: ManifestLocation(file: "b.json", line: 1, documentIndex: 0))
        ) {
            try ManifestLoader.parse(files)
        }
    }

    @Test("directories give their manifest files in name order; -R descends; other files are ignored")
    func directories() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drift-loader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("nested"), withIntermediateDirectories: true)
        for name in ["b.yaml", "a.json", "c.yml", "notes.txt", ".hidden.yaml", "nested/d.yaml"] {
            try configMap.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let flat = try ManifestLoader.readFiles(paths: [root.path], recursive: false, tree: FileSystemTree(root: "/"), standardInput: { "" })
        #expect(flat.map { ($0.path as NSString).lastPathComponent } == ["a.json", "b.yaml", "c.yml"])
        let deep = try ManifestLoader.readFiles(paths: [root.path], recursive: true, tree: FileSystemTree(root: "/"), standardInput: { "" })
        #expect(deep.map { ($0.path as NSString).lastPathComponent } == ["a.json", "b.yaml", "c.yml", "d.yaml"])
        let stdin = try ManifestLoader.readFiles(paths: ["-"], recursive: false, tree: FileSystemTree(root: "/"), standardInput: { "text" })
        #expect(stdin == [ManifestFile(path: "<stdin>", text: "text")])
        #expect(throws: ManifestError.source(.pathNotFound(path: root.path + "/missing", tree: "the working tree"))) {
            try ManifestLoader.readFiles(paths: [root.path + "/missing"], recursive: false, tree: FileSystemTree(root: "/"), standardInput: { "" })
        }
    }

    @Test("a key written twice keeps its last value with a warning naming both lines; rejected when strict")
    func duplicateKeys() throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  k: first\n  k: second\n"
        let files = [ManifestFile(path: "apps/cm.yaml", text: text)]
        let parsed = try ManifestLoader.parse(files, decrypting: nil)
        #expect(parsed.manifests.first?.object[["data", "k"]] == "second")
        #expect(parsed.warnings.map(\.description) == [
            "apps/cm.yaml:7:3: mapping key \"k\" already defined at line 6; the last value is used, as kubectl does",
        ])
        #expect {
            _ = try ManifestLoader.parse(files, decrypting: nil, duplicateKeys: .reject)
        } throws: { error in
            String(describing: error).contains("apps/cm.yaml:7:3: mapping key \"k\" already defined at line 6")
        }
    }

    @Test("objects that name no namespace are placed in one unless their kind is cluster-scoped")
    func knownScopes() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec: {group: example.com, scope: Cluster, names: {kind: Widget, plural: widgets}}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            ---
            apiVersion: other.example.com/v1
            kind: Widget
            metadata: {name: namespaced}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: placed, namespace: kept}
            """
        let manifests = try ManifestLoader.parse([ManifestFile(path: "all.yaml", text: text)])
        let placed = KnownScopes(defining: manifests).placing(manifests, in: "shop")
        #expect(placed.map(\.namespace) == ["shop", nil, nil, nil, "shop", "kept"])
        // Without the CRD, its kind is taken to be namespaced.
        #expect(KnownScopes().placing([manifests[3]], in: "shop").first?.namespace == "shop")
    }
}
