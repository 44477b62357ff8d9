import Dispatch
import Foundation

/// Blocks until the process is asked to stop (SIGINT or SIGTERM), so cleanup still runs.
enum SignalWaiter {
    /// Calls `action` when the process is asked to stop, instead of the default of dying at
    /// once; keep the result for as long as that should hold.
    static func onTermination(_ action: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    static func waitForTermination() {
        let stop = DispatchSemaphore(value: 0)
        let sources = onTermination { stop.signal() }
        stop.wait()
        sources.forEach { $0.cancel() }
    }
}
