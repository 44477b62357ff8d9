/// A folder of the repository as Flux's `spec.path` and Argo CD's `source.path` name it, and
/// which changed files it holds.
struct RepositoryFolder: Sendable, Hashable {
    /// Without a leading `./` or trailing `/`; `""` is the repository root.
    let path: String

    /// `nil`, `""`, `.` and `./` are the root.
    init(_ written: String?) {
        var text = Substring(written ?? "")
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        while text.hasSuffix("/") { text = text.dropLast() }
        self.path = text == "." ? "" : String(text)
    }

    /// Whether `file` is the folder's path itself or below it as a folder: `apps/x` is in
    /// `apps`, `apps2/x` is not.
    func holds(_ file: String) -> Bool {
        path.isEmpty || file == path || file.hasPrefix(path + "/")
    }

    func holdsAny(of files: [String]) -> Bool {
        files.contains(where: holds)
    }
}
