import Foundation
import Testing
@testable import DriftKit

/// Custom resources whose CustomResourceDefinition is among the desired manifests but not
/// installed yet: missing, not errors, when the definition in Git matches them.
@Suite("Custom resources defined by a CRD in the same run")
struct DefinedKindTests {
    /// A server that serves CRDs and nothing of `example.com`: no CRD is installed yet, and
    /// a dry run answers with the object sent.
    final class EmptyCluster: HTTPTransport {
        func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
            let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
            let body: JSONValue
            switch (request.method, path) {
            case (.get, "/version"):
                body = ["major": "1", "minor": "36"]
            case (.get, "/apis/apiextensions.k8s.io/v1"):
                body = ["resources": [["name": "customresourcedefinitions", "kind": "CustomResourceDefinition", "namespaced": false]]]
            case (.patch, _) where request.path.contains("dryRun=All"):
                return HTTPResponse(statusCode: 200, body: request.body ?? Data())
            default:
                return HTTPResponse(statusCode: 404, body: Data(#"{"kind":"Status","reason":"NotFound","code":404}"#.utf8))
            }
            return HTTPResponse(statusCode: 200, body: body.jsonData)
        }
    }

    static func definition(scope: String, versions: [String] = ["v1", "v2"]) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: \(scope)
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
        \(versions.map { "  - {name: \($0), served: true, storage: \($0 == versions[0])}" }.joined(separator: "\n"))
        """
    }

    static func widget(apiVersion: String = "example.com/v1", kind: String = "Widget", namespace: String? = nil) -> String {
        """
        apiVersion: \(apiVersion)
        kind: \(kind)
        metadata:
          name: blue
        \(namespace.map { "  namespace: \($0)" } ?? "")
        spec:
          color: blue
        """
    }

    static func detect(_ documents: [String], explicitNamespace: String? = nil) throws -> DriftReport {
        let manifests = try ManifestLoader.parse([ManifestFile(path: "apps.yaml", text: documents.joined(separator: "\n---\n"))])
        var options = DriftOptions()
        options.explicitNamespace = explicitNamespace
        let connection = ClusterConnection(server: "https://cluster.test", namespace: "context-ns")
        return try DriftDetector(client: APIClient(transport: EmptyCluster()), connection: connection, options: options)
            .detect(manifests)
    }

    /// The verdict for the widget named `blue`.
    static func widgetVerdict(_ report: DriftReport) throws -> ObjectDrift {
        try #require(report.objects.first { $0.identity.name == "blue" })
    }

    @Test("a namespaced CRD's resource naming no namespace is missing in the context namespace, desired as written")
    func namespacedScope() throws {
        let report = try Self.detect([Self.definition(scope: "Namespaced"), Self.widget()])
        let widget = try Self.widgetVerdict(report)
        #expect(widget.status == .missing)
        #expect(widget.identity == ObjectIdentity(group: "example.com", kind: "Widget", namespace: "context-ns", name: "blue"))
        #expect(widget.desired == [
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": ["name": "blue", "namespace": "context-ns"], "spec": ["color": "blue"],
        ])
        #expect(widget.awaitedDefinition == "widgets.example.com")
        #expect(widget.target == nil)
        #expect(report.exitCode == 1)
    }

    @Test("a cluster-scoped CRD's resource loses the namespace its manifest names, as kubectl drops it")
    func clusterScope() throws {
        let widget = try Self.widgetVerdict(Self.detect([Self.definition(scope: "Cluster"), Self.widget(namespace: "shop")]))
        #expect(widget.status == .missing)
        #expect(widget.identity.namespace == nil)
        #expect(widget.desired?[["metadata", "namespace"]] == nil)
    }

    @Test("any version the CRD lists counts, not only the first")
    func secondVersion() throws {
        let widget = try Self.widgetVerdict(Self.detect([Self.definition(scope: "Namespaced"), Self.widget(apiVersion: "example.com/v2")]))
        #expect(widget.status == .missing)
    }

    @Test("without a matching CRD in Git the resource stays an error with the missing-CRD hint", arguments: [
        (definition: true, apiVersion: "example.com/v3", kind: "Widget"),
        (definition: true, apiVersion: "other.example.com/v1", kind: "Widget"),
        (definition: true, apiVersion: "example.com/v1", kind: "Gadget"),
        (definition: false, apiVersion: "example.com/v1", kind: "Widget"),
    ])
    func noMatchingDefinition(definition: Bool, apiVersion: String, kind: String) throws {
        let documents = (definition ? [Self.definition(scope: "Namespaced")] : []) + [Self.widget(apiVersion: apiVersion, kind: kind)]
        let report = try Self.detect(documents)
        let widget = try Self.widgetVerdict(report)
        #expect(widget.status == .error)
        #expect(widget.error?.contains("is its CustomResourceDefinition installed?") == true)
        #expect(widget.awaitedDefinition == nil)
        #expect(report.exitCode == 2)
    }

    @Test("a resource naming another namespace than --namespace is still an error")
    func namespaceMismatch() throws {
        let widget = try Self.widgetVerdict(
            Self.detect([Self.definition(scope: "Namespaced"), Self.widget(namespace: "shop")], explicitNamespace: "other"))
        #expect(widget.status == .error)
        #expect(widget.error?.contains("does not match the namespace given with --namespace (other)") == true)
    }

    @Test("two manifests of one awaiting resource: the second is a duplicate")
    func duplicate() throws {
        let report = try Self.detect([Self.definition(scope: "Namespaced"), Self.widget(), Self.widget(namespace: "context-ns")])
        let widgets = report.objects.filter { $0.identity.name == "blue" }
        #expect(widgets.map(\.status) == [.missing, .error])
        #expect(widgets.last?.error?.contains("the same object is defined at apps.yaml:") == true)
    }

    @Test("a definition without versions, group or kind defines nothing")
    func incompleteDefinitions() throws {
        let manifests = try ManifestLoader.parse([ManifestFile(path: "crds.yaml", text: """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: a.example.com}
            spec: {group: example.com, scope: Namespaced, names: {kind: A}, versions: []}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: b.example.com}
            spec: {scope: Namespaced, names: {kind: B}, versions: [{name: v1}]}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: c.example.com}
            spec: {group: example.com, scope: Cluster, names: {kind: C}, versions: [{name: v1}, {name: v1beta1}]}
            """)])
        #expect(DefinedKind.defined(by: manifests) == [
            DefinedKind(definition: "c.example.com", group: "example.com", kind: "C", versions: ["v1", "v1beta1"], namespaced: false),
        ])
    }
}
