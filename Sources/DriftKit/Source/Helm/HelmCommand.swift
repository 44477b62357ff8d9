import Foundation

/// The `helm` program that renders HelmReleases (`helm template`): `--helm-cmd`, else
/// `KUBECTL_DRIFT_HELM`, else `helm` on `PATH`.
public struct HelmCommand: Sendable, Equatable {
    /// The environment variable that names helm when no flag does.
    public static let environmentVariable = "KUBECTL_DRIFT_HELM"

    /// Absolute path of the program.
    public var executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// The helm to use; nil when none was named and none is on `PATH` (HelmReleases are then
    /// reported as not rendered). A helm that was named but cannot be found is an error.
    public static func resolve(
        override: String?, environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(HelmError) -> HelmCommand? {
        let named: (text: String, origin: String)? = override.map { ($0, "--helm-cmd") }
            ?? environment[environmentVariable].map { ($0, environmentVariable) }
        guard let named else {
            return ExternalProcess.find("helm", environment: environment, currentDirectory: currentDirectory)
                .map(HelmCommand.init(executable:))
        }
        guard let executable = ExternalProcess.find(named.text, environment: environment, currentDirectory: currentDirectory) else {
            throw .helmNotFound(command: named.text, origin: named.origin)
        }
        return HelmCommand(executable: executable)
    }
}

/// Why Helm could not be used at all (a release that cannot be rendered is a `FluxError`).
public enum HelmError: Error, Equatable, CustomStringConvertible {
    /// `--helm-cmd` or `KUBECTL_DRIFT_HELM` names a program that is not there.
    case helmNotFound(command: String, origin: String)

    public var description: String {
        switch self {
        case let .helmNotFound(command, origin):
            return "helm \(command) (from \(origin)) is not an executable file and not on PATH"
        }
    }
}
