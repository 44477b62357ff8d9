import Foundation

/// Finds, reads and merges kubeconfig files and resolves them into a `ClusterConnection`, as kubectl does.
///
/// The files are `--kubeconfig` alone (it must exist), else every file listed in `KUBECONFIG`
/// (`:`-separated, missing ones skipped), else `$HOME/.kube/config`. When they choose no cluster
/// and the process runs in a pod, the pod's service account is used instead.
///
/// Reading files and running exec plugins are the only I/O; the environment, file system,
/// working directory, service account directory and clock are all injectable for tests.
public struct KubeconfigLoader: Sendable {
    /// The process environment: `KUBECONFIG`, `HOME`, the in-cluster variables, and what exec plugins inherit.
    public var environment: [String: String]
    public var fileSystem: KubeconfigFileSystem
    /// What relative kubeconfig paths (from `--kubeconfig` or `KUBECONFIG`) are relative to.
    public var currentDirectory: String
    /// Where the in-cluster service account is mounted.
    public var serviceAccountDirectory: String
    /// The current time, for token-file and exec-plugin caching.
    public var clock: @Sendable () -> Date
    /// Receives exec plugins' error output after successful runs; nil discards it.
    public var pluginStderrHandler: (@Sendable (String) -> Void)?

    public init(
        environment: [String: String],
        fileSystem: KubeconfigFileSystem = .local,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        serviceAccountDirectory: String = InClusterConfig.defaultServiceAccountDirectory,
        clock: @escaping @Sendable () -> Date = { Date() },
        pluginStderrHandler: (@Sendable (String) -> Void)? = nil
    ) {
        self.environment = environment
        self.fileSystem = fileSystem
        self.currentDirectory = currentDirectory
        self.serviceAccountDirectory = serviceAccountDirectory
        self.clock = clock
        self.pluginStderrHandler = pluginStderrHandler
    }

    /// Resolves the connection kubectl would use with these flags and this environment.
    ///
    /// Exec plugins' error output after successful runs goes to standard error, as with kubectl.
    public static func resolve(overrides: KubeconfigOverrides, environment: [String: String]) throws(KubeconfigError) -> ClusterConnection {
        let loader = KubeconfigLoader(environment: environment, pluginStderrHandler: { message in
            FileHandle.standardError.write(Data((message + "\n").utf8))
        })
        return try loader.resolve(overrides)
    }

    /// Resolves the connection for these flags: kubeconfig first, the pod's service account when
    /// the kubeconfig chooses no cluster.
    public func resolve(_ overrides: KubeconfigOverrides) throws(KubeconfigError) -> ClusterConnection {
        let config = try load(overrides)
        let inCluster = inClusterConfig
        if let connection = try connection(from: config, overrides: overrides, defaultNamespace: { defaultNamespace(inCluster) }) {
            return connection
        }
        if inCluster.isAvailable { return try inCluster.connection(namespace: overrides.namespace) }
        if config.files.isEmpty { throw .noConfiguration(searched: candidateFiles(overrides)) }
        throw .noContextSelected(files: config.files, available: Array(config.contexts.keys))
    }

    /// The kubeconfig files to read, as absolute paths in precedence order.
    public func candidateFiles(_ overrides: KubeconfigOverrides) -> [String] {
        if let explicit = KubeconfigOverrides.given(overrides.kubeconfig) {
            return [Kubeconfig.absolutePath(explicit, relativeTo: currentDirectory)]
        }
        if let list = KubeconfigOverrides.given(environment["KUBECONFIG"]) {
            var seen = Set<String>()
            return list.split(separator: ":").map(String.init)
                .filter { seen.insert($0).inserted }
                .map { Kubeconfig.absolutePath($0, relativeTo: currentDirectory) }
        }
        if let home = KubeconfigOverrides.given(environment["HOME"]) {
            return [Kubeconfig.absolutePath(".kube/config", relativeTo: home)]
        }
        return []
    }

    /// Reads and merges the kubeconfig files; `files` of the result lists those that existed.
    ///
    /// A missing `--kubeconfig` file is an error; missing files from `KUBECONFIG` or the home
    /// directory are skipped. Unreadable or invalid files are errors wherever they come from.
    public func load(_ overrides: KubeconfigOverrides) throws(KubeconfigError) -> Kubeconfig {
        let isExplicit = KubeconfigOverrides.given(overrides.kubeconfig) != nil
        var configs: [Kubeconfig] = []
        for path in candidateFiles(overrides) {
            switch fileSystem.read(path) {
            case let .contents(data):
                configs.append(try Kubeconfig.parse(String(decoding: data, as: UTF8.self), file: path))
            case .missing:
                if isExplicit { throw .unreadableFile(path: path, purpose: "kubeconfig (--kubeconfig)", reason: "no such file") }
            case let .failed(reason):
                throw .unreadableFile(path: path, purpose: "kubeconfig", reason: reason)
            }
        }
        return Kubeconfig.merging(configs)
    }
}
