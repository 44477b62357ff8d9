import Foundation
import Testing
@testable import DriftKit

@Suite("kubectl drift render, end to end")
struct RenderEndToEndTests {
    /// YAML 1.1 corners where a naive reader and kubectl disagree.
    static let manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: quirks
          annotations:
            octal: "0644"
        data:
          on: "yes"
          mode: !!str 0644
          script: |
            #!/bin/sh
            echo "hello"
          folded: >-
            one
            two
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 0x3
          selector:
            matchLabels: &labels {app: web}
          template:
            metadata:
              labels: *labels
            spec:
              containers:
              - name: web
                image: nginx
                env:
                - {name: A, value: "1"}
                securityContext:
                  runAsNonRoot: yes
                  runAsUser: 0o17
        """

    @Test("a Flux Kustomization whose source is not this repository is named with the reason: render notes it, diff says why nothing was found")
    func notRenderedIsSaid() async throws {
        let kustomization = FluxTestAPI.kustomization("apps", namespace: "flux-system", path: "./apps")
            .replacingOccurrences(of: "name: flux-system, namespace: flux-system", with: "name: platform, namespace: flux-system")
        let root = try RepositorySourcesEndToEndTests.repository([
            "clusters/apps.yaml": kustomization, "apps/a.yaml": RepositorySourcesEndToEndTests.configMap("a"),
        ])
        let rendered = try await DriftBinary.runPlain(["render", "--flux", "-f", "clusters", "-o", "json"], in: root)
        #expect(rendered.status == 0, "\(rendered.errorOutput)")
        #expect(rendered.errorOutput.hasPrefix("note: Kustomization flux-system/apps: not rendered, "), "\(rendered.errorOutput)")
        #expect(rendered.errorOutput.contains("platform"), "names the source: \(rendered.errorOutput)")

        let diff = try await DriftBinary.run(["diff", "--flux", "-f", "clusters"], in: root)
        #expect(diff.status == 2)
        #expect(diff.errorOutput.hasPrefix(
            "error: no objects found in clusters: nothing could be rendered\n  Kustomization flux-system/apps: not rendered, "),
            "\(diff.errorOutput)")
    }

    @Test("render -o json reads YAML exactly as kubectl create --dry-run=client does")
    func matchesKubectl() async throws {
        let folder = try DiffEndToEndTests.folder(["quirks.yaml": Self.manifest])
        let ours = try await DriftBinary.runPlain(["render", "-f", folder, "-o", "json"])
        #expect(ours.status == 0, "\(ours.errorOutput)")
        // kubectl prints several documents as concatenated objects: ask it one document at a time.
        var expected: [JSONValue] = []
        for (index, document) in Self.manifest.components(separatedBy: "\n---\n").enumerated() {
            let single = try DiffEndToEndTests.folder(["doc-\(index).yaml": document])
            let theirs = try await TestCluster.kubectl([
                "create", "--dry-run=client", "--validate=false", "-o", "json", "-f", single + "/doc-\(index).yaml",
            ])
            #expect(theirs.status == 0, "\(theirs.errorOutput)")
            expected.append(Self.withoutNamespace(try JSONValue.parse(theirs.output)))
        }
        #expect(try JSONValue.parse(ours.output)["items"]?.arrayValue == expected)
    }

    @Test("render -o yaml round-trips through the reader")
    func yamlRoundTrip() async throws {
        let folder = try DiffEndToEndTests.folder(["quirks.yaml": Self.manifest])
        let yaml = try await DriftBinary.runPlain(["render", "-f", folder])
        #expect(yaml.status == 0)
        let json = try await DriftBinary.runPlain(["render", "-f", "-", "-o", "json"], input: yaml.output)
        let original = try await DriftBinary.runPlain(["render", "-f", folder, "-o", "json"])
        #expect(try JSONValue.parse(json.output) == JSONValue.parse(original.output))
    }

    /// kubectl create fills in the context namespace; render prints the manifest as written.
    static func withoutNamespace(_ object: JSONValue) -> JSONValue {
        guard case var .object(members) = object, case var .object(metadata)? = members["metadata"] else { return object }
        metadata["namespace"] = nil
        members["metadata"] = .object(metadata)
        return .object(members)
    }
}
