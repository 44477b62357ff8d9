import Foundation
import Testing
@testable import DriftKit

@Suite("Kubeconfig resolution")
struct KubeconfigResolutionTests {
    /// Three contexts over two clusters and two users.
    private func multiContextDocument() -> JSONValue {
        kubeconfigDocument(
            clusters: [
                "prod": ["server": "https://prod.example:6443"],
                "staging": ["server": "https://staging.example:6443"],
            ],
            users: [
                "admin": ["token": "admin-token"],
                "viewer": ["token": "viewer-token"],
            ],
            contexts: [
                "prod-admin": ["cluster": "prod", "user": "admin", "namespace": "prod-ns"],
                "staging-viewer": ["cluster": "staging", "user": "viewer"],
            ],
            currentContext: "prod-admin"
        )
    }

    private func resolve(_ document: JSONValue, _ overrides: KubeconfigOverrides = KubeconfigOverrides()) throws -> ClusterConnection {
        let directory = try TemporaryDirectory()
        let file = try directory.write("config", kubeconfig: document)
        return try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(overrides)
    }

    @Test("current-context chooses the cluster, user and namespace")
    func currentContext() throws {
        let connection = try resolve(multiContextDocument())
        #expect(connection.server == "https://prod.example:6443")
        #expect(try currentCredentials(connection).bearerToken == "admin-token")
        #expect(connection.namespace == "prod-ns")
        #expect(connection.contextName == "prod-admin")
        #expect(connection.clusterName == "prod")
    }

    @Test("--context replaces current-context")
    func contextOverride() throws {
        let connection = try resolve(multiContextDocument(), KubeconfigOverrides(context: "staging-viewer"))
        #expect(connection.server == "https://staging.example:6443")
        #expect(try currentCredentials(connection).bearerToken == "viewer-token")
        #expect(connection.contextName == "staging-viewer")
        #expect(connection.clusterName == "staging")
    }

    @Test("--cluster replaces the context's cluster and keeps its user and namespace")
    func clusterOverride() throws {
        let connection = try resolve(multiContextDocument(), KubeconfigOverrides(cluster: "staging"))
        #expect(connection.server == "https://staging.example:6443")
        #expect(try currentCredentials(connection).bearerToken == "admin-token")
        #expect(connection.namespace == "prod-ns")
        #expect(connection.contextName == "prod-admin")
        #expect(connection.clusterName == "staging")
    }

    @Test("--user replaces the context's user and keeps its cluster")
    func userOverride() throws {
        let connection = try resolve(multiContextDocument(), KubeconfigOverrides(user: "viewer"))
        #expect(connection.server == "https://prod.example:6443")
        #expect(try currentCredentials(connection).bearerToken == "viewer-token")
    }

    @Test("--cluster and --user work without any context")
    func overridesWithoutContext() throws {
        var document = multiContextDocument().objectValue!
        document["current-context"] = nil
        let connection = try resolve(.object(document), KubeconfigOverrides(cluster: "staging", user: "admin"))
        #expect(connection.server == "https://staging.example:6443")
        #expect(try currentCredentials(connection).bearerToken == "admin-token")
        #expect(connection.namespace == "default")
        #expect(connection.contextName == nil)
        #expect(connection.clusterName == "staging")
    }

    @Test("empty override strings count as not given")
    func emptyOverrides() throws {
        let connection = try resolve(multiContextDocument(), KubeconfigOverrides(kubeconfig: "", context: "", cluster: "", user: "", namespace: ""))
        #expect(connection.contextName == "prod-admin")
        #expect(connection.namespace == "prod-ns")
    }

    @Test("namespace: --namespace, else the context's, else default", arguments: [
        (nil, nil, "default"),
        ("team-a", nil, "team-a"),
        ("team-a", "override", "override"),
        (nil, "override", "override"),
    ] as [(String?, String?, String)])
    func namespaceDefaulting(contextNamespace: String?, flag: String?, expected: String) throws {
        let connection = try resolve(simpleKubeconfig(namespace: contextNamespace), KubeconfigOverrides(namespace: flag))
        #expect(connection.namespace == expected)
    }

    @Test("relative paths resolve against the directory of the file that defines the entry, not the working directory")
    func relativePaths() throws {
        let directory = try TemporaryDirectory()
        try directory.write("clusters/pki/ca.crt", samplePEM)
        try directory.write("users/certs/client.crt", sampleClientCertPEM)
        try directory.write("users/certs/client.key", sampleKeyPEM)
        let clusters = try directory.write("clusters/config", kubeconfig: kubeconfigDocument(
            clusters: ["c": ["server": "https://relative.example", "certificate-authority": "pki/ca.crt"]],
            contexts: ["ctx": ["cluster": "c", "user": "u"]],
            currentContext: "ctx"
        ))
        let users = try directory.write("users/nested/config", kubeconfig: kubeconfigDocument(
            users: ["u": ["client-certificate": "../certs/client.crt", "client-key": "./../certs/client.key"]]
        ))
        var loader = testLoader(directory, environment: ["KUBECONFIG": "\(clusters):\(users)"])
        loader.currentDirectory = "/"
        let config = try loader.load(KubeconfigOverrides())
        #expect(config.clusters["c"]?.certificateAuthority == directory.path("clusters/pki/ca.crt"))
        #expect(config.users["u"]?.clientCertificate == directory.path("users/certs/client.crt"))
        #expect(config.users["u"]?.clientKey == directory.path("users/certs/client.key"))
        let connection = try loader.resolve(KubeconfigOverrides())
        #expect(connection.certificateAuthorityPEM == Data(samplePEM.utf8))
        let credentials = try currentCredentials(connection)
        #expect(credentials.clientCertificatePEM == Data(sampleClientCertPEM.utf8))
        #expect(credentials.clientKeyPEM == Data(sampleKeyPEM.utf8))
    }

    @Test("absolute paths are kept as written")
    func absolutePaths() throws {
        let directory = try TemporaryDirectory()
        let ca = try directory.write("elsewhere/ca.crt", samplePEM)
        let file = try directory.write("config/kube", kubeconfig: simpleKubeconfig(cluster: ["certificate-authority": .string(ca)]))
        let config = try testLoader(directory, environment: ["KUBECONFIG": file]).load(KubeconfigOverrides())
        #expect(config.clusters["c"]?.certificateAuthority == ca)
    }

    @Test("certificate authority from certificate-authority-data or from a file gives the same PEM", arguments: [true, false])
    func certificateAuthoritySources(inline: Bool) throws {
        let directory = try TemporaryDirectory()
        try directory.write("ca.crt", samplePEM)
        let cluster: JSONValue = inline ? ["certificate-authority-data": base64(samplePEM)] : ["certificate-authority": "ca.crt"]
        let file = try directory.write("config", kubeconfig: simpleKubeconfig(cluster: cluster))
        let connection = try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides())
        #expect(connection.certificateAuthorityPEM == Data(samplePEM.utf8))
    }

    @Test("client certificate and key from -data fields or from files give the same PEM", arguments: [true, false])
    func clientCertificateSources(inline: Bool) throws {
        let directory = try TemporaryDirectory()
        try directory.write("client.crt", sampleClientCertPEM)
        try directory.write("client.key", sampleKeyPEM)
        let user: JSONValue = inline
            ? ["client-certificate-data": base64(sampleClientCertPEM), "client-key-data": base64(sampleKeyPEM)]
            : ["client-certificate": "client.crt", "client-key": "client.key"]
        let file = try directory.write("config", kubeconfig: simpleKubeconfig(user: user))
        let connection = try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides())
        let credentials = try currentCredentials(connection)
        #expect(credentials.clientCertificatePEM == Data(sampleClientCertPEM.utf8))
        #expect(credentials.clientKeyPEM == Data(sampleKeyPEM.utf8))
        #expect(credentials.bearerToken == nil)
    }

    @Test("a certificate file may come with inline key data")
    func mixedCertificateSources() throws {
        let directory = try TemporaryDirectory()
        try directory.write("client.crt", sampleClientCertPEM)
        let file = try directory.write("config", kubeconfig: simpleKubeconfig(user: ["client-certificate": "client.crt", "client-key-data": base64(sampleKeyPEM)]))
        let credentials = try currentCredentials(try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides()))
        #expect(credentials.clientCertificatePEM == Data(sampleClientCertPEM.utf8))
        #expect(credentials.clientKeyPEM == Data(sampleKeyPEM.utf8))
    }

    @Test("base64 data split over lines decodes, as Go's decoder allows")
    func base64WithLineBreaks() throws {
        let encoded = Data(samplePEM.utf8).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        #expect(encoded.contains("\n"))
        let connection = try resolve(simpleKubeconfig(cluster: ["certificate-authority-data": .string(encoded)]))
        #expect(connection.certificateAuthorityPEM == Data(samplePEM.utf8))
    }

    @Test("insecure-skip-tls-verify, tls-server-name and proxy-url are carried over")
    func tlsOptions() throws {
        let connection = try resolve(simpleKubeconfig(cluster: [
            "insecure-skip-tls-verify": true,
            "tls-server-name": "kubernetes.default.svc",
            "proxy-url": "socks5://proxy.example:1080",
        ]))
        #expect(connection.insecureSkipTLSVerify)
        #expect(connection.tlsServerName == "kubernetes.default.svc")
        #expect(connection.proxyURL == "socks5://proxy.example:1080")
        #expect(connection.certificateAuthorityPEM == nil)
    }

    @Test("a server URL with a path is kept")
    func serverWithPath() throws {
        let connection = try resolve(simpleKubeconfig(server: "https://rancher.example/k8s/clusters/c-1"))
        #expect(connection.server == "https://rancher.example/k8s/clusters/c-1")
    }

    @Test("with an http:// server no credentials and no TLS settings are used, as in kubectl")
    func plainHTTPDropsCredentials() throws {
        let connection = try resolve(simpleKubeconfig(
            server: "http://localhost:8080",
            cluster: ["certificate-authority-data": base64(samplePEM), "tls-server-name": "name"],
            user: ["token": "secret"]
        ))
        #expect(connection.server == "http://localhost:8080")
        #expect(try currentCredentials(connection) == ClientCredentials())
        #expect(connection.certificateAuthorityPEM == nil)
        #expect(connection.tlsServerName == nil)
        #expect(connection.clusterName == "c")
        #expect(connection.contextName == "ctx")
    }

    @Test("a static token is presented as is")
    func staticToken() throws {
        let connection = try resolve(simpleKubeconfig(user: ["token": "abc.def"]))
        #expect(connection.credentials is StaticCredentials)
        #expect(try currentCredentials(connection) == ClientCredentials(bearerToken: "abc.def"))
    }

    @Test("username and password become basic auth")
    func basicAuth() throws {
        let connection = try resolve(simpleKubeconfig(user: ["username": "admin", "password": "s3cret"]))
        #expect(try currentCredentials(connection).basicAuth == BasicAuth(username: "admin", password: "s3cret"))
    }

    @Test("a user without credentials is anonymous")
    func anonymous() throws {
        let connection = try resolve(simpleKubeconfig(user: [:]))
        #expect(try currentCredentials(connection) == ClientCredentials())
    }

    @Test("a context without a user is anonymous")
    func contextWithoutUser() throws {
        let connection = try resolve(kubeconfigDocument(
            clusters: ["c": ["server": "https://anon.example"]], contexts: ["ctx": ["cluster": "c"]], currentContext: "ctx"
        ))
        #expect(try currentCredentials(connection) == ClientCredentials())
    }

    @Test("tokenFile is read at resolution, relative to its kubeconfig, and kept with the client certificate")
    func tokenFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("secrets/token", "file-token\n")
        let file = try directory.write("config", kubeconfig: simpleKubeconfig(user: [
            "tokenFile": "secrets/token", "client-certificate-data": base64(sampleClientCertPEM), "client-key-data": base64(sampleKeyPEM),
        ]))
        let connection = try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides())
        let source = try #require(connection.credentials as? TokenFileCredentials)
        #expect(source.path == directory.path("secrets/token"))
        let credentials = try currentCredentials(connection)
        #expect(credentials.bearerToken == "file-token")
        #expect(credentials.clientCertificatePEM == Data(sampleClientCertPEM.utf8))
    }

    @Test("with token and tokenFile the file wins while it is readable, and the token is the fallback")
    func tokenAndTokenFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", "from-file")
        let file = try directory.write("config", kubeconfig: simpleKubeconfig(user: ["token": "inline", "tokenFile": "token"]))
        let readable = try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides())
        #expect(try currentCredentials(readable).bearerToken == "from-file")

        try FileManager.default.removeItem(atPath: directory.path("token"))
        let unreadable = try testLoader(directory, environment: ["KUBECONFIG": file]).resolve(KubeconfigOverrides())
        #expect(try currentCredentials(unreadable).bearerToken == "inline")
    }

    @Test("an exec plugin is ignored when the user also has a token, as in client-go")
    func execIgnoredWithToken() throws {
        let connection = try resolve(simpleKubeconfig(user: [
            "token": "static",
            "exec": ["apiVersion": "client.authentication.k8s.io/v1beta1", "command": "never-run"],
        ]))
        #expect(connection.credentials is StaticCredentials)
        #expect(try currentCredentials(connection).bearerToken == "static")
    }

    @Test("an exec user gets an exec plugin source with its stanza, nothing is run at resolution")
    func execSource() throws {
        let connection = try resolve(simpleKubeconfig(user: [
            "exec": [
                "apiVersion": "client.authentication.k8s.io/v1",
                "command": "aws",
                "args": ["eks", "get-token", "--cluster-name", "prod"],
                "env": [["name": "AWS_PROFILE", "value": "prod"]],
                "interactiveMode": "Never",
                "installHint": "install the AWS CLI",
            ],
        ]))
        let plugin = try #require(connection.credentials as? ExecCredentialPlugin)
        #expect(plugin.config.command == "aws")
        #expect(plugin.config.args == ["eks", "get-token", "--cluster-name", "prod"])
        #expect(plugin.config.env == [.init(name: "AWS_PROFILE", value: "prod")])
        #expect(plugin.config.installHint == "install the AWS CLI")
        #expect(plugin.userName == "u")
    }

    @Test("an exec command containing a slash resolves against the kubeconfig's directory; a bare name does not")
    func execCommandPaths() throws {
        let directory = try TemporaryDirectory()
        let exec: (String) -> JSONValue = { command in
            ["exec": ["apiVersion": "client.authentication.k8s.io/v1beta1", "command": .string(command)]]
        }
        let file = try directory.write("kube/config", kubeconfig: kubeconfigDocument(users: [
            "relative": exec("./bin/plugin"), "nested": exec("tools/plugin"), "bare": exec("plugin"), "absolute": exec("/opt/plugin"),
        ]))
        let config = try testLoader(directory, environment: ["KUBECONFIG": file]).load(KubeconfigOverrides())
        #expect(config.users["relative"]?.exec?.command == directory.path("kube/bin/plugin"))
        #expect(config.users["nested"]?.exec?.command == directory.path("kube/tools/plugin"))
        #expect(config.users["bare"]?.exec?.command == "plugin")
        #expect(config.users["absolute"]?.exec?.command == "/opt/plugin")
    }

    @Test("the cluster's exec extension and CA are handed to exec plugins that ask for cluster info")
    func execClusterInfo() throws {
        let connection = try resolve(kubeconfigDocument(
            clusters: ["c": [
                "server": "https://exec.example:6443",
                "certificate-authority-data": base64(samplePEM),
                "tls-server-name": "api.internal",
                "extensions": [["name": "client.authentication.k8s.io/exec", "extension": ["audience": "drift"]]],
            ]],
            users: ["u": ["exec": [
                "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "plugin", "provideClusterInfo": true,
            ]]],
            contexts: ["ctx": ["cluster": "c", "user": "u"]],
            currentContext: "ctx"
        ))
        let plugin = try #require(connection.credentials as? ExecCredentialPlugin)
        let cluster = try #require(plugin.execInfo["spec"]?["cluster"])
        #expect(cluster["server"] == "https://exec.example:6443")
        #expect(cluster["tls-server-name"] == "api.internal")
        #expect(cluster["certificate-authority-data"] == base64(samplePEM))
        #expect(cluster["config"] == ["audience": "drift"])
        #expect(plugin.execInfo["spec"]?["interactive"] == false)
        #expect(plugin.execInfo["apiVersion"] == "client.authentication.k8s.io/v1beta1")
        #expect(plugin.execInfo["kind"] == "ExecCredential")
    }

    @Test("the namespace for objects that name none is read without credentials", arguments: [
        (KubeconfigOverrides(), "prod-ns"),
        (KubeconfigOverrides(context: "staging-viewer"), "default"),
        (KubeconfigOverrides(context: "prod-admin", namespace: "given"), "given"),
    ])
    func namespaceWithoutCredentials(overrides: KubeconfigOverrides, namespace: String) throws {
        var document = multiContextDocument()
        // An exec plugin that cannot run: reading the namespace must not need it.
        document = try JSONPointer("/users").updating(document, to: [["name": "admin", "user": ["exec": [
            "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "/nonexistent/credential-plugin",
        ]]], ["name": "viewer", "user": ["token": "t"]]])
        let directory = try TemporaryDirectory()
        let file = try directory.write("config", kubeconfig: document)
        #expect(try testLoader(directory, environment: ["KUBECONFIG": file]).namespace(overrides) == namespace)
    }

    @Test("without any kubeconfig the namespace is default; a missing --context is an error")
    func namespaceDefaults() throws {
        let directory = try TemporaryDirectory()
        #expect(try testLoader(directory, environment: ["HOME": directory.path]).namespace(KubeconfigOverrides()) == "default")
        let file = try directory.write("config", kubeconfig: multiContextDocument())
        #expect(throws: KubeconfigError.self) {
            try testLoader(directory, environment: ["KUBECONFIG": file]).namespace(KubeconfigOverrides(context: "nope"))
        }
    }
}
