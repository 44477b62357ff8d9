import Testing
@testable import DriftKit

@Suite("Adoption of hand-edit field managers")
struct ManagerAdoptionTests {
    static let live: JSONValue = [
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": [
            "name": "legacy", "resourceVersion": "42",
            "annotations": ["kubectl.kubernetes.io/last-applied-configuration": "{}", "note": "keep"],
            "managedFields": [
                ["manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
                 "fieldsType": "FieldsV1", "fieldsV1": ["f:data": ["f:a": [:], "f:b": [:]]]],
                ["manager": "kubectl-drift", "operation": "Apply", "apiVersion": "v1",
                 "fieldsType": "FieldsV1", "fieldsV1": ["f:data": ["f:c": [:]]]],
                ["manager": "kubectl-edit", "operation": "Update", "apiVersion": "v1",
                 "fieldsType": "FieldsV1", "fieldsV1": ["f:data": ["f:d": [:]]]],
            ],
        ],
    ]

    @Test("the adopted managers' fields join our Apply entry, other managers stay, guarded by resourceVersion")
    func patch() throws {
        let operations = try #require(
            ManagerAdoption.patch(for: Self.live, manager: "kubectl-drift", adopting: ["kubectl-client-side-apply"])?.arrayValue)
        #expect(operations.count == 2)
        #expect(operations[0] == ["op": "test", "path": "/metadata/resourceVersion", "value": "42"])
        let entries = try #require(operations[1]["value"]?.arrayValue)
        #expect(entries.map { $0["manager"] } == ["kubectl-edit", "kubectl-drift"])
        #expect(entries[1]["fieldsV1"] == ["f:data": ["f:a": [:], "f:b": [:], "f:c": [:]]])
        #expect(entries[1]["operation"] == "Apply")
    }

    @Test("several managers are adopted at once; their status subresource entries are not")
    func severalManagers() throws {
        let status: JSONValue = [
            "manager": "kubectl-edit", "operation": "Update", "apiVersion": "v1", "subresource": "status",
            "fieldsType": "FieldsV1", "fieldsV1": ["f:status": ["f:phase": [:]]],
        ]
        let entries = (Self.live[["metadata", "managedFields"]]?.arrayValue ?? []) + [status]
        let live = JSONPointer(tokens: ["metadata", "managedFields"]).updating(Self.live, to: .array(entries))
        let managers: Set<String> = ["kubectl-client-side-apply", "kubectl-edit"]
        let operations = try #require(ManagerAdoption.patch(for: live, manager: "kubectl-drift", adopting: managers)?.arrayValue)
        let kept = try #require(operations[1]["value"]?.arrayValue)
        #expect(kept.map { $0["subresource"]?.stringValue ?? $0["manager"]?.stringValue } == ["status", "kubectl-drift"])
        #expect(kept[1]["fieldsV1"] == ["f:data": ["f:a": [:], "f:b": [:], "f:c": [:], "f:d": [:]]])
    }

    @Test("nothing to adopt when no adopted manager has fields")
    func nothingToAdopt() {
        #expect(ManagerAdoption.patch(for: Self.live, manager: "kubectl-drift", adopting: ["kubectl-label"]) == nil)
        #expect(ManagerAdoption.patch(for: Self.live, manager: "kubectl-drift", adopting: []) == nil)
    }
}
