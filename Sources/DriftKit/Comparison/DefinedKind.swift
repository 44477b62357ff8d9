/// A kind that a CustomResourceDefinition among the desired manifests defines.
///
/// The server cannot map such a kind to a resource before the CRD is applied, so its objects
/// are judged by the definition in Git instead: which versions it serves and whether it is
/// namespaced.
struct DefinedKind: Sendable, Equatable {
    /// The CustomResourceDefinition's name, such as `widgets.example.com`.
    var definition: String
    var group: String
    var kind: String
    /// `spec.versions[].name`.
    var versions: Set<String>
    /// `spec.scope` is `Namespaced`.
    var namespaced: Bool

    /// The kinds the CustomResourceDefinitions among `manifests` define; a definition without
    /// a group, a kind or versions defines nothing.
    static func defined(by manifests: [Manifest]) -> [DefinedKind] {
        manifests.compactMap { manifest in
            guard manifest.group == "apiextensions.k8s.io", manifest.kind == "CustomResourceDefinition",
                let spec = manifest.object["spec"],
                let group = spec["group"]?.stringValue,
                let kind = spec[["names", "kind"]]?.stringValue
            else { return nil }
            let versions = Set((spec["versions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            guard !versions.isEmpty else { return nil }
            return DefinedKind(
                definition: manifest.name, group: group, kind: kind, versions: versions,
                namespaced: spec["scope"]?.stringValue == "Namespaced")
        }
    }

    /// Whether `manifest` is an object of this kind in one of the defined versions.
    func defines(_ manifest: Manifest) -> Bool {
        let parts = manifest.apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && String(parts[0]) == group && versions.contains(String(parts[1])) && manifest.kind == kind
    }
}
