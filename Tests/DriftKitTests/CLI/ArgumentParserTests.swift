import Testing
@testable import DriftKit

@Suite("Argument parsing")
struct ArgumentParserTests {
    @Test("pflag spellings all mean the same", arguments: [
        ["-f", "apps/"], ["-fapps/"], ["-f=apps/"], ["--filename", "apps/"], ["--filename=apps/"],
    ])
    func spellings(arguments: [String]) throws {
        let invocation = try DiffInvocation(arguments)
        #expect(invocation.source.filenames == ["apps/"])
    }

    @Test("repeated -f keeps every path in order; other flags take the last value")
    func repeatedFlags() throws {
        let invocation = try DiffInvocation(["-f", "a.yaml", "-n", "one", "-f", "b/", "--namespace", "two", "-R"])
        #expect(invocation.source.filenames == ["a.yaml", "b/"])
        #expect(invocation.source.recursive)
        #expect(invocation.cluster.namespace == "two")
    }

    @Test("defaults match the documentation")
    func defaults() throws {
        let invocation = try DiffInvocation(["-f", "-"])
        #expect(invocation.source.filenames == ["-"])
        #expect(invocation.output == .text)
        #expect(invocation.fieldManager == nil)
        #expect(invocation.concurrency == nil)
        #expect(invocation.ignorePaths.isEmpty && invocation.ignoreManagers.isEmpty && invocation.configFile == nil)
        #expect(!invocation.showSecrets)
        #expect(invocation.color == .auto)
        #expect(invocation.requestTimeout == 60)
    }

    @Test("bad input is a usage error that names the flag", arguments: [
        (["-f", "a", "--bogus"], "unknown flag: --bogus"),
        (["-f"], "flag needs an argument: -f"),
        (["-f", "a", "-o", "xml"], "expected one of text, json, yaml"),
        (["-f", "a", "--concurrency", "0"], "--concurrency"),
        (["-f", "a", "--show-secrets=maybe"], "expected true or false"),
        (["-f", "a", "--request-timeout", "soon"], "--request-timeout"),
        (["-f", "a", "--ignore-path", "spec/replicas"], "--ignore-path"),
        (["-f", "a", "--ignore-manager="], "--ignore-manager needs"),
        (["-f", "a", "extra"], "unexpected argument \"extra\""),
    ])
    func usageErrors(arguments: [String], fragment: String) {
        #expect {
            _ = try DiffInvocation(arguments)
        } throws: { error in
            (error as? UsageError)?.message.contains(fragment) == true
        }
    }

    @Test("apply's flags that need another say which", arguments: [
        (["--timeout", "5s"], "--timeout is how long --wait waits; give --wait too"),
        (["--timeout=2m", "--skip-unhealthy"], "--timeout is how long --wait waits; give --wait too"),
        (["--wait", "--timeout", "soon"], "invalid value \"soon\" for --timeout"),
    ])
    func applyFlagDependencies(arguments: [String], fragment: String) {
        #expect {
            _ = try DiffInvocation(["-f", "a"] + arguments, command: "apply")
        } throws: { error in
            (error as? UsageError)?.message.contains(fragment) == true
        }
    }

    @Test("--wait alone waits 5 minutes; --timeout sets how long")
    func wait() throws {
        #expect(try DiffInvocation(["-f", "a", "--wait"], command: "apply").waitTimeout == 300)
        #expect(try DiffInvocation(["-f", "a", "--wait", "--timeout", "5s"], command: "apply").waitTimeout == 5)
        #expect(try DiffInvocation(["-f", "a"], command: "apply").waitTimeout == nil)
    }

    @Test("--notify takes an http(s) URL with a host, checked before anything runs", arguments: [
        ("notaurl", "found no scheme"), ("ftp://example.com/hook", "found scheme ftp"), ("https://", "found no host"),
        ("", "found nothing"),
    ])
    func notifyURL(url: String, reason: String) {
        #expect {
            _ = try DiffInvocation(["-f", "a", "--notify", url])
        } throws: { error in
            guard let message = (error as? UsageError)?.message else { return false }
            return message.hasPrefix("invalid value for --notify: expected an http(s) URL") && message.contains(reason)
        }
    }

    @Test("--notify and --notify-on are read; --notify-on is drift or always")
    func notify() throws {
        let invocation = try DiffInvocation(["-f", "a", "--notify", "https://hooks.slack.com/services/T/B/X", "--notify-on", "always"])
        #expect(invocation.notifyURL == (try WebhookURL("https://hooks.slack.com/services/T/B/X")))
        #expect(invocation.notifyOn == .always)
        let defaults = try DiffInvocation(["-f", "a"])
        #expect(defaults.notifyURL == nil && defaults.notifyOn == nil)
        #expect {
            _ = try DiffInvocation(["-f", "a", "--notify-on", "never"])
        } throws: { error in
            (error as? UsageError)?.message == "invalid value \"never\" for --notify-on: expected one of drift, always"
        }
    }

    @Test("durations read like kubectl's", arguments: [("30s", 30.0), ("2m", 120.0), ("500ms", 0.5), ("1h", 3600.0), ("15", 15.0)])
    func durations(text: String, seconds: Double) throws {
        #expect(try DiffInvocation.duration(text, flag: "--request-timeout") == seconds)
    }

    @Test("subcommands, help and version")
    func commands() throws {
        #expect(try DriftCommand.parse([]) == .help(nil))
        #expect(try DriftCommand.parse(["diff", "--help"]) == .help("diff"))
        #expect(try DriftCommand.parse(["help", "render"]) == .help("render"))
        #expect(try DriftCommand.parse(["version"]) == .version)
        #expect(throws: UsageError.self) { try DriftCommand.parse(["dif"]) }
        guard case let .render(render) = try DriftCommand.parse(["render", "-f", "x", "-o", "json"]) else {
            Issue.record("render expected")
            return
        }
        #expect(render.output == .json)
    }

    @Test("-- ends the options")
    func doubleDash() throws {
        let parsed = try ArgumentParser.parse(["-R", "--", "-f"], options: SourceSelection.options)
        #expect(parsed.positionals == ["-f"])
        #expect(try parsed.flag("--recursive"))
    }

    @Test("colour: auto follows the terminal, NO_COLOR and TERM=dumb", arguments: [
        (ColorMode.auto, true, [String: String](), true),
        (.auto, false, [:], false),
        (.auto, true, ["NO_COLOR": "1"], false),
        (.auto, true, ["NO_COLOR": ""], true),
        (.auto, true, ["TERM": "dumb"], false),
        (.always, false, ["NO_COLOR": "1"], true),
        (.never, true, [:], false),
    ])
    func colour(mode: ColorMode, isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(mode.isEnabled(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test("changes takes two revisions; without -f it means the whole repository, recursively")
    func changes() throws {
        guard case let .changes(whole) = try DriftCommand.parse(["changes", "main", "HEAD"]) else {
            Issue.record("changes expected")
            return
        }
        #expect(try whole == ChangesInvocation(["main", "HEAD"]))
        #expect(whole.from == "main" && whole.to == "HEAD")
        #expect(whole.filenames == ["."] && whole.recursive)
        let limited = try ChangesInvocation(["v1", "v2", "-f", "apps", "-o", "json"])
        #expect(limited.filenames == ["apps"] && !limited.recursive && limited.output == .json)
        #expect(throws: UsageError.self) { try ChangesInvocation(["main"]) }
        #expect(throws: UsageError.self) { try ChangesInvocation(["a", "b", "c"]) }
    }

    @Test("changes takes the context flags that choose its namespace, and --strict")
    func changesNamespaceAndStrict() throws {
        let plain = try ChangesInvocation(["main", "HEAD"])
        #expect(plain.cluster == KubeconfigOverrides() && !plain.strict)
        let given = try ChangesInvocation(["main", "HEAD", "-n", "shop", "--context", "prod", "--kubeconfig", "kc", "--strict"])
        #expect(given.cluster == KubeconfigOverrides(kubeconfig: "kc", context: "prod", namespace: "shop"))
        #expect(given.strict)
    }

    @Test("--strict rejects keys written twice; without it the last value wins", arguments: [
        ["diff", "-f", "apps"], ["apply", "-f", "apps"], ["render", "-f", "apps"], ["watch", "-f", "apps"],
    ])
    func strict(arguments: [String]) throws {
        func source(_ arguments: [String]) throws -> SourceSelection? {
            switch try DriftCommand.parse(arguments) {
            case let .diff(invocation): return invocation.source
            case let .render(invocation): return invocation.source
            case let .watch(invocation): return invocation.diff.source
            default: return nil
            }
        }
        #expect(try source(arguments)?.duplicateKeys == .lastWins)
        #expect(try source(arguments + ["--strict"])?.duplicateKeys == .reject)
    }
}
