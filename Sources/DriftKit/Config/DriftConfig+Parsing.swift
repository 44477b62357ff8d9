import Foundation

extension DriftConfig {
    /// Reads and validates `drift.yaml` text. `file` names the file in error messages.
    ///
    /// Unknown keys, wrong types, invalid regular expressions, JSON pointers, label selectors
    /// and path patterns are errors naming the key (`ignoreDifferences[2].target.kind`) and
    /// its line.
    public static func parse(_ text: String, file: String) throws(DriftConfigError) -> DriftConfig {
        let documents: [YAMLDocument]
        let keyLines: [[YAMLPath: Int]]
        do {
            (documents, keyLines) = try YAML.documentsWithKeyLines(in: text, file: file)
        } catch {
            throw .yaml(error)
        }
        let nonEmpty = documents.filter { $0.value != .null }
        if nonEmpty.count > 1 { throw .multipleDocuments(file: file, line: nonEmpty[1].line) }
        // The lines of the document read, or (when all are null) of the first with content.
        let lines = nonEmpty.first.map { keyLines[$0.index] } ?? keyLines.first { !$0.isEmpty } ?? [:]
        let reader = ConfigReader(file: file, map: ConfigSourceMap(lines: lines))
        return try reader.config(nonEmpty.first?.value ?? .null)
    }
}

/// Validation of one `drift.yaml` document, with the source map for error positions.
private struct ConfigReader {
    let file: String
    let map: ConfigSourceMap

    static let topLevelKeys = [
        "apiVersion", "kind", "paths", "flux", "kustomize", "cluster", "fieldManager", "concurrency", "exclude",
        "ignoreDifferences", "ignoreManagers", "handEditManagers", "prune", "applySet", "hook", "watch", "suspend", "notify", "notifyOn",
        "skipUnhealthy", "helm", "decryption", "sources",
    ]
    static let fluxRuleKeys = ["paths", "managers", "target"]
    static let argoRuleKeys = ["group", "kind", "name", "namespace", "jsonPointers", "managedFieldsManagers", "jqPathExpressions"]
    static let targetKeys = ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"]

    // MARK: Errors and plain values

    func location(_ path: ConfigKeyPath) -> ConfigErrorLocation {
        ConfigErrorLocation(file: file, line: map.line(for: path) ?? 1, key: path.description)
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "nothing (null)"
        case let .bool(flag): return "a boolean (\(flag))"
        case .int, .double: return "a number (\(value.jsonText()))"
        case let .string(text): return "a string (\"\(text.count > 40 ? String(text.prefix(37)) + "..." : text)\")"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }

    func wrongType(_ value: JSONValue, at path: ConfigKeyPath, expected: String) -> DriftConfigError {
        .wrongType(location(path), expected: expected, found: Self.describe(value))
    }

    func invalid(_ path: ConfigKeyPath, _ reason: String) -> DriftConfigError {
        .invalidValue(location(path), reason: reason)
    }

    func mapping(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> JSONObject {
        guard case let .object(members) = value else { throw wrongType(value, at: path, expected: "a mapping") }
        return members
    }

    func list(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> [JSONValue] {
        guard case let .array(items) = value else { throw wrongType(value, at: path, expected: "a list") }
        return items
    }

    func string(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> String {
        guard case let .string(text) = value else { throw wrongType(value, at: path, expected: "a string") }
        return text
    }

    func nonEmptyString(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> String {
        let text = try string(value, at: path)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(path, "must not be empty") }
        return text
    }

    func bool(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> Bool {
        guard case let .bool(flag) = value else { throw wrongType(value, at: path, expected: "true or false") }
        return flag
    }

    func strings(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> [String] {
        var result: [String] = []
        for (index, item) in try list(value, at: path).enumerated() {
            result.append(try nonEmptyString(item, at: path.appending(index)))
        }
        return result
    }

    func unknownKey(_ key: String, at path: ConfigKeyPath, allowed: [String]) -> DriftConfigError {
        .unknownKey(location(path.appending(key)), suggestion: Self.suggestion(for: key, among: allowed))
    }

    /// The allowed key closest to a mistyped one, if it is close enough to be a typo.
    static func suggestion(for key: String, among allowed: [String]) -> String? {
        let lowered = key.lowercased()
        if let caseOnly = allowed.first(where: { $0.lowercased() == lowered }) { return caseOnly }
        let scored = allowed.map { ($0, editDistance(lowered, $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(1, min(3, key.count / 3)) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// A path relative to the repository root, normalised (no `./`, no trailing `/`).
    func repositoryPath(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> String {
        let text = try nonEmptyString(value, at: path)
        if text.hasPrefix("/") {
            throw invalid(path, "\"\(text)\" is absolute; paths are relative to the repository root")
        }
        var parts: [Substring] = []
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { throw invalid(path, "\"\(text)\" leaves the repository root (..)") }
            parts.append(part)
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    // MARK: The document

    func config(_ document: JSONValue) throws(DriftConfigError) -> DriftConfig {
        let root = ConfigKeyPath.root
        if case .null = document {
            throw .missingKey(location(root.appending("apiVersion")))
        }
        let members = try mapping(document, at: root)
        // The version decides what the rest means, so it is checked first.
        guard let apiVersion = members["apiVersion"] else { throw .missingKey(location(root.appending("apiVersion"))) }
        let version = try string(apiVersion, at: root.appending("apiVersion"))
        guard version == DriftConfig.apiVersion else {
            throw invalid(root.appending("apiVersion"), "unsupported version \"\(version)\"; this kubectl-drift reads \(DriftConfig.apiVersion)")
        }
        guard let kindValue = members["kind"] else { throw .missingKey(location(root.appending("kind"))) }
        let kind = try string(kindValue, at: root.appending("kind"))
        guard kind == DriftConfig.kind else {
            throw invalid(root.appending("kind"), "expected \(DriftConfig.kind), found \"\(kind)\"")
        }

        var config = DriftConfig(file: file)
        var sawPaths = false
        var sawFlux = false
        for (key, value) in members.orderedMembers {
            let path = root.appending(key)
            switch key {
            case "apiVersion", "kind":
                continue
            case "paths":
                if sawFlux { throw .conflictingKeys(location(path), other: "flux (check plain paths or Flux Kustomizations, not both)") }
                sawPaths = true
                config.paths = try pathEntries(value, at: path)
            case "flux":
                if sawPaths { throw .conflictingKeys(location(path), other: "paths (check plain paths or Flux Kustomizations, not both)") }
                config.flux = try flux(value, at: path)
                sawFlux = config.flux != nil
            case "kustomize":
                config.kustomize = try bool(value, at: path)
            case "cluster":
                config.cluster = try cluster(value, at: path)
            case "fieldManager":
                let manager = try nonEmptyString(value, at: path)
                guard manager.count <= 128 else { throw invalid(path, "a field manager name has at most 128 characters") }
                config.fieldManager = manager
            case "concurrency":
                guard case .int = value, let number = value.intValue else {
                    throw wrongType(value, at: path, expected: "a whole number")
                }
                guard (1...256).contains(number) else { throw invalid(path, "must be from 1 to 256, found \(number)") }
                config.concurrency = Int(number)
            case "exclude":
                for (index, item) in try list(value, at: path).enumerated() {
                    let itemPath = path.appending(index)
                    let pattern = try nonEmptyString(item, at: itemPath)
                    do {
                        config.exclude.append(try PathGlob(pattern))
                    } catch {
                        throw .invalidGlob(location(itemPath), error)
                    }
                }
            case "ignoreDifferences":
                for (index, item) in try list(value, at: path).enumerated() {
                    config.ignoreDifferences.append(try rule(item, at: path.appending(index)))
                }
            case "ignoreManagers":
                config.ignoreManagers = try strings(value, at: path)
            case "handEditManagers":
                config.handEditManagers = try strings(value, at: path)
            case "hook":
                config.hook = try hook(value, at: path)
            case "watch":
                config.watch = try watch(value, at: path)
            case "sources":
                for (index, item) in try list(value, at: path).enumerated() {
                    config.sources.append(try sourceMapping(item, at: path.appending(index)))
                }
            case "helm":
                for (key, member) in try mapping(value, at: path).orderedMembers {
                    guard key == "charts" else { throw unknownKey(key, at: path, allowed: ["charts"]) }
                    config.helmCharts = try strings(member, at: path.appending(key))
                }
            case "prune":
                config.prune = try bool(value, at: path)
            case "applySet":
                let name = try nonEmptyString(value, at: path)
                guard !name.contains("/") else {
                    throw invalid(path, "expected the name of the ApplySet parent Secret, such as my-app-applyset, found \"\(name)\"")
                }
                config.applySet = name
            case "suspend":
                config.suspend = try bool(value, at: path)
            case "skipUnhealthy":
                config.skipUnhealthy = try bool(value, at: path)
            case "notify":
                let url = try string(value, at: path)
                do {
                    config.notify = try WebhookURL(url)
                } catch {
                    throw invalid(path, error.description)
                }
            case "notifyOn":
                let text = try string(value, at: path)
                guard let policy = NotificationPolicy(rawValue: text) else {
                    let allowed = NotificationPolicy.allCases.map(\.rawValue).joined(separator: " or ")
                    throw invalid(path, "expected \(allowed), found \"\(text)\"")
                }
                config.notifyOn = policy
            case "decryption":
                config.decryption = try decryption(value, at: path)
            default:
                throw unknownKey(key, at: root, allowed: Self.topLevelKeys)
            }
        }
        return config
    }

    private func pathEntries(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> [DriftConfig.PathEntry] {
        var entries: [DriftConfig.PathEntry] = []
        for (index, item) in try list(value, at: path).enumerated() {
            let itemPath = path.appending(index)
            switch item {
            case .string:
                entries.append(DriftConfig.PathEntry(path: try repositoryPath(item, at: itemPath)))
            case let .object(members):
                var entry = DriftConfig.PathEntry(path: "")
                for (key, member) in members.orderedMembers {
                    switch key {
                    case "path": entry.path = try repositoryPath(member, at: itemPath.appending(key))
                    case "recursive": entry.recursive = try bool(member, at: itemPath.appending(key))
                    default: throw unknownKey(key, at: itemPath, allowed: ["path", "recursive"])
                    }
                }
                guard members["path"] != nil else { throw .missingKey(location(itemPath.appending("path"))) }
                entries.append(entry)
            default:
                throw wrongType(item, at: itemPath, expected: "a path or a mapping with path and recursive")
            }
        }
        return entries
    }

    private func flux(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.FluxSelection? {
        switch value {
        case let .bool(enabled):
            return enabled ? DriftConfig.FluxSelection() : nil
        case let .object(members):
            var selection = DriftConfig.FluxSelection()
            for (key, member) in members.orderedMembers {
                let memberPath = path.appending(key)
                switch key {
                case "path":
                    selection.path = try repositoryPath(member, at: memberPath)
                case "kustomizations":
                    for (index, item) in try list(member, at: memberPath).enumerated() {
                        selection.kustomizations.append(try kustomization(item, at: memberPath.appending(index)))
                    }
                default:
                    throw unknownKey(key, at: path, allowed: ["path", "kustomizations"])
                }
            }
            return selection
        default:
            throw wrongType(value, at: path, expected: "true, false or a mapping with path and kustomizations")
        }
    }

    private func kustomization(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.KustomizationRef {
        switch value {
        case .string:
            let text = try nonEmptyString(value, at: path)
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
                throw invalid(path, "\"\(text)\" is not NAME or NAMESPACE/NAME")
            }
            return parts.count == 2
                ? DriftConfig.KustomizationRef(name: String(parts[1]), namespace: String(parts[0]))
                : DriftConfig.KustomizationRef(name: text)
        case let .object(members):
            var reference = DriftConfig.KustomizationRef(name: "")
            for (key, member) in members.orderedMembers {
                switch key {
                case "name": reference.name = try nonEmptyString(member, at: path.appending(key))
                case "namespace": reference.namespace = try nonEmptyString(member, at: path.appending(key))
                default: throw unknownKey(key, at: path, allowed: ["name", "namespace"])
                }
            }
            guard members["name"] != nil else { throw .missingKey(location(path.appending("name"))) }
            return reference
        default:
            throw wrongType(value, at: path, expected: "NAME, NAMESPACE/NAME or a mapping with name and namespace")
        }
    }

    private func cluster(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> ClusterPin {
        var pin = ClusterPin()
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "context":
                pin.context = try nonEmptyString(member, at: memberPath)
            case "server":
                let server = try nonEmptyString(member, at: memberPath)
                if let problem = ClusterPin.serverProblem(server) { throw invalid(memberPath, problem) }
                pin.server = server
            default:
                throw unknownKey(key, at: path, allowed: ["context", "server"])
            }
        }
        guard pin.context != nil || pin.server != nil else {
            throw invalid(path, "give the expected context, server or both")
        }
        return pin
    }

    /// The `decryption:` section, as a Flux Kustomization's: `provider: sops`.
    private func decryption(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.DecryptionProvider {
        var provider: DriftConfig.DecryptionProvider?
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "provider":
                let text = try string(member, at: memberPath)
                guard let known = DriftConfig.DecryptionProvider(rawValue: text) else {
                    let allowed = DriftConfig.DecryptionProvider.allCases.map(\.rawValue).joined(separator: " or ")
                    throw invalid(memberPath, "expected \(allowed), found \"\(text)\"")
                }
                provider = known
            default:
                throw unknownKey(key, at: path, allowed: ["provider"])
            }
        }
        guard let provider else { throw .missingKey(location(path.appending("provider"))) }
        return provider
    }

    /// The `watch:` section, strict as the rest of the file.
    /// One `sources:` entry: `name` (or `namespace/name`), optional `namespace`, `path` and `ref`.
    private func sourceMapping(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.SourceMapping {
        var name: String?
        var namespace: String?
        var folder: String?
        var ref: String?
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "name":
                let text = try nonEmptyString(member, at: memberPath)
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count <= 2, !parts.contains(where: \.isEmpty) else {
                    throw invalid(memberPath, "expected a GitRepository name or namespace/name, such as flux-system/tenant-a, found \"\(text)\"")
                }
                if parts.count == 2 { namespace = String(parts[0]) }
                name = String(parts.last!)
            case "namespace": namespace = try nonEmptyString(member, at: memberPath)
            case "path": folder = try nonEmptyString(member, at: memberPath)
            case "ref": ref = try nonEmptyString(member, at: memberPath)
            default: throw unknownKey(key, at: path, allowed: ["name", "namespace", "path", "ref"])
            }
        }
        guard let name else { throw .missingKey(location(path.appending("name"))) }
        guard let folder else { throw .missingKey(location(path.appending("path"))) }
        return DriftConfig.SourceMapping(name: name, namespace: namespace, path: folder, ref: ref)
    }

    private func watch(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.WatchSettings {
        var settings = DriftConfig.WatchSettings()
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "interval":
                settings.interval = try period(member, at: memberPath)
            case "remediate":
                settings.remediate = try bool(member, at: memberPath)
            case "notifyInterval":
                settings.notifyInterval = try period(member, at: memberPath)
            default:
                throw unknownKey(key, at: path, allowed: ["interval", "remediate", "notifyInterval"])
            }
        }
        return settings
    }

    /// A duration of at least a second: how often the loop does something.
    private func period(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> Double {
        let seconds = try duration(value, at: path)
        guard seconds >= 1 else { throw invalid(path, "expected at least 1s") }
        return seconds
    }

    /// A duration such as `10s` or `5m`; a bare number is seconds, as on the command line.
    private func duration(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> Double {
        let text: String
        if let number = value.intValue { text = String(number) } else { text = try nonEmptyString(value, at: path) }
        guard let seconds = DurationText.seconds(text) else {
            throw invalid(path, "expected a duration such as 10s or 1m, found \"\(text)\"")
        }
        return seconds
    }

    /// The `hook:` section, strict as the rest of the file.
    private func hook(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> DriftConfig.HookSettings {
        var settings = DriftConfig.HookSettings()
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "reconcile":
                settings.reconcile = try oneOf(member, at: memberPath)
            case "block":
                settings.block = try oneOf(member, at: memberPath)
            case "branches":
                settings.branches = try strings(member, at: memberPath)
            case "timeout":
                settings.timeout = try duration(member, at: memberPath)
            case "prune":
                settings.prune = try bool(member, at: memberPath)
            case "source":
                let text = try nonEmptyString(member, at: memberPath)
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
                    throw invalid(memberPath, "expected namespace/name, such as flux-system/flux-system, found \"\(text)\"")
                }
                settings.source = text
            default:
                throw unknownKey(key, at: path, allowed: ["reconcile", "block", "branches", "timeout", "prune", "source"])
            }
        }
        return settings
    }

    /// One of an enumeration's raw values.
    private func oneOf<Choice: RawRepresentable & CaseIterable>(
        _ value: JSONValue, at path: ConfigKeyPath
    ) throws(DriftConfigError) -> Choice where Choice.RawValue == String {
        let text = try nonEmptyString(value, at: path)
        guard let choice = Choice(rawValue: text) else {
            throw invalid(path, "expected one of \(Choice.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\"")
        }
        return choice
    }

    // MARK: Ignore rules

    private func pointers(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> [JSONPointer] {
        var result: [JSONPointer] = []
        for (index, item) in try list(value, at: path).enumerated() {
            let itemPath = path.appending(index)
            let text = try string(item, at: itemPath)
            guard !text.isEmpty else { throw invalid(itemPath, "the empty pointer would ignore the whole object") }
            do {
                result.append(try JSONPointer(text))
            } catch {
                throw .invalidPointer(location(itemPath), error)
            }
        }
        return result
    }

    private func pattern(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> AnchoredPattern? {
        let text = try string(value, at: path)
        // why: kustomize treats an empty field of a target as matching anything.
        guard !text.isEmpty else { return nil }
        do {
            return try AnchoredPattern(text)
        } catch {
            throw .invalidRegex(location(path), error)
        }
    }

    private func selector(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> LabelSelector? {
        let text = try string(value, at: path)
        do {
            let selector = try LabelSelector(text)
            return selector.isEmpty ? nil : selector
        } catch {
            throw .invalidLabelSelector(location(path), error)
        }
    }

    /// One entry of `ignoreDifferences`: Flux style (`paths`, `managers`, `target`) or Argo CD
    /// style (`group`, `kind`, `name`, `namespace`, `jsonPointers`, `managedFieldsManagers`).
    private func rule(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> IgnoreRule {
        let members = try mapping(value, at: path)
        var firstFlux: String?
        var firstArgo: String?
        for (key, _) in members.orderedMembers {
            let isFlux = Self.fluxRuleKeys.contains(key)
            let isArgo = Self.argoRuleKeys.contains(key)
            guard isFlux || isArgo else { throw unknownKey(key, at: path, allowed: Self.fluxRuleKeys + Self.argoRuleKeys) }
            if isFlux, firstFlux == nil { firstFlux = key }
            if isArgo, firstArgo == nil { firstArgo = key }
            if let flux = firstFlux, let argo = firstArgo {
                let (other, style) = isFlux ? (argo, "Argo CD style") : (flux, "Flux style")
                throw .conflictingKeys(
                    location(path.appending(key)),
                    other: "\(path.appending(other)) (\(style)); an entry has either paths, managers and target, or Argo CD's group, kind, name, namespace, jsonPointers and managedFieldsManagers")
            }
        }
        let rule = firstArgo != nil ? try argoRule(members, at: path) : try fluxRule(members, at: path)
        guard !rule.paths.isEmpty || !rule.managers.isEmpty else {
            let what = firstArgo != nil ? "jsonPointers or managedFieldsManagers" : "paths or managers"
            throw invalid(path, "the rule ignores nothing: give \(what)")
        }
        return rule
    }

    private func fluxRule(_ members: JSONObject, at path: ConfigKeyPath) throws(DriftConfigError) -> IgnoreRule {
        var rule = IgnoreRule()
        for (key, value) in members.orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "paths": rule.paths = try pointers(value, at: memberPath)
            case "managers": rule.managers = try strings(value, at: memberPath)
            case "target": rule.target = try target(value, at: memberPath)
            default: throw unknownKey(key, at: path, allowed: Self.fluxRuleKeys)
            }
        }
        return rule
    }

    private func target(_ value: JSONValue, at path: ConfigKeyPath) throws(DriftConfigError) -> IgnoreTarget {
        var target = IgnoreTarget()
        for (key, member) in try mapping(value, at: path).orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "group": target.group = try pattern(member, at: memberPath)
            case "version": target.version = try pattern(member, at: memberPath)
            case "kind": target.kind = try pattern(member, at: memberPath)
            case "name": target.name = try pattern(member, at: memberPath)
            case "namespace": target.namespace = try pattern(member, at: memberPath)
            case "labelSelector": target.labelSelector = try selector(member, at: memberPath)
            case "annotationSelector": target.annotationSelector = try selector(member, at: memberPath)
            default: throw unknownKey(key, at: path, allowed: Self.targetKeys)
            }
        }
        return target
    }

    /// Argo CD's matching: `group` and `kind` are globs (`*`), an absent `group` is the core
    /// group; `name` and `namespace` are exact; `kind` is required.
    private func argoRule(_ members: JSONObject, at path: ConfigKeyPath) throws(DriftConfigError) -> IgnoreRule {
        var rule = IgnoreRule(target: IgnoreTarget(group: AnchoredPattern(literal: "")))
        for (key, value) in members.orderedMembers {
            let memberPath = path.appending(key)
            switch key {
            case "group": rule.target.group = AnchoredPattern(glob: try string(value, at: memberPath))
            case "kind": rule.target.kind = AnchoredPattern(glob: try nonEmptyString(value, at: memberPath))
            case "name":
                let name = try string(value, at: memberPath)
                rule.target.name = name.isEmpty ? nil : AnchoredPattern(literal: name)
            case "namespace":
                let namespace = try string(value, at: memberPath)
                rule.target.namespace = namespace.isEmpty ? nil : AnchoredPattern(literal: namespace)
            case "jsonPointers": rule.paths = try pointers(value, at: memberPath)
            case "managedFieldsManagers": rule.managers = try strings(value, at: memberPath)
            case "jqPathExpressions":
                throw invalid(memberPath, "jq path expressions are not supported; use jsonPointers")
            default: throw unknownKey(key, at: path, allowed: Self.argoRuleKeys)
            }
        }
        guard members["kind"] != nil else { throw .missingKey(location(path.appending("kind"))) }
        return rule
    }
}
