extension FluxUnit {
    /// The unit as a report section: its objects, whether Flux reconciles them (`spec.suspend`
    /// of its Kustomization and HelmReleases, live or in Git), and what was left out of the comparison.
    public func reportGroup(_ live: FluxLiveState) -> ReportGroup {
        var flags: [String] = ["path \(path)"]
        var notes: [String] = []
        var suspended: String?
        switch live.reconciliation(of: self) {
        case .active: break
        case let .suspended(suspension):
            flags.append("suspended \(suspension.origin.rawValue)")
            suspended = suspension.description
            notes.append("suspended: \(suspension); its drift is shown, kubectl drift apply leaves it alone")
        case let .unknown(reason):
            notes.append(reason)
        }
        if prune { flags.append("prune") }
        for release in helmReleases {
            notes.append("HelmRelease \(release.key): release \(release.releaseNamespace)/\(release.releaseName), "
                + "chart \(release.chart), driftDetection \(release.driftDetection.mode.rawValue)")
            if case let .suspended(suspension) = live.reconciliation(of: release) {
                notes.append("suspended: \(suspension); its objects' drift is shown, kubectl drift apply leaves them alone")
            } else if release.driftDetection.mode != .enabled {
                notes.append("HelmRelease \(release.key): its objects' drift is shown; kubectl drift apply creates missing ones "
                    + "and, as helm-controller with driftDetection \(release.driftDetection.mode.rawValue), leaves drifted ones")
            }
        }
        notes += excluded.map { "not checked: \($0)" } + notRendered.map(\.description)
        if !unresolvedVariables.isEmpty {
            notes.append("unresolved variables: \(unresolvedVariables.joined(separator: ", "))")
        }
        var group = ReportGroup(
            title: "Flux Kustomization \(namespace)/\(name) (\(flags.joined(separator: ", ")))",
            sources: Set(manifests.map(\.source.file)), notes: notes)
        group.suspended = suspended
        return group
    }
}

extension FluxLiveState {
    /// One report section per unit, in the units' order.
    public var reportGroups: [ReportGroup] { units.map { $0.reportGroup(self) } }
}

extension [FluxUnit] {
    /// The `spec.driftDetection.ignore` rules of every rendered HelmRelease, each limited to
    /// that release's objects.
    public var helmIgnoreRules: [IgnoreRule] { flatMap(\.helmReleases).flatMap(\.driftDetection.ignore) }
}
