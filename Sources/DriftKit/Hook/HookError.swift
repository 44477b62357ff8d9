/// Why installing, removing or inspecting the Git hooks failed.
public enum HookError: Error, Equatable, CustomStringConvertible {
    /// `git` is not on PATH.
    case gitNotFound
    /// The folder is not inside a Git repository.
    case notARepository(directory: String)
    /// `git rev-parse --git-path hooks` failed otherwise (a core.hooksPath through a file).
    case gitFailed(directory: String, message: String)
    /// A file in the hooks folder could not be written, moved or removed.
    case notWritable(path: String, reason: String)
    /// A `--hooks` name this tool has no hook for.
    case unknownHook(String)
    /// A saved original is in the way of saving another one.
    case savedHookInTheWay(hook: String, saved: String)

    public var description: String {
        switch self {
        case .gitNotFound:
            return "cannot find the hooks folder: git is not on PATH"
        case .notARepository(let directory):
            return "\(directory) is not in a Git repository, so it has no hooks folder"
        case .gitFailed(let directory, let message):
            return "cannot find the hooks folder for \(directory): git rev-parse --git-path hooks failed: \(message)"
        case .notWritable(let path, let reason):
            return "cannot change the hooks folder: \(path): \(reason)"
        case .unknownHook(let name):
            let known = HookName.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown hook \"\(name)\": expected one of \(known)"
        case .savedHookInTheWay(let hook, let saved):
            // Moving the hook aside would overwrite the earlier original: neither may be lost.
            return "cannot install \(hook): it is not git-drift-hook's, and \(saved) already holds a saved hook; move one of them away first"
        }
    }
}
