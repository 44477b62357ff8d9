import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is installed as one hook.
public enum HookState: Equatable, Sendable {
    case nothing
    /// Our script; `chained` when it runs a saved original first.
    case ours(chained: Bool)
    /// A hook someone else wrote (another tool's, or the user's own).
    case foreign
}

/// Installs, removes and inspects git-drift-hook's scripts in one hooks folder, keeping any
/// hook already there: moved aside byte for byte and mode for mode, run first, put back.
public struct HookInstaller {
    public var hooksFolder: String

    public init(hooksFolder: String) { self.hooksFolder = hooksFolder }

    private var files: FileManager { .default }

    func path(of hook: HookName) -> String { (hooksFolder as NSString).appendingPathComponent(hook.rawValue) }

    func savedPath(of hook: HookName) -> String { path(of: hook) + HookScript.savedSuffix }

    /// What is installed as `hook` now.
    public func state(of hook: HookName) -> HookState {
        let path = path(of: hook)
        // A dangling symbolic link is still someone's hook: attributes do not follow it.
        guard (try? files.attributesOfItem(atPath: path)) != nil else { return .nothing }
        guard let data = files.contents(atPath: path), HookScript.isOurs(String(decoding: data, as: UTF8.self)) else {
            return .foreign
        }
        return .ours(chained: (try? files.attributesOfItem(atPath: savedPath(of: hook))) != nil)
    }

    /// Installs our script as each hook, moving an existing one aside; says what it did.
    public func install(_ hooks: [HookName], to output: inout some TextOutputStream) throws(HookError) {
        do {
            try files.createDirectory(atPath: hooksFolder, withIntermediateDirectories: true)
        } catch {
            throw .notWritable(path: hooksFolder, reason: Self.reason(error))
        }
        for hook in hooks {
            let path = path(of: hook)
            let saved = savedPath(of: hook)
            switch state(of: hook) {
            case .ours:
                output.write("\(hook.rawValue): already installed in \(path); nothing changed\n")
                continue
            case .foreign:
                guard (try? files.attributesOfItem(atPath: saved)) == nil else {
                    throw .savedHookInTheWay(hook: path, saved: saved)
                }
                try Self.move(path, to: saved)
                do {
                    try write(HookScript(hook: hook), to: path)
                } catch {
                    // Without our script the saved original would run no more: put it back.
                    try? Self.move(saved, to: path)
                    throw error
                }
                output.write("\(hook.rawValue): installed in \(path); the existing hook moved to \(saved) and runs first\n")
            case .nothing:
                try write(HookScript(hook: hook), to: path)
                output.write("\(hook.rawValue): installed in \(path)\n")
            }
        }
    }

    /// Removes our script from each hook, putting back the original it saved.
    public func uninstall(_ hooks: [HookName], to output: inout some TextOutputStream) throws(HookError) {
        for hook in hooks {
            let path = path(of: hook)
            switch state(of: hook) {
            case .nothing:
                output.write("\(hook.rawValue): not installed in \(path); nothing changed\n")
            case .foreign:
                output.write("\(hook.rawValue): \(path) is not git-drift-hook's; left alone\n")
            case .ours(let chained):
                if chained {
                    // One rename replaces our script by the original: no moment without a hook.
                    try Self.move(savedPath(of: hook), to: path)
                } else if unlink(path) != 0 {
                    throw .notWritable(path: path, reason: String(cString: strerror(errno)))
                }
                output.write("\(hook.rawValue): removed from \(path)\(chained ? "; the original hook is back" : "")\n")
            }
        }
    }

    /// One line per hook: what is installed where.
    public func status(_ hooks: [HookName], to output: inout some TextOutputStream) {
        for hook in hooks {
            let path = path(of: hook)
            switch state(of: hook) {
            case .nothing: output.write("\(hook.rawValue): nothing installed (\(path))\n")
            case .foreign: output.write("\(hook.rawValue): another hook, not git-drift-hook's (\(path))\n")
            case .ours(chained: false): output.write("\(hook.rawValue): git-drift-hook (\(path))\n")
            case .ours(chained: true):
                output.write("\(hook.rawValue): git-drift-hook, running the original \(savedPath(of: hook)) first (\(path))\n")
            }
        }
    }

    private func write(_ script: HookScript, to path: String) throws(HookError) {
        do {
            try Data(script.text.utf8).write(to: URL(fileURLWithPath: path))
            // Git runs only executable hooks; the umask must not decide that.
            try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        } catch {
            throw .notWritable(path: path, reason: Self.reason(error))
        }
    }

    /// rename(2): keeps the bytes, the mode and a symbolic link exactly as they are.
    private static func move(_ source: String, to destination: String) throws(HookError) {
        guard rename(source, destination) == 0 else {
            throw .notWritable(path: source, reason: "cannot move it to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
