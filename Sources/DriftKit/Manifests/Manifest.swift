/// Where a manifest came from: the file as the user named it, the line its document starts on.
public struct ManifestLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// 0-based position of the document in its file.
    public var documentIndex: Int

    public init(file: String, line: Int, documentIndex: Int) {
        self.file = file
        self.line = line
        self.documentIndex = documentIndex
    }

    public var description: String { "\(file):\(line)" }
}

/// What identifies an object in a cluster: group, kind, namespace and name (not the version,
/// since one object is served under several versions).
public struct ObjectIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String
    /// nil for cluster-scoped objects and for manifests that name no namespace.
    public var namespace: String?
    public var name: String

    public init(group: String, kind: String, namespace: String?, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `deployment.apps/my-app`, the way kubectl names objects.
    public var kubectlName: String {
        (group.isEmpty ? kind.lowercased() : "\(kind.lowercased()).\(group)") + "/\(name)"
    }

    public var description: String {
        namespace.map { "\(kubectlName) (namespace \($0))" } ?? kubectlName
    }

    public static func < (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool {
        (lhs.namespace ?? "", lhs.group, lhs.kind, lhs.name) < (rhs.namespace ?? "", rhs.group, rhs.kind, rhs.name)
    }
}

/// One desired object as read from a manifest file.
public struct Manifest: Sendable {
    /// The object exactly as parsed.
    public var object: JSONValue
    public var source: ManifestLocation
    public let apiVersion: String
    public let kind: String
    public let name: String

    /// Validates the fields every object needs and remembers them.
    public init(object: JSONValue, source: ManifestLocation) throws(ManifestError) {
        guard case .object = object else {
            throw .notAnObject(source: source, found: object.typeName)
        }
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            throw .missingField(source: source, field: "apiVersion")
        }
        guard let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw .missingField(source: source, field: "kind")
        }
        // An object with only a generateName is never a Manifest: `ManifestLoader` skips it.
        guard let name = object[["metadata", "name"]]?.stringValue, !name.isEmpty else {
            throw .missingField(source: source, field: "metadata.name")
        }
        self.object = object
        self.source = source
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }

    /// The namespace the manifest names, if any.
    public var namespace: String? {
        object[["metadata", "namespace"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The API group: `apps` for `apps/v1`, `""` for `v1`.
    public var group: String {
        apiVersion.split(separator: "/").count == 2 ? String(apiVersion.split(separator: "/")[0]) : ""
    }

    public var identity: ObjectIdentity {
        ObjectIdentity(group: group, kind: kind, namespace: namespace, name: name)
    }
}
