/// How a change set is shown: a line per changed object, and a document for `-o json|yaml`.
public enum ChangeSetReport {
    public static func write<Target: TextOutputStream>(_ changeSet: ChangeSet, to output: inout Target) {
        output.write("Changes from \(changeSet.from) (\(changeSet.fromID.prefix(7))) to \(changeSet.to) (\(changeSet.toID.prefix(7))):\n")
        let rows = changeSet.changes.map { change -> [String] in
            let place: String
            switch change.kind {
            case .removed: place = change.before.map { "(was \($0.source))" } ?? ""
            case .added, .modified: place = change.after.map { "\($0.source)" } ?? ""
            }
            return [change.kind.rawValue, change.identity.namespace ?? "", change.identity.kubectlName, place]
        }
        for cells in TextTable.pad(rows) { output.write(cells.joined() + "\n") }
        let count = { (kind: ChangeSet.Change.Kind) in changeSet.changes.filter { $0.kind == kind }.count }
        let total = changeSet.changes.count
        output.write("\(total) change\(total == 1 ? "" : "s"): \(count(.added)) added, \(count(.modified)) modified, \(count(.removed)) removed\n")
    }

    public static func document(_ changeSet: ChangeSet) -> JSONValue {
        var document = JSONObject()
        document["apiVersion"] = .string(ReportDocument.apiVersion)
        document["kind"] = "ChangeSet"
        document["from"] = ["revision": .string(changeSet.from), "commit": .string(changeSet.fromID)]
        document["to"] = ["revision": .string(changeSet.to), "commit": .string(changeSet.toID)]
        document["changes"] = .array(changeSet.changes.map { change in
            var entry = JSONObject()
            entry["change"] = .string(change.kind.rawValue)
            entry["apiVersion"] = .string(change.apiVersion)
            entry["kind"] = .string(change.identity.kind)
            if let namespace = change.identity.namespace { entry["namespace"] = .string(namespace) }
            entry["name"] = .string(change.identity.name)
            entry["before"] = change.before.map { ReportDocument.source($0.source) }
            entry["after"] = change.after.map { ReportDocument.source($0.source) }
            return .object(entry)
        })
        return .object(document)
    }
}
