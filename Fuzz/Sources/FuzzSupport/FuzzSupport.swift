import CLibFuzzer
import Foundation

/// Runs libFuzzer with this process's arguments, calling `body` with every input, and exits
/// with libFuzzer's status.
///
/// why not `@_cdecl("LLVMFuzzerTestOneInput")` with libFuzzer's own `main`: SwiftPM links an
/// executable's entry point as `main`, so the Swift entry point must be ours and start the
/// driver itself.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}

/// The input as text, as a file's bytes become a `String` (invalid UTF-8 repaired).
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// The input as `Data`.
public func fuzzData(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Data {
    guard let data else { return Data() }
    return Data(bytes: data, count: size)
}
