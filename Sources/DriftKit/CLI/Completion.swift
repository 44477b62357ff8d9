/// What completes the word being typed after `kubectl drift`, in cobra's `__complete` protocol.
///
/// kubectl (1.26 and later) completes `kubectl drift <TAB>` by running `kubectl_complete-drift`
/// with the words after `drift`, the last being the word being typed (empty at a space), and
/// reads cobra's answer: one candidate a line (`value<TAB>description`), then `:<directive>`.
/// The shell scripts of `kubectl drift completion` read the same answer, so every shell
/// completes alike.
public struct Completion: Equatable, Sendable {
    /// One value the word may become.
    public struct Candidate: Equatable, Sendable {
        public var value: String
        public var description: String?

        public init(_ value: String, _ description: String? = nil) {
            self.value = value
            self.description = description
        }
    }

    /// How the shell goes on: cobra's `ShellCompDirective` bits.
    public struct Directive: OptionSet, Equatable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Offer file names when there are no candidates (cobra's default, 0).
        public static let files: Directive = []
        /// No space after the completed word (`--context=`).
        public static let noSpace = Directive(rawValue: 2)
        /// Never fall back to file names.
        public static let noFiles = Directive(rawValue: 4)
        /// Offer folder names only.
        public static let folders = Directive(rawValue: 16)
    }

    public var candidates: [Candidate]
    public var directive: Directive

    public init(_ candidates: [Candidate], _ directive: Directive) {
        self.candidates = candidates
        self.directive = directive
    }

    /// What completion reads from this machine: the kubeconfig and the repository.
    public struct Sources: Sendable {
        /// The merged kubeconfig the flags typed so far choose; nil when none can be read.
        public var kubeconfig: @Sendable (KubeconfigOverrides) -> Kubeconfig?
        /// The repository's branches (local and remote) and tags; empty outside one.
        public var revisions: @Sendable () -> [String]

        public init(
            kubeconfig: @escaping @Sendable (KubeconfigOverrides) -> Kubeconfig?,
            revisions: @escaping @Sendable () -> [String]
        ) {
            self.kubeconfig = kubeconfig
            self.revisions = revisions
        }
    }

    /// The candidates for the last of `words` (the words after `drift`).
    public static func complete(_ words: [String], sources: Sources) -> Completion {
        let typed = words.last ?? ""
        let before = Array(words.dropLast())
        let (command, positionals, flagWaitingForValue, overrides) = scan(before)
        let options = command.flatMap(DriftCommand.options(of:)) ?? globalOptions
        if let flag = flagWaitingForValue {
            return values(of: flag, command: command, typed: typed, overrides: overrides, sources: sources)
        }
        if typed.hasPrefix("-") {
            if let equals = typed.firstIndex(of: "=") {
                let flag = String(typed[..<equals])
                guard let spec = options.first(where: { $0.names.contains(flag) }), spec.takesValue else {
                    return Completion([], .noFiles)
                }
                var completion = values(
                    of: spec, command: command, typed: String(typed[typed.index(after: equals)...]), overrides: overrides,
                    sources: sources)
                completion.candidates = completion.candidates.map { Candidate(flag + "=" + $0.value, $0.description) }
                return completion
            }
            let names = (options.flatMap(\.names) + ["--help", "-h"]).filter { $0.hasPrefix(typed) }
            return Completion(names.map { Candidate($0) }, .noFiles)
        }
        guard let command else { return Completion(commands(typed), .noFiles) }
        switch command {
        case "changes" where positionals.count < 2:
            return Completion(matching(sources.revisions(), typed), .noFiles)
        case "completion" where positionals.isEmpty:
            return Completion(matching(CompletionShell.allCases.map(\.rawValue), typed), .noFiles)
        case "help" where positionals.isEmpty:
            return Completion(commands(typed), .noFiles)
        default:
            return Completion([], .noFiles)
        }
    }

    /// cobra's answer: the candidates, a line each, then the directive.
    public func write<Target: TextOutputStream>(to output: inout Target) {
        for candidate in candidates {
            output.write(candidate.value + (candidate.description.map { "\t" + $0 } ?? "") + "\n")
        }
        output.write(":\(directive.rawValue)\n")
    }

    /// kubectl's global flags, which may come before the command.
    static let globalOptions = DiffInvocation.clusterOptions + [OptionSpec("--request-timeout", takesValue: true)]

    /// The command (the first word that is neither a flag nor a flag's value), the words after
    /// it that are not flags, the flag whose value comes next, and the cluster flags given.
    private static func scan(_ words: [String]) -> (String?, [String], OptionSpec?, KubeconfigOverrides) {
        var command: String?
        var positionals: [String] = []
        var waiting: OptionSpec?
        var overrides = KubeconfigOverrides()
        for word in words {
            let options = command.flatMap(DriftCommand.options(of:)) ?? globalOptions
            if let flag = waiting {
                record(flag, word, into: &overrides)
                waiting = nil
            } else if word.hasPrefix("-"), word.count > 1 {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                guard let spec = options.first(where: { $0.names.contains(name) }), spec.takesValue else { continue }
                if let equals = word.firstIndex(of: "=") {
                    record(spec, String(word[word.index(after: equals)...]), into: &overrides)
                } else {
                    waiting = spec
                }
            } else if command == nil {
                command = word
            } else {
                positionals.append(word)
            }
        }
        return (command, positionals, waiting, overrides)
    }

    private static func record(_ flag: OptionSpec, _ value: String, into overrides: inout KubeconfigOverrides) {
        switch flag.canonicalName {
        case "--kubeconfig": overrides.kubeconfig = value
        case "--context": overrides.context = value
        default: break
        }
    }

    private static func values(
        of flag: OptionSpec, command: String?, typed: String, overrides: KubeconfigOverrides, sources: Sources
    ) -> Completion {
        switch flag.canonicalName {
        case "--context":
            return Completion(matching(sources.kubeconfig(overrides).map { Array($0.contexts.keys) } ?? [], typed), .noFiles)
        case "--cluster":
            return Completion(matching(sources.kubeconfig(overrides).map { Array($0.clusters.keys) } ?? [], typed), .noFiles)
        case "--user":
            return Completion(matching(sources.kubeconfig(overrides).map { Array($0.users.keys) } ?? [], typed), .noFiles)
        case "--ref":
            return Completion(matching(sources.revisions(), typed), .noFiles)
        case "--output":
            let formats = command == "render" ? ["yaml", "json"] : OutputFormat.allCases.map(\.rawValue)
            return Completion(matching(formats, typed, sorted: false), .noFiles)
        case "--color":
            return Completion(matching(ColorMode.allCases.map(\.rawValue), typed, sorted: false), .noFiles)
        case "--notify-on":
            return Completion(matching(NotificationPolicy.allCases.map(\.rawValue), typed, sorted: false), .noFiles)
        case "--filename", "--config", "--kubeconfig", "--kustomize-cmd", "--sops-cmd", "--helm-cmd":
            return Completion([], .files)
        case "--kustomize", "--chart-dir":
            return Completion([], .folders)
        default:
            return Completion([], .noFiles)
        }
    }

    /// The commands starting with `typed`, each with its line of the overview.
    private static func commands(_ typed: String) -> [Candidate] {
        DriftCommand.summaries.filter { $0.name.hasPrefix(typed) }.map { Candidate($0.name, $0.summary) }
    }

    private static func matching(_ values: [String], _ typed: String, sorted: Bool = true) -> [Candidate] {
        let found = values.filter { $0.hasPrefix(typed) }
        return (sorted ? found.sorted() : found).map { Candidate($0) }
    }
}

/// A shell `kubectl drift completion` writes a script for.
public enum CompletionShell: String, Sendable, CaseIterable {
    case bash, zsh, fish

    /// The shell of `completion SHELL`, kubectl's global flags allowed beside it.
    init(_ arguments: [String]) throws(UsageError) {
        let shells = Self.allCases.map(\.rawValue).joined(separator: ", ")
        let positionals = try ArgumentParser.parse(arguments, options: Completion.globalOptions).positionals
        guard positionals.count == 1, let shell = CompletionShell(rawValue: positionals[0]) else {
            throw UsageError("kubectl drift completion needs one shell: \(shells)")
        }
        self = shell
    }
}
