extension DriftConfig {
    /// The `drift.yaml` at the root of `tree`, parsed; nil when the tree has none. A file that
    /// cannot be read throws `SourceError`, one that is not a valid config `DriftConfigError`.
    static func read(atRootOf tree: any SourceTree) throws -> DriftConfig? {
        guard try tree.node(at: fileName) == .file else { return nil }
        return try parse(String(decoding: try tree.contents(of: fileName), as: UTF8.self), file: fileName)
    }
}
