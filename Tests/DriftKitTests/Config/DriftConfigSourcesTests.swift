import Testing
@testable import DriftKit

@Suite("drift.yaml sources and helm")
struct DriftConfigSourcesTests {
    static let header = DriftConfigRemediationKeysTests.header

    @Test("sources map GitRepositories to local clones, by name or namespace/name, with an optional ref")
    func read() throws {
        let config = try DriftConfig.parse(Self.header + """
            sources:
              - name: flux-system/tenant-a
                path: ../tenant-a
                ref: release-1
              - name: platform
                namespace: infra
                path: /srv/platform
              - name: shared
                path: shared
            """, file: "drift.yaml")
        #expect(config.sources == [
            DriftConfig.SourceMapping(name: "tenant-a", namespace: "flux-system", path: "../tenant-a", ref: "release-1"),
            DriftConfig.SourceMapping(name: "platform", namespace: "infra", path: "/srv/platform"),
            DriftConfig.SourceMapping(name: "shared", path: "shared"),
        ])
    }

    @Test("helm.charts lists folders of packaged charts")
    func charts() throws {
        #expect(try DriftConfig.parse(Self.header + "helm:\n  charts: [.charts, /opt/charts]\n", file: "drift.yaml").helmCharts == [".charts", "/opt/charts"])
    }

    @Test("wrong entries name the key and the line", arguments: [
        ("sources:\n  - path: ../a\n", "drift.yaml:4: sources[0].name"),
        ("sources:\n  - name: a\n", "sources[0].path"),
        ("sources:\n  - name: a/b/c\n    path: x\n", "expected a GitRepository name or namespace/name"),
        ("sources:\n  - name: a\n    path: x\n    branch: main\n", "branch: unknown key"),
        ("sources: {name: a}\n", "drift.yaml:3: sources: expected a list"),
        ("helm:\n  chart: x\n", "chart: unknown key"),
    ])
    func invalid(text: String, fragment: String) {
        #expect {
            _ = try DriftConfig.parse(Self.header + text, file: "drift.yaml")
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }
}
