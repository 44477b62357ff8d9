/// Why a GitOps controller could not be asked to reconcile: the cluster refused or could not
/// be reached. A controller that is not installed, or nothing to reconcile, is a note instead.
public enum ReconcileError: Error, Equatable, CustomStringConvertible {
    /// Listing the objects of `kind` (`apiVersion`) in all namespaces failed.
    case list(kind: String, apiVersion: String, APIError)
    /// Setting the reconcile annotation on an object failed.
    case annotate(ObjectIdentity, APIError)

    public var description: String {
        switch self {
        case let .list(kind, apiVersion, error):
            return "could not list the \(apiVersion) \(kind) objects of all namespaces: \(error)"
        case let .annotate(identity, error):
            return "could not annotate \(identity.kind) \(identity.namespacedName): \(error)"
        }
    }
}
