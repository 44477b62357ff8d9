import Foundation
import Testing
@testable import DriftKit

/// The deprecated API migration guide's removals, and discovery naming them instead of a missing CRD.
@Suite("Removed API versions")
struct RemovedAPITests {
    @Test("one entry of each release of the guide, with what to use instead", arguments: [
        ("extensions/v1beta1", "Deployment", "extensions/v1beta1 Deployment was removed in Kubernetes v1.16; use apps/v1"),
        ("apps/v1beta2", "StatefulSet", "apps/v1beta2 StatefulSet was removed in Kubernetes v1.16; use apps/v1"),
        ("extensions/v1beta1", "Ingress", "extensions/v1beta1 Ingress was removed in Kubernetes v1.22; use networking.k8s.io/v1"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding",
         "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding was removed in Kubernetes v1.22; use rbac.authorization.k8s.io/v1"),
        ("batch/v1beta1", "CronJob", "batch/v1beta1 CronJob was removed in Kubernetes v1.25; use batch/v1"),
        ("policy/v1beta1", "PodSecurityPolicy",
         "policy/v1beta1 PodSecurityPolicy was removed in Kubernetes v1.25; it has no replacement API: "
            + "migrate to Pod Security Admission or a third-party admission webhook"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler",
         "autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes v1.26; use autoscaling/v2"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity",
         "storage.k8s.io/v1beta1 CSIStorageCapacity was removed in Kubernetes v1.27; use storage.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema",
         "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema was removed in Kubernetes v1.29; use flowcontrol.apiserver.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration",
         "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration was removed in Kubernetes v1.32; use flowcontrol.apiserver.k8s.io/v1"),
    ])
    func removal(apiVersion: String, kind: String, message: String) throws {
        let removal = try #require(RemovedAPI.matching(apiVersion: apiVersion, kind: kind))
        #expect(removal.description == message)
    }

    @Test("served versions, kinds a removed version never had, and custom kinds are not removals", arguments: [
        ("networking.k8s.io/v1", "Ingress"), ("apps/v1", "Deployment"), ("policy/v1", "PodDisruptionBudget"),
        ("extensions/v1beta1", "Widget"), ("batch/v1beta1", "Job"), ("example.com/v1beta1", "CronJob"),
    ])
    func notRemoved(apiVersion: String, kind: String) {
        #expect(RemovedAPI.matching(apiVersion: apiVersion, kind: kind) == nil)
    }

    /// Serves only `extensions/v1beta1` Ingress, as kube-apiserver v1.16 to v1.21 did.
    final class OldExtensions: HTTPTransport {
        func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
            guard request.path == "/apis/extensions/v1beta1" else { return HTTPResponse(statusCode: 404) }
            let list: JSONValue = ["resources": [["name": "ingresses", "kind": "Ingress", "namespaced": true]]]
            return HTTPResponse(statusCode: 200, body: list.jsonData)
        }
    }

    @Test("discovery names the removal whether the server dropped the whole version or only the kind")
    func discovery() throws {
        let discovery = Discovery(client: APIClient(transport: OldExtensions()))
        #expect(try discovery.resource(apiVersion: "extensions/v1beta1", kind: "Ingress").name == "ingresses")
        #expect(throws: DiscoveryError.removed(try #require(RemovedAPI.matching(apiVersion: "extensions/v1beta1", kind: "Deployment")))) {
            try discovery.resource(apiVersion: "extensions/v1beta1", kind: "Deployment")
        }
        #expect(throws: DiscoveryError.removed(try #require(RemovedAPI.matching(apiVersion: "batch/v1beta1", kind: "CronJob")))) {
            try discovery.resource(apiVersion: "batch/v1beta1", kind: "CronJob")
        }
        // A kind the guide does not list keeps the hint about CustomResourceDefinitions.
        #expect(throws: DiscoveryError.unknownAPIVersion(apiVersion: "batch/v1beta1", kind: "Job")) {
            try discovery.resource(apiVersion: "batch/v1beta1", kind: "Job")
        }
    }
}
