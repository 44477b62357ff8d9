import Foundation

/// One run of an installed hook: `post-merge`, `pre-push` or `reference-transaction`.
///
/// Never in the way: whatever goes wrong (no drift.yaml, a cluster that cannot be reached,
/// rejected credentials, a broken manifest, a detached HEAD) is one line and exit 0. The
/// one exception is `hook.block: errors`, under which pre-push refuses a push whose objects
/// the server would refuse (exit 1). Nothing is written to the cluster but the configured
/// reconcile, and only to the cluster drift.yaml pins.
public struct HookRun {
    public var hook: HookName
    /// Git's own arguments: post-merge's squash flag, pre-push's remote and URL,
    /// reference-transaction's state.
    public var arguments: [String]
    /// What git fed the hook on standard input (pre-push's and reference-transaction's lines).
    public var input: String
    public var directory: String
    public var environment: [String: String]
    public var json: Bool
    public var color: Bool
    public var watch: HookWatch

    public init(
        hook: HookName, arguments: [String], input: String, directory: String, environment: [String: String],
        json: Bool, color: Bool, watch: HookWatch
    ) {
        self.hook = hook
        self.arguments = arguments
        self.input = input
        self.directory = directory
        self.environment = environment
        self.json = json
        self.color = color
        self.watch = watch
    }

    /// Runs the hook: the report goes to `output`, notes and warnings to `messages`; returns
    /// the exit status (1 only for a push that `hook.block: errors` refuses).
    public func run<Output: TextOutputStream, Messages: TextOutputStream>(
        output: inout Output, messages: inout Messages
    ) -> Int32 {
        var session = HookSession(run: self)
        let status: Int32
        switch hook {
        case .postMerge: status = session.postMerge()
        case .prePush: status = session.prePush()
        case .referenceTransaction: status = session.referenceTransaction()
        }
        output.write(session.output)
        messages.write(session.messages)
        return status
    }
}

/// The state of one hook run while it works; what it writes is kept until the end so that
/// JSON output stays one document.
struct HookSession {
    let run: HookRun
    var output = ""
    var messages = ""
    /// Reports, for JSON output: one per previewed range.
    var documents: [JSONValue] = []

    init(run: HookRun) { self.run = run }

    /// A line for the person at the terminal: in order with the report, or apart from the
    /// JSON document.
    mutating func note(_ line: String) {
        if run.json { messages += "git-drift-hook: \(line)\n" } else { output += "git-drift-hook: \(line)\n" }
    }

    mutating func warn(_ line: String) { note("warning: \(line)") }

    // MARK: post-merge

    mutating func postMerge() -> Int32 {
        if run.arguments.first == "1" {
            note("a squash merge commits nothing yet; its commit is previewed when it is pushed")
            return 0
        }
        guard let repository = openRepository() else { return 0 }
        guard let branch = repository.currentBranch() else {
            note("HEAD is detached, on no branch: nothing to preview")
            return 0
        }
        guard let head = commit("HEAD", in: repository), let setup = setup(at: head) else { return 0 }
        guard covers(setup, branch: branch, repository: repository) else { return 0 }
        guard let old = commit("ORIG_HEAD", in: repository, purpose: "the commit before the merge") else { return 0 }
        guard let preview = preview(old, head, setup: setup, repository: repository) else { return finish() }
        reconcile(preview, setup: setup, repository: repository)
        return finish()
    }

    // MARK: pre-push

    mutating func prePush() -> Int32 {
        let remote = run.arguments.first ?? "origin"
        let (refs, malformed) = PushedRef.parse(run.input)
        malformed.forEach { warn("ignoring a line git-drift-hook cannot read on pre-push's standard input: \"\($0)\"") }
        guard !refs.isEmpty, let repository = openRepository() else { return finish() }
        var blocked: [String] = []
        var pending = PendingReconcile.read(PendingReconcile.file(gitDirectory: repository.gitDirectory), now: Date())
        for ref in refs {
            guard let branch = ref.branch else { continue }
            if ref.isDeletion {
                note("the push deletes \(branch) on \(remote): nothing to preview")
                continue
            }
            guard let new = commit(ref.localID, in: repository, purpose: "the pushed commit"),
                let setup = setup(at: new), covers(setup, branch: branch, repository: repository),
                let old = base(of: ref, new: new, remote: remote, repository: repository)
            else { continue }
            guard let preview = preview(old, new, setup: setup, repository: repository) else {
                if setup.blocksOnErrors, lastProblemBlocks { blocked.append(branch) }
                continue
            }
            if setup.blocksOnErrors, !preview.report.failures.isEmpty {
                blocked.append(branch)
                continue
            }
            pending.removeAll { $0.remote == remote && $0.branch == branch }
            // Git names a push to a URL by the URL, and updates no remote-tracking ref after it.
            if setup.settings.reconcile != .none, run.arguments.count > 1, run.arguments[1] == remote {
                note("the push goes to a URL, not a named remote, so nothing tells git-drift-hook it succeeded: no reconcile; push to a remote (git remote add) to have one")
            } else if setup.settings.reconcile != .none {
                pending.append(PendingReconcile(
                    remote: remote, branch: branch, from: old.id, to: new.id, recorded: Date().timeIntervalSince1970))
            }
        }
        do {
            try PendingReconcile.write(pending, to: PendingReconcile.file(gitDirectory: repository.gitDirectory))
        } catch {
            warn("cannot record the reconcile to run once the push succeeds: \(error)")
        }
        let status = finish()
        guard blocked.isEmpty else {
            note("refusing the push of \(blocked.joined(separator: ", ")): the server would refuse "
                + "what it deploys (hook.block: errors in \(DriftConfig.fileName)); fix it, or push anyway with "
                + "git push --no-verify or DRIFT_HOOK=skip")
            return 1
        }
        return status
    }

    /// Whether the problem that stopped the last preview is one the server would refuse
    /// (a manifest that cannot be read), not one of reaching the cluster.
    private(set) var lastProblemBlocks = false

    /// The commit the pushed commits are compared with: the remote's, or for a new branch its
    /// merge base with the default branch.
    private mutating func base(of ref: PushedRef, new: GitCommit, remote: String, repository: GitRepository) -> GitCommit? {
        guard ref.isCreation else {
            guard let old = try? repository.commit(ref.remoteID) else {
                note("\(remote)'s \(ref.branch ?? ref.remoteRef) is at \(ref.remoteID.prefix(7)), which this clone does not have: git fetch, then push again to preview")
                return nil
            }
            return old
        }
        guard let defaultBranch = repository.defaultBranch(remote: remote),
            let target = (try? repository.commit("refs/remotes/\(remote)/\(defaultBranch)")) ?? (try? repository.commit(defaultBranch)),
            let base = repository.mergeBase(new, target)
        else {
            note("\(ref.branch ?? ref.remoteRef) is new on \(remote) and shares no history with its default branch: nothing to compare with")
            return nil
        }
        return base
    }

    // MARK: reference-transaction

    mutating func referenceTransaction() -> Int32 {
        guard run.arguments.first == "committed", let repository = try? GitRepository.discover(from: run.directory, environment: run.environment) else {
            return 0
        }
        let file = PendingReconcile.file(gitDirectory: repository.gitDirectory)
        let pending = PendingReconcile.read(file, now: Date())
        let done = PendingReconcile.completed(pending, by: run.input)
        guard !done.isEmpty else { return 0 }
        // Taken off first: a reconcile that fails is reported, never retried by the next transaction.
        try? PendingReconcile.write(pending.filter { !done.contains($0) }, to: file)
        for record in done {
            guard let new = commit(record.to, in: repository, purpose: "the pushed commit"),
                let old = commit(record.from, in: repository, purpose: "the remote's commit before the push"),
                let setup = setup(at: new)
            else { continue }
            note("the push of \(record.branch) to \(record.remote) succeeded; reconciling")
            guard let preview = preview(old, new, setup: setup, repository: repository, report: false) else { continue }
            reconcile(preview, setup: setup, repository: repository)
        }
        return finish()
    }

    // MARK: Shared steps

    private mutating func openRepository() -> GitRepository? {
        do {
            return try GitRepository.discover(from: run.directory, environment: run.environment)
        } catch {
            warn("\(error)")
            return nil
        }
    }

    private mutating func commit(_ revision: String, in repository: GitRepository, purpose: String? = nil) -> GitCommit? {
        do {
            return try repository.commit(revision)
        } catch {
            warn("cannot read \(purpose ?? revision): \(error)")
            return nil
        }
    }

    /// drift.yaml at `commit` and its hook settings; nil (with a line saying why) when the
    /// repository has none or it cannot be read.
    private mutating func setup(at commit: GitCommit) -> HookSetup? {
        let read: DriftConfig?
        do {
            read = try DriftConfig.read(atRootOf: try commit.tree())
        } catch let error as DriftConfigError {
            warn("\(error); the hook does nothing until it is fixed")
            return nil
        } catch {
            warn("cannot read \(DriftConfig.fileName) at \(commit.shortID): \(error)")
            return nil
        }
        guard let config = read else {
            note("no \(DriftConfig.fileName) at the root of \(commit.shortID): nothing to preview (see docs/drift-yaml.md)")
            return nil
        }
        let setup = HookSetup(config: config, settings: config.hook ?? DriftConfig.HookSettings())
        run.watch.limit(setup.settings.timeout)
        return setup
    }

    /// Whether `branch` is one hook.branches previews; says so when it is not.
    private mutating func covers(_ setup: HookSetup, branch: String, repository: GitRepository) -> Bool {
        var branches = setup.settings.branches
        if branches.isEmpty {
            guard let defaultBranch = repository.defaultBranch() else {
                note("cannot tell this repository's default branch; list the branches to preview under hook.branches in \(DriftConfig.fileName)")
                return false
            }
            branches = [defaultBranch]
        }
        for name in branches where !repository.hasBranch(name) {
            warn("hook.branches in \(DriftConfig.fileName) names \(name), which is neither a local nor a remote branch here")
        }
        guard branches.contains(branch) else {
            note("\(branch) is not previewed (hook.branches: \(branches.joined(separator: ", ")))")
            return false
        }
        return true
    }

    /// The preview of `old`..`new` against the pinned cluster, reported unless `report` is
    /// false; nil, with a line saying why, when there is nothing to preview or it cannot be done.
    private mutating func preview(
        _ old: GitCommit, _ new: GitCommit, setup: HookSetup, repository: GitRepository, report: Bool = true
    ) -> HookPreviewResult? {
        lastProblemBlocks = false
        run.watch.enter("reading what \(old.shortID)..\(new.shortID) changes")
        let deployed: DeployedChanges
        do {
            deployed = try DeployedChanges.between(old, new, config: setup.config, environment: run.environment)
        } catch let error as DeployedChangesError {
            note("\(error)")
            return nil
        } catch {
            // A manifest kubectl cannot read fails on the server too.
            lastProblemBlocks = true
            warn("\(old.shortID)..\(new.shortID): \(error)")
            return nil
        }
        deployed.warnings.forEach { warn($0) }
        if deployed.changeSet.isEmpty {
            if report { note("\(old.shortID)..\(new.shortID) changes no object the repository deploys") }
            return nil
        }
        guard let cluster = connect(setup, repository: repository) else { return nil }
        run.watch.enter("previewing \(old.shortID)..\(new.shortID) against \(cluster.detector.connection.server)")
        let impact: ImpactReport
        do {
            impact = try ImpactPreview(detector: cluster.detector, removal: cluster.removal).preview(deployed)
        } catch {
            warn("\(error); no preview, and the \(run.hook.operation) goes on")
            return nil
        }
        if report {
            if run.json {
                documents.append(ImpactReporter.document(impact))
            } else {
                ImpactReporter(color: run.color).write(impact, to: &output)
            }
        }
        return HookPreviewResult(deployed: deployed, report: impact, cluster: cluster, reported: report)
    }

    /// The client for the cluster drift.yaml pins, checked to be that cluster.
    private mutating func connect(_ setup: HookSetup, repository: GitRepository) -> HookCluster? {
        guard let pin = setup.config.cluster else {
            note("\(DriftConfig.fileName) pins no cluster (cluster: context: NAME); the hook previews only against a pinned cluster")
            return nil
        }
        run.watch.enter("connecting to the cluster")
        do {
            let connection = try KubeconfigLoader.resolve(
                overrides: KubeconfigOverrides(context: pin.context), environment: run.environment)
            if let mismatch = pin.verify(contextName: connection.contextName, server: connection.server) {
                warn("\(mismatch); nothing previewed")
                return nil
            }
            var transport = CurlTransport.Options()
            // No single request may outlast the hook.
            transport.requestTimeout = max(1, min(transport.requestTimeout, (run.watch.remaining ?? setup.settings.timeout).rounded(.down)))
            transport.connectTimeout = min(transport.connectTimeout, transport.requestTimeout)
            let client = APIClient(transport: try CurlTransport(connection: connection, options: transport))
            var options = DriftOptions(config: setup.config)
            var removal = RemovalPolicy.flux
            if setup.config.flux == nil {
                let prunes = setup.settings.reconcile == .apply && setup.settings.prune
                let applySet = ApplySet(name: setup.config.applySet ?? ApplySet.defaultParentName, namespace: connection.namespace)
                do {
                    let checked = try ApplySetMembership.checked(applySet, prune: prunes, repository: repository.remoteIdentity, client: client)
                    options.membership = checked.membership
                    checked.warning.map { warn($0) }
                } catch {
                    guard case let .api(apiError) = error else { throw error }
                    throw DriftDetector.clusterError(apiError, connection: connection)
                }
                switch setup.settings.reconcile {
                case .argocd: removal = .argocd
                case .flux: removal = .flux
                case .apply, .none:
                    let reason = setup.settings.reconcile == .none
                        ? "hook.reconcile is none; kubectl drift apply --prune deletes it"
                        : "hook.prune is off; kubectl drift apply --prune deletes it"
                    removal = .applySet(applySet, prunes: prunes, reason: reason)
                }
            }
            return HookCluster(detector: DriftDetector(client: client, connection: connection, options: options), removal: removal)
        } catch {
            warn("\(error); no preview, and the \(run.hook.operation) goes on")
            return nil
        }
    }

    /// Runs the configured reconcile; its failures are warnings.
    private mutating func reconcile(_ preview: HookPreviewResult, setup: HookSetup, repository: GitRepository) {
        guard setup.settings.reconcile != .none else { return }
        run.watch.enter("reconciling (hook.reconcile: \(setup.settings.reconcile.rawValue))")
        var reconciler = HookReconciler(settings: setup.settings, color: run.color, json: run.json)
        reconciler.reconcile(preview, repository: repository)
        output += reconciler.output
        reconciler.warnings.forEach { warn($0) }
        guard let reconciled = reconciler.document else { return }
        // Beside the preview it follows; after a push, on its own.
        if preview.reported, var last = documents.popLast()?.objectValue {
            last["reconcile"] = reconciled
            documents.append(.object(last))
        } else {
            documents.append([
                "apiVersion": .string(ReportDocument.apiVersion), "kind": "HookReconcile",
                "from": .string(preview.report.changeSet.fromID), "to": .string(preview.report.changeSet.toID),
                "reconcile": reconciled,
            ])
        }
    }

    /// Writes the JSON documents, if any, as one; returns 0.
    private mutating func finish() -> Int32 {
        guard run.json, !documents.isEmpty else { return 0 }
        output += (documents.count == 1 ? documents[0] : .array(documents)).jsonText(indent: 2) + "\n"
        documents = []
        return 0
    }
}

/// drift.yaml as the hook reads it.
struct HookSetup {
    var config: DriftConfig
    var settings: DriftConfig.HookSettings

    var blocksOnErrors: Bool { settings.block == .errors }
}

/// The pinned cluster, ready for the preview and the reconcile.
struct HookCluster {
    var detector: DriftDetector
    var removal: RemovalPolicy
}

/// A preview done: what changed, what it does, and the cluster it was done against.
struct HookPreviewResult {
    var deployed: DeployedChanges
    var report: ImpactReport
    var cluster: HookCluster
    /// Whether the preview was printed (or is a JSON document), so that the reconcile goes with it.
    var reported: Bool
}
