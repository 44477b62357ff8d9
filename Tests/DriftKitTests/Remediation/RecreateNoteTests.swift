import Testing
@testable import DriftKit

/// What a failed recreate says about the object that outlived its deletion.
@Suite("Recreate: finalizers holding up a deletion")
struct RecreateNoteTests {
    @Test("the finalizers of the object still present are named, one or several", arguments: [
        (["example.com/hold"], ", waiting on finalizer example.com/hold"),
        (["example.com/hold", "kubernetes.io/pvc-protection"], ", waiting on finalizers example.com/hold, kubernetes.io/pvc-protection"),
    ])
    func named(finalizers: [String], note: String) {
        let object: JSONValue = ["metadata": ["name": "x", "finalizers": .array(finalizers.map { .string($0) })]]
        #expect(Remediator.finalizerNote(object) == note)
    }

    @Test("an object without finalizers adds nothing", arguments: [
        ["metadata": ["name": "x"]] as JSONValue, ["metadata": ["name": "x", "finalizers": []]] as JSONValue,
    ])
    func none(object: JSONValue) {
        #expect(Remediator.finalizerNote(object).isEmpty)
    }
}
