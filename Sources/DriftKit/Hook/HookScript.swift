/// The POSIX sh script installed as a Git hook: runs the saved original first, then
/// `git-drift-hook <hook>` unless `DRIFT_HOOK=skip`.
public struct HookScript: Sendable, Equatable {
    /// The line that marks a hook as git-drift-hook's own, so that `install` can tell it from
    /// someone else's and `uninstall` never removes a hook it did not write.
    public static let marker = "# git-drift-hook: managed hook; `git-drift-hook uninstall` restores the original"

    /// The suffix of the original hook moved aside by `install` (`pre-push.drift-saved`).
    public static let savedSuffix = ".drift-saved"

    public var hook: HookName

    public init(hook: HookName) { self.hook = hook }

    /// Whether the hook file's text is one of ours.
    public static func isOurs(_ text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: false).contains { $0 == marker }
    }

    /// Lines that end the script early when git-drift-hook has nothing to do: every ref
    /// update of every git command runs reference-transaction, and only a push that pre-push
    /// previewed leaves a pending reconcile (`PendingReconcile`).
    private var guardLines: String {
        guard hook == .referenceTransaction else { return "" }
        return """
            [ "$1" = committed ] || exit 0
            [ -f "$(git rev-parse --absolute-git-dir)/\(PendingReconcile.fileName)" ] || exit 0

            """
    }

    /// The script's text.
    public var text: String {
        let name = hook.rawValue
        // Git feeds some hooks lines on standard input, which can be read only once: a copy
        // lets the original and git-drift-hook both see all of it.
        let input = hook.readsStandardInput ? """
            input=$(mktemp "${TMPDIR:-/tmp}/git-drift-hook.XXXXXX") || exit 1
            trap 'rm -f "$input"' EXIT
            cat >"$input"

            """ : "input=/dev/null\n"
        return """
            #!/bin/sh
            \(Self.marker)
            \(input)saved="$(dirname "$0")/\(name)\(Self.savedSuffix)"
            # The original hook is not ours to skip: it runs first, and its failure is the hook's.
            if [ -x "$saved" ]; then
                "$saved" "$@" <"$input" || exit $?
            fi
            [ "$DRIFT_HOOK" = skip ] && exit 0
            \(guardLines)if ! command -v git-drift-hook >/dev/null 2>&1; then
                echo "git-drift-hook: not found on PATH; skipping the drift preview (DRIFT_HOOK=skip silences this)" >&2
                exit 0
            fi
            git-drift-hook \(name) "$@" <"$input"
            status=$?
            # 1 is a push that hook.block refuses; anything else (a crash, a usage error) must
            # never stop a merge or a push by surprise.
            [ "$status" -le 1 ] && exit "$status"
            echo "git-drift-hook: warning: stopped with status $status; the \(hook.operation) goes on" >&2
            exit 0

            """
    }
}
