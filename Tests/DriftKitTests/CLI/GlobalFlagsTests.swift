import Testing
@testable import DriftKit

/// kubectl's global flags before the command, as `kubectl --context prod get pods` takes them.
@Suite("kubectl's global flags before the command")
struct GlobalFlagsTests {
    @Test("global flags before the command mean what they mean after it", arguments: [
        (["--kubeconfig", "kc", "diff", "-f", "apps"], ["diff", "-f", "apps", "--kubeconfig", "kc"]),
        (["--context=prod", "-n", "web", "apply", "-f", "apps"], ["apply", "-f", "apps", "--context", "prod", "-n", "web"]),
        (["--cluster", "c", "--user", "u", "--request-timeout", "5s", "watch", "-f", "apps"],
         ["watch", "-f", "apps", "--cluster", "c", "--user", "u", "--request-timeout", "5s"]),
        (["-n", "shop", "--context", "prod", "changes", "main", "HEAD"], ["changes", "main", "HEAD", "-n", "shop", "--context", "prod"]),
    ])
    func before(leading: [String], trailing: [String]) throws {
        #expect(try DriftCommand.parse(leading) == DriftCommand.parse(trailing))
    }

    @Test("a flag after the command wins over the same one before it")
    func laterWins() throws {
        guard case let .diff(invocation) = try DriftCommand.parse(["--context", "staging", "diff", "-f", "apps", "--context", "prod"]) else {
            Issue.record("not a diff")
            return
        }
        #expect(invocation.cluster.context == "prod")
    }

    @Test("other flags before the command, or a global flag without its value, are usage errors naming them", arguments: [
        (["-f", "apps", "diff"], "unknown flag -f before the command"),
        (["--kubeconfig"], "flag needs an argument: --kubeconfig"),
    ])
    func errors(arguments: [String], message: String) {
        #expect {
            _ = try DriftCommand.parse(arguments)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test("help and version still work after global flags", arguments: [
        (["--context", "prod", "--help"], DriftCommand.help(nil)),
        (["--context", "prod", "help", "diff"], .help("diff")),
        (["--kubeconfig", "kc", "version"], .version),
        (["--kubeconfig", "kc"], .help(nil)),
    ])
    func help(arguments: [String], expected: DriftCommand) throws {
        #expect(try DriftCommand.parse(arguments) == expected)
    }
}
