/// Flux objects as the tests write them.
enum FluxFixture {
    /// A Kustomization `flux-system/<name>` applying `path` of the bootstrap GitRepository,
    /// waiting for `dependsOn`, with `spec` lines added (indented as spec members).
    static func kustomization(_ name: String, path: String, dependsOn: [String] = [], spec: String = "") -> String {
        let dependencies = dependsOn.isEmpty ? "" : "  dependsOn:\n" + dependsOn.map { "    - name: \($0)\n" }.joined()
        return """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: \(name)
              namespace: flux-system
            spec:
              interval: 10m
              path: \(path)
              prune: true
              sourceRef:
                kind: GitRepository
                name: flux-system
            \(dependencies)\(spec)
            """
    }
}
