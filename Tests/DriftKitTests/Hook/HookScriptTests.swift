import Foundation
import Testing
@testable import DriftKit

@Suite("Git hook scripts and names")
struct HookScriptTests {
    @Test("our script is recognised by its marker line", arguments: HookName.allCases)
    func ownScript(hook: HookName) {
        #expect(HookScript.isOurs(HookScript(hook: hook).text))
    }

    @Test("someone else's hook is not ours, even when it mentions the marker inside a line", arguments: [
        "#!/bin/sh\nexit 0\n",
        "#!/bin/sh\necho '\(HookScript.marker)'\n",
        "",
    ])
    func foreignScript(text: String) {
        #expect(!HookScript.isOurs(text))
    }

    @Test("the script runs the saved original, then git-drift-hook with Git's arguments", arguments: HookName.allCases)
    func scriptText(hook: HookName) throws {
        let lines = HookScript(hook: hook).text.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/sh")
        let call = try #require(lines.firstIndex(of: "git-drift-hook \(hook.rawValue) \"$@\" <\"$input\""))
        #expect(lines[(call + 1)...].first == "status=$?")
        #expect(lines.last == "exit 0", "a failure other than a refused push never stops git")
        #expect(lines.contains("saved=\"$(dirname \"$0\")/\(hook.rawValue).drift-saved\""))
        #expect(lines.contains("    \"$saved\" \"$@\" <\"$input\" || exit $?"))
        let skip = try #require(lines.firstIndex(of: "[ \"$DRIFT_HOOK\" = skip ] && exit 0"))
        let original = try #require(lines.firstIndex(of: "if [ -x \"$saved\" ]; then"))
        #expect(original < skip, "the original is not ours to skip")
    }

    @Test("standard input is copied for the hooks Git feeds lines, and not read otherwise", arguments: [
        (HookName.prePush, true), (.referenceTransaction, true), (.postMerge, false),
    ])
    func standardInput(hook: HookName, copied: Bool) {
        let text = HookScript(hook: hook).text
        #expect(text.contains("cat >\"$input\"\n") == copied)
        #expect(text.contains("input=/dev/null\n") == !copied)
    }

    @Test("the script is valid sh")
    func syntax() throws {
        for hook in HookName.allCases {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("drift-hook-\(UUID().uuidString).sh").path
            try HookScript(hook: hook).text.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-n", path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(hook.rawValue)")
        }
    }

    @Test("--hooks lists names in order, each once", arguments: [
        ("post-merge,pre-push", [HookName.postMerge, .prePush]),
        ("pre-push", [.prePush]),
        ("reference-transaction, pre-push,pre-push", [.referenceTransaction, .prePush]),
    ])
    func hookList(value: String, hooks: [HookName]) throws {
        #expect(try HookName.list(value) == hooks)
    }

    @Test("an unknown or empty --hooks value names what was given", arguments: [
        ("pre-commit", "pre-commit"), ("post-merge,prepush", "prepush"), (",", ","),
    ])
    func unknownHook(value: String, named: String) {
        #expect(throws: HookError.unknownHook(named)) { try HookName.list(value) }
        #expect(HookError.unknownHook(named).description.hasPrefix("unknown hook \"\(named)\": expected one of post-merge"))
    }

    @Test("install defaults to post-merge, pre-push and the reference-transaction that reconciles after a push")
    func defaults() {
        #expect(HookName.defaults == [.postMerge, .prePush, .referenceTransaction])
    }

    @Test("pre-commit's stage is read from the environment it sets", arguments: [
        (["PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_URL": "/r.git"], HookName.prePush),
        (["PRE_COMMIT_IS_SQUASH_MERGE": "0"], .postMerge),
        (["PRE_COMMIT": "1"], nil),
    ])
    func preCommitStage(environment: [String: String], hook: HookName?) {
        #expect(HookName.preCommitStage(environment: environment) == hook)
    }
}
