import Testing
@testable import DriftKit

/// Whether Flux reconciles a unit, from Git's and the cluster's `spec.suspend`, and what the
/// report and remediation make of it.
@Suite("Flux suspension")
struct FluxSuspensionTests {
    static let unitFile = "apps (Flux Kustomization flux-system/apps)"
    static let releaseFile = "HelmRelease web/greeter (helm template)"

    static func unit(suspend: Bool = false, releaseSuspend: Bool = false) throws -> FluxUnit {
        let kustomization = try FluxKustomization(manifest: Manifest(
            object: [
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": ["name": "apps", "namespace": "flux-system"],
                "spec": ["interval": "10m", "path": "./apps", "prune": true, "suspend": .bool(suspend),
                    "sourceRef": ["kind": "GitRepository", "name": "flux-system"]],
            ],
            source: ManifestLocation(file: "clusters/apps.yaml", line: 1, documentIndex: 0)))
        let manifests = try [unitFile, releaseFile].map { file in
            try Manifest(
                object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(file == unitFile ? "plain" : "greeter")]],
                source: ManifestLocation(file: file, line: 1, documentIndex: 0))
        }
        let release = FluxHelmRelease(
            name: "greeter", namespace: "web", apiVersion: "helm.toolkit.fluxcd.io/v2", suspend: releaseSuspend, renderedFile: releaseFile)
        return FluxUnit(kustomization: kustomization, manifests: manifests, helmReleases: [release])
    }

    static func live(suspend: Bool) -> FluxLiveObject {
        .present(["kind": "Kustomization", "spec": ["suspend": .bool(suspend)]])
    }

    static let forbidden = APIError.invalidResponse(path: "/apis/kustomize.toolkit.fluxcd.io/v1", reason: "forbidden")

    @Test("suspended when the live object or Git says so, the live one first; unknown only when Git does not and the live one cannot be read",
        arguments: [
            (false, live(suspend: true), FluxReconciliation.suspended(FluxSuspension(object: "Kustomization k/a", origin: .live))),
            (true, live(suspend: true), .suspended(FluxSuspension(object: "Kustomization k/a", origin: .live))),
            (true, live(suspend: false), .suspended(FluxSuspension(object: "Kustomization k/a", origin: .git))),
            (true, .absent, .suspended(FluxSuspension(object: "Kustomization k/a", origin: .git))),
            (true, .unreadable(forbidden), .suspended(FluxSuspension(object: "Kustomization k/a", origin: .git))),
            (false, live(suspend: false), .active),
            (false, .present(["spec": [:]]), .active),
            (false, .absent, .active),
        ] as [(Bool, FluxLiveObject, FluxReconciliation)])
    func reconciliation(git: Bool, live: FluxLiveObject, expected: FluxReconciliation) {
        #expect(FluxReconciliation.of("Kustomization k/a", suspendedInGit: git, live: live) == expected)
    }

    @Test("an unreadable live object that Git does not suspend is unknown, with the reason")
    func unknown() {
        guard case let .unknown(reason) = FluxReconciliation.of("Kustomization k/a", suspendedInGit: false, live: .unreadable(Self.forbidden)) else {
            Issue.record("expected unknown")
            return
        }
        #expect(reason.hasPrefix("cannot tell whether the Flux Kustomization k/a is suspended"))
        #expect(reason.contains("forbidden"))
    }

    @Test("an object's Kustomization decides, then the HelmRelease it was rendered from; other files are active")
    func objects() throws {
        let suspendedUnit = FluxLiveState(units: [try Self.unit(releaseSuspend: true)], kustomizations: ["flux-system/apps": Self.live(suspend: true)])
        let byUnit = FluxReconciliation.suspended(FluxSuspension(object: "Kustomization flux-system/apps", origin: .live))
        #expect(suspendedUnit.reconciliation(ofObjectFrom: Self.unitFile) == byUnit)
        #expect(suspendedUnit.reconciliation(ofObjectFrom: Self.releaseFile) == byUnit)

        let suspendedRelease = FluxLiveState(
            units: [try Self.unit()], kustomizations: ["flux-system/apps": Self.live(suspend: false)],
            helmReleases: ["web/greeter": Self.live(suspend: true)])
        #expect(suspendedRelease.reconciliation(ofObjectFrom: Self.unitFile) == .active)
        #expect(suspendedRelease.reconciliation(ofObjectFrom: Self.releaseFile)
            == .suspended(FluxSuspension(object: "HelmRelease web/greeter", origin: .live)))
        #expect(suspendedRelease.reconciliation(ofObjectFrom: "apps/other.yaml") == .active)
    }

    @Test("the report group of a suspended unit says so in its title, its notes and its suspended field", arguments: [
        (true, FluxLiveObject.absent, "in Git"), (false, live(suspend: true), "live"),
    ])
    func reportGroup(git: Bool, live: FluxLiveObject, origin: String) throws {
        let unit = try Self.unit(suspend: git)
        let group = unit.reportGroup(FluxLiveState(units: [unit], kustomizations: ["flux-system/apps": live]))
        let reason = "the Flux Kustomization flux-system/apps has spec.suspend: true (\(origin))"
        #expect(group.title == "Flux Kustomization flux-system/apps (path ./apps, suspended \(origin), prune)")
        #expect(group.suspended == reason)
        #expect(group.notes.first == "suspended: \(reason); its drift is shown, kubectl drift apply leaves it alone")
    }

    @Test("an active unit's group is not marked; a suspended HelmRelease of it is a section of its own, marked")
    func activeGroup() throws {
        let unit = try Self.unit(releaseSuspend: true)
        let live = FluxLiveState(units: [unit], kustomizations: [:])
        let group = unit.reportGroup(live)
        #expect(group.title == "Flux Kustomization flux-system/apps (path ./apps, prune)")
        #expect(group.suspended == nil)
        #expect(group.notes == [])
        #expect(!group.sources.contains(Self.releaseFile), "the release's objects are in its own section")
        let releases = unit.releaseGroups(live)
        let release = try #require(releases.first)
        #expect(releases.count == 1)
        #expect(release.title == "Flux HelmRelease web/greeter (release web/greeter, driftDetection disabled, "
            + "applied by Kustomization flux-system/apps, suspended in Git)")
        #expect(release.sources == [Self.releaseFile])
        #expect(release.suspended == "the Flux HelmRelease web/greeter has spec.suspend: true (in Git)")
        #expect(release.notes == [
            "suspended: the Flux HelmRelease web/greeter has spec.suspend: true (in Git); its objects' drift is shown, "
                + "kubectl drift apply leaves them alone",
        ])
        #expect(live.reportGroups.map(\.title) == [group.title, release.title], "each unit followed by its HelmReleases")
    }
}
