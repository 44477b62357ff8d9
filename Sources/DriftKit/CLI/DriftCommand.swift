import Foundation

/// What `kubectl drift` was asked to do, parsed from its arguments without side effects.
public enum DriftCommand: Equatable, Sendable {
    /// `diff`, or `apply` (a diff with `remediate` set).
    case diff(DiffInvocation)
    case render(RenderInvocation)
    case changes(ChangesInvocation)
    case demo(DemoInvocation)
    case watch(WatchInvocation)
    case version
    /// Help for a subcommand, or the overview when nil.
    case help(String?)
    /// `completion bash|zsh|fish`: print the shell's completion script.
    case completion(CompletionShell)
    /// `__complete WORD...`: what completes the last word, in cobra's protocol (the shell
    /// scripts and `kubectl_complete-drift` call it; not listed in help).
    case complete([String])

    /// The commands, each with its line of the overview.
    public static let summaries: [(name: String, summary: String)] = [
        ("diff", "Compare manifests with the live cluster, field by field"),
        ("apply", "Put the cluster back to Git: apply what drifted or is missing"),
        ("watch", "Keep checking (and with --remediate keep putting back) as the cluster changes"),
        ("changes", "List the objects Git added, modified or removed between two revisions"),
        ("render", "Print the objects as kubectl drift reads them from the manifests"),
        ("demo", "Run the drift scenario on a throwaway local API server"),
        ("completion", "Print a shell completion script (bash, zsh or fish)"),
        ("version", "Print the version"),
    ]

    public static let subcommands = summaries.map(\.name) + ["help"]

    /// The flags a command takes, every spelling; nil for a command that takes none.
    public static func options(of command: String) -> [OptionSpec]? {
        switch command {
        case "diff", "apply": return DiffInvocation.options
        case "watch": return WatchInvocation.options
        case "render": return RenderInvocation.options
        case "changes": return ChangesInvocation.options
        case "demo": return DemoInvocation.options
        default: return nil
        }
    }

    public static func parse(_ arguments: [String]) throws(UsageError) -> DriftCommand {
        // Completion words are partial command lines: they are never parsed as a command.
        if arguments.first == "__complete" { return .complete(Array(arguments.dropFirst())) }
        let arguments = try hoistingGlobalFlags(arguments)
        guard let first = arguments.first else { return .help(nil) }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") { return .help(first) }
        switch first {
        case "diff": return .diff(try DiffInvocation(rest))
        case "apply": return .diff(try DiffInvocation(rest, command: "apply"))
        case "render": return .render(try RenderInvocation(rest))
        case "changes": return .changes(try ChangesInvocation(rest))
        case "demo": return .demo(try DemoInvocation(rest))
        case "watch": return .watch(try WatchInvocation(rest))
        case "completion": return .completion(try CompletionShell(rest))
        case "version", "--version": return .version
        case "help", "--help", "-h": return .help(rest.first)
        default:
            throw UsageError("unknown command \"\(first)\" for \"kubectl drift\"; commands: \(subcommands.joined(separator: ", "))")
        }
    }
}

extension DriftCommand {
    /// kubectl's global flags that kubectl-drift takes: scripts call the plugin as kubectl is
    /// called, with them before the command as often as after it.
    static let globalFlags: [(name: String, short: String?)] = [
        ("--kubeconfig", nil), ("--context", nil), ("--cluster", nil), ("--user", nil), ("--namespace", "-n"),
        ("--request-timeout", nil),
    ]

    /// The arguments with the global flags written before the command moved to just after it
    /// (so that the command's own flags, later, still win), as `kubectl --context prod get`
    /// reads them.
    static func hoistingGlobalFlags(_ arguments: [String]) throws(UsageError) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-"), !["-h", "--help", "--version"].contains(arguments[index]) {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard globalFlags.contains(where: { $0.name == name || $0.short == name }) else {
                let known = globalFlags.map(\.name).joined(separator: ", ")
                throw UsageError("unknown flag \(argument) before the command; only kubectl's global flags (\(known)) may come before it")
            }
            globals.append(argument)
            if !argument.contains("=") {
                guard index + 1 < arguments.count else { throw UsageError("flag needs an argument: \(argument)") }
                globals.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard index < arguments.count else { return globals.isEmpty ? [] : ["help"] }
        // Help names the command after it, not the flags.
        if ["-h", "--help", "help"].contains(arguments[index]) { return Array(arguments[index...]) }
        return [arguments[index]] + globals + arguments[(index + 1)...]
    }
}

/// How the report is printed.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, yaml
}

/// When to colour the text report.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether to colour: `auto` colours a terminal unless `NO_COLOR` is set or `TERM` is dumb.
    public func isEnabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            return isTerminal && !noColor && environment["TERM"] != "dumb"
        }
    }
}

/// `-f`/`-R`/`--ref`/`--staged`: where the desired manifests are.
public struct SourceSelection: Equatable, Sendable {
    public var filenames: [String]
    public var recursive: Bool
    public var revision: SourceRevision
    /// `-k DIR`: kustomizations to render with `kubectl kustomize`.
    public var kustomizations: [String]
    /// `--kustomize-cmd`: the renderer instead of `kubectl kustomize`.
    public var kustomizeCommand: String?
    /// `--sops-cmd`: the sops program that decrypts SOPS-encrypted objects (which it also turns on).
    public var sopsCommand: String?
    /// `--flux`: the repository's Flux Kustomizations say what is deployed.
    public var flux: Bool
    /// `--helm-cmd`: the helm that renders HelmReleases instead of `helm` on `PATH`.
    public var helmCommand: String?
    /// `--chart-dir`: folders of packaged charts (`NAME-VERSION.tgz`) for HelmReleases.
    public var chartFolders: [String]
    /// `--strict`: a manifest with a key written twice is an error, not read as kubectl reads it.
    public var strict: Bool

    /// How manifests' keys written twice are read.
    public var duplicateKeys: DuplicateKeyPolicy { DuplicateKeyPolicy(strict: strict) }

    static let options = [
        OptionSpec("--filename", "-f", takesValue: true),
        OptionSpec("--recursive", "-R", takesValue: false),
        OptionSpec("--ref", takesValue: true),
        OptionSpec("--staged", takesValue: false),
        OptionSpec("--kustomize", "-k", takesValue: true),
        OptionSpec("--kustomize-cmd", takesValue: true),
        OptionSpec("--sops-cmd", takesValue: true),
        OptionSpec("--flux", takesValue: false),
        OptionSpec("--helm-cmd", takesValue: true),
        OptionSpec("--chart-dir", takesValue: true),
        OptionSpec("--strict", takesValue: false),
    ]

    /// Everything drift.yaml names (its `paths` or `flux` section), at `revision`.
    init(revision: SourceRevision) {
        filenames = []
        recursive = false
        self.revision = revision
        kustomizations = []
        kustomizeCommand = nil
        sopsCommand = nil
        flux = false
        helmCommand = nil
        chartFolders = []
        strict = false
    }

    /// - Parameter requireFilenames: false when `drift.yaml` may name the paths instead.
    init(_ parsed: ParsedArguments, command: String, requireFilenames: Bool = true) throws(UsageError) {
        filenames = parsed.all("--filename")
        recursive = try parsed.flag("--recursive")
        kustomizations = parsed.all("--kustomize")
        kustomizeCommand = parsed.last("--kustomize-cmd")
        sopsCommand = parsed.last("--sops-cmd")
        flux = try parsed.flag("--flux")
        helmCommand = parsed.last("--helm-cmd")
        chartFolders = parsed.all("--chart-dir")
        strict = try parsed.flag("--strict")
        guard !filenames.isEmpty || !kustomizations.isEmpty || !requireFilenames else {
            throw UsageError("kubectl drift \(command) needs manifests: give them with -f FILE|DIR|-")
        }
        let staged = try parsed.flag("--staged")
        switch (parsed.last("--ref"), staged) {
        case (nil, false): revision = .workingTree
        case (nil, true): revision = .index
        case let (reference?, false):
            guard !reference.isEmpty else { throw UsageError("--ref needs a revision, such as main or HEAD~1") }
            revision = .commit(reference)
        case (_?, true): throw UsageError("--ref and --staged cannot be used together")
        }
    }
}

/// `kubectl drift diff`: compare manifests with the live cluster.
public struct DiffInvocation: Equatable, Sendable {
    public var source: SourceSelection
    public var cluster: KubeconfigOverrides
    public var output: OutputFormat
    /// nil: from drift.yaml, else `kubectl-drift`.
    public var fieldManager: String?
    /// nil: from drift.yaml, else 8.
    public var concurrency: Int?
    public var showSecrets: Bool
    public var color: ColorMode
    /// Seconds before a request is abandoned.
    public var requestTimeout: Double
    /// `--ignore-path`: fields never reported, on every object.
    public var ignorePaths: [JSONPointer]
    /// `--ignore-manager`: fields owned by these field managers are never reported.
    public var ignoreManagers: [String]
    /// `--hand-edit-manager`: field managers counted as people, besides drift.yaml's (or the default) list.
    public var handEditManagers: [String]
    /// `--config`: the repository config to use instead of `drift.yaml` at the repository root.
    public var configFile: String?
    /// `apply` or `diff --remediate`: put the cluster back to Git after detecting.
    public var remediate: Bool
    /// With `remediate`: print what would be applied, write nothing.
    public var dryRun: Bool
    /// With `remediate`: delete and recreate objects whose immutable fields changed.
    public var forceRecreate: Bool
    /// With `remediate`: do not ask before deleting anything.
    public var assumeYes: Bool
    /// `--notify URL`: a webhook that receives a summary of the drift (and of the remediation).
    public var notifyURL: WebhookURL?
    /// `--notify-on`: when to notify; nil: from drift.yaml, else `NotificationPolicy.default`.
    public var notifyOn: NotificationPolicy?
    /// With `remediate`: seconds to wait for applied workloads to be healthy (`--wait`, `--timeout`).
    public var waitTimeout: Double?
    /// With `remediate`: leave unhealthy workloads alone.
    public var skipUnhealthy: Bool
    /// `--prune`: track applied objects in an ApplySet and delete the members Git no longer has
    /// (`diff` shows them).
    public var prune: Bool
    /// `--applyset NAME`: the ApplySet parent Secret (in the `--namespace`, else the context's);
    /// nil for drift.yaml's `applySet`, else `ApplySet.defaultParentName`.
    public var applySetName: String?
    /// `--no-cache`: dry-run every object, neither reading nor writing the verdict cache.
    public var noCache: Bool

    static let options = SourceSelection.options + clusterOptions + [
        OptionSpec("--output", "-o", takesValue: true),
        OptionSpec("--field-manager", takesValue: true),
        OptionSpec("--concurrency", takesValue: true),
        OptionSpec("--show-secrets", takesValue: false),
        OptionSpec("--color", takesValue: true),
        OptionSpec("--request-timeout", takesValue: true),
        OptionSpec("--ignore-path", takesValue: true),
        OptionSpec("--ignore-manager", takesValue: true),
        OptionSpec("--hand-edit-manager", takesValue: true),
        OptionSpec("--config", takesValue: true),
        OptionSpec("--remediate", takesValue: false),
        OptionSpec("--dry-run", takesValue: false),
        OptionSpec("--force-recreate", takesValue: false),
        OptionSpec("--yes", "-y", takesValue: false),
        OptionSpec("--notify", takesValue: true),
        OptionSpec("--notify-on", takesValue: true),
        OptionSpec("--wait", takesValue: false),
        OptionSpec("--timeout", takesValue: true),
        OptionSpec("--skip-unhealthy", takesValue: false),
        OptionSpec("--prune", takesValue: false),
        OptionSpec("--applyset", takesValue: true),
        OptionSpec("--no-cache", takesValue: false),
    ]

    static let clusterOptions = [
        OptionSpec("--kubeconfig", takesValue: true),
        OptionSpec("--context", takesValue: true),
        OptionSpec("--cluster", takesValue: true),
        OptionSpec("--user", takesValue: true),
        OptionSpec("--namespace", "-n", takesValue: true),
    ]

    /// - Parameter command: `diff`, or `apply`, which remediates.
    public init(_ arguments: [String], command: String = "diff") throws(UsageError) {
        let parsed = try ArgumentParser.parse(arguments, options: Self.options)
        try rejectPositionals(parsed, command: command)
        source = try SourceSelection(parsed, command: command, requireFilenames: false)
        cluster = KubeconfigOverrides(parsed)
        output = try choice(parsed.last("--output"), default: .text, flag: "--output")
        fieldManager = parsed.last("--field-manager")
        guard fieldManager != "" else { throw UsageError("--field-manager must not be empty") }
        concurrency = try Self.concurrency(parsed)
        showSecrets = try parsed.flag("--show-secrets")
        color = try choice(parsed.last("--color"), default: .auto, flag: "--color")
        requestTimeout = try Self.duration(parsed.last("--request-timeout") ?? "60s", flag: "--request-timeout")
        ignorePaths = try parsed.all("--ignore-path").map { (text: String) throws(UsageError) -> JSONPointer in
            guard !text.isEmpty else { throw UsageError("--ignore-path needs a JSON pointer such as /spec/replicas") }
            do {
                return try JSONPointer(text)
            } catch {
                throw UsageError("invalid value \"\(text)\" for --ignore-path: \(error)")
            }
        }
        ignoreManagers = parsed.all("--ignore-manager")
        guard !ignoreManagers.contains("") else { throw UsageError("--ignore-manager needs a field manager name") }
        handEditManagers = parsed.all("--hand-edit-manager")
        guard !handEditManagers.contains("") else { throw UsageError("--hand-edit-manager needs a field manager name") }
        configFile = parsed.last("--config")
        let remediateFlag = try parsed.flag("--remediate")
        remediate = command == "apply" || remediateFlag
        dryRun = try parsed.flag("--dry-run")
        forceRecreate = try parsed.flag("--force-recreate")
        assumeYes = try parsed.flag("--yes")
        if let text = parsed.last("--notify") {
            do {
                notifyURL = try WebhookURL(text)
            } catch {
                // The URL itself is not repeated: a webhook's path is its secret.
                throw UsageError("invalid value for --notify: \(error)")
            }
        }
        if parsed.last("--notify-on") != nil {
            notifyOn = try choice(parsed.last("--notify-on"), default: NotificationPolicy.default, flag: "--notify-on")
        }
        let wait = try parsed.flag("--wait")
        let timeout = try Self.duration(parsed.last("--timeout") ?? "5m", flag: "--timeout")
        // A deadline for nothing would be silently ignored; say so instead.
        guard wait || parsed.last("--timeout") == nil else {
            throw UsageError("--timeout is how long --wait waits; give --wait too (kubectl drift apply --wait --timeout 5m)")
        }
        waitTimeout = wait ? timeout : nil
        skipUnhealthy = try parsed.flag("--skip-unhealthy")
        prune = try parsed.flag("--prune")
        applySetName = parsed.last("--applyset")
        noCache = try parsed.flag("--no-cache")
        guard applySetName.map({ !$0.isEmpty && !$0.contains("/") }) ?? true else {
            throw UsageError("--applyset needs the name of the ApplySet parent Secret, such as my-app-applyset")
        }
        guard remediate || (waitTimeout == nil && !skipUnhealthy) else {
            throw UsageError("--wait and --skip-unhealthy go with kubectl drift apply (or diff --remediate)")
        }
        guard remediate || !(dryRun || forceRecreate || assumeYes) else {
            throw UsageError("--dry-run, --force-recreate and --yes go with kubectl drift apply (or diff --remediate); diff never writes")
        }
    }

    /// Reads a kubectl-style duration: `30s`, `2m`, `500ms`, `1h`, or plain seconds.
    /// `--concurrency N`, from 1 to 256; nil when not given.
    static func concurrency(_ parsed: ParsedArguments) throws(UsageError) -> Int? {
        guard let text = parsed.last("--concurrency") else { return nil }
        guard let concurrency = Int(text), (1...256).contains(concurrency) else {
            throw UsageError("invalid value \"\(text)\" for --concurrency: expected a whole number from 1 to 256")
        }
        return concurrency
    }

    static func duration(_ text: String, flag: String) throws(UsageError) -> Double {
        guard let seconds = DurationText.seconds(text) else {
            throw UsageError("invalid value \"\(text)\" for \(flag): expected a duration such as 30s or 2m")
        }
        return seconds
    }
}

/// `kubectl drift render`: print the desired objects as DriftKit read them.
public struct RenderInvocation: Equatable, Sendable {
    public var source: SourceSelection
    public var output: OutputFormat
    /// `--concurrency`: helm processes at once; nil for drift.yaml's, else 8.
    public var concurrency: Int?

    static let options = SourceSelection.options + [
        OptionSpec("--output", "-o", takesValue: true), OptionSpec("--concurrency", takesValue: true),
    ]

    public init(_ arguments: [String]) throws(UsageError) {
        let parsed = try ArgumentParser.parse(arguments, options: Self.options)
        try rejectPositionals(parsed, command: "render")
        source = try SourceSelection(parsed, command: "render")
        concurrency = try DiffInvocation.concurrency(parsed)
        output = try choice(parsed.last("--output"), default: .yaml, flag: "--output")
        guard output != .text else { throw UsageError("kubectl drift render prints json or yaml, not text") }
    }
}

/// `kubectl drift changes FROM TO`: the objects Git changed between two revisions.
public struct ChangesInvocation: Equatable, Sendable {
    public var from: String
    public var to: String
    /// Where to look; the whole repository when no `-f` is given.
    public var filenames: [String]
    public var recursive: Bool
    public var output: OutputFormat
    /// The kubeconfig whose context's namespace objects that name none are placed in, as
    /// `diff` places them; no server is asked.
    public var cluster: KubeconfigOverrides
    /// `--strict`: a manifest with a key written twice is an error.
    public var strict: Bool

    static let options = DiffInvocation.clusterOptions + [
        OptionSpec("--filename", "-f", takesValue: true),
        OptionSpec("--recursive", "-R", takesValue: false),
        OptionSpec("--output", "-o", takesValue: true),
        OptionSpec("--strict", takesValue: false),
        // A global flag that means nothing here, taken as kubectl takes it.
        OptionSpec("--request-timeout", takesValue: true),
    ]

    public init(_ arguments: [String]) throws(UsageError) {
        let parsed = try ArgumentParser.parse(arguments, options: Self.options)
        guard parsed.positionals.count == 2 else {
            throw UsageError("kubectl drift changes needs two revisions, such as: kubectl drift changes main HEAD")
        }
        from = parsed.positionals[0]
        to = parsed.positionals[1]
        filenames = parsed.all("--filename")
        // Without -f the whole repository is meant, folders included.
        recursive = filenames.isEmpty ? true : try parsed.flag("--recursive")
        if filenames.isEmpty { filenames = ["."] }
        output = try choice(parsed.last("--output"), default: .text, flag: "--output")
        cluster = KubeconfigOverrides(parsed)
        strict = try parsed.flag("--strict")
    }
}

/// `kubectl drift demo`: the scale-drift scenario on a throwaway local API server.
public struct DemoInvocation: Equatable, Sendable {
    public var color: ColorMode
    /// Keep the server running after the scenario, until interrupted, for exploring and benchmarks.
    public var keep: Bool

    static let options = [OptionSpec("--color", takesValue: true), OptionSpec("--keep", takesValue: false)]

    public init(_ arguments: [String]) throws(UsageError) {
        let parsed = try ArgumentParser.parse(arguments, options: Self.options)
        try rejectPositionals(parsed, command: "demo")
        color = try choice(parsed.last("--color"), default: .auto, flag: "--color")
        keep = try parsed.flag("--keep")
    }
}

extension KubeconfigOverrides {
    /// The cluster flags as given (`--kubeconfig`, `--context`, `--cluster`, `--user`, `-n`).
    init(_ parsed: ParsedArguments) {
        self.init(
            kubeconfig: parsed.last("--kubeconfig"), context: parsed.last("--context"),
            cluster: parsed.last("--cluster"), user: parsed.last("--user"), namespace: parsed.last("--namespace"))
    }
}

private func rejectPositionals(_ parsed: ParsedArguments, command: String) throws(UsageError) {
    if let extra = parsed.positionals.first {
        throw UsageError("unexpected argument \"\(extra)\" for \"kubectl drift \(command)\"")
    }
}

private func choice<Choice: RawRepresentable & CaseIterable>(
    _ value: String?, default defaultValue: Choice, flag: String
) throws(UsageError) -> Choice where Choice.RawValue == String {
    guard let value else { return defaultValue }
    guard let parsed = Choice(rawValue: value) else {
        let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError("invalid value \"\(value)\" for \(flag): expected one of \(allowed)")
    }
    return parsed
}
