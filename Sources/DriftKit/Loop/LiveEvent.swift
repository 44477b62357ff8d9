/// What a watch of the cluster reports: a change to a watched object, or a problem with one
/// watched collection (which the loop reports once and carries on without).
public enum LiveEvent: Sendable {
    /// How a watched object changed.
    public enum Change: String, Sendable {
        case added, modified, deleted
    }

    /// `object` (the whole live object, as the server sent it) was added, modified or deleted
    /// in the collection at `collection` (`/apis/apps/v1/namespaces/shop/deployments`).
    case changed(Change, object: JSONValue, collection: String)
    /// The collection cannot be watched, or no longer can (a watch the server refuses, a type
    /// whose definition was deleted); `message` says what failed and why.
    case problem(collection: String, message: String)
    /// The watch of `collection` started again from a fresh LIST (410 Gone, a dropped
    /// connection, a restarted server): objects may have changed unseen, so the loop
    /// re-verifies what the collection holds.
    case resynced(collection: String, reason: String)
}

/// A source of `LiveEvent`s: LIST + WATCH of collections of the live cluster.
public protocol LiveEventSource: AnyObject, Sendable {
    /// Starts watching each collection (a path such as `/api/v1/namespaces/shop/configmaps`),
    /// from its current state; `handler` is called, from the source's own threads, for every
    /// event after that, in order per collection.
    func start(_ collections: [String], handler: @escaping @Sendable (LiveEvent) -> Void)
    /// Stops every watch; no `handler` call begins after it returns.
    func stop()
}
