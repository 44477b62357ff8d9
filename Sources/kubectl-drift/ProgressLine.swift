import DriftKit
import Foundation
import Synchronization

/// A self-overwriting progress line on standard error, for long runs in a terminal only.
final class ProgressLine: Sendable {
    /// Below this many objects a run is too short to need progress.
    static let minimumObjects = 50
    private let lastDrawn = Mutex<Date>(.distantPast)

    /// A progress line when standard error is a terminal and the run is long enough, else nil.
    init?(total: Int) {
        guard total >= Self.minimumObjects, StandardStream.isErrorTerminal else { return nil }
    }

    func update(done: Int, total: Int) {
        let now = Date()
        let due = lastDrawn.withLock { last in
            guard done == total || now.timeIntervalSince(last) > 0.1 else { return false }
            last = now
            return true
        }
        guard due else { return }
        FileHandle.standardError.write(Data("\rkubectl drift: compared \(done)/\(total) objects".utf8))
    }

    /// `update` as the detector's progress callback.
    var callback: DriftDetector.Progress { { done, total in self.update(done: done, total: total) } }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
