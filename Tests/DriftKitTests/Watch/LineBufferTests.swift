import Foundation
import Testing
@testable import DriftKit

/// `LineBuffer`, which cuts a watch stream into event lines however its bytes arrive.
@Suite("Watch stream line splitting")
struct LineBufferTests {
    private static let stream = #"{"type":"ADDED","object":{"a":1}}"# + "\n"
        + #"{"type":"BOOKMARK","object":{"b":2}}"# + "\r\n\n"
        + #"{"type":"DELETED","object":{"c":"é"}}"# + "\n"

    private static let expected = [
        #"{"type":"ADDED","object":{"a":1}}"#, #"{"type":"BOOKMARK","object":{"b":2}}"#,
        #"{"type":"DELETED","object":{"c":"é"}}"#,
    ]

    /// Feeds `bytes` in chunks of `size` and returns the lines handed over.
    private func lines(_ bytes: [UInt8], chunk size: Int, into buffer: inout LineBuffer) -> [String] {
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            let chunk = Array(bytes[start..<min(bytes.count, start + size)])
            let outcome = chunk.withUnsafeBytes { buffer.append($0) { lines.append(String(decoding: $0, as: UTF8.self)); return true } }
            #expect(outcome == .more)
        }
        return lines
    }

    @Test("lines come whole whatever the chunks, without CR or empty lines", arguments: [1, 2, 3, 7, 33, 64, 1_000])
    func chunked(size: Int) {
        var buffer = LineBuffer(maxLineBytes: 1 << 20)
        #expect(lines(Array(Self.stream.utf8), chunk: size, into: &buffer) == Self.expected)
        #expect(buffer.pending == 0)
    }

    @Test("an incomplete line waits for the rest")
    func incomplete() {
        var buffer = LineBuffer(maxLineBytes: 1 << 20)
        #expect(lines(Array(#"{"type":"ADD"#.utf8), chunk: 100, into: &buffer).isEmpty)
        #expect(buffer.pending == 12)
        #expect(lines(Array("ED\"}\n".utf8), chunk: 100, into: &buffer) == [#"{"type":"ADDED"}"#])
        #expect(buffer.pending == 0)
    }

    @Test("the reader can stop at a line; the lines after it are not handed over")
    func stop() {
        var buffer = LineBuffer(maxLineBytes: 1 << 20)
        var seen: [String] = []
        let outcome = Array(Self.stream.utf8).withUnsafeBytes { bytes in
            buffer.append(bytes) { seen.append(String(decoding: $0, as: UTF8.self)); return seen.count < 2 }
        }
        #expect(outcome == .stopped)
        #expect(seen == Array(Self.expected.prefix(2)))
    }

    @Test("a line longer than the limit ends the stream instead of growing the buffer")
    func tooLong() {
        var buffer = LineBuffer(maxLineBytes: 100)
        let outcome = [UInt8](repeating: UInt8(ascii: "x"), count: 101).withUnsafeBytes { buffer.append($0) { _ in true } }
        #expect(outcome == .lineTooLong)
    }

    @Test("after a very large line the buffer goes back to its usual size")
    func shrinks() {
        var buffer = LineBuffer(maxLineBytes: 32 << 20)
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20) + [UInt8(ascii: "\n")]
        var count = 0
        _ = large.withUnsafeBytes { buffer.append($0) { count += $0.count; return true } }
        #expect(count == 4 << 20)
        #expect(buffer.pending == 0)
        #expect(buffer.capacity < 1 << 20)
    }
}
