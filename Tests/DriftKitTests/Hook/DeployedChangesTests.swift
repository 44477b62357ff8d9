import Foundation
import Testing
@testable import DriftKit

@Suite("What two commits deploy differently, as drift.yaml says the repository deploys")
struct DeployedChangesTests {
    static let config = "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\npaths: [apps]\nexclude: [apps/skip.yaml]\n"

    private func between(_ repository: GitTestRepository, config text: String = config) throws -> DeployedChanges {
        let opened = try repository.open()
        let config = try DriftConfig.parse(text, file: "drift.yaml")
        return try DeployedChanges.between(opened.commit("HEAD~1"), opened.commit("HEAD"), config: config, environment: ProcessInfo.processInfo.environment)
    }

    @Test("plain paths: the changed objects and every changed file, excluded files left out")
    func plainPaths() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/a.yaml", TestManifests.configMap("a"))
        try repository.write("apps/skip.yaml", TestManifests.configMap("skip"))
        try repository.write("README.md", "one")
        _ = try repository.commitAll("one")
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "2"))
        try repository.write("apps/skip.yaml", TestManifests.configMap("skip", "2"))
        try repository.write("README.md", "two")
        _ = try repository.commitAll("two")

        let deployed = try between(repository)
        #expect(deployed.changeSet.changes.map(\.identity.name) == ["a"])
        #expect(deployed.changedFiles.sorted() == ["README.md", "apps/a.yaml", "apps/skip.yaml"])
    }

    @Test("a kustomization is rendered at both commits: a patch's change changes the object it patches")
    func kustomization() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/kustomization.yaml", "resources: [cm.yaml]\npatches: [{path: patch.yaml}]\n")
        try repository.write("apps/cm.yaml", TestManifests.configMap("settings"))
        try repository.write("apps/patch.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {key: one}\n")
        _ = try repository.commitAll("one")
        try repository.write("apps/patch.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {key: two}\n")
        _ = try repository.commitAll("two")

        let deployed = try between(repository)
        let change = try #require(deployed.changeSet.changes.first)
        #expect(deployed.changeSet.changes.count == 1)
        #expect(change.kind == .modified && change.identity.name == "settings")
        #expect(change.after?.object[["data", "key"]] == "two")
    }

    @Test("drift.yaml naming nothing to deploy is its own error; a merge that changes no file reads nothing")
    func nothingDeployed() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/a.yaml", TestManifests.configMap("a"))
        _ = try repository.commitAll("one")
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "2"))
        _ = try repository.commitAll("two")
        #expect(throws: DeployedChangesError.nothingDeployed) {
            try self.between(repository, config: "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\n")
        }
        let opened = try repository.open()
        let same = try DeployedChanges.between(
            opened.commit("HEAD"), opened.commit("HEAD"), config: try DriftConfig.parse(Self.config, file: "drift.yaml"), environment: [:])
        #expect(same.changeSet.isEmpty && same.changedFiles.isEmpty)
    }
}
