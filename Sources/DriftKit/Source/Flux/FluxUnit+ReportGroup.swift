extension FluxUnit {
    /// The unit as a report section: its objects, whether Flux reconciles them (`spec.suspend`
    /// of its Kustomization and HelmReleases, live or in Git), and what was left out of the comparison.
    ///
    /// - Parameter graph: with Flux `dependsOn`, when the unit is applied and what it waits for.
    public func reportGroup(_ live: FluxLiveState, graph: FluxDependencyGraph? = nil) -> ReportGroup {
        var flags: [String] = ["path \(path)"]
        if let sourceName { flags.append("from \(sourceName)") }
        var notes: [String] = []
        let node = FluxReference(kind: "Kustomization", name: name, namespace: namespace)
        let order = graph.flatMap { $0.depth[node] }.map { $0 + 1 }
        let waits = graph?.dependsOn(node).map(\.description) ?? []
        if let order { flags.append("applied \(Self.ordinal(order))") }
        if !waits.isEmpty { notes.append("applied after \(waits.joined(separator: ", ")) is Ready") }
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
        notes += excluded.map { "not checked: \($0)" } + notRendered.map(\.description)
        if !unresolvedVariables.isEmpty {
            notes.append("unresolved variables: \(unresolvedVariables.joined(separator: ", "))")
        }
        // A HelmRelease's objects are in its own section.
        let releaseFiles = Set(helmReleases.map(\.renderedFile))
        var group = ReportGroup(
            title: "Flux Kustomization \(namespace)/\(name) (\(flags.joined(separator: ", ")))",
            sources: Set(manifests.map(\.source.file)).subtracting(releaseFiles), notes: notes)
        group.suspended = suspended
        group.order = order
        group.dependsOn = waits
        return group
    }

    /// A section per HelmRelease rendered with the unit: its objects, its release and chart,
    /// whether helm-controller reconciles and corrects them (`spec.suspend`, `driftDetection`).
    public func releaseGroups(_ live: FluxLiveState, graph: FluxDependencyGraph? = nil) -> [ReportGroup] {
        helmReleases.map { release in
            let node = FluxReference(kind: "HelmRelease", name: release.name, namespace: release.namespace)
            var flags = ["release \(release.releaseNamespace)/\(release.releaseName)"]
            if !release.chart.isEmpty { flags.append("chart \(release.chart)") }
            flags.append("driftDetection \(release.driftDetection.mode.rawValue)")
            flags.append("applied by Kustomization \(namespace)/\(name)")
            let order = graph.flatMap { $0.depth[node] }.map { $0 + 1 }
            if let order { flags.append("applied \(Self.ordinal(order))") }
            let waits = graph?.dependsOn(node).map(\.description) ?? []
            var notes: [String] = []
            if !waits.isEmpty { notes.append("installed after \(waits.joined(separator: ", ")) is Ready") }
            var suspended: String?
            switch live.reconciliation(of: release) {
            case let .suspended(suspension):
                flags.append("suspended \(suspension.origin.rawValue)")
                suspended = suspension.description
                notes.append("suspended: \(suspension); its objects' drift is shown, kubectl drift apply leaves them alone")
            case .active, .unknown:
                if release.driftDetection.mode != .enabled {
                    notes.append("its objects' drift is shown; kubectl drift apply creates missing ones and, as helm-controller "
                        + "with driftDetection \(release.driftDetection.mode.rawValue), leaves drifted ones")
                }
            }
            var group = ReportGroup(
                title: "Flux HelmRelease \(release.key) (\(flags.joined(separator: ", ")))", sources: [release.renderedFile],
                notes: notes)
            group.suspended = suspended
            group.order = order
            group.dependsOn = waits
            return group
        }
    }

    private static func ordinal(_ number: Int) -> String {
        switch number {
        case 1: return "first"
        case 2: return "second"
        case 3: return "third"
        default: return "\(number)th"
        }
    }
}

extension FluxLiveState {
    /// One report section per unit and per HelmRelease rendered with it, in the order
    /// remediation applies them: with `dependsOn`, each after what it waits for, numbered and
    /// naming it; otherwise the units' order, each unit followed by its HelmReleases.
    public var reportGroups: [ReportGroup] {
        let graph = FluxDependencyGraph(units: units)
        let ordered = graph.hasDependencies ? graph : nil
        let groups = units.flatMap { [$0.reportGroup(self, graph: ordered)] + $0.releaseGroups(self, graph: ordered) }
        guard ordered != nil else { return groups }
        return groups.indices.sorted { (groups[$0].order ?? 0, $0) < (groups[$1].order ?? 0, $1) }.map { groups[$0] }
    }
}

extension [FluxUnit] {
    /// The `spec.driftDetection.ignore` rules of every rendered HelmRelease, each limited to
    /// that release's objects.
    public var helmIgnoreRules: [IgnoreRule] { flatMap(\.helmReleases).flatMap(\.driftDetection.ignore) }
}
