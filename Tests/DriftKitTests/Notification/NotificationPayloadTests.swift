import Foundation
import Testing
@testable import DriftKit

/// Bodies for the three webhook formats, built from a report with a drifted Secret.
@Suite("Notification payloads")
struct NotificationPayloadTests {
    static let secretValue = "c3VwZXItc2VjcmV0LXZhbHVl"
    static let liveSecretValue = "b2xkLXNlY3JldC12YWx1ZQ=="

    static func identity(_ kind: String, _ name: String, group: String = "", namespace: String? = "default") -> ObjectIdentity {
        ObjectIdentity(group: group, kind: kind, namespace: namespace, name: name)
    }

    static func report(extraDrifted: Int = 0) -> DriftReport {
        let deployment = ObjectDrift(
            identity: identity("Deployment", "web", group: "apps"), apiVersion: "apps/v1",
            source: ManifestLocation(file: "apps/web.yaml", line: 1, documentIndex: 0), status: .drifted,
            changes: [FieldChange(path: "/spec/replicas", live: 5, desired: 3)])
        let secretLive: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"],
                                     "data": ["password": .string(liveSecretValue)]]
        let secretDesired: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"],
                                        "data": ["password": .string(secretValue)]]
        let secret = ObjectDrift(
            identity: identity("Secret", "db"), apiVersion: "v1",
            source: ManifestLocation(file: "apps/secret.yaml", line: 1, documentIndex: 0), status: .drifted,
            changes: FieldDiff.changes(from: secretLive, to: secretDesired), live: secretLive, desired: secretDesired)
        let missing = ObjectDrift(
            identity: identity("ConfigMap", "settings"), apiVersion: "v1",
            source: ManifestLocation(file: "apps/settings.yaml", line: 1, documentIndex: 0), status: .missing)
        let inSync = ObjectDrift(
            identity: identity("Service", "web"), apiVersion: "v1",
            source: ManifestLocation(file: "apps/service.yaml", line: 1, documentIndex: 0), status: .inSync)
        let extra = (0..<extraDrifted).map { index in
            ObjectDrift(
                identity: identity("ConfigMap", "extra-\(index)"), apiVersion: "v1",
                source: ManifestLocation(file: "0-extra/\(1000 + index).yaml", line: 1, documentIndex: 0), status: .drifted,
                changes: (0..<8).map { FieldChange(path: "/data/key\($0)", live: "a", desired: "b") })
        }
        return DriftReport(objects: [deployment, secret, missing, inSync] + extra, server: "https://10.0.0.1:6443")
    }

    static let remediation = NotificationSummary(
        applied: [identity("Deployment", "web", group: "apps"), identity("ConfigMap", "settings")],
        failed: [.init(identity("Secret", "db"), "secrets \"db\" is forbidden: User \"ci\" cannot patch\nresource")],
        pruned: [identity("ConfigMap", "old")],
        skipped: [.init(identity("Job", "migrate", group: "batch"), "immutable field /spec/template")])

    static func content(extraDrifted: Int = 0, maxObjects: Int = 10, remediation: NotificationSummary? = remediation)
        -> NotificationContent
    {
        NotificationContent(
            report: report(extraDrifted: extraDrifted), remediation: remediation, cluster: "prod", revision: "4f0c529",
            maxObjects: maxObjects, maxPathsPerObject: 5)
    }

    private func expectNoSecrets(_ body: JSONValue) {
        let text = body.jsonText()
        #expect(!text.contains(Self.secretValue))
        #expect(!text.contains(Self.liveSecretValue))
    }

    @Test("generic JSON: identification, counts, drifted paths, remediation lists")
    func generic() throws {
        let body = NotificationPayload.generic(Self.content())
        #expect(body["apiVersion"] == "drift.kubectl-drift.dev/v1alpha1")
        #expect(body["kind"] == "DriftNotification")
        #expect(body["mode"] == "apply")
        #expect(body["server"] == "https://10.0.0.1:6443")
        #expect(body["cluster"] == "prod")
        #expect(body["revision"] == "4f0c529")
        #expect(body["summary"] == [
            "total": 4, "inSync": 1, "drifted": 2, "missing": 1, "errors": 0, "prune": 0,
            "applied": 2, "failed": 1, "pruned": 1, "skipped": 1,
        ])
        let drifted = try #require(body["drifted"]?.arrayValue)
        #expect(drifted.count == 3)
        let web = try #require(drifted.first { $0["name"] == "web" })
        #expect(web == [
            "group": "apps", "kind": "Deployment", "namespace": "default", "name": "web",
            "source": ["file": "apps/web.yaml", "line": 1, "document": 0], "status": "drifted", "paths": ["/spec/replicas"],
        ])
        let secret = try #require(drifted.first { $0["kind"] == "Secret" })
        #expect(secret["paths"] == ["/data/password"])
        #expect(drifted.first { $0["name"] == "settings" }?["status"] == "missing")
        #expect(body["applied"]?.arrayValue?.count == 2)
        #expect(body["pruned"] == [["group": "", "kind": "ConfigMap", "namespace": "default", "name": "old"]])
        #expect(body["failed"]?.arrayValue?.first?["reason"]
            == "secrets \"db\" is forbidden: User \"ci\" cannot patch resource")
        #expect(body["skipped"]?.arrayValue?.first?["group"] == "batch")
        #expect(body["omitted"] == nil)
        #expect(body["text"] == "kubectl-drift on prod: 2 drifted, 1 missing of 4 objects; 2 applied, 1 pruned, 1 failed, 1 skipped")
        expectNoSecrets(body)
    }

    @Test("generic JSON without remediation is a diff notification with empty lists")
    func genericDiffOnly() {
        let content = NotificationContent(report: Self.report())
        let body = NotificationPayload.generic(content)
        #expect(body["mode"] == "diff")
        #expect(body["cluster"] == nil)
        #expect(body["revision"] == nil)
        #expect(body["applied"] == [])
        #expect(body["failed"] == [])
        #expect(body["summary"]?["applied"] == 0)
        #expect(body["text"] == "kubectl-drift on https://10.0.0.1:6443: 2 drifted, 1 missing of 4 objects")
    }

    @Test("generic JSON cuts lists after maxObjects and paths after maxPathsPerObject")
    func genericTruncation() throws {
        let body = NotificationPayload.generic(Self.content(extraDrifted: 12, maxObjects: 4))
        #expect(body["summary"]?["drifted"] == 14)
        #expect(body["drifted"]?.arrayValue?.count == 4)
        #expect(body["omitted"] == ["drifted": 11])
        let extra = try #require(body["drifted"]?.arrayValue?.first { $0["name"] == "extra-0" })
        #expect(extra["paths"]?.arrayValue?.count == 5)
        #expect(extra["morePaths"] == 3)
    }

    @Test("Slack: text, header, facts and mrkdwn sections with paths only")
    func slack() throws {
        let body = NotificationPayload.slack(Self.content())
        #expect(body["text"] == "kubectl-drift on prod: 2 drifted, 1 missing of 4 objects; 2 applied, 1 pruned, 1 failed, 1 skipped")
        let blocks = try #require(body["blocks"]?.arrayValue)
        #expect(blocks[0] == ["type": "header", "text": ["type": "plain_text", "text": "Drift on prod"]])
        #expect(blocks.dropFirst().allSatisfy { $0["type"] == "section" && $0["text"]?["type"] == "mrkdwn" })
        let facts = try #require(blocks[1]["text"]?["text"]?.stringValue)
        #expect(facts.contains("*Cluster:* prod"))
        #expect(facts.contains("*Server:* https://10.0.0.1:6443"))
        #expect(facts.contains("*Revision:* 4f0c529"))
        #expect(facts.contains("*Remediation:* 2 applied, 1 pruned, 1 failed, 1 skipped"))
        let texts = blocks.dropFirst(2).compactMap { $0["text"]?["text"]?.stringValue }
        #expect(texts.map { $0.split(separator: "\n")[0] } == ["*Failed*", "*Out of sync*", "*Skipped*", "*Applied*", "*Pruned*"])
        let outOfSync = texts[1]
        #expect(outOfSync.contains("• `deployment.apps/web (namespace default)`: /spec/replicas"))
        #expect(outOfSync.contains("• `secret/db (namespace default)`: /data/password"))
        #expect(outOfSync.contains("• `configmap/settings (namespace default)`: missing"))
        #expect(!outOfSync.contains("service/web"))
        #expect(texts[0].contains("secrets \"db\" is forbidden"))
        expectNoSecrets(body)
    }

    @Test("Slack: at most maxObjects lines per section, then and M more; mrkdwn is escaped")
    func slackTruncationAndEscaping() throws {
        var remediation = Self.remediation
        remediation.failed = [.init(Self.identity("ConfigMap", "x"), "admission <webhook> denied & logged")]
        let body = NotificationPayload.slack(Self.content(extraDrifted: 12, maxObjects: 3, remediation: remediation))
        let texts = try #require(body["blocks"]?.arrayValue).compactMap { $0["text"]?["text"]?.stringValue }
        let outOfSync = try #require(texts.first { $0.hasPrefix("*Out of sync*") })
        #expect(outOfSync.split(separator: "\n").filter { $0.hasPrefix("•") }.count == 3)
        #expect(outOfSync.hasSuffix("_and 12 more_"))
        let extra = try #require(outOfSync.split(separator: "\n").first { $0.contains("extra-0") })
        #expect(extra.hasSuffix("/data/key4 +3 more"))
        let failed = try #require(texts.first { $0.hasPrefix("*Failed*") })
        #expect(failed.contains("admission &lt;webhook&gt; denied &amp; logged"))
    }

    @Test("Teams: one Adaptive Card attachment with facts and per-section FactSets")
    func teams() throws {
        let body = NotificationPayload.teams(Self.content(extraDrifted: 12, maxObjects: 3))
        #expect(body["type"] == "message")
        let attachments = try #require(body["attachments"]?.arrayValue)
        #expect(attachments.count == 1)
        #expect(attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachments[0]["content"])
        #expect(card["type"] == "AdaptiveCard")
        #expect(card["version"] == "1.4")
        #expect(card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json")
        let elements = try #require(card["body"]?.arrayValue)
        #expect(elements[0]["type"] == "TextBlock")
        #expect(elements[0]["text"]?.stringValue?.hasPrefix("kubectl-drift on prod: 14 drifted") == true)
        let facts = try #require(elements[1]["facts"]?.arrayValue)
        #expect(facts.contains(["title": "Revision", "value": "4f0c529"]))
        #expect(facts.contains(["title": "Server", "value": "https://10.0.0.1:6443"]))
        let heading = try #require(elements.firstIndex { $0["text"] == "Out of sync" })
        let objectFacts = try #require(elements[heading + 1]["facts"]?.arrayValue)
        #expect(objectFacts.count == 3)
        #expect(objectFacts[0] == [
            "title": "configmap/extra-0 (namespace default)",
            "value": "/data/key0, /data/key1, /data/key2, /data/key3, /data/key4 +3 more",
        ])
        #expect(elements[heading + 2] == ["type": "TextBlock", "text": "and 12 more", "isSubtle": true, "wrap": true])
        expectNoSecrets(body)
    }

    @Test("the Secret's values are masked even when the caller passes an unmasked report")
    func secretsMasked() {
        let content = Self.content()
        let secret = content.report.objects.first { $0.identity.kind == "Secret" }
        #expect(secret?.live?["data"]?["password"] == "*** (before)")
        for format in NotificationFormat.allCases {
            expectNoSecrets(NotificationPayload.body(format, content))
        }
    }

    @Test("URL classification", arguments: [
        ("https://hooks.slack.com/services/T000/B000/XXXX", NotificationFormat.slack),
        ("https://HOOKS.SLACK.COM/services/T000/B000/XXXX", .slack),
        ("https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/def", .teams),
        ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x", .teams),
        ("https://example.com/hooks/drift", .generic),
        ("https://hooks.slack.com.evil.example/services/x", .generic),
        ("https://logic.azure.com.evil.example/x", .generic),
        ("http://127.0.0.1:8080/", .generic),
        ("not a url", .generic),
    ])
    func classification(url: String, format: NotificationFormat) {
        #expect(NotificationFormat(url: url) == format)
    }
}
