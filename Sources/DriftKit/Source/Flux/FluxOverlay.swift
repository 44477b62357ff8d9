import Foundation

/// What kustomize-controller does to `spec.path` before building it (fluxcd/pkg
/// `kustomize.Generator`): without a kustomization file it generates one listing every
/// manifest below; then it writes the Kustomization's `targetNamespace`, `namePrefix`,
/// `nameSuffix`, `patches`, `images` and `components` into that kustomization file itself
/// (not into a wrapper), so Flux's patches see names before the overlay's own prefix.
enum FluxOverlay {
    /// The `resources` of a generated kustomization, as kustomize-controller lists them: every
    /// `.yaml`/`.yml` file below `directory` in walk order, and each subfolder holding a
    /// kustomization file instead of its contents. Paths are `./`-relative. `tree` is the
    /// source's artifact, so what source-controller leaves out is not there.
    static func generatedResources(in directory: String, tree: any SourceTree) throws(SourceError) -> [String] {
        var resources: [String] = []
        try walk(directory, relative: ".", tree: tree, depth: 0, into: &resources)
        return resources
    }

    private static func walk(
        _ directory: String, relative: String, tree: any SourceTree, depth: Int, into resources: inout [String]
    ) throws(SourceError) {
        guard depth < 64 else { throw .unreadable(path: directory, reason: "directories nest too deep (a symbolic link loop?)") }
        for entry in try tree.entries(of: directory) {
            let child = TreePath.join(directory, entry)
            let childRelative = relative + "/" + entry
            switch try tree.node(at: child) {
            case .directory:
                if KustomizeRenderer.kustomizationFile(in: child, of: tree) != nil {
                    resources.append(childRelative)
                } else {
                    try walk(child, relative: childRelative, tree: tree, depth: depth + 1, into: &resources)
                }
            case .file:
                let fileExtension = (entry as NSString).pathExtension
                if fileExtension == "yaml" || fileExtension == "yml" { resources.append(childRelative) }
            case .missing, .submodule:
                continue
            }
        }
    }

    /// The kustomization with the Flux Kustomization's settings written into it, or nil when
    /// there is nothing to add (the file is then left as it is).
    static func apply(
        _ flux: FluxKustomization, to original: JSONObject, componentExists: (String) -> Bool
    ) -> JSONObject? {
        var kustomization = original
        var changed = false
        if let namespace = flux.targetNamespace {
            kustomization["namespace"] = .string(namespace)
            changed = true
        }
        if let prefix = flux.namePrefix {
            kustomization["namePrefix"] = .string(prefix)
            changed = true
        }
        if let suffix = flux.nameSuffix {
            kustomization["nameSuffix"] = .string(suffix)
            changed = true
        }
        if !flux.patches.isEmpty {
            kustomization["patches"] = .array((kustomization["patches"]?.arrayValue ?? []) + flux.patches)
            changed = true
        }
        if !flux.images.isEmpty {
            var images = kustomization["images"]?.arrayValue ?? []
            for image in flux.images {
                if let index = images.firstIndex(where: { $0["name"] == image["name"] }) {
                    images[index] = image
                } else {
                    images.append(image)
                }
            }
            kustomization["images"] = .array(images)
            changed = true
        }
        let components = flux.components.filter { !flux.ignoreMissingComponents || componentExists($0) }
        if !components.isEmpty {
            kustomization["components"] = .array((kustomization["components"]?.arrayValue ?? []) + components.map { .string($0) })
            changed = true
        }
        guard changed else { return nil }
        if kustomization["apiVersion"] == nil {
            kustomization["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
            kustomization["kind"] = "Kustomization"
        }
        return kustomization
    }
}
