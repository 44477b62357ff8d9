import Foundation
import Testing
@testable import DriftKit

/// `WatchEvent` read from the lines of a watch stream.
@Suite("Watch event lines")
struct WatchEventTests {
    private func line(_ text: String) -> Data { Data(text.utf8) }

    @Test("each event type is read with its object and resourceVersion", arguments: [
        ("ADDED", WatchEvent.Kind.added, LiveEvent.Change.added),
        ("MODIFIED", .modified, .modified),
        ("DELETED", .deleted, .deleted),
    ])
    func changes(type: String, kind: WatchEvent.Kind, change: LiveEvent.Change) throws {
        let event = try WatchEvent(line: line(#"""
            {"type":"\#(type)","object":{"kind":"ConfigMap","apiVersion":"v1",\#
            "metadata":{"name":"a","namespace":"shop","resourceVersion":"412"},"data":{"k":"v"}}}
            """#))
        #expect(event.kind == kind)
        #expect(event.change == change)
        #expect(event.resourceVersion == "412")
        #expect(event.object[["data", "k"]] == "v")
        #expect(event.status == nil)
    }

    @Test("a BOOKMARK carries only the resourceVersion to resume from, and no change")
    func bookmark() throws {
        let event = try WatchEvent(line: line(#"""
            {"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"9001"}}}
            """#))
        #expect(event.kind == .bookmark)
        #expect(event.change == nil)
        #expect(event.resourceVersion == "9001")
    }

    @Test("an ERROR carries the server's Status: 410 Gone for an expired resourceVersion")
    func expired() throws {
        let event = try WatchEvent(line: line(#"""
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\#
            "message":"too old resource version: 12 (3456)","reason":"Expired","code":410}}
            """#))
        let status = try #require(event.status)
        #expect(event.change == nil)
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
        #expect(status.message == "too old resource version: 12 (3456)")
    }

    @Test("a line that is not an event says why and shows it", arguments: [
        ("{\"type\":\"ADDED\"", "invalid JSON"),
        (#"{"object":{}}"#, "no type"),
        (#"{"type":"RENAMED","object":{}}"#, "unknown type RENAMED"),
        (#"{"type":"ADDED","object":"text"}"#, "no object"),
        (#"{"type":"ADDED"}"#, "no object"),
    ])
    func malformed(text: String, reason: String) {
        let error = #expect(throws: WatchError.self) { try WatchEvent(line: line(text)) }
        guard case let .malformedEvent(actualReason, shown) = error else {
            Issue.record("expected malformedEvent, got \(String(describing: error))")
            return
        }
        #expect(actualReason.hasPrefix(reason))
        #expect(shown == text)
        #expect(error?.description.contains("the watch sent a line that is not an event") == true)
    }

    @Test("a long bad line is shown cut to its start")
    func longLineExcerpt() {
        let text = String(repeating: "x", count: 5_000)
        let error = #expect(throws: WatchError.self) { try WatchEvent(line: line(text)) }
        guard case let .malformedEvent(_, shown) = error else { return }
        #expect(shown == String(repeating: "x", count: 200) + "…")
    }

    @Test("a refused collection says which verb failed, and for 404 that its type may be gone")
    func refusalMessages() {
        let forbidden = APIError.status(APIStatus(
            code: 403, reason: "Forbidden", message: "configmaps is forbidden", method: "GET", path: "/api/v1/configmaps"))
        #expect(WatchError.refused(collection: "/api/v1/configmaps", verb: "watch", error: forbidden).description
            == "cannot watch /api/v1/configmaps: forbidden (403): configmaps is forbidden")
        let missing = APIError.status(APIStatus(
            code: 404, reason: "NotFound", message: "the server could not find the requested resource",
            method: "GET", path: "/apis/example.com/v1/widgets"))
        let message = WatchError.refused(collection: "/apis/example.com/v1/widgets", verb: "list", error: missing).description
        #expect(message.hasPrefix("cannot list /apis/example.com/v1/widgets: the server does not serve it (404)"))
    }
}
