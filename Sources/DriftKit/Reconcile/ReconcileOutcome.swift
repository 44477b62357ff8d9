/// One object that was asked to reconcile.
public struct ReconciledObject: Sendable, Equatable {
    public var identity: ObjectIdentity
    /// `source.toolkit.fluxcd.io/v1`, as the object was patched.
    public var apiVersion: String
    public var annotation: String
    public var value: String

    public init(identity: ObjectIdentity, apiVersion: String, annotation: String, value: String) {
        self.identity = identity
        self.apiVersion = apiVersion
        self.annotation = annotation
        self.value = value
    }

    /// `{apiVersion, kind, namespace, name, annotation, value}`.
    public var json: JSONValue {
        var entry = JSONObject()
        entry["apiVersion"] = .string(apiVersion)
        entry["kind"] = .string(identity.kind)
        if let namespace = identity.namespace { entry["namespace"] = .string(namespace) }
        entry["name"] = .string(identity.name)
        entry["annotation"] = .string(annotation)
        entry["value"] = .string(value)
        return .object(entry)
    }
}

/// What a reconcile trigger did: the objects annotated, and what a person should read.
public struct ReconcileOutcome: Sendable, Equatable {
    /// In the order annotated.
    public var requested: [ReconciledObject]
    /// Nothing found, a controller not installed, a source without Kustomizations to annotate.
    public var notes: [String]

    public init(requested: [ReconciledObject] = [], notes: [String] = []) {
        self.requested = requested
        self.notes = notes
    }

    /// A line per annotated object, then the notes.
    public func write(to output: inout some TextOutputStream) {
        for object in requested {
            output.write("reconcile: requested \(object.identity.kind) \(object.identity.namespacedName) (\(object.annotation)=\(object.value))\n")
        }
        for note in notes { output.write(note + "\n") }
    }

    /// `{requested: [...], notes: [...]}` (docs/report-schema.md, "Hook reconcile"); both lists always present.
    public var json: JSONValue {
        ["requested": .array(requested.map(\.json)), "notes": .array(notes.map(JSONValue.string))]
    }
}
