/// Why manifests could not be read.
public enum ManifestError: Error, Equatable, CustomStringConvertible {
    case source(SourceError)
    case unreadable(path: String, reason: String)
    case yaml(YAMLError)
    case notAnObject(source: ManifestLocation, found: String)
    case missingField(source: ManifestLocation, field: String)
    case duplicate(ObjectIdentity, first: ManifestLocation, second: ManifestLocation)
    /// A SOPS-encrypted object that sops could not decrypt (a missing key, a tampered file).
    case decryption(source: ManifestLocation, reason: String)
    /// SOPS decryption was asked for (drift.yaml `decryption`, `--sops-cmd`) and there is no such program.
    case sopsNotFound(command: String)
    /// The paths hold no manifest at all; `notRendered` says what was found but not rendered, and why.
    case noObjects(paths: [String], notRendered: [String] = [])

    public var description: String {
        switch self {
        case let .source(error):
            return error.description
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .yaml(error):
            return error.description
        case let .notAnObject(source, found):
            return "\(source.file): document \(source.documentIndex + 1) (line \(source.line)) is \(found.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(found), not an object"
        case let .missingField(source, field):
            return "\(source.file): document \(source.documentIndex + 1) (line \(source.line)) has no \(field)"
        case let .duplicate(identity, first, second):
            return "\(identity) is defined twice: at \(first) and at \(second)"
        case let .decryption(source, reason):
            return "\(source.file): document \(source.documentIndex + 1) (line \(source.line)) is SOPS-encrypted and could not be decrypted: \(reason)"
        case let .sopsNotFound(command):
            return "SOPS decryption needs \(command), which is not an executable here or on PATH: install sops, or name it with --sops-cmd"
        case let .noObjects(paths, notRendered):
            let found = "no objects found in \(paths.joined(separator: ", "))"
            guard !notRendered.isEmpty else { return found }
            return found + ": nothing could be rendered\n" + notRendered.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}
