// swift-tools-version:6.0
// libFuzzer targets for kubectl-drift's readers of untrusted text (see scripts/fuzz.sh).
// A separate package so the `-sanitize=fuzzer,address` build never mixes with the main one.
import PackageDescription

let fuzzers = ["FuzzYAML", "FuzzJSON", "FuzzKubeconfig", "FuzzDriftConfig"]

let package = Package(
    name: "kubectl-drift-fuzz",
    dependencies: [.package(name: "kubectl-drift", path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
    ] + fuzzers.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "DriftKit", package: "kubectl-drift")])
    }
)
