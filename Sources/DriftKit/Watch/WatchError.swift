import Foundation

/// Why watching a collection failed, as `LiveEvent.problem` and `.resynced` say it.
enum WatchError: Error, Equatable, CustomStringConvertible {
    /// A line of the watch stream is not an event: not JSON, no known `type`, no `object`.
    case malformedEvent(reason: String, line: String)
    /// The server refused to list or watch the collection (401, 403, 404).
    case refused(collection: String, verb: String, error: APIError)
    /// The server ended the watch with an ERROR event other than 410 Gone.
    case errorEvent(collection: String, status: APIStatus)

    var description: String {
        switch self {
        case let .malformedEvent(reason, line):
            return "the watch sent a line that is not an event (\(reason)): \(line)"
        case let .refused(collection, verb, error):
            if error.statusCode == 404 {
                return "cannot \(verb) \(collection): the server does not serve it (404), "
                    + "so its type or namespace may have been deleted: \(error)"
            }
            return "cannot \(verb) \(collection): \(error)"
        case let .errorEvent(collection, status):
            return "the watch of \(collection) ended with an error \(status.code) \(status.reason): \(status.readableMessage)"
        }
    }
}
