/// `kubectl drift watch`: the sources and flags of `diff` and `apply`, verified again on every
/// change of the cluster and at every interval.
public struct WatchInvocation: Equatable, Sendable {
    /// What `diff` would compare, how, and with `--remediate` how `apply` would put it back.
    public var diff: DiffInvocation
    /// `--interval`: how often Git is read again and everything verified again, in seconds;
    /// nil for drift.yaml's `watch.interval`, else `defaultInterval`.
    public var interval: Double?
    /// `--metrics-address HOST:PORT`: serve Prometheus metrics and `/healthz` there.
    public var metricsAddress: String?
    /// `--fetch REMOTE`: fetch the remote with libgit2 before each read of Git (with `--ref`).
    public var fetchRemote: String?
    /// `--notify-interval`: at most one notification per this many seconds; nil for drift.yaml's
    /// `watch.notifyInterval`, else `defaultNotifyInterval`.
    public var notifyInterval: Double?

    /// Five minutes, as a Flux Kustomization's common `spec.interval`.
    public static let defaultInterval: Double = 300
    /// A minute: a steady stream of hand changes makes one message a minute, not one each.
    public static let defaultNotifyInterval: Double = 60

    /// diff's flags and watch's own.
    static let options = DiffInvocation.options + [
        OptionSpec("--interval", takesValue: true), OptionSpec("--notify-interval", takesValue: true),
        OptionSpec("--metrics-address", takesValue: true), OptionSpec("--fetch", takesValue: true),
    ]

    public init(_ arguments: [String]) throws(UsageError) {
        var rest: [String] = []
        var words = arguments[...]
        // Taken out before the rest is read as diff's flags.
        func value(of flag: String, in word: String) throws(UsageError) -> String? {
            if word == flag {
                guard let value = words.popFirst() else { throw UsageError("flag needs an argument: \(flag)") }
                return value
            }
            return word.hasPrefix(flag + "=") ? String(word.dropFirst(flag.count + 1)) : nil
        }
        while let word = words.popFirst() {
            if let text = try value(of: "--interval", in: word) {
                interval = try Self.interval(text, flag: "--interval")
            } else if let text = try value(of: "--notify-interval", in: word) {
                notifyInterval = try Self.interval(text, flag: "--notify-interval")
            } else if let address = try value(of: "--metrics-address", in: word) {
                guard address.contains(":") else {
                    throw UsageError("invalid value \"\(address)\" for --metrics-address: expected HOST:PORT such as 127.0.0.1:9090")
                }
                metricsAddress = address
            } else if let remote = try value(of: "--fetch", in: word) {
                guard !remote.isEmpty else { throw UsageError("--fetch needs a remote, such as origin") }
                fetchRemote = remote
            } else {
                rest.append(word)
            }
        }
        diff = try DiffInvocation(rest, command: "watch")
        if fetchRemote != nil, case .workingTree = diff.source.revision {
            throw UsageError("--fetch goes with --ref (such as --ref origin/main): the working tree is not fetched")
        }
        guard !diff.dryRun, diff.waitTimeout == nil else {
            throw UsageError("--dry-run and --wait are for one apply; kubectl drift watch --remediate applies as changes come")
        }
    }

    private static func interval(_ text: String, flag: String) throws(UsageError) -> Double {
        let seconds = try DiffInvocation.duration(text, flag: flag)
        guard seconds >= 1 else { throw UsageError("\(flag) must be at least 1s, found \(text)") }
        return seconds
    }
}
