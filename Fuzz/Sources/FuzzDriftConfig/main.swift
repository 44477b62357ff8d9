import DriftKit
import FuzzSupport

/// Reads and validates every input as a drift.yaml file.
/// Errors are expected; a crash, a hang or runaway memory is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = try? DriftConfig.parse(fuzzText(data, size), file: "drift.yaml")
    return 0
}

runFuzzer(fuzzOneInput)
