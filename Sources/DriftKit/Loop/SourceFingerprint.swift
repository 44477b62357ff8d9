import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cheap token of what the desired state is read from, to notice a change between
/// intervals without reading or parsing anything: the commit a `--ref` resolves to, or the
/// names, sizes and modification times of the files under the `-f`/`-k` paths and drift.yaml.
/// Only the local disk is read; the API server is never asked. The token is only compared
/// within one process (it uses the process's hash seed).
public struct SourceFingerprint: Sendable {
    public var source: SourceSelection
    public var currentDirectory: String
    public var environment: [String: String]

    public init(source: SourceSelection, currentDirectory: String, environment: [String: String]) {
        self.source = source
        self.currentDirectory = currentDirectory
        self.environment = environment
    }

    /// The token now; nil when it cannot be had (the ref is gone: the interval's read says why).
    public func current() -> String? {
        switch source.revision {
        case let .commit(reference):
            return (try? GitRepository.discover(from: currentDirectory, environment: environment).commit(reference))?.id
        case .index:
            let repository = try? GitRepository.discover(from: currentDirectory, environment: environment)
            return repository.flatMap { stamp(of: [($0.gitDirectory as NSString).appendingPathComponent("index")]) }
        case .workingTree:
            var roots = source.filenames + source.kustomizations
            if roots.isEmpty, let root = (try? GitRepository.discover(from: currentDirectory, environment: environment))?.workingDirectory {
                roots = [root]
            }
            let absolute = roots.filter { $0 != "-" }.map { ($0 as NSString).isAbsolutePath ? $0 : (currentDirectory as NSString).appendingPathComponent($0) }
            return stamp(of: absolute + [(currentDirectory as NSString).appendingPathComponent(DriftConfig.fileName)])
        }
    }

    /// Names, sizes and modification times of `paths` and every file below them (`.git` left
    /// out), through `stat` and `readdir` directly: this runs every second or so for as long
    /// as the loop runs, over thousands of files, and must cost next to nothing.
    private func stamp(of paths: [String]) -> String {
        var hasher = Hasher()
        func add(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            hasher.combine(path)
            hasher.combine(Int64(info.st_size))
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            hasher.combine(Int64(modified.tv_sec))
            hasher.combine(Int64(modified.tv_nsec))
            hasher.combine(Int64(info.st_ino))
            guard (info.st_mode & S_IFMT) == S_IFDIR, let directory = opendir(path) else { return }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != ".", name != "..", name != ".git" { names.append(name) }
            }
            // readdir's order is the file system's; the stamp must not depend on it.
            for name in names.sorted() { add(path == "/" ? "/" + name : path + "/" + name) }
        }
        paths.forEach(add)
        return String(hasher.finalize(), radix: 16)
    }
}
