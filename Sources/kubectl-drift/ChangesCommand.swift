import DriftKit
import Foundation

/// `kubectl drift changes FROM TO`: the objects Git changed between two revisions.
struct ChangesCommand {
    let invocation: ChangesInvocation

    func run(output: inout StandardStream) throws -> Int32 {
        let currentDirectory = FileManager.default.currentDirectoryPath
        let environment = ProcessInfo.processInfo.environment
        let repository = try GitRepository.discover(from: currentDirectory, environment: environment)
        // Objects that name no namespace are shown where they would land, as diff shows them.
        let namespace = try KubeconfigLoader(environment: environment).namespace(invocation.cluster)
        let changeSet = try ChangeSet.between(
            repository.commit(invocation.from), repository.commit(invocation.to),
            paths: repository.rootRelativePaths(invocation.filenames, currentDirectory: currentDirectory),
            recursive: invocation.recursive, namespace: namespace,
            duplicateKeys: DuplicateKeyPolicy(strict: invocation.strict))
        changeSet.warnings.forEach { StandardStream.printError("warning: \($0)") }
        switch invocation.output {
        case .text: ChangeSetReport.write(changeSet, to: &output)
        case .json: output.write(ChangeSetReport.document(changeSet).jsonText(indent: 2) + "\n")
        case .yaml: output.write(YAML.text(for: ChangeSetReport.document(changeSet)))
        }
        return changeSet.isEmpty ? 0 : 1
    }
}
