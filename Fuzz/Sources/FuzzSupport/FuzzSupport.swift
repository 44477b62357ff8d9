import CLibFuzzer
import Foundation

/// Runs libFuzzer with this process's arguments, calling `testOneInput` (the target's
/// `LLVMFuzzerTestOneInput`) with every input, and exits with libFuzzer's status.
///
/// why not libFuzzer's own `main`: SwiftPM links a Swift executable's entry point as `main`,
/// so the target's top-level code starts the driver itself. The target still defines
/// `LLVMFuzzerTestOneInput`, which libFuzzer's unused `main` refers to.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
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
