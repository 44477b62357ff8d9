import Foundation

/// What the hook knows when it asks a GitOps controller to reconcile.
public struct ReconcileRequest: Sendable {
    /// The repository's remote URLs as git has them (not normalised).
    public var repositoryURLs: [String]
    /// drift.yaml `hook.source`, `namespace/name`: the GitRepository (flux) or Application (argocd).
    public var source: String?
    /// Files changed by the commits, relative to the repository root.
    public var changedPaths: [String]
    /// When the reconcile is asked; Flux's `requestedAt` value.
    public var now: Date

    public init(repositoryURLs: [String], source: String?, changedPaths: [String], now: Date) {
        self.repositoryURLs = repositoryURLs
        self.source = source
        self.changedPaths = changedPaths
        self.now = now
    }
}
