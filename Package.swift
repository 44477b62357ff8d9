// swift-tools-version:6.0
// kubectl-drift: compares the desired state in Git with a live Kubernetes cluster.
// No package dependencies: Foundation plus the system libraries libcurl and libgit2.
import PackageDescription

let package = Package(
    name: "kubectl-drift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kubectl-drift", targets: ["kubectl-drift"]),
        .executable(name: "git-drift-hook", targets: ["git-drift-hook"]),
        .library(name: "DriftKit", targets: ["DriftKit"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(name: "DriftKit", dependencies: ["CCurl", "CGit2"]),
        .executableTarget(name: "kubectl-drift", dependencies: ["DriftKit"]),
        .executableTarget(name: "git-drift-hook", dependencies: ["DriftKit"]),
        .testTarget(
            name: "DriftKitTests",
            dependencies: ["DriftKit"],
            resources: [.copy("Fixtures")]
        ),
        // Depends on the executables so that `swift test` builds the binaries the end-to-end tests run.
        .testTarget(name: "IntegrationTests", dependencies: ["DriftKit", "kubectl-drift", "git-drift-hook"]),
    ]
)
