import Foundation
import Testing
@testable import DriftKit

/// SOPS-encrypted objects of a Flux Kustomization: decrypted only with
/// `spec.decryption.provider: sops`, as kustomize-controller does; skipped otherwise.
@Suite("Flux decryption")
struct FluxDecryptionTests {
    private func render(decryption: String, sops: SOPSCommand?) throws -> FluxUnit {
        let repository = try RepositoryFixture(prefix: "drift-flux-sops")
        try repository.write([
            "clusters/prod/apps.yaml": FluxFixture.kustomization("apps", path: "./apps", spec: decryption),
            "apps/secret.yaml": SkippedObjectTests.encryptedSecret,
            "apps/hook.yaml": """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                  namespace: apps
                  annotations: {helm.sh/hook: pre-upgrade}
                """,
        ])
        var options = FluxOptions()
        options.sops = sops
        let result = try FluxRenderer(tree: repository.workingTree, kustomize: try kubectlRenderer(), options: options)
            .render(scanning: "clusters")
        return try #require(result.unit("flux-system/apps"))
    }

    @Test("without spec.decryption the encrypted Secret is skipped as encrypted, even with sops at hand")
    func noDecryption() throws {
        let folder = try ScratchFolder()
        let unit = try render(
            decryption: "", sops: SOPSCommand(executable: try SkippedObjectTests.standInSOPS(in: folder), environment: [:]))
        #expect(unit.manifests.isEmpty, "\(unit.manifests.map(\.identity))")
        #expect(Set(unit.skipped.map(\.reason)) == [.encrypted, .helmHook("pre-upgrade")])
        #expect(unit.skipped.allSatisfy { $0.source.file == "apps (Flux Kustomization flux-system/apps)" })
    }

    @Test("spec.decryption.provider sops decrypts it with sops; without sops it stays skipped")
    func decryption() throws {
        let folder = try ScratchFolder()
        let decryption = "  decryption:\n    provider: sops\n    secretRef: {name: sops-age}"
        let unit = try render(
            decryption: decryption, sops: SOPSCommand(executable: try SkippedObjectTests.standInSOPS(in: folder), environment: [:]))
        let secret = try #require(unit.manifests.first)
        #expect(unit.manifests.count == 1)
        #expect(secret.object[["stringData", "password"]] == "hunter2")
        #expect(secret.object[["metadata", "labels", "kustomize.toolkit.fluxcd.io/name"]] == "apps", "owner labels as at apply time")
        #expect(unit.skipped.map(\.reason) == [.helmHook("pre-upgrade")])

        let withoutSOPS = try render(decryption: decryption, sops: nil)
        #expect(Set(withoutSOPS.skipped.map(\.reason)) == [.encrypted, .helmHook("pre-upgrade")])
    }
}
