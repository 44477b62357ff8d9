import DriftKit
import FuzzSupport

/// Reads every input as a YAML stream, plainly and with key lines (drift.yaml's reading).
/// Errors are expected; a crash, a hang or runaway memory is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    _ = try? YAML.documents(in: text, file: "fuzz.yaml")
    _ = try? YAML.documentsWithKeyLines(in: text, file: "fuzz.yaml")
    return 0
}

runFuzzer(fuzzOneInput)
