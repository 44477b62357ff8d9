import DriftKit
import Foundation

/// `kubectl drift diff`: wires sources, cluster, comparison and report.
struct DiffCommand {
    let invocation: DiffInvocation
    let environment = ProcessInfo.processInfo.environment

    func run(output: inout StandardStream) throws -> Int32 {
        let run = try prepare()
        let status = invocation.remediate ? try remediate(run, output: &output) : try detect(run, output: &output)
        run.saveCache()
        return status
    }

    /// Reads Git and drift.yaml, connects to the cluster (checked against the pin), and wires
    /// the detector with its ApplySet membership: what diff, apply and watch share.
    func prepare() throws -> Run {
        let connection = try KubeconfigLoader.resolve(overrides: invocation.cluster, environment: environment)
        var transportOptions = CurlTransport.Options()
        transportOptions.requestTimeout = invocation.requestTimeout
        let client = APIClient(transport: try CurlTransport(connection: connection, options: transportOptions))

        let desired = try loadDesired(client: client)
        let notification = try notificationTarget(desired.config)
        desired.warnings.forEach { StandardStream.printError("warning: \($0)") }
        // The text report says it in each section; a machine-readable one also in notChecked[].
        if invocation.output != .text { desired.notRendered.forEach { StandardStream.printError("note: \($0)") } }
        guard !desired.manifests.isEmpty || !desired.skipped.isEmpty else {
            throw ManifestError.noObjects(
                paths: invocation.source.filenames, notRendered: desired.notRendered.map(\.description))
        }
        try checkPinnedCluster(desired.config, connection: connection)

        var options = comparisonOptions(desired.config, fluxUnits: desired.fluxUnits)
        // With Flux, Flux's inventories record ownership; otherwise an ApplySet does: every
        // object an apply writes carries its part-of label, and with --prune every object must.
        let prune = invocation.prune || desired.config?.prune == true
        let applySet = desired.fluxUnits.isEmpty
            ? ApplySet(
                name: invocation.applySetName ?? desired.config?.applySet ?? ApplySet.defaultParentName,
                namespace: invocation.cluster.namespace ?? connection.namespace)
            : nil
        if let applySet {
            let checked: (membership: ApplySetMembership?, warning: String?)
            do {
                checked = try ApplySetMembership.checked(applySet, prune: prune, repository: desired.repository, client: client)
            } catch {
                // The run's first request: an unreachable cluster is said in the detector's words.
                guard case let .api(apiError) = error, apiError.statusCode != 403 else { throw error }
                throw DriftDetector.clusterError(apiError, connection: connection)
            }
            options.membership = checked.membership
            // Only a run that writes records ownership; diff has nothing to warn about.
            if invocation.remediate { checked.warning.map { StandardStream.printError("warning: \($0)") } }
        }
        // Hashes of in-sync verdicts from earlier runs against this cluster as this user.
        let cacheFile = invocation.noCache
            ? nil : VerdictCacheFile(connection: connection, user: invocation.cluster.user, environment: environment)
        options.verdictCache = cacheFile?.load()
        let detector = DriftDetector(client: client, connection: connection, options: options)
        return Run(
            detector: detector, desired: desired, manifests: desired.manifests,
            prunedSet: prune ? options.membership?.applySet : nil, prunesFlux: prune && !desired.fluxUnits.isEmpty,
            notification: notification, cacheFile: cacheFile)
    }

    /// How objects are compared: drift.yaml's settings under the invocation's flags, with
    /// what the HelmReleases' `driftDetection.ignore` rules leave out of their objects.
    func comparisonOptions(_ config: DriftConfig?, fluxUnits: [FluxUnit]) -> DriftOptions {
        var options = DriftOptions(
            config: config, fieldManager: invocation.fieldManager, concurrency: invocation.concurrency,
            explicitNamespace: invocation.cluster.namespace, ignorePaths: invocation.ignorePaths,
            ignoreManagers: invocation.ignoreManagers, handEditManagers: invocation.handEditManagers)
        options.filter.rules += fluxUnits.helmIgnoreRules
        return options
    }

    /// The desired state as the invocation names it: Flux's `substituteFrom` and `valuesFrom`
    /// read from the cluster, charts rendered for its version and APIs.
    func loadDesired(client: APIClient) throws -> DesiredState {
        let concurrency = invocation.concurrency ?? DriftOptions.defaultConcurrency
        return try loadDesiredState(
            invocation.source, configFile: invocation.configFile, concurrency: invocation.concurrency,
            // Charts see the cluster they are compared with, as helm-controller's helm does.
            helmCapabilities: { try? client.helmCapabilities(concurrency: concurrency) }
        ) { reference in
            // Flux fails a Kustomization whose required substituteFrom object is missing; an
            // optional one counts as empty.
            let values = try? client.configData(kind: reference.kind, name: reference.name, namespace: reference.namespace)
            return values ?? (reference.optional ? [:] : nil)
        }
    }

    /// What the diff and apply paths share once the stages are wired.
    struct Run {
        var detector: DriftDetector
        var desired: DesiredState
        var manifests: [Manifest]
        /// With `--prune` outside Flux mode: the ApplySet whose members Git no longer has are pruned.
        var prunedSet: ApplySet?
        /// With `--prune` in Flux mode: the Kustomizations' inventories say what is pruned.
        var prunesFlux: Bool
        /// Where and when to send the summary; nil without `--notify` or drift.yaml `notify`.
        var notification: (url: WebhookURL, policy: NotificationPolicy)?
        /// Where the verdict cache is kept between runs; nil with `--no-cache`.
        var cacheFile: VerdictCacheFile?

        var config: DriftConfig? { desired.config }

        /// Writes the verdict cache back; a cache that cannot be written only costs the next
        /// run its dry runs.
        func saveCache() {
            guard let cacheFile, let cache = detector.options.verdictCache else { return }
            do throws(VerdictCacheError) {
                try cacheFile.save(cache)
            } catch {
                StandardStream.printError("warning: \(error)")
            }
        }
        var client: APIClient { detector.client }

        /// Posts the summary when the policy says so; a failed notification is a warning, never
        /// a failure of the run.
        func notify(_ report: DriftReport, remediation: NotificationSummary? = nil) {
            let connection = detector.connection
            let content = NotificationContent(
                report: report, remediation: remediation, cluster: connection.clusterName, context: connection.contextName)
            guard let (url, policy) = notification, policy.shouldSend(content) else { return }
            if let problem = NotificationSender().send(content, to: url) {
                StandardStream.printError("warning: the notification was not delivered: \(problem)")
            }
        }
    }

    private var color: Bool {
        invocation.color.isEnabled(isTerminal: StandardStream.isOutputTerminal, environment: environment)
    }

    /// drift.yaml's pinned cluster: remediation refuses any other; diff, which only reads, warns.
    func checkPinnedCluster(_ config: DriftConfig?, connection: ClusterConnection, writes: Bool? = nil) throws {
        guard let mismatch = config?.cluster?.verify(contextName: connection.contextName, server: connection.server) else {
            return
        }
        if writes ?? invocation.remediate { throw RemediationRefused(reason: "\(mismatch); refusing to change it") }
        StandardStream.printError("warning: \(mismatch)")
    }

    /// `--notify` (else drift.yaml's `notify`) and when to use it; `--notify-on` without any
    /// webhook is a mistake worth stopping for, before any request.
    private func notificationTarget(_ config: DriftConfig?) throws -> (url: WebhookURL, policy: NotificationPolicy)? {
        let policy = invocation.notifyOn ?? config?.notifyOn ?? .default
        guard let url = invocation.notifyURL ?? config?.notify else {
            if invocation.notifyOn != nil {
                throw UsageError("--notify-on needs a webhook: give --notify URL, or notify in \(DriftConfig.fileName)")
            }
            return nil
        }
        return (url, policy)
    }

    private func detect(_ run: Run, output: inout StandardStream) throws -> Int32 {
        let progress = ProgressLine(total: run.manifests.count)
        var report = try run.detector.detect(
            run.manifests, existenceOnly: run.desired.existenceOnly, skipped: run.desired.skipped, progress: progress?.callback)
        progress?.finish()
        let desiredIdentities = Set(report.objects.map(\.identity))
        let flux = FluxLiveState.read(run.desired.fluxUnits, client: run.client, concurrency: run.detector.options.concurrency)
        var pruneProblems: [String] = []
        if let applySet = run.prunedSet {
            let pruner = Pruner(
                client: run.client, discovery: Discovery(client: run.client), applySet: applySet,
                fieldManager: run.detector.options.fieldManager)
            let plan = pruner.plan(desired: desiredIdentities, parent: run.detector.options.membership?.recorded ?? .absent)
            (report.prunable, pruneProblems) = (plan.candidates.map(\.identity), plan.problems.map(\.description))
            (report.pruneContents, report.pruneHeld) = (PruneCandidate.contents(of: plan.candidates), plan.held)
        } else if run.prunesFlux {
            let plan = FluxInventoryPruner(client: run.client, discovery: Discovery(client: run.client))
                .plan(flux, desired: desiredIdentities, concurrency: run.detector.options.concurrency)
            (report.prunable, report.pruneHeld, pruneProblems) = (plan.candidates.map(\.identity), plan.held, plan.problems.map(\.description))
            report.pruneContents = PruneCandidate.contents(of: plan.candidates)
        }
        pruneProblems.forEach { StandardStream.printError("warning: prune preview incomplete: \($0)") }
        report.groups = flux.reportGroups
        report.notChecked = run.desired.notChecked
        if !invocation.showSecrets { report = SecretMasker.mask(report) }
        run.notify(report)
        for drift in report.objects {
            drift.warnings.forEach { StandardStream.printError("warning: \($0)") }
        }
        switch invocation.output {
        case .text: TextReporter(color: color).write(report, to: &output)
        case .json: output.write(ReportDocument.make(report).jsonText(indent: 2) + "\n")
        case .yaml: output.write(YAML.text(for: ReportDocument.make(report)))
        }
        return report.exitCode
    }

    /// How the invocation and drift.yaml say objects are put back.
    func remediationOptions(_ run: Run) -> RemediationOptions {
        var remediation = RemediationOptions()
        remediation.dryRun = invocation.dryRun
        remediation.forceRecreate = invocation.forceRecreate
        remediation.skipUnhealthy = invocation.skipUnhealthy || run.config?.skipUnhealthy == true
        remediation.suspendAll = run.config?.suspend == true
        remediation.prune = run.prunedSet != nil || run.prunesFlux
        remediation.fluxUnits = run.desired.fluxUnits
        remediation.waitTimeout = invocation.waitTimeout
        return remediation
    }

    private func remediate(_ run: Run, output: inout StandardStream) throws -> Int32 {
        var remediation = remediationOptions(run)
        if !invocation.assumeYes, isatty(STDIN_FILENO) == 1 {
            remediation.confirmDeletion = ConfirmationPrompt.confirmDeletion
        }
        let progress = ProgressLine(total: run.manifests.count)
        var report = try Remediator(detector: run.detector, options: remediation)
            .remediate(
                run.manifests, existenceOnly: run.desired.existenceOnly, skipped: run.desired.skipped, progress: progress?.callback)
        progress?.finish()
        report.notChecked = run.desired.notChecked
        if !invocation.showSecrets { report = SecretMasker.mask(report) }
        run.notify(report.driftReport, remediation: NotificationSummary(report))
        switch invocation.output {
        case .text: RemediationReporter(color: color).write(report, to: &output)
        case .json: output.write(RemediationReporter.document(report).jsonText(indent: 2) + "\n")
        case .yaml: output.write(YAML.text(for: RemediationReporter.document(report)))
        }
        return report.exitCode
    }
}

/// Remediation would touch a cluster that drift.yaml does not name.
struct RemediationRefused: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The desired state a command names: manifests, kustomizations or Flux Kustomizations, from
/// the working tree, the index or a revision, with the repository's drift.yaml; `decrypts`
/// false leaves SOPS-encrypted objects encrypted.
func loadDesiredState(
    _ source: SourceSelection, configFile: String?, concurrency: Int? = nil, decrypts: Bool = true,
    helmCapabilities: (@Sendable () -> HelmCapabilities?)? = nil,
    substituteFrom: (@Sendable (FluxSubstituteReference) -> [String: String]?)? = nil
) throws -> DesiredState {
    var request = DesiredStateRequest(
        source: source, configFile: configFile, currentDirectory: FileManager.default.currentDirectoryPath,
        environment: ProcessInfo.processInfo.environment, standardInput: readStandardInput)
    request.substituteFrom = substituteFrom
    request.concurrency = concurrency
    request.helmCapabilities = helmCapabilities
    request.decrypts = decrypts
    return try request.load()
}

/// Reads all of standard input, for `-f -`.
func readStandardInput() throws -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard let text = String(data: data, encoding: .utf8) else {
        throw ManifestError.unreadable(path: "<stdin>", reason: "not UTF-8 text")
    }
    return text
}
