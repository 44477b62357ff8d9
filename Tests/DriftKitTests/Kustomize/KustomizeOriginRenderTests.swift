import Foundation
import Testing
@testable import DriftKit

/// `-k` builds whose objects name the file they were written in, with the real kustomize.
@Suite("kustomize builds naming their objects' origin")
struct KustomizeOriginRenderTests {
    private func fixture() throws -> RepositoryFixture {
        let repository = try RepositoryFixture(prefix: "drift-kustomize-origin")
        try repository.write([
            "base/kustomization.yaml": "resources: [cm.yaml]\n",
            "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
            "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamePrefix: prod-\nconfigMapGenerator:\n- name: gen\n  literals: [k=v]\n",
        ])
        try repository.commitAll("kustomize")
        return repository
    }

    @Test("each object names its file and line, in the working tree and at a revision; generated ones name none; no annotation is left", arguments: [true, false])
    func origins(workingTree: Bool) throws {
        let repository = try fixture()
        let tree: any SourceTree = workingTree ? repository.workingTree : try repository.revision()
        let (file, root) = try kubectlRenderer().renderNamingOrigins("overlays/prod", in: tree)
        let resolver = KustomizeOriginResolver(tree: tree, root: try #require(root))
        var parsed = try ManifestLoader.parse([file], decrypting: nil)
        resolver.resolve(&parsed, file: file.path)
        let byName = Dictionary(uniqueKeysWithValues: parsed.manifests.map { ($0.name, $0) })
        #expect(byName["prod-a"]?.source.origin == ManifestOrigin(file: "base/cm.yaml", line: 1))
        #expect(byName["prod-b"]?.source.origin?.file == "base/cm.yaml")
        #expect(byName["prod-b"]?.source.origin?.line == 6, "the second document's first line")
        let generated = try #require(parsed.manifests.first { $0.name.hasPrefix("prod-gen-") })
        #expect(generated.source.origin == nil)
        #expect(parsed.manifests.allSatisfy { $0.object[["metadata", "annotations"]] == nil })
        #expect(file.path == "overlays/prod (kustomize)", "the file is still the build, for messages and groups")
    }

    @Test("a directory outside the tree is built as before, naming no origin")
    func outside() throws {
        let repository = try fixture()
        let (file, root) = try kubectlRenderer().renderNamingOrigins(repository.root + "/overlays/prod", in: FileSystemTree(root: "/"))
        #expect(root == nil)
        #expect(file.text.contains("prod-a"))
    }
}
