import Foundation

/// The `sops` program that decrypts SOPS-encrypted objects before they are compared:
/// `--sops-cmd`, else `sops` on `PATH`.
///
/// Each object goes to sops as JSON, as kustomize-controller hands it over: the message
/// authentication code covers the values in order, whatever the file's format, so a file
/// encrypted as YAML decrypts from its JSON form. The decrypted object only travels through
/// a pipe; what is written to the private temporary file is the encrypted object.
public struct SOPSCommand: Sendable, Equatable {
    public static let programName = "sops"

    /// Absolute path of the program.
    public var executable: String
    /// Where sops finds its keys (`SOPS_AGE_KEY_FILE`, cloud credentials, `GNUPGHOME`).
    public var environment: [String: String]
    public var timeout: TimeInterval
    public var temporaryDirectory: String

    public init(
        executable: String, environment: [String: String], timeout: TimeInterval = 60,
        temporaryDirectory: String = NSTemporaryDirectory()
    ) {
        self.executable = executable
        self.environment = environment
        self.timeout = timeout
        self.temporaryDirectory = temporaryDirectory
    }

    /// The program `override` (the `--sops-cmd` value) names, else `sops` on the
    /// environment's `PATH`; nil when there is none.
    public static func find(
        override: String?, environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> SOPSCommand? {
        ExternalProcess.find(override ?? programName, environment: environment, currentDirectory: currentDirectory)
            .map { SOPSCommand(executable: $0, environment: environment) }
    }

    /// The object with its values decrypted and the `sops` metadata gone.
    func decrypt(_ object: JSONValue, source: ManifestLocation) throws(ManifestError) -> JSONValue {
        func failed(_ reason: String) -> ManifestError { .decryption(source: source, reason: reason) }
        let folder: MaterializedTree
        do {
            folder = try MaterializedTree.create(in: temporaryDirectory, purpose: "sops")
            try folder.write(Data(object.jsonText().utf8), at: "object.json")
        } catch {
            throw failed(error.description)
        }
        defer { folder.remove() }
        let output: ExternalProcess.Output
        do {
            output = try ExternalProcess(
                executable: executable,
                arguments: ["--decrypt", "--input-type", "json", "--output-type", "json", folder.absolute("object.json")],
                environment: environment, currentDirectory: folder.root, timeout: timeout
            ).run()
        } catch {
            throw failed("cannot run \(executable): \(error.reason)")
        }
        guard output.succeeded else {
            let message = output.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw failed("\((executable as NSString).lastPathComponent) failed (\(output.ending))" + (message.isEmpty ? "" : ": \(message)"))
        }
        guard let decrypted = try? JSONValue.parse(output.stdout), case .object = decrypted else {
            throw failed("sops did not print a JSON object")
        }
        return decrypted
    }
}
