import Foundation

/// Where kustomize found each object it built: its `buildMetadata: [originAnnotations]`,
/// which writes the file an object came from, relative to the kustomization being built,
/// into the `config.kubernetes.io/origin` annotation.
///
/// kubectl-drift asks for the annotation only to name that file and the line of the object in
/// it, and takes it off again, so that nothing it compares or applies carries it (unless the
/// kustomization asked for it itself, as Flux then applies it too).
enum KustomizeOrigin {
    static let annotation = "config.kubernetes.io/origin"

    /// `kustomization` asking kustomize for origin annotations; nil when it already does
    /// (they are then part of what Flux applies and are left on the objects).
    static func requesting(in kustomization: JSONObject) -> JSONObject? {
        var metadata = kustomization["buildMetadata"]?.arrayValue ?? []
        guard !metadata.contains(.string("originAnnotations")) else { return nil }
        metadata.append("originAnnotations")
        var edited = kustomization
        edited["buildMetadata"] = .array(metadata)
        return edited
    }

    /// The object without the annotation, and the path it names (nil for generated objects,
    /// which name the kustomization that configured them, and for remote resources).
    static func taking(from object: JSONValue) -> (object: JSONValue, path: String?) {
        guard case var .object(members) = object, case var .object(metadata)? = members["metadata"],
            case var .object(annotations)? = metadata["annotations"], let text = annotations[annotation]?.stringValue
        else { return (object, nil) }
        annotations[annotation] = nil
        metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        members["metadata"] = .object(metadata)
        let origin = (try? YAML.documents(in: text, file: annotation))?.first?.value
        // A resource fetched from a repository names it (`repo`); only local files are named.
        guard origin?["repo"] == nil, let path = origin?["path"]?.stringValue else { return (.object(members), nil) }
        return (.object(members), path)
    }

    /// The 1-based line where the object of `kind` named `name` starts in `text`: the document
    /// with that kind and name, else the one whose name the rendered name holds (kustomize's
    /// `namePrefix` and `nameSuffix`; the longest), else the only one of that kind, else the
    /// file's first document.
    static func line(of kind: String, named name: String, in text: String, file: String) -> Int {
        guard let documents = try? YAML.documents(in: text, file: file) else { return 1 }
        let candidates = documents.filter { $0.value["kind"]?.stringValue == kind }
        let named = candidates.compactMap { document in
            document.value[["metadata", "name"]]?.stringValue.map { (document, $0) }
        }
        if let exact = named.first(where: { $0.1 == name }) { return exact.0.line }
        if let renamed = named.filter({ !$0.1.isEmpty && name.contains($0.1) }).max(by: { $0.1.count < $1.1.count }) {
            return renamed.0.line
        }
        if candidates.count == 1 { return candidates[0].line }
        return documents.first { $0.value != .null }?.line ?? 1
    }
}

/// The files kustomize's origin annotations name, relative to the kustomization built at
/// `root` of `tree`: takes the annotation off each object and says where it was written.
final class KustomizeOriginResolver {
    let tree: any SourceTree
    let root: String
    /// Each file's text, read once.
    private var texts: [String: String?] = [:]

    init(tree: any SourceTree, root: String) {
        self.tree = tree
        self.root = root
    }

    /// The object without its origin annotation, and where it was written.
    func take(_ object: JSONValue) -> (JSONValue, ManifestOrigin?) {
        let (stripped, path) = KustomizeOrigin.taking(from: object)
        guard let path, let file = TreePath.normalize(TreePath.join(root, path)) else { return (stripped, nil) }
        if texts[file] == nil { texts[file] = .some((try? tree.contents(of: file)).flatMap { String(data: $0, encoding: .utf8) }) }
        var line = 1
        if case let text?? = texts[file] {
            line = KustomizeOrigin.line(
                of: object["kind"]?.stringValue ?? "", named: object[["metadata", "name"]]?.stringValue ?? "", in: text, file: file)
        }
        return (stripped, ManifestOrigin(file: file, line: line))
    }

    /// `parsed` with every object's origin set and the annotation taken off.
    func resolve(_ parsed: inout ParsedManifests, file: String) {
        for index in parsed.manifests.indices where parsed.manifests[index].source.file == file {
            (parsed.manifests[index].object, parsed.manifests[index].source.origin) = take(parsed.manifests[index].object)
        }
        for index in parsed.skipped.indices where parsed.skipped[index].source.file == file {
            (parsed.skipped[index].object, parsed.skipped[index].source.origin) = take(parsed.skipped[index].object)
        }
    }
}
