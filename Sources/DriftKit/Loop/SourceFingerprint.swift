import Foundation

/// A cheap token of what the desired state is read from, to notice a change between
/// intervals without reading or parsing anything: the commit a `--ref` resolves to, or the
/// names, sizes and modification times of the files under the `-f`/`-k` paths and drift.yaml.
/// Only the local disk is read; the API server is never asked.
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

    /// Names, sizes and modification times of `paths` and every file below them (`.git` left out).
    private func stamp(of paths: [String]) -> String {
        var parts: [String] = []
        let manager = FileManager.default
        func add(_ path: String) {
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { return }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(path) \(size) \(time)")
        }
        for path in paths {
            add(path)
            guard let walker = manager.enumerator(atPath: path) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative == ".git" || relative.hasPrefix(".git/") {
                    walker.skipDescendants()
                    continue
                }
                add((path as NSString).appendingPathComponent(relative))
            }
        }
        return SHA256.hex(SHA256.hash(parts.joined(separator: "\n")))
    }
}
