import DriftKit
import Foundation

/// `kubectl drift watch`: wires the stages of `diff` and `apply` into the reconcile loop.
struct WatchCommand {
    let invocation: WatchInvocation
    let environment = ProcessInfo.processInfo.environment

    func run(output: inout StandardStream) throws -> Int32 {
        let diff = DiffCommand(invocation: invocation.diff)
        let run = try diff.prepare()
        var options = LoopOptions()
        options.remediate = invocation.diff.remediate || run.config?.watch?.remediate == true
        options.interval = invocation.interval ?? run.config?.watch?.interval ?? WatchInvocation.defaultInterval
        options.prune = run.prunedSet != nil || run.prunesFlux
        options.showSecrets = invocation.diff.showSecrets
        if options.remediate, !invocation.diff.remediate {
            // drift.yaml asks for remediation: the pin is checked as for apply.
            try diff.checkPinnedCluster(run.config, connection: run.detector.connection, writes: true)
        }
        let source = invocation.diff.source
        let directory = FileManager.default.currentDirectoryPath
        let environment = self.environment
        let json = invocation.diff.output == .json
        let metrics = LoopMetrics()
        let notifier = try notifier(run, metrics: metrics)
        defer { notifier?.stop() }
        let fingerprint = SourceFingerprint(source: source, currentDirectory: directory, environment: environment)
        var first = true
        // Watches stream on connections of their own, never those of the dry runs.
        let watcher = ClusterWatcher(transport: try CurlTransport(connection: run.detector.connection))
        let loop = ReconcileLoop(
            detector: run.detector, remediation: diff.remediationOptions(run), options: options,
            source: watcher,
            load: {
                // The first read is prepare's; later ones read Git again, fetched first with --fetch.
                if !first, let remote = invocation.fetchRemote {
                    try GitRepository.discover(from: directory, environment: environment).fetch(remote: remote)
                }
                let desired = first ? run.desired : try diff.loadDesired(client: run.client)
                if !first {
                    desired.warnings.forEach { StandardStream.printError("warning: \($0)") }
                    // A revision that pins another cluster is not applied here.
                    if options.remediate { try diff.checkPinnedCluster(desired.config, connection: run.detector.connection, writes: true) }
                }
                first = false
                return DesiredSnapshot(desired, revision: source.revision, currentDirectory: directory, environment: environment)
            },
            fingerprint: { fingerprint.current() },
            comparison: { snapshot in
                // What the start wired stays: the ApplySet, the verdict cache (its keys hold the rules).
                var comparison = diff.comparisonOptions(snapshot.config, fluxUnits: snapshot.fluxUnits)
                comparison.membership = run.detector.options.membership
                comparison.verdictCache = run.detector.options.verdictCache
                return DriftDetector(client: run.client, connection: run.detector.connection, options: comparison)
            },
            metrics: metrics,
            emit: { event in
                let line = json ? event.json(at: Date()).jsonText() : event.line
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                notifier?.post(event)
            })
        let signals = SignalWaiter.onTermination { loop.stop() }
        defer { signals.forEach { $0.cancel() } }
        let metricsServer = try invocation.metricsAddress.map { address in
            try MetricsServer(address: address) { metrics.text(watchRestarts: watcher.restarts) }
        }
        defer { metricsServer?.stop() }
        if let metricsServer, let address = invocation.metricsAddress {
            let host = address.split(separator: ":", omittingEmptySubsequences: false).dropLast().joined(separator: ":")
            StandardStream.printError("metrics on http://\(host.isEmpty ? "127.0.0.1" : host):\(metricsServer.port)/metrics")
        }
        let skipped = run.desired.skipped.count
        StandardStream.printError("watching \(run.manifests.count) object\(run.manifests.count == 1 ? "" : "s")"
            + (skipped > 0 ? " (\(skipped) skipped, not compared)" : "") + " on \(run.detector.connection.server)\(options.remediate ? ", remediating" : ""); Git read again every "
            + String(format: "%gs", options.interval))
        try loop.run()
        run.saveCache()
        return 0
    }

    /// The webhook of `--notify` (or drift.yaml `notify`), sent the loop's transitions at most
    /// once per `--notify-interval`; nil without one.
    private func notifier(_ run: DiffCommand.Run, metrics: LoopMetrics) throws -> LoopNotifier? {
        guard let (url, policy) = run.notification else {
            if invocation.notifyInterval != nil {
                throw UsageError("--notify-interval needs a webhook: give --notify URL, or notify in \(DriftConfig.fileName)")
            }
            return nil
        }
        let interval = invocation.notifyInterval ?? run.config?.watch?.notifyInterval ?? WatchInvocation.defaultNotifyInterval
        return LoopNotifier(
            url: url, policy: policy, interval: interval, connection: run.detector.connection,
            revision: { metrics.revision }, warn: { StandardStream.printError("warning: \($0)") })
    }
}
