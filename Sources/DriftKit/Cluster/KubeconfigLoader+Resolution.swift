import Foundation

extension KubeconfigLoader {
    /// The namespace kubectl places objects that name none in, read without credentials or a
    /// server: `--namespace`, else the context's, else the pod's in a pod, else `default`.
    public func namespace(_ overrides: KubeconfigOverrides) throws(KubeconfigError) -> String {
        if let namespace = KubeconfigOverrides.given(overrides.namespace) { return namespace }
        if let namespace = KubeconfigOverrides.given(try Self.context(in: load(overrides), overrides: overrides)?.context.namespace) {
            return namespace
        }
        return defaultNamespace(inClusterConfig)
    }

    /// The pod's service account, as this loader reads files and the environment.
    var inClusterConfig: InClusterConfig {
        InClusterConfig(
            environment: environment, serviceAccountDirectory: serviceAccountDirectory, fileSystem: fileSystem, clock: clock)
    }

    /// In a pod, kubectl takes the pod's namespace when the context names none; elsewhere `default`.
    func defaultNamespace(_ inCluster: InClusterConfig) -> String {
        inCluster.isAvailable ? inCluster.namespace : "default"
    }

    /// The context `--context` names, else `current-context`; nil when neither names one.
    static func context(
        in config: Kubeconfig, overrides: KubeconfigOverrides
    ) throws(KubeconfigError) -> (name: String, context: Kubeconfig.Context)? {
        guard let name = KubeconfigOverrides.given(overrides.context) ?? config.currentContext else { return nil }
        guard let found = config.contexts[name] else {
            let requestedBy = KubeconfigOverrides.given(overrides.context) != nil
                ? "--context" : "current-context in \(config.currentContextSource ?? config.files.joined(separator: ", "))"
            throw .contextNotFound(name: name, requestedBy: requestedBy, available: Array(config.contexts.keys))
        }
        return (name, found)
    }

    /// Resolves a merged kubeconfig into a connection by clientcmd's rules, or nil when it chooses
    /// no cluster at all (clientcmd's "empty config", which lets in-cluster configuration apply).
    ///
    /// The context is `--context`, else `current-context`; its cluster and user give way to
    /// `--cluster` and `--user`; the namespace is `--namespace`, else the context's, else
    /// `defaultNamespace()`. Named entries that do not exist are errors. As in kubectl, credentials
    /// and TLS settings are only used with an `https://` server.
    func connection(
        from config: Kubeconfig,
        overrides: KubeconfigOverrides,
        defaultNamespace: () -> String
    ) throws(KubeconfigError) -> ClusterConnection? {
        let selected = try Self.context(in: config, overrides: overrides)
        let contextName = selected?.name
        let context = selected?.context
        // Only used when the context named the missing entry, so both are set then.
        let fromContext = "context \"\(contextName ?? "")\" in \(context?.source ?? "")"

        // User: one named by --user or the context must exist.
        var userEntry: (name: String, user: Kubeconfig.User)?
        if let name = KubeconfigOverrides.given(overrides.user) ?? context?.user {
            guard let user = config.users[name] else {
                let requestedBy = KubeconfigOverrides.given(overrides.user) != nil ? "--user" : fromContext
                throw .userNotFound(name: name, requestedBy: requestedBy, available: Array(config.users.keys))
            }
            userEntry = (name, user)
        }

        // Cluster: none chosen means an empty configuration.
        guard let clusterName = KubeconfigOverrides.given(overrides.cluster) ?? context?.cluster else { return nil }
        guard let cluster = config.clusters[clusterName] else {
            let requestedBy = KubeconfigOverrides.given(overrides.cluster) != nil ? "--cluster" : fromContext
            throw .clusterNotFound(name: clusterName, requestedBy: requestedBy, available: Array(config.clusters.keys))
        }
        let tls = try validatedServer(cluster, name: clusterName)
        let certificateAuthority = try certificateAuthorityPEM(cluster, name: clusterName)
        if let userEntry { try validate(userEntry.user, name: userEntry.name) }

        let namespace = KubeconfigOverrides.given(overrides.namespace) ?? context?.namespace ?? defaultNamespace()
        guard tls.isHTTPS else {
            // clientcmd sends no credentials and applies no TLS settings unless the transport is TLS.
            return ClusterConnection(
                server: tls.server, proxyURL: cluster.proxyURL, namespace: namespace, contextName: contextName,
                clusterName: clusterName)
        }
        var credentials: any CredentialSource = StaticCredentials(ClientCredentials())
        if let userEntry {
            credentials = try credentialSource(
                for: userEntry.user,
                name: userEntry.name,
                clusterInfo: ExecCredentialPlugin.clusterInfo(
                    server: tls.server,
                    tlsServerName: cluster.tlsServerName,
                    insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
                    certificateAuthorityPEM: certificateAuthority,
                    proxyURL: cluster.proxyURL,
                    config: cluster.execExtension
                )
            )
        }
        return ClusterConnection(
            server: tls.server,
            certificateAuthorityPEM: certificateAuthority,
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName,
            proxyURL: cluster.proxyURL,
            credentials: credentials,
            namespace: namespace,
            contextName: contextName,
            clusterName: clusterName
        )
    }

    // MARK: Cluster

    private func validatedServer(_ cluster: Kubeconfig.Cluster, name: String) throws(KubeconfigError) -> (server: String, isHTTPS: Bool) {
        guard let server = cluster.server else { throw .missingServer(cluster: name, file: cluster.source) }
        guard let components = URLComponents(string: server),
              let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty
        else { throw .invalidServerURL(server: server, cluster: name, file: cluster.source) }
        if let proxyURL = cluster.proxyURL {
            guard let proxy = URLComponents(string: proxyURL),
                  let proxyScheme = proxy.scheme?.lowercased(), ["http", "https", "socks5"].contains(proxyScheme)
            else { throw .invalidProxyURL(proxyURL: proxyURL, cluster: name, file: cluster.source) }
        }
        return (server, scheme == "https")
    }

    private func certificateAuthorityPEM(_ cluster: Kubeconfig.Cluster, name: String) throws(KubeconfigError) -> Data? {
        if cluster.certificateAuthority != nil, cluster.certificateAuthorityData != nil {
            throw .invalidCluster(
                name: name, file: cluster.source,
                reason: "certificate-authority and certificate-authority-data are both set; keep one"
            )
        }
        if cluster.insecureSkipTLSVerify, cluster.certificateAuthority != nil || cluster.certificateAuthorityData != nil {
            throw .invalidCluster(
                name: name, file: cluster.source,
                reason: "insecure-skip-tls-verify cannot be combined with a certificate authority; remove one"
            )
        }
        if let data = cluster.certificateAuthorityData { return data }
        guard let path = cluster.certificateAuthority else { return nil }
        return try read(path, purpose: "certificate-authority of cluster \"\(name)\" (from \(cluster.source))")
    }

    // MARK: User

    /// clientcmd's checks of the chosen user, plus the removed auth providers.
    private func validate(_ user: Kubeconfig.User, name: String) throws(KubeconfigError) {
        func invalid(_ reason: String) -> KubeconfigError { .invalidUser(name: name, file: user.source, reason: reason) }
        if let provider = user.authProvider {
            throw .authProviderRemoved(provider: provider.name, user: name, file: user.source)
        }
        if user.clientCertificate != nil || user.clientCertificateData != nil {
            if user.clientCertificate != nil, user.clientCertificateData != nil {
                throw invalid("client-certificate and client-certificate-data are both set; keep one")
            }
            if user.clientKey != nil, user.clientKeyData != nil {
                throw invalid("client-key and client-key-data are both set; keep one")
            }
            if user.clientKey == nil, user.clientKeyData == nil {
                throw invalid("a client certificate needs client-key or client-key-data")
            }
        }
        if user.token != nil, user.username != nil || user.password != nil {
            throw invalid("more than one authentication method (token and username/password); keep one")
        }
        if let exec = user.exec {
            if exec.command.isEmpty { throw invalid("exec needs a command") }
            if exec.apiVersion.isEmpty { throw invalid("exec needs an apiVersion") }
            guard ExecCredentialPlugin.supportedAPIVersions.contains(exec.apiVersion) else {
                let supported = ExecCredentialPlugin.supportedAPIVersions.joined(separator: " or ")
                throw invalid("exec apiVersion \"\(exec.apiVersion)\" is not supported; use \(supported)")
            }
            if exec.env.contains(where: { $0.name.isEmpty }) { throw invalid("every exec env entry needs a name") }
            switch exec.interactiveMode {
            case nil where exec.apiVersion == "client.authentication.k8s.io/v1":
                throw invalid("exec with apiVersion client.authentication.k8s.io/v1 needs interactiveMode (Never or IfAvailable)")
            case nil, "Never"?, "IfAvailable"?:
                break
            case "Always"?:
                throw invalid(
                    "exec interactiveMode Always needs a terminal on stdin, which kubectl-drift never gives plugins; use IfAvailable or Never"
                )
            case let mode?:
                throw invalid("exec interactiveMode \"\(mode)\" is not one of Never, IfAvailable, Always")
            }
        }
    }

    /// The user's credentials: a token file, static token, basic auth and client certificate as
    /// given; the exec plugin only when none of those is set (client-go's precedence).
    private func credentialSource(
        for user: Kubeconfig.User, name: String, clusterInfo: JSONValue
    ) throws(KubeconfigError) -> any CredentialSource {
        var base = ClientCredentials()
        if user.clientCertificate != nil || user.clientCertificateData != nil {
            base.clientCertificatePEM = user.clientCertificateData
            if let path = user.clientCertificate {
                base.clientCertificatePEM = try read(path, purpose: "client-certificate of user \"\(name)\" (from \(user.source))")
            }
            base.clientKeyPEM = user.clientKeyData
            if let path = user.clientKey {
                base.clientKeyPEM = try read(path, purpose: "client-key of user \"\(name)\" (from \(user.source))")
            }
        }
        if user.username != nil || user.password != nil {
            base.basicAuth = BasicAuth(username: user.username ?? "", password: user.password ?? "")
        }
        if let tokenFile = user.tokenFile {
            let source = TokenFileCredentials(
                path: tokenFile,
                fallbackToken: user.token,
                base: base,
                purpose: "tokenFile of user \"\(name)\" (from \(user.source))",
                fileSystem: fileSystem,
                clock: clock
            )
            // Without a token to fall back on, kubectl reads the file up front and fails when it cannot.
            if user.token == nil { _ = try source.currentCredentials(forceRefresh: false) }
            return source
        }
        base.bearerToken = user.token
        if let exec = user.exec, base == ClientCredentials() {
            return ExecCredentialPlugin(
                config: exec,
                userName: name,
                cluster: clusterInfo,
                environment: environment,
                clock: clock,
                stderrHandler: pluginStderrHandler
            )
        }
        return StaticCredentials(base)
    }

    private func read(_ path: String, purpose: String) throws(KubeconfigError) -> Data {
        switch fileSystem.read(path) {
        case let .contents(data): return data
        case .missing: throw .unreadableFile(path: path, purpose: purpose, reason: "no such file")
        case let .failed(reason): throw .unreadableFile(path: path, purpose: purpose, reason: reason)
        }
    }
}
