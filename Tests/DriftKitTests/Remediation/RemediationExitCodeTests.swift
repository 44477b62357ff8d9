import Testing
@testable import DriftKit

/// Which remediation outcomes fail a run: suspended objects never do.
@Suite("Remediation exit code")
struct RemediationExitCodeTests {
    static func result(_ outcome: RemediationOutcome, recreate: Bool = false) -> RemediationResult {
        var drift = ObjectDrift(
            identity: ObjectIdentity(group: "", kind: "ConfigMap", namespace: "web", name: "a"), apiVersion: "v1",
            source: ManifestLocation(file: "apps (Flux Kustomization flux-system/apps)", line: 1, documentIndex: 0), status: .drifted)
        if recreate { drift.recreateReason = "field is immutable" }
        return RemediationResult(drift: drift, outcome: outcome)
    }

    @Test("a suspended object is skipped and not a failure, even when it needs recreating", arguments: [false, true])
    func suspended(recreate: Bool) {
        let outcome = RemediationOutcome.suspended("suspended: the Flux Kustomization flux-system/apps has spec.suspend: true (live)")
        let report = RemediationReport(results: [Self.result(outcome, recreate: recreate)], server: "https://127.0.0.1")
        #expect(report.exitCode == 0)
        #expect(report.count("skipped") == 1)
        #expect(outcome.reason == "suspended: the Flux Kustomization flux-system/apps has spec.suspend: true (live)")
    }

    @Test("an object left because it needs recreating, or not applied, fails the run", arguments: [
        (RemediationOutcome.skipped("Git changes a field that cannot change in place"), true),
        (.failed("not applied: cannot tell whether the Flux Kustomization flux-system/apps is suspended"), false),
        (.blocked("not applied: it waits for Kustomization flux-system/infrastructure, which is not Ready"), false),
    ])
    func failures(outcome: RemediationOutcome, recreate: Bool) {
        #expect(RemediationReport(results: [Self.result(outcome, recreate: recreate)], server: "https://127.0.0.1").exitCode == 2)
    }

    @Test("an object whose dependency is not Ready is shown as skipped, with the reason")
    func blocked() {
        let outcome = RemediationOutcome.blocked("not applied: it waits for Kustomization flux-system/infrastructure, which failed")
        #expect(outcome.label == "skipped")
        #expect(outcome.reason == "not applied: it waits for Kustomization flux-system/infrastructure, which failed")
    }
}
