import Foundation

/// Splits bytes arriving in arbitrary chunks into newline-terminated lines, in one buffer
/// that is reused: it holds at most one incomplete line.
struct LineBuffer {
    enum Outcome: Equatable {
        /// Every complete line was handed over; more bytes are welcome.
        case more
        /// `onLine` returned false.
        case stopped
        /// An incomplete line grew past `maxLineBytes`.
        case lineTooLong
    }

    let maxLineBytes: Int
    /// Bytes received and not yet handed over.
    private var buffer: [UInt8] = []
    /// How much of `buffer` is known to hold no newline, so that a long line is scanned once.
    private var scanned = 0
    private static let usualCapacity = 64 << 10

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
        buffer.reserveCapacity(Self.usualCapacity)
    }

    /// The bytes held, part of a line whose newline has not come yet.
    var pending: Int { buffer.count }
    var capacity: Int { buffer.capacity }

    /// Adds `bytes` and hands each completed line, without its newline (and without a
    /// carriage return before it), to `onLine`; empty lines are skipped.
    mutating func append(_ bytes: UnsafeRawBufferPointer, onLine: (Data) -> Bool) -> Outcome {
        buffer.append(contentsOf: bytes)
        var lineStart = 0
        defer {
            buffer.removeSubrange(0..<lineStart)
            scanned -= lineStart
            if buffer.isEmpty, buffer.capacity > 16 * Self.usualCapacity {
                // One very large object passed; the memory goes back to its usual size.
                buffer = []
                buffer.reserveCapacity(Self.usualCapacity)
            }
        }
        while let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > lineStart, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = Data(buffer[lineStart..<end])
            lineStart = newline + 1
            scanned = lineStart
            if !line.isEmpty, !onLine(line) { return .stopped }
        }
        // What follows the last newline has been searched through.
        scanned = buffer.count
        return buffer.count - lineStart > maxLineBytes ? .lineTooLong : .more
    }
}
