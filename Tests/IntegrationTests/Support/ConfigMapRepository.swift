import Foundation
import Testing
@testable import DriftKit

/// Many cheap objects in Git, for runs long enough to break in the middle: ConfigMaps `cm-0`
/// ... in one namespace, each holding a `value`, and one ConfigMap named by the server
/// (`generateName`), which must never be created.
struct ConfigMapRepository {
    let folder: String
    let namespace: String
    let count: Int

    static let generateNamePrefix = "named-by-server-"

    init(namespace: String, count: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("drift-faults-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.namespace = namespace
        self.count = count
    }

    /// The names Git holds with `extras`.
    func names(extras: [String] = []) -> [String] {
        (0..<count).map { "cm-\($0)" } + extras
    }

    /// Writes Git's manifests: every ConfigMap holding `value`, and the `extras` as well.
    func write(value: String, extras: [String] = []) throws {
        let documents = names(extras: extras).map { name in
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(name)
              namespace: \(namespace)
            data:
              value: "\(value)"
            """
        } + [
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              generateName: \(Self.generateNamePrefix)
              namespace: \(namespace)
            data:
              value: "\(value)"
            """,
        ]
        try documents.joined(separator: "\n---\n").write(
            toFile: folder + "/configmaps.yaml", atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The live ConfigMaps of the namespace by name: `data.value` and uid.
    func live(client: APIClient) throws -> [String: (value: String?, uid: String)] {
        var live: [String: (value: String?, uid: String)] = [:]
        for item in try client.list("/api/v1/namespaces/\(namespace)/configmaps") {
            guard let name = item[["metadata", "name"]]?.stringValue, let uid = item[["metadata", "uid"]]?.stringValue
            else { continue }
            live[name] = (item[["data", "value"]]?.stringValue, uid)
        }
        return live
    }

    /// A kubeconfig like `server`'s whose clusters are reached through `proxy`.
    static func kubeconfig(_ server: LocalAPIServer, through proxy: FaultProxy) throws -> String {
        let text = try String(contentsOfFile: server.kubeconfigPath, encoding: .utf8)
        let path = server.directory + "/kubeconfig-proxy-\(proxy.port)"
        try text.replacingOccurrences(of: server.serverURL, with: "https://127.0.0.1:\(proxy.port)")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// What a `diff -o json` or `apply -o json` run says of each object Git holds, as the issue
/// asks: every object checked, or reported as not checked with the reason, and exit 2 exactly
/// when any was not. "Not checked" is an object whose status is `error` (diff) or whose result
/// is `failed` or `skipped` because it could not be compared (apply), with the reason beside it;
/// `notChecked[]` is for what could not even be rendered into objects, which a fault never causes.
struct RunVerdicts {
    /// The status (diff) or result (apply) of each ConfigMap Git names.
    var outcomes: [String: String] = [:]
    /// The objects not checked, or not applied, with the reason.
    var failures: [String: String] = [:]
    /// Problems with the report itself: an object missing, twice, or failed without a reason.
    var problems: [String] = []

    static let checkedStatuses: Set = ["in-sync", "drifted", "missing"]
    static let doneResults: Set = ["applied", "unchanged"]

    /// Reads `result`'s report of `names` (and the generateName object, skipped).
    init(_ result: CommandResult, names: [String], isApply: Bool) {
        guard let report = try? JSONValue.parse(result.output) else {
            problems.append("no JSON report (exit \(result.status)): \(result.output.prefix(300)) \(result.errorOutput.prefix(600))")
            return
        }
        let wanted = Set(names)
        var generateNameSkipped = false
        for object in report["objects"]?.arrayValue ?? [] {
            guard let name = object["name"]?.stringValue else {
                if object["generateName"]?.stringValue == ConfigMapRepository.generateNamePrefix, object["status"] == "skipped" {
                    generateNameSkipped = true
                }
                continue
            }
            guard wanted.contains(name) else {
                problems.append("an object Git does not hold: \(name)")
                continue
            }
            guard outcomes[name] == nil else {
                problems.append("\(name) reported twice")
                continue
            }
            let status = object["status"]?.stringValue ?? "?"
            let outcome = isApply ? object["result"]?.stringValue ?? "?" : status
            outcomes[name] = outcome
            let isDone = isApply ? Self.doneResults.contains(outcome) : Self.checkedStatuses.contains(outcome)
            guard !isDone else { continue }
            let reason = (isApply ? object["reason"] : object["error"])?.stringValue ?? ""
            if !isApply, outcome != "error" {
                problems.append("\(name): status \(outcome)")
            } else if reason.isEmpty {
                problems.append("\(name): \(outcome) without a reason")
            }
            failures[name] = reason
        }
        if !generateNameSkipped { problems.append("the generateName object is not reported skipped") }
        let unreported = wanted.subtracting(outcomes.keys)
        if !unreported.isEmpty {
            problems.append("\(unreported.count) objects neither checked nor reported: \(unreported.sorted().prefix(5))")
        }
        // kubectl diff's convention: 1 for drift (prune candidates included), 2 for any error.
        let drifts = outcomes.values.contains { $0 != "in-sync" } || !(report["prune"]?.arrayValue ?? []).isEmpty
        let expectedStatus: Int32 = !failures.isEmpty ? 2 : !isApply && drifts ? 1 : 0
        if result.status != expectedStatus {
            problems.append("exit \(result.status) with \(failures.count) objects not checked: \(result.errorOutput.prefix(600))")
        }
    }

    /// A line for a test's message: outcomes counted, and a few reasons.
    var summary: String {
        let counts = Dictionary(grouping: outcomes.values, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        let reasons = Set(failures.values).sorted().prefix(3)
        return "\(counts) \(problems) \(reasons)"
    }
}
