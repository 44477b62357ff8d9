import DriftKit
import Foundation

/// `kubectl drift render`: prints the desired objects exactly as DriftKit parsed them, the
/// ones it does not compare (hooks, encrypted objects) included.
struct RenderCommand {
    let invocation: RenderInvocation

    func run(output: inout StandardStream) throws -> Int32 {
        // Decrypted Secrets are never printed: encrypted objects are printed as Git has them.
        let desired = try loadDesiredState(invocation.source, configFile: nil, concurrency: invocation.concurrency, decrypts: false)
        desired.warnings.forEach { StandardStream.printError("warning: \($0)") }
        // What was found and not rendered is said, never left out silently.
        for entry in desired.notRendered { StandardStream.printError("note: \(entry)") }
        let objects = desired.renderedObjects
        switch invocation.output {
        case .json:
            // One object alone, several as a List, as `kubectl create --dry-run -o json` prints
            // them; what was not rendered makes it a List too, with notChecked[] beside its items.
            var document: JSONValue = objects.count == 1 && desired.notChecked.isEmpty
                ? objects[0] : ["apiVersion": "v1", "kind": "List", "items": .array(objects)]
            if !desired.notChecked.isEmpty, case var .object(list) = document {
                list["notChecked"] = ReportDocument.notChecked(desired.notChecked)
                document = .object(list)
            }
            output.write(document.jsonText(indent: 4) + "\n")
        case .yaml, .text:
            output.write(objects.map { YAML.text(for: $0) }.joined(separator: "---\n"))
        }
        return 0
    }
}
