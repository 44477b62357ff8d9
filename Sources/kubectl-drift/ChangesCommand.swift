import DriftKit
import Foundation

/// `kubectl drift changes FROM TO`: the objects Git changed between two revisions.
struct ChangesCommand {
    let invocation: ChangesInvocation

    func run(output: inout StandardStream) throws -> Int32 {
        let currentDirectory = FileManager.default.currentDirectoryPath
        let repository = try GitRepository.discover(from: currentDirectory, environment: ProcessInfo.processInfo.environment)
        let changeSet = try ChangeSet.between(
            repository.commit(invocation.from), repository.commit(invocation.to),
            paths: repository.rootRelativePaths(invocation.filenames, currentDirectory: currentDirectory),
            recursive: invocation.recursive)
        switch invocation.output {
        case .text: ChangeSetReport.write(changeSet, to: &output)
        case .json: output.write(ChangeSetReport.document(changeSet).jsonText(indent: 2) + "\n")
        case .yaml: output.write(YAML.text(for: ChangeSetReport.document(changeSet)))
        }
        return changeSet.isEmpty ? 0 : 1
    }
}
