import DriftKit
import FuzzSupport

/// Resolves a connection with every input as the only kubeconfig file, served from memory:
/// parsing, validation and merging run; no other file is read and no exec plugin is started
/// (plugins run only when credentials are requested).
/// Errors are expected; a crash, a hang or runaway memory is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = "/fuzz/kubeconfig"
    let loader = KubeconfigLoader(
        environment: ["KUBECONFIG": path],
        fileSystem: .inMemory([path: fuzzData(data, size)]),
        currentDirectory: "/fuzz",
        serviceAccountDirectory: "/fuzz/serviceaccount"
    )
    _ = try? loader.resolve(KubeconfigOverrides())
    return 0
}

runFuzzer(fuzzOneInput)
