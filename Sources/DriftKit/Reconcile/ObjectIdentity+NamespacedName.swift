extension ObjectIdentity {
    /// `namespace/name`, as drift.yaml's `hook.source` and Flux's references write it.
    var namespacedName: String { "\(namespace ?? "")/\(name)" }
}
