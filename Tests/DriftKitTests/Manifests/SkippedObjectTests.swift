import Foundation
import Testing
@testable import DriftKit

/// Objects that cannot be compared are kept apart with the reason; the rest of the file carries on.
@Suite("Skipped objects")
struct SkippedObjectTests {
    private static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          k: v
        """

    /// An encrypted Secret as `sops --encrypt --encrypted-regex '^(data|stringData)$'` writes it.
    static let encryptedSecret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: credentials
          namespace: apps
        stringData:
          password: ENC[AES256_GCM,data:3Wx8fQ==,iv:Hd0f,tag:Zm9v,type:str]
        sops:
          age:
          - recipient: age1examplerecipient
            enc: |
              -----BEGIN AGE ENCRYPTED FILE-----
              -----END AGE ENCRYPTED FILE-----
          lastmodified: "2026-01-01T00:00:00Z"
          mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
          encrypted_regex: ^(data|stringData)$
          version: 3.9.0
        """

    @Test("each reason: the object is skipped with it, the other objects of the file are manifests", arguments: [
        ("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          generateName: db-migrate-
          annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookSucceeded}
        """, SkipReason.argoCDHook("PreSync"), "Argo CD hook (argocd.argoproj.io/hook: PreSync)"),
        ("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: smoke
          annotations: {helm.sh/hook: "test"}
        """, .helmHook("test"), "Helm hook (helm.sh/hook: test)"),
        ("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: both
          annotations: {helm.sh/hook: pre-install, argocd.argoproj.io/hook: Sync}
        """, .argoCDHook("Sync"), "Argo CD hook (argocd.argoproj.io/hook: Sync)"),
        ("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          generateName: report-
        """, .generateName, "generateName: the server names each object it creates, so none is this one"),
        (encryptedSecret, .encrypted, "encrypted (SOPS)"),
    ])
    func reasons(document: String, reason: SkipReason, description: String) throws {
        let text = [Self.configMap, document, Self.configMap.replacingOccurrences(of: "settings", with: "other")]
            .joined(separator: "\n---\n")
        let parsed = try ManifestLoader.parse([ManifestFile(path: "app.yaml", text: text)], decrypting: nil)
        #expect(parsed.manifests.map(\.name) == ["settings", "other"])
        let skipped = try #require(parsed.skipped.first)
        #expect(parsed.skipped.count == 1)
        #expect(skipped.reason == reason)
        #expect(reason.description == description)
        #expect(skipped.source.documentIndex == 1)
        #expect(skipped.source.file == "app.yaml")
        // The plain entry point drops them, as before any object of the file failed the run.
        #expect(try ManifestLoader.parse([ManifestFile(path: "app.yaml", text: text)]).count == 2)
    }

    @Test("identity: what is written in plain text; generateName stands for the name; encrypted fields are empty")
    func identity() throws {
        let text = """
            apiVersion: batch/v1
            kind: Job
            metadata: {generateName: db-migrate-, namespace: apps}
            ---
            apiVersion: ENC[AES256_GCM,data:dg==,iv:aQ==,tag:dA==,type:str]
            kind: ENC[AES256_GCM,data:U2VjcmV0,iv:aQ==,tag:dA==,type:str]
            metadata:
              name: ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]
            sops: {mac: "ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]", version: 3.9.0}
            """
        let skipped = try ManifestLoader.parse([ManifestFile(path: "s.yaml", text: text)], decrypting: nil).skipped
        #expect(skipped.map(\.reason) == [.generateName, .encrypted])
        #expect(skipped[0].identity == ObjectIdentity(group: "batch", kind: "Job", namespace: "apps", name: "db-migrate-"))
        #expect(skipped[0].generateName == "db-migrate-")
        #expect(skipped[0].apiVersion == "batch/v1")
        #expect(skipped[1].identity == ObjectIdentity(group: "", kind: "", namespace: nil, name: ""))
        #expect(skipped[1].generateName == nil)
    }

    @Test("a sops key without mac or lastmodified is not SOPS metadata; a name and a generateName is a named object")
    func notSkipped() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: notes}
            sops: {comment: not encryption metadata}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: named, generateName: named-}
            """
        let parsed = try ManifestLoader.parse([ManifestFile(path: "n.yaml", text: text)], decrypting: nil)
        #expect(parsed.manifests.map(\.name) == ["notes", "named"])
        #expect(parsed.skipped.isEmpty)
    }

    @Test("a List's hook items are skipped, the others expanded")
    func listItems() throws {
        let text = #"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "hook", "annotations": {"helm.sh/hook": "post-install"}}}]}"#
        let parsed = try ManifestLoader.parse([ManifestFile(path: "list.json", text: text)], decrypting: nil)
        #expect(parsed.manifests.map(\.name) == ["a"])
        #expect(parsed.skipped.map(\.reason) == [.helmHook("post-install")])
    }

    /// There is no sops program on the build machines (none in Debian's or PyPI's current
    /// packages): a stand-in script checks that it is called as real sops is, with the
    /// encrypted object as a JSON file, and prints the decrypted object as sops would.
    static func standInSOPS(in folder: ScratchFolder, succeeds: Bool = true) throws -> String {
        try folder.script("sops", succeeds ? """
            [ "$1 $2 $3 $4 $5" = "--decrypt --input-type json --output-type json" ] || { echo "bad arguments: $*" >&2; exit 3; }
            # Shell builtins only: the environment sops is given may have no PATH to grep.
            content=""
            while IFS= read -r line || [ -n "$line" ]; do content="$content$line"; done < "$6"
            case "$content" in *'"mac"'*'"credentials"'*|*'"credentials"'*'"mac"'*) ;; *) echo "not the encrypted object" >&2; exit 4 ;; esac
            echo '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "credentials", "namespace": "apps"}, "stringData": {"password": "hunter2"}}'
            """ : """
            echo "Failed to get the data key required to decrypt the SOPS file." >&2
            exit 128
            """)
    }

    @Test("with sops, an encrypted object is decrypted and becomes a manifest without its sops metadata")
    func decrypts() throws {
        let folder = try ScratchFolder()
        let sops = SOPSCommand(executable: try Self.standInSOPS(in: folder), environment: [:])
        let parsed = try ManifestLoader.parse([ManifestFile(path: "secret.yaml", text: Self.encryptedSecret)], decrypting: sops)
        #expect(parsed.skipped.isEmpty)
        let secret = try #require(parsed.manifests.first)
        #expect(secret.identity == ObjectIdentity(group: "", kind: "Secret", namespace: "apps", name: "credentials"))
        #expect(secret.object[["stringData", "password"]] == "hunter2")
        #expect(secret.object["sops"] == nil)
        #expect(secret.source == ManifestLocation(file: "secret.yaml", line: 1, documentIndex: 0))
    }

    @Test("a failed decryption fails the run, naming the document and sops's reason")
    func decryptionFails() throws {
        let folder = try ScratchFolder()
        let sops = SOPSCommand(executable: try Self.standInSOPS(in: folder, succeeds: false), environment: [:])
        #expect {
            _ = try ManifestLoader.parse([ManifestFile(path: "secret.yaml", text: Self.encryptedSecret)], decrypting: sops)
        } throws: { error in
            guard case let .decryption(source, reason)? = error as? ManifestError else { return false }
            return source.file == "secret.yaml" && reason.contains("exit status 128") && reason.contains("data key")
        }
    }

    @Test("drift.yaml's decryption asks for sops: none on PATH is an error; without it the object is skipped")
    func decryptionAskedFor() throws {
        let repository = try RepositoryFixture(prefix: "drift-sops")
        try repository.write(["apps/secret.yaml": Self.encryptedSecret])
        func load(config: String?, sopsCommand: String? = nil) throws -> DesiredState {
            if let config { try repository.write(DriftConfig.fileName, config) }
            var source = SourceSelection(revision: .workingTree)
            source.filenames = ["apps"]
            source.sopsCommand = sopsCommand
            return try DesiredStateRequest(
                source: source, configFile: nil, currentDirectory: repository.root, environment: ["PATH": "/nonexistent"],
                standardInput: { "" }
            ).load()
        }
        let plain = try load(config: nil)
        #expect(plain.manifests.isEmpty)
        #expect(plain.skipped.map(\.reason) == [.encrypted])
        let config = "apiVersion: \(DriftConfig.apiVersion)\nkind: DriftConfig\ndecryption: {provider: sops}\n"
        #expect(throws: ManifestError.sopsNotFound(command: "sops")) { try load(config: config) }
        let folder = try ScratchFolder()
        let decrypted = try load(config: config, sopsCommand: try Self.standInSOPS(in: folder))
        #expect(decrypted.manifests.map(\.name) == ["credentials"])
        #expect(decrypted.skipped.isEmpty)
    }
}
