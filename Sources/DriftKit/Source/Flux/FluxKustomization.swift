import Foundation

/// What a Flux object refers to: `kind` and `name`, and a namespace (defaulted to the
/// referring object's).
public struct FluxReference: Sendable, Hashable, CustomStringConvertible {
    public var kind: String
    public var name: String
    public var namespace: String

    public init(kind: String, name: String, namespace: String) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }

    public var description: String { "\(kind) \(key)" }
}

/// A ConfigMap or Secret that `postBuild.substituteFrom` reads variables from.
public struct FluxSubstituteReference: Sendable, Hashable, CustomStringConvertible {
    /// `ConfigMap` or `Secret`.
    public var kind: String
    public var name: String
    public var namespace: String
    /// Whether a missing object counts as empty rather than as an error.
    public var optional: Bool

    public init(kind: String, name: String, namespace: String, optional: Bool) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.optional = optional
    }

    public var description: String { "\(kind) \(namespace)/\(name)" }
}

/// A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`, `v1beta2`, `v1beta1`): the
/// settings kustomize-controller uses to build and apply one path of a source.
///
/// Reading checks what the API server's schema would refuse (missing `interval`, `prune`
/// or `sourceRef`, wrongly typed fields), so that a broken object is reported where it is
/// written rather than rendered wrongly.
public struct FluxKustomization: Sendable, Equatable {
    public static let group = "kustomize.toolkit.fluxcd.io"
    public static let versions: Set<String> = ["v1", "v1beta2", "v1beta1"]

    public var name: String
    public var namespace: String
    public var apiVersion: String
    /// Where the object is defined: a file of the tree, or the output of its parent.
    public var source: ManifestLocation
    /// `spec.path` as written (`./apps/production`); `""` is the source's root.
    public var path: String
    public var sourceRef: FluxReference
    public var targetNamespace: String?
    public var namePrefix: String?
    public var nameSuffix: String?
    /// `spec.commonMetadata.labels` and `.annotations`, set on every object (overriding).
    public var commonLabels: JSONObject
    public var commonAnnotations: JSONObject
    /// Patches in kustomize's `patches` form: `patch` text and an optional `target` selector
    /// (v1beta2's `patchesStrategicMerge` and `patchesJson6902` converted to it).
    public var patches: [JSONValue]
    /// `spec.images`: `name`, `newName`, `newTag`, `digest`.
    public var images: [JSONValue]
    public var components: [String]
    public var ignoreMissingComponents: Bool
    /// `spec.postBuild.substitute`, newlines removed as Flux does; nil without `postBuild`.
    public var substitute: [String: String]?
    public var substituteFrom: [FluxSubstituteReference]
    public var prune: Bool
    public var suspend: Bool
    /// `spec.dependsOn`: Kustomizations that must be Ready before this one is applied.
    public var dependsOn: [FluxReference]
    /// `spec.decryption.provider` (`sops`): kustomize-controller decrypts SOPS-encrypted
    /// objects only when it is set.
    public var decryptionProvider: String?
    /// The whole `spec`, to notice when a parent's rendering changes it.
    public var spec: JSONValue

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }

    /// Whether the object is a Flux Kustomization at all (not kustomize's own `Kustomization`).
    public static func isKustomization(_ object: JSONValue) -> Bool {
        guard object["kind"]?.stringValue == "Kustomization", let apiVersion = object["apiVersion"]?.stringValue else {
            return false
        }
        let parts = apiVersion.split(separator: "/")
        return parts.count == 2 && parts[0] == group
    }

    /// Variable names Flux accepts (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`).
    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// Reads and checks a Kustomization manifest. `defaultNamespace` is used when the object
    /// names none.
    public init(manifest: Manifest, defaultNamespace: String = "default") throws(FluxError) {
        let name = manifest.name
        let namespace = manifest.namespace ?? defaultNamespace
        let key = "\(namespace)/\(name)"
        let source = manifest.source
        func invalid(_ reason: String) -> FluxError { .invalidKustomization(name: key, source: source, reason: reason) }

        let version = manifest.apiVersion.split(separator: "/").last.map(String.init) ?? ""
        guard Self.versions.contains(version) else {
            throw invalid("apiVersion \(manifest.apiVersion) is not supported (use \(Self.group)/v1)")
        }
        guard case let .object(spec)? = manifest.object["spec"] else { throw invalid("it has no spec") }
        let fields = FluxFieldReader(object: spec, prefix: "spec", invalid: invalid)

        guard try fields.string("interval") != nil else { throw invalid("spec.interval is required") }
        guard let prune = try fields.bool("prune") else { throw invalid("spec.prune is required (true or false)") }
        guard let sourceRefObject = try fields.object("sourceRef") else { throw invalid("spec.sourceRef is required") }
        let sourceFields = FluxFieldReader(object: sourceRefObject, prefix: "spec.sourceRef", invalid: invalid)
        guard let sourceKind = try sourceFields.string("kind"), let sourceName = try sourceFields.string("name") else {
            throw invalid("spec.sourceRef needs a kind and a name")
        }

        self.name = name
        self.namespace = namespace
        self.apiVersion = manifest.apiVersion
        self.source = source
        self.path = try fields.string("path") ?? ""
        self.sourceRef = FluxReference(
            kind: sourceKind, name: sourceName, namespace: try sourceFields.string("namespace") ?? namespace)
        self.targetNamespace = try fields.string("targetNamespace")
        self.namePrefix = try fields.string("namePrefix")
        self.nameSuffix = try fields.string("nameSuffix")
        self.prune = prune
        self.suspend = try fields.bool("suspend") ?? false
        self.dependsOn = try fields.dependencies(kind: "Kustomization", defaultNamespace: namespace)
        if let decryption = try fields.object("decryption") {
            self.decryptionProvider = try FluxFieldReader(object: decryption, prefix: "spec.decryption", invalid: invalid).string("provider")
        } else {
            self.decryptionProvider = nil
        }
        self.spec = .object(spec)

        let metadata = try fields.object("commonMetadata")
        let metadataFields = metadata.map { FluxFieldReader(object: $0, prefix: "spec.commonMetadata", invalid: invalid) }
        self.commonLabels = try metadataFields?.stringMap("labels") ?? JSONObject()
        self.commonAnnotations = try metadataFields?.stringMap("annotations") ?? JSONObject()

        var patches: [JSONValue] = []
        for (index, patch) in try fields.array("patches").enumerated() {
            guard case let .object(object) = patch, case let .string(text)? = object["patch"] else {
                throw invalid("spec.patches[\(index)] needs a patch (text)")
            }
            patches.append(try Self.kustomizePatch(text, target: object["target"], field: "spec.patches[\(index)]", invalid: invalid))
        }
        for (index, patch) in try fields.array("patchesStrategicMerge").enumerated() {
            guard case .object = patch else { throw invalid("spec.patchesStrategicMerge[\(index)] must be an object") }
            patches.append(["patch": .string(patch.jsonText())])
        }
        for (index, patch) in try fields.array("patchesJson6902").enumerated() {
            guard case let .object(object) = patch, let operations = object["patch"], case .array = operations else {
                throw invalid("spec.patchesJson6902[\(index)] needs a patch (a list of operations)")
            }
            patches.append(try Self.kustomizePatch(
                operations.jsonText(), target: object["target"], field: "spec.patchesJson6902[\(index)]", invalid: invalid))
        }
        self.patches = patches

        var images: [JSONValue] = []
        for (index, image) in try fields.array("images").enumerated() {
            guard case let .object(object) = image, case .string? = object["name"] else {
                throw invalid("spec.images[\(index)] needs a name")
            }
            var kept = JSONObject()
            for key in ["name", "newName", "newTag", "digest"] {
                guard let value = object[key] else { continue }
                guard case .string = value else { throw invalid("spec.images[\(index)].\(key) must be a string") }
                kept[key] = value
            }
            images.append(.object(kept))
        }
        self.images = images

        self.components = try fields.array("components").enumerated().map { (index, value) throws(FluxError) -> String in
            guard case let .string(text) = value else { throw invalid("spec.components[\(index)] must be a path") }
            return text
        }
        self.ignoreMissingComponents = try fields.bool("ignoreMissingComponents") ?? false

        if let postBuild = try fields.object("postBuild") {
            let postBuildFields = FluxFieldReader(object: postBuild, prefix: "spec.postBuild", invalid: invalid)
            var substitute: [String: String] = [:]
            for (variable, value) in (try postBuildFields.stringMap("substitute")).orderedMembers {
                guard Self.isValidVariableName(variable) else {
                    throw invalid("spec.postBuild.substitute: '\(variable)' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'")
                }
                substitute[variable] = value.stringValue?.replacingOccurrences(of: "\n", with: "")
            }
            self.substitute = substitute
            var references: [FluxSubstituteReference] = []
            for (index, reference) in try postBuildFields.array("substituteFrom").enumerated() {
                guard case let .object(object) = reference, let kind = object["kind"]?.stringValue,
                    kind == "ConfigMap" || kind == "Secret", let referenceName = object["name"]?.stringValue
                else {
                    throw invalid("spec.postBuild.substituteFrom[\(index)] needs kind (ConfigMap or Secret) and name")
                }
                references.append(FluxSubstituteReference(
                    kind: kind, name: referenceName, namespace: namespace, optional: object["optional"]?.boolValue ?? false))
            }
            self.substituteFrom = references
        } else {
            self.substitute = nil
            self.substituteFrom = []
        }
    }

    /// A kustomize `patches` entry; Flux's selector fields are kustomize's.
    private static func kustomizePatch(
        _ text: String, target: JSONValue?, field: String, invalid: (String) -> FluxError
    ) throws(FluxError) -> JSONValue {
        var entry = JSONObject()
        entry["patch"] = .string(text)
        if let target {
            guard case let .object(selector) = target else { throw invalid("\(field).target must be an object") }
            var kept = JSONObject()
            for key in ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"] {
                guard let value = selector[key] else { continue }
                guard case .string = value else { throw invalid("\(field).target.\(key) must be a string") }
                kept[key] = value
            }
            entry["target"] = .object(kept)
        }
        return .object(entry)
    }
}
