import DriftKit
import FuzzSupport

/// Parses every input as one JSON text and writes back what it read.
/// Errors are expected; a crash, a hang or runaway memory is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let value = try? JSONValue.parse(fuzzData(data, size)) {
        _ = value.jsonText()
    }
    return 0
}

runFuzzer(fuzzOneInput)
