import Foundation
import Synchronization

/// A kube-apiserver and etcd on 127.0.0.1, started from envtest assets for tests and demos.
///
/// Everything lives in a private temporary directory: certificates and keys, the etcd
/// data, a kubeconfig for real `kubectl`, and the processes' logs (nothing is printed).
/// Ports are picked free on loopback. `stop()`, or releasing the last reference, ends both
/// processes and removes the directory; should this process die first, a watchdog does.
/// `restartAPIServer()` restarts kube-apiserver alone, for tests of clients that must
/// survive a server restart.
public final class LocalAPIServer: Sendable {
    /// How to start and stop a server.
    public struct Options: Sendable {
        /// Seconds to wait for the server to become ready, all attempts together.
        public var readinessTimeout: Double = 60
        /// Seconds a process may take to exit after SIGTERM before it gets SIGKILL.
        public var stopGracePeriod: Double = 5

        public init() {}
    }

    /// The server's base URL, such as `https://127.0.0.1:41234`.
    public let serverURL: String
    /// The private directory holding the server's files; `stop()` removes it.
    public let directory: String
    /// A kubeconfig with the contexts `admin` (current), `admin-token` and `readonly`.
    public var kubeconfigPath: String { directory + "/kubeconfig" }

    let pki: LocalPKI
    let tokens: [Identity: String]
    private let stopGracePeriod: Double
    private let readinessTimeout: Double
    /// How kube-apiserver was started, to start it again the same way.
    private let apiServerCommand: Command
    private let running: Mutex<Processes?>

    /// What `stop()` ends.
    private struct Processes: Sendable {
        /// In the order to stop them: the API server first, so it does not retry etcd.
        var children: [ChildProcess]
        var watchdog: ExitWatchdog
    }

    /// A process to spawn, kept so that it can be spawned again with the same arguments.
    private struct Command: Sendable {
        var executable: String
        var arguments: [String]
        var name: String
        var logPath: String

        func spawn() throws(LocalClusterError) -> ChildProcess {
            try ChildProcess.spawn(executable, arguments, name: name, logPath: logPath)
        }
    }

    private static let readonlyRoleName = "kubectl-drift-readonly"
    private static let maxLaunchAttempts = 3

    private init(
        serverURL: String, directory: String, pki: LocalPKI, tokens: [Identity: String], processes: Processes,
        apiServerCommand: Command, options: Options
    ) {
        self.serverURL = serverURL
        self.directory = directory
        self.pki = pki
        self.tokens = tokens
        self.apiServerCommand = apiServerCommand
        stopGracePeriod = options.stopGracePeriod
        readinessTimeout = options.readinessTimeout
        running = Mutex(processes)
    }

    deinit {
        stop()
    }

    /// Starts etcd and kube-apiserver from `assets` and returns once the server is ready,
    /// the namespace `default` exists and the `readonly` identity has its permissions.
    ///
    /// - Parameter assets: a folder holding `kube-apiserver` and `etcd`, see `findAssets(environment:)`.
    public static func start(assets: URL, options: Options = Options()) throws(LocalClusterError) -> LocalAPIServer {
        let deadline = Date().addingTimeInterval(options.readinessTimeout)
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let openssl = try LocalPKI.findOpenSSL(searchPath: searchPath)
        let directory = try makePrivateDirectory()
        let watchdog: ExitWatchdog
        do {
            watchdog = try ExitWatchdog(directory: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }

        var children: [ChildProcess] = []
        let server: LocalAPIServer
        do throws(LocalClusterError) {
            let tokens: [Identity: String] = [.adminToken: randomToken(), .readonly: randomToken()]
            try write(tokenFile(tokens), to: directory + "/tokens.csv")
            var pki: LocalPKI?
            var attempt = 1
            launching: while true {
                let ports = try LoopbackPorts.reserve(3)
                children = [try spawnEtcd(assets: assets, directory: directory, clientPort: ports[0], peerPort: ports[1])]
                watchdog.watch(children)
                // Generated while etcd starts; the certificates name no port, so one set serves every attempt.
                let certificates = if let pki { pki } else { try LocalPKI.generate(in: directory, openssl: openssl) }
                pki = certificates
                let command = apiServerCommand(
                    assets: assets, directory: directory, pki: certificates, etcdPort: ports[0], securePort: ports[2])
                children.insert(try command.spawn(), at: 0)
                watchdog.watch(children)

                let serverURL = "https://127.0.0.1:\(ports[2])"
                let probe = connection(server: serverURL, pki: certificates, credentials: certificates.adminCredentials)
                switch waitUntilReady(children, probe: probe, deadline: deadline) {
                case .ready:
                    server = LocalAPIServer(
                        serverURL: serverURL, directory: directory, pki: certificates, tokens: tokens,
                        processes: Processes(children: children, watchdog: watchdog),
                        apiServerCommand: command, options: options)
                    break launching
                case let .exited(process, termination):
                    guard attempt < maxLaunchAttempts, process.logContains("address already in use") else {
                        throw LocalClusterError.processFailed(
                            name: process.name, reason: "it \(termination) before the server was ready",
                            logTail: process.logTail())
                    }
                    // Another process took a port between our probe and the bind: start over on new ones.
                    terminate(children, gracePeriod: 0)
                    children = []
                    watchdog.watch(children)
                    for leftover in ["etcd", "etcd.log", "kube-apiserver.log"] {
                        try? FileManager.default.removeItem(atPath: "\(directory)/\(leftover)")
                    }
                    attempt += 1
                case .timedOut:
                    throw LocalClusterError.notReady(
                        seconds: options.readinessTimeout,
                        logTail: children.map { $0.logTail() }.filter { !$0.isEmpty }.joined(separator: "\n"))
                }
            }
        } catch {
            // Nothing of a failed start is kept, so there is no point in a graceful stop.
            terminate(children, gracePeriod: 0)
            watchdog.dismiss()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }

        do throws(LocalClusterError) {
            try server.grantReadonlyAccess(deadline: deadline)
            try write(server.kubeconfig(), to: server.kubeconfigPath)
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// A connection to the server as `identity`, trusting the server's CA and ignoring
    /// any proxy set in the environment (the server is on loopback).
    public func connection(for identity: Identity) -> ClusterConnection {
        let credentials: ClientCredentials
        switch identity {
        case .admin: credentials = pki.adminCredentials
        case .adminToken, .readonly: credentials = ClientCredentials(bearerToken: tokens[identity])
        }
        var connection = Self.connection(server: serverURL, pki: pki, credentials: credentials)
        connection.contextName = identity.rawValue
        return connection
    }

    /// Stops kube-apiserver (SIGTERM, SIGKILL after the grace period) and starts it again with
    /// the same arguments, so on the same port, with the same etcd, certificates and tokens:
    /// connections and the kubeconfig work again once it returns, when the server is ready.
    ///
    /// Its log goes on in the same file. Should another process take the port while the
    /// server is down, the new kube-apiserver exits and this throws with its log.
    public func restartAPIServer() throws(LocalClusterError) {
        // Held throughout, so that a concurrent stop() waits and then stops the new process.
        try running.withLock { running throws(LocalClusterError) in
            guard var processes = running else {
                throw .setupFailed(step: "restarting kube-apiserver", message: "the server has been stopped")
            }
            processes.children[0].terminate(gracePeriod: stopGracePeriod)
            processes.children[0] = try apiServerCommand.spawn()
            running = processes
            processes.watchdog.watch(processes.children)
            let probe = Self.connection(server: serverURL, pki: pki, credentials: pki.adminCredentials)
            switch Self.waitUntilReady(
                processes.children, probe: probe, deadline: Date().addingTimeInterval(readinessTimeout))
            {
            case .ready:
                return
            case let .exited(process, termination):
                throw .processFailed(
                    name: process.name, reason: "it \(termination) before the server was ready again",
                    logTail: process.logTail())
            case .timedOut:
                throw .notReady(
                    seconds: readinessTimeout,
                    logTail: processes.children.map { $0.logTail() }.filter { !$0.isEmpty }.joined(separator: "\n"))
            }
        }
    }

    /// Stops kube-apiserver then etcd (SIGTERM, SIGKILL after the grace period), waits for
    /// them, and removes the directory. Calling it again does nothing.
    public func stop() {
        guard let processes = running.withLock({ running in defer { running = nil }; return running }) else { return }
        Self.terminate(processes.children, gracePeriod: stopGracePeriod)
        processes.watchdog.dismiss()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private enum Readiness {
        case ready
        case exited(ChildProcess, ChildProcess.Termination)
        case timedOut
    }

    /// Polls `/readyz` until it answers 200, a process ends, or the deadline passes.
    private static func waitUntilReady(_ children: [ChildProcess], probe: ClusterConnection, deadline: Date) -> Readiness {
        let transport = try? CurlTransport(connection: probe, options: quickOptions)
        while true {
            for child in children {
                if let termination = child.poll() { return .exited(child, termination) }
            }
            if let response = try? transport?.send(HTTPRequest(path: "/readyz")), response.statusCode == 200 {
                return .ready
            }
            if Date() >= deadline { return .timedOut }
            usleep(50_000)
        }
    }

    /// Creates a ClusterRole allowing get, list and watch on everything, binds it to the
    /// `readonly` user, and waits until the authorizer applies it.
    private func grantReadonlyAccess(deadline: Date) throws(LocalClusterError) {
        let rbac = "/apis/rbac.authorization.k8s.io/v1"
        let role: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": ["name": .string(Self.readonlyRoleName)],
            "rules": [
                ["apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]],
                ["nonResourceURLs": ["*"], "verbs": ["get"]],
            ],
        ]
        let binding: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": ["name": .string(Self.readonlyRoleName)],
            "roleRef": [
                "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(Self.readonlyRoleName),
            ],
            "subjects": [
                ["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string(Identity.readonly.rawValue)],
            ],
        ]
        let step = "granting the readonly identity its permissions"
        do {
            let admin = try quickClient(.admin)
            for (object, collection) in [(role, "clusterroles"), (binding, "clusterrolebindings")] {
                _ = try admin.apply(
                    object, at: "\(rbac)/\(collection)/\(Self.readonlyRoleName)",
                    fieldManager: "kubectl-drift-local", force: true, dryRun: false)
            }
            // The authorizer learns of the binding through a watch, a few milliseconds later,
            // and the namespace `default` appears shortly after the server is ready.
            let readonly = try quickClient(.readonly)
            while try !canReadDefaultNamespace(readonly, deadline: deadline) { usleep(20_000) }
        } catch let error as APIError {
            throw .setupFailed(step: step, message: error.description)
        } catch let error as TransportError {
            throw .setupFailed(step: step, message: error.description)
        } catch {
            throw .setupFailed(step: step, message: String(describing: error))
        }
    }

    /// Whether `client` can read the namespace `default`; false on 403 or 404 until the
    /// deadline, then the error.
    private func canReadDefaultNamespace(_ client: APIClient, deadline: Date) throws(APIError) -> Bool {
        do {
            _ = try client.get("/api/v1/namespaces/default")
            return true
        } catch {
            guard error.statusCode == 403 || error.statusCode == 404, Date() < deadline else { throw error }
            return false
        }
    }

    /// A client that fails fast, for polling.
    private func quickClient(_ identity: Identity) throws(TransportError) -> APIClient {
        APIClient(transport: try CurlTransport(connection: connection(for: identity), options: Self.quickOptions))
    }

    private static var quickOptions: CurlTransport.Options {
        var options = CurlTransport.Options()
        options.connectTimeout = 1
        options.requestTimeout = 10
        options.retry = RetryPolicy(maxAttempts: 1)
        return options
    }

    private static func connection(server: String, pki: LocalPKI, credentials: ClientCredentials) -> ClusterConnection {
        ClusterConnection(
            server: server,
            certificateAuthorityPEM: pki.caCertificatePEM,
            // libcurl reads an empty proxy as "no proxy", even when https_proxy is set.
            proxyURL: "",
            credentials: StaticCredentials(credentials))
    }

    private static func spawnEtcd(
        assets: URL, directory: String, clientPort: Int, peerPort: Int
    ) throws(LocalClusterError) -> ChildProcess {
        let clientURL = "http://127.0.0.1:\(clientPort)"
        return try ChildProcess.spawn(
            assets.appendingPathComponent("etcd").path,
            [
                "--data-dir", directory + "/etcd",
                "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
                "--listen-peer-urls", "http://127.0.0.1:\(peerPort)",
            ],
            name: "etcd", logPath: directory + "/etcd.log")
    }

    private static func apiServerCommand(
        assets: URL, directory: String, pki: LocalPKI, etcdPort: Int, securePort: Int
    ) -> Command {
        Command(
            executable: assets.appendingPathComponent("kube-apiserver").path,
            arguments: [
                "--etcd-servers=http://127.0.0.1:\(etcdPort)",
                "--bind-address=127.0.0.1", "--secure-port=\(securePort)", "--advertise-address=127.0.0.1",
                "--tls-cert-file=\(pki.serverCertificate)", "--tls-private-key-file=\(pki.serverKey)",
                "--client-ca-file=\(pki.caCertificate)", "--token-auth-file=\(directory)/tokens.csv",
                "--service-account-issuer=https://kubernetes.default.svc",
                "--service-account-key-file=\(pki.serviceAccountKey)",
                "--service-account-signing-key-file=\(pki.serviceAccountKey)",
                "--service-cluster-ip-range=10.0.0.0/24", "--authorization-mode=RBAC", "--allow-privileged=true",
                "--disable-admission-plugins=ServiceAccount",
            ],
            name: "kube-apiserver", logPath: directory + "/kube-apiserver.log")
    }

    private static func terminate(_ children: [ChildProcess], gracePeriod: Double) {
        for child in children { child.terminate(gracePeriod: gracePeriod) }
    }

    /// `token,user,uid,"groups"` lines for kube-apiserver's `--token-auth-file`.
    private static func tokenFile(_ tokens: [Identity: String]) -> String {
        Identity.allCases.compactMap { identity in
            tokens[identity].map { token in
                let groups = identity == .adminToken ? ",\"system:masters\"" : ""
                return "\(token),\(identity.rawValue),\(identity.rawValue)\(groups)\n"
            }
        }.joined()
    }

    private static func randomToken() -> String {
        (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
    }

    /// A new directory readable only by this user, under the system's temporary directory.
    private static func makePrivateDirectory() throws(LocalClusterError) -> String {
        let parent = FileManager.default.temporaryDirectory.path
        var template = Array((parent + "/kubectl-drift-local-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw .setupFailed(
                step: "creating a temporary directory in \(parent)", message: String(cString: strerror(errno)))
        }
        return String(cString: created)
    }

    private static func write(_ text: String, to path: String) throws(LocalClusterError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .setupFailed(step: "writing \(path)", message: error.localizedDescription)
        }
    }
}
