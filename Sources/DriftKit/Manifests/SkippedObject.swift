/// Why an object in Git is not compared with the cluster.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// `metadata.generateName` and no name: the server names every object it creates from
    /// it, so no live object is this one.
    case generateName
    /// `argocd.argoproj.io/hook` (its value): Argo CD creates the object around a sync; it is
    /// not part of the application's state.
    case argoCDHook(String)
    /// `helm.sh/hook` (its value): Helm runs hooks around an install or upgrade; they are not
    /// objects of the release (Argo CD maps them to its own hooks, too).
    case helmHook(String)
    /// A top-level `sops` map: the values are SOPS-encrypted and nothing decrypts them.
    case encrypted

    public static let argoCDHookAnnotation = "argocd.argoproj.io/hook"
    public static let helmHookAnnotation = "helm.sh/hook"

    public var description: String {
        switch self {
        case .generateName: return "generateName: the server names each object it creates, so none is this one"
        case let .argoCDHook(hook): return "Argo CD hook (\(Self.argoCDHookAnnotation): \(hook))"
        case let .helmHook(hook): return "Helm hook (\(Self.helmHookAnnotation): \(hook))"
        case .encrypted: return "encrypted (SOPS)"
        }
    }

    /// Why the object cannot be compared, encryption aside; nil when it can be. An Argo CD
    /// hook annotation wins over Helm's, as in Argo CD.
    static func of(_ object: JSONValue) -> SkipReason? {
        if let hook = object[["metadata", "annotations", argoCDHookAnnotation]]?.stringValue { return .argoCDHook(hook) }
        if let hook = object[["metadata", "annotations", helmHookAnnotation]]?.stringValue { return .helmHook(hook) }
        let name = object[["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, object[["metadata", "generateName"]]?.stringValue?.isEmpty == false { return .generateName }
        return nil
    }

    /// Whether the object is SOPS-encrypted: a top-level `sops` map with `mac` or
    /// `lastmodified`, the test kustomize-controller makes.
    static func isEncrypted(_ object: JSONValue) -> Bool {
        guard let sops = object["sops"]?.objectValue else { return false }
        return sops["mac"] != nil || sops["lastmodified"] != nil
    }
}

/// An object of a manifest file that is not compared, and why: kept so that reports list it
/// and `render` prints it, never applied, watched or pruned.
public struct SkippedObject: Sendable {
    /// The object as parsed (still encrypted, for an encrypted one).
    public var object: JSONValue
    public var source: ManifestLocation
    public var reason: SkipReason

    public init(object: JSONValue, source: ManifestLocation, reason: SkipReason) {
        self.object = object
        self.source = source
        self.reason = reason
    }

    /// `apiVersion` as written; `""` when there is none or it is encrypted.
    public var apiVersion: String { Self.plain(object["apiVersion"]) }

    /// `metadata.generateName`, for an object the server names.
    public var generateName: String? {
        let name = Self.plain(object[["metadata", "name"]])
        let prefix = Self.plain(object[["metadata", "generateName"]])
        return name.isEmpty && !prefix.isEmpty ? prefix : nil
    }

    /// What is known of the object's identity: fields that are missing or encrypted are
    /// `""`; an object the server names has its `generateName` as name, a prefix of the
    /// names it is given, never one of them.
    public var identity: ObjectIdentity {
        let parts = apiVersion.split(separator: "/")
        let namespace = Self.plain(object[["metadata", "namespace"]])
        return ObjectIdentity(
            group: parts.count == 2 ? String(parts[0]) : "", kind: Self.plain(object["kind"]),
            namespace: namespace.isEmpty ? nil : namespace,
            name: generateName ?? Self.plain(object[["metadata", "name"]]))
    }

    /// A string field's value unless SOPS encrypted it (`ENC[...]`).
    private static func plain(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue, !text.hasPrefix("ENC[") else { return "" }
        return text
    }
}
