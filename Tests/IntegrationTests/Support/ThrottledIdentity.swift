import Foundation
import Testing
@testable import DriftKit

/// A ServiceAccount that may do anything in one namespace and that the real server answers 429
/// (with Retry-After) whenever more than a few of its requests are in flight: API Priority and
/// Fairness puts it in a priority level of its own, of the smallest share, that may borrow no
/// seats and rejects what it cannot serve at once instead of queueing it.
///
/// The test identities of `LocalAPIServer` cannot be throttled: system:masters is exempt from
/// every limit. APF serves flowcontrol.apiserver.k8s.io at v1beta1 on the oldest server the
/// tests support and at v1 on the newest; the served version is discovered, never assumed.
struct ThrottledIdentity {
    /// A kubeconfig whose current context is the ServiceAccount's token, namespace included.
    let kubeconfig: String
    /// The priority level, to count its rejections in the server's metrics.
    let priorityLevel: String

    static let accountName = "throttled"

    /// Sets it up in `namespace` of `server` and waits until its requests land in its priority level.
    static func create(in namespace: String, server: LocalAPIServer, admin: APIClient) async throws -> ThrottledIdentity {
        try TestCluster.create(
            ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": .string(accountName)]],
            in: "/api/v1/namespaces/\(namespace)/serviceaccounts", client: admin)
        // cluster-admin's rules, in this namespace only (the aggregated admin role is empty
        // without a controller manager to aggregate it).
        try TestCluster.create(
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": .string(accountName)],
             "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"],
             "subjects": [["kind": "ServiceAccount", "name": .string(accountName), "namespace": .string(namespace)]]],
            in: "/apis/rbac.authorization.k8s.io/v1/namespaces/\(namespace)/rolebindings", client: admin)
        let tokenRequest = try TestCluster.create(
            ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": ["expirationSeconds": 3600]],
            in: "/api/v1/namespaces/\(namespace)/serviceaccounts/\(accountName)/token", client: admin)
        let token = try #require(tokenRequest[["status", "token"]]?.stringValue)

        let priorityLevel = "drift-throttled-\(namespace)"
        let uid = try definePriorityLevel(priorityLevel, namespace: namespace, admin: admin)
        let kubeconfig = server.directory + "/kubeconfig-\(priorityLevel)"
        let authority = server.pki.caCertificatePEM.base64EncodedString()
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster: {server: "\(server.serverURL)", certificate-authority-data: "\(authority)"}
            users:
            - name: \(accountName)
              user: {token: "\(token)"}
            contexts:
            - name: \(accountName)
              context: {cluster: local, user: \(accountName), namespace: \(namespace)}
            current-context: \(accountName)
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)

        // APF reads its configuration through a watch; the answer names the level it used.
        var connection = server.connection(for: .readonly)
        connection.credentials = StaticCredentials(ClientCredentials(bearerToken: token))
        let transport = try CurlTransport(connection: connection)
        let landed = await WatchEndToEndTests.eventually {
            try transport.send(HTTPRequest(path: "/api/v1/namespaces/\(namespace)/configmaps"))
                .headers["x-kubernetes-pf-prioritylevel-uid"] == uid
        }
        try #require(landed, "requests of the ServiceAccount never reached priority level \(priorityLevel)")
        return ThrottledIdentity(kubeconfig: kubeconfig, priorityLevel: priorityLevel)
    }

    /// A PriorityLevelConfiguration of one share that rejects, and a FlowSchema sending the
    /// ServiceAccount's requests to it; the level's uid.
    private static func definePriorityLevel(_ name: String, namespace: String, admin: APIClient) throws -> String {
        let group = try admin.get("/apis/flowcontrol.apiserver.k8s.io")
        let groupVersion = try #require(group[["preferredVersion", "groupVersion"]]?.stringValue)
        var limited = JSONObject()
        limited["limitResponse"] = ["type": "Reject"]
        if ["flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2"].contains(groupVersion) {
            limited["assuredConcurrencyShares"] = 1
        } else {
            // Since v1beta3 a level may borrow idle seats of others: none here.
            limited["nominalConcurrencyShares"] = 1
            limited["borrowingLimitPercent"] = 0
        }
        let level = try TestCluster.create(
            ["apiVersion": .string(groupVersion), "kind": "PriorityLevelConfiguration", "metadata": ["name": .string(name)],
             "spec": ["type": "Limited", "limited": .object(limited)]],
            in: "/apis/\(groupVersion)/prioritylevelconfigurations", client: admin)
        let everything: JSONValue = [
            "subjects": [["kind": "ServiceAccount", "serviceAccount": ["name": .string(accountName), "namespace": .string(namespace)]]],
            "resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"], "namespaces": ["*"], "clusterScope": true]],
            "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]],
        ]
        try TestCluster.create(
            ["apiVersion": .string(groupVersion), "kind": "FlowSchema", "metadata": ["name": .string(name)],
             "spec": ["priorityLevelConfiguration": ["name": .string(name)], "matchingPrecedence": 500,
                      "distinguisherMethod": ["type": "ByUser"], "rules": [everything]]],
            in: "/apis/\(groupVersion)/flowschemas", client: admin)
        return try #require(level[["metadata", "uid"]]?.stringValue)
    }

    /// How many requests the server has rejected in the priority level so far (its metrics).
    func rejections(admin: APIClient) throws -> Int {
        let response = try admin.transport.send(HTTPRequest(path: "/metrics"))
        let metrics = String(decoding: response.body, as: UTF8.self)
        return metrics.split(separator: "\n")
            .filter { $0.hasPrefix("apiserver_flowcontrol_rejected_requests_total{") && $0.contains("priority_level=\"\(priorityLevel)\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }
}
