import Foundation
import Testing
@testable import DriftKit

/// An ArtifactGenerator's copy rules as source-watcher applies them, on a source folder.
@Suite("Flux ArtifactGenerator copy rules")
struct FluxArtifactGeneratorTests {
    private static let sourceFiles = [
        "src/infrastructure/controllers/a.yaml": "a: 1\n",
        "src/infrastructure/controllers/sub/b.yaml": "b: 2\n",
        "src/infrastructure/configs/c.yaml": "c: 3\n",
        "src/infrastructure/README.md": "readme\n",
        "src/apps/base/x.yaml": "x: base\n",
        "src/top.yaml": "top: 1\n",
        "src/.hidden.yaml": "hidden: 1\n",
    ]

    /// A generator with one artifact of these rules, reading the alias `repo`.
    private static func generator(_ rules: [FluxArtifactGenerator.CopyRule]) throws -> FluxArtifactGenerator {
        let copy: JSONValue = .array(rules.map { rule in
            ["from": .string(rule.from), "to": .string(rule.to), "exclude": .array(rule.exclude.map { .string($0) })]
        })
        let object: JSONValue = [
            "apiVersion": "source.extensions.fluxcd.io/v1beta1", "kind": "ArtifactGenerator",
            "metadata": ["name": "gen", "namespace": "flux-system"],
            "spec": [
                "sources": [["alias": "repo", "kind": "GitRepository", "name": "flux-system"]],
                "artifacts": [["name": "out", "copy": copy]],
            ],
        ]
        let manifest = try Manifest(object: object, source: ManifestLocation(file: "artifacts.yaml", line: 1, documentIndex: 0))
        return try FluxArtifactGenerator(manifest: manifest, defaultNamespace: "default")
    }

    private static func rule(_ from: String, _ to: String, exclude: [String] = []) -> FluxArtifactGenerator.CopyRule {
        FluxArtifactGenerator.CopyRule(from: from, to: to, exclude: exclude, strategy: "Overwrite")
    }

    private func compose(_ rules: [FluxArtifactGenerator.CopyRule], fixture: RepositoryFixture) throws -> ComposedTree {
        try fixture.write(Self.sourceFiles)
        let generator = try Self.generator(rules)
        let source = FileSystemTree(root: fixture.root + "/src", name: "the source")
        return try generator.compose(generator.artifacts[0], sources: ["repo": source], name: "ExternalArtifact flux-system/out")
    }

    /// Every file of a tree, depth first.
    private func files(_ tree: any SourceTree, below directory: String = "") throws -> [String] {
        var found: [String] = []
        for entry in try tree.entries(of: directory) {
            let path = TreePath.join(directory, entry)
            if try tree.node(at: path) == .directory { found += try files(tree, below: path) } else { found.append(path) }
        }
        return found
    }

    @Test("files and folders land where source-watcher puts them", arguments: [
        ([rule("@repo/infrastructure/**", "@artifact/")],
         ["README.md", "configs/c.yaml", "controllers/a.yaml", "controllers/sub/b.yaml"]),
        ([rule("@repo/infrastructure", "@artifact/")],
         ["infrastructure/README.md", "infrastructure/configs/c.yaml", "infrastructure/controllers/a.yaml",
          "infrastructure/controllers/sub/b.yaml"]),
        ([rule("@repo/infrastructure/configs/", "@artifact/dest/")], ["dest/configs/c.yaml"]),
        ([rule("@repo/", "@artifact/all/")],
         ["all/.hidden.yaml", "all/apps/base/x.yaml", "all/infrastructure/README.md", "all/infrastructure/configs/c.yaml",
          "all/infrastructure/controllers/a.yaml", "all/infrastructure/controllers/sub/b.yaml", "all/top.yaml"]),
        ([rule("@repo/*.yaml", "@artifact/m/")], ["m/.hidden.yaml", "m/top.yaml"]),
        ([rule("@repo/infrastructure/*/*.yaml", "@artifact/")],
         ["infrastructure/configs/c.yaml", "infrastructure/controllers/a.yaml"]),
        ([rule("@repo/infrastructure/**/a.yaml", "@artifact/")], ["infrastructure/controllers/a.yaml"]),
        ([rule("@repo/top.yaml", "@artifact/x/renamed.yaml")], ["x/renamed.yaml"]),
        ([rule("@repo/top.yaml", "@artifact/x/")], ["x/top.yaml"]),
        ([rule("@repo/apps/base/**", "@artifact/base/"), rule("@repo/top.yaml", "@artifact/base")], ["base/top.yaml", "base/x.yaml"]),
        ([rule("@repo/infrastructure/**", "@artifact/", exclude: ["*.md", "controllers/sub/**"])],
         ["configs/c.yaml", "controllers/a.yaml"]),
        ([rule("@repo/infrastructure/**", "@artifact/", exclude: ["infrastructure/configs/**"])],
         ["README.md", "controllers/a.yaml", "controllers/sub/b.yaml"]),
        ([rule("@repo/infrastructure/**", "@artifact/", exclude: ["**/sub/**"])],
         ["README.md", "configs/c.yaml", "controllers/a.yaml"]),
    ])
    func placement(_ rules: [FluxArtifactGenerator.CopyRule], _ expected: [String]) throws {
        let fixture = try RepositoryFixture(prefix: "drift-artifact")
        let tree = try compose(rules, fixture: fixture)
        #expect(try files(tree) == expected)
    }

    @Test("a later rule overwrites an earlier file; contents come from the source")
    func overwrite() throws {
        let fixture = try RepositoryFixture(prefix: "drift-artifact")
        let tree = try compose(
            [Self.rule("@repo/apps/base/**", "@artifact/"), Self.rule("@repo/top.yaml", "@artifact/x.yaml")], fixture: fixture)
        #expect(try tree.contents(of: "x.yaml") == Data("top: 1\n".utf8))
        #expect(try tree.node(at: "x.yaml") == .file)
        #expect(try tree.node(at: "missing.yaml") == .missing)
    }

    @Test("a rule that copies nothing or names what is not there fails the artifact, as in source-watcher", arguments: [
        (rule("@repo/nothing/*.yaml", "@artifact/"), "no files match nothing/*.yaml in the source repo"),
        (rule("@repo/missing.yaml", "@artifact/"), "missing.yaml does not exist in the source repo"),
        (rule("@repo/*.yaml", "@artifact/", exclude: ["*.yaml"]), "every file matching *.yaml in the source repo is excluded"),
        (rule("@other/top.yaml", "@artifact/"), "the source alias other is not in spec.sources"),
        (rule("@repo/top.yaml", "artifact/"), "to must start with @artifact/"),
        (rule("@repo", "@artifact/"), "from must be @alias/pattern"),
        (rule("@repo/top.yaml", "@artifact/../up.yaml"), "../up.yaml climbs above the artifact root"),
        (rule("@repo/[", "@artifact/"), "invalid path pattern \"[\": [ is not closed by ]"),
    ])
    func failures(_ rule: FluxArtifactGenerator.CopyRule, _ reason: String) throws {
        let fixture = try RepositoryFixture(prefix: "drift-artifact")
        let error = try #require(throws: FluxError.self) { try compose([rule], fixture: fixture) }
        let expected = FluxError.artifactGenerator(
            name: "flux-system/gen", source: ManifestLocation(file: "artifacts.yaml", line: 1, documentIndex: 0),
            reason: "artifact out: cannot copy \(rule.from) to \(rule.to): \(reason)")
        #expect(error == expected)
    }

    @Test("the CRD's requirements are checked where the object is written", arguments: [
        ("spec: {sources: [], artifacts: [{name: a, copy: [{from: '@r/x', to: '@artifact/'}]}]}",
         "spec.sources needs at least one source"),
        ("spec: {sources: [{alias: r, kind: GitRepository, name: s}], artifacts: []}", "spec.artifacts needs at least one artifact"),
        ("spec: {sources: [{alias: r, kind: HelmRepository, name: s}], artifacts: [{name: a, copy: [{from: '@r/x', to: '@artifact/'}]}]}",
         "spec.sources[0].kind HelmRepository is not one of Bucket, ExternalArtifact, GitRepository, HelmChart, OCIRepository"),
        ("spec: {sources: [{alias: r, kind: GitRepository, name: s}], artifacts: [{name: a, copy: [{to: '@artifact/'}]}]}",
         "spec.artifacts[0].copy[0].from is required"),
        ("spec: {sources: [{alias: r, kind: GitRepository, name: s}], artifacts: [{name: a, copy: [{from: '@r/x', to: '@artifact/', strategy: Copy}]}]}",
         "spec.artifacts[0].copy[0].strategy Copy is not one of Overwrite, Merge, Extract"),
    ])
    func invalid(_ spec: String, _ reason: String) throws {
        let text = "apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata: {name: gen, namespace: flux-system}\n" + spec
        let manifest = try #require(try ManifestLoader.parse([ManifestFile(path: "artifacts.yaml", text: text)]).first)
        let error = try #require(throws: FluxError.self) { try FluxArtifactGenerator(manifest: manifest, defaultNamespace: "default") }
        #expect(error == .artifactGenerator(name: "flux-system/gen", source: manifest.source, reason: reason))
    }
}
