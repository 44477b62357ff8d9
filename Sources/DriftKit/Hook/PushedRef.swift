/// One line git feeds a hook on standard input, split into words: pre-push's
/// `<local ref> <local id> <remote ref> <remote id>`, reference-transaction's `<old id> <new id> <ref>`.
enum HookInputLine {
    /// The all-zero id git uses for a ref that does not exist (a new branch, a deletion).
    static func isZero(_ id: String) -> Bool { !id.isEmpty && id.allSatisfy { $0 == "0" } }

    static func words(_ input: String) -> [[String]] {
        input.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { !$0.isEmpty }
    }
}

/// A ref `git push` is about to update on the remote, as pre-push's standard input says.
public struct PushedRef: Sendable, Equatable {
    public var localRef: String
    public var localID: String
    public var remoteRef: String
    public var remoteID: String

    /// The refs of pre-push's standard input; malformed lines are returned apart, to be named.
    public static func parse(_ input: String) -> (refs: [PushedRef], malformed: [String]) {
        var refs: [PushedRef] = []
        var malformed: [String] = []
        for words in HookInputLine.words(input) {
            guard words.count == 4 else {
                malformed.append(words.joined(separator: " "))
                continue
            }
            refs.append(PushedRef(localRef: words[0], localID: words[1], remoteRef: words[2], remoteID: words[3]))
        }
        return (refs, malformed)
    }

    /// The remote branch pushed to (`main` for `refs/heads/main`); nil for tags and other refs.
    public var branch: String? {
        remoteRef.hasPrefix("refs/heads/") ? String(remoteRef.dropFirst("refs/heads/".count)) : nil
    }

    /// The push deletes the remote ref.
    public var isDeletion: Bool { HookInputLine.isZero(localID) }

    /// The push creates the remote ref.
    public var isCreation: Bool { HookInputLine.isZero(remoteID) }
}
