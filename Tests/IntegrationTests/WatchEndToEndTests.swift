import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DriftKit

/// `kubectl drift watch` against the real API server: hand changes found through the watch
/// and put back within seconds, Git re-read at the interval, suspension and fights respected,
/// SIGTERM a clean exit.
///
/// Serialized: each test runs a loop process, kubectl and the server hard; one at a time keeps
/// a 2-core machine able to run the rest of the suite on time.
@Suite("kubectl drift watch, end to end", .serialized)
struct WatchEndToEndTests {
    /// A folder `apps/` with Deployment `web` (2 replicas) and ConfigMap `settings` in `namespace`.
    static func repository(namespace: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/apps", withIntermediateDirectories: true)
        try deployment(namespace: namespace).write(toFile: folder + "/apps/web.yaml", atomically: true, encoding: .utf8)
        try configMap(namespace: namespace, mode: "fast").write(toFile: folder + "/apps/settings.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    static func deployment(namespace: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: \(namespace)}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: nginx:1.25}

        """
    }

    static func configMap(namespace: String, mode: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: \(namespace)}\ndata: {mode: \(mode)}\n"
    }

    static func replicas(_ namespace: String) async throws -> Int64? {
        try await TestCluster.client().get("/apis/apps/v1/namespaces/\(namespace)/deployments/web")[["spec", "replicas"]]?.intValue
    }

    /// Runs `body` in a namespace of its own, with its repository and `kubectl drift watch`
    /// (`-f apps`, an ApplySet of its own, then `arguments`) running there; `before` runs
    /// first, with the namespace and the repository's folder. The watch must end with exit 0
    /// on SIGTERM.
    static func watching(
        _ arguments: [String], before: (String, String) async throws -> Void = { _, _ in },
        _ body: (_ namespace: String, _ folder: String, _ watch: WatchProcess) async throws -> Void
    ) async throws {
        try await TestCluster.withNamespace { namespace in
            let folder = try repository(namespace: namespace)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try await before(namespace, folder)
            let watch = try await WatchProcess(["-f", "apps", "--applyset", "watch-\(namespace)"] + arguments, in: folder)
            try await body(namespace, folder, watch)
            #expect(await watch.terminate() == 0, "SIGTERM is a clean exit: \(watch.errorOutput)")
        }
    }

    /// Waits until `condition` holds, at most `timeout` seconds; returns whether it did.
    static func eventually(timeout: Double = 15, _ condition: () async throws -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test("with --remediate, missing objects are created, a kubectl scale is put back within seconds, a deleted object comes back; SIGTERM exits 0")
    func remediates() async throws {
        try await Self.watching(["--remediate", "--interval", "1h"]) { namespace, folder, watch in
            // The first pass applies everything: on a loaded machine that takes longer than a put-back.
            #expect(await watch.waitFor("remediated deployment.apps/web", timeout: 60), "\(watch.printed)\(watch.errorOutput)")
            #expect(await watch.waitFor("remediated configmap/settings"), "\(watch.printed)\(watch.errorOutput)")

            let started = Date()
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            #expect(await watch.waitFor("remediated deployment.apps/web", count: 2), "\(watch.printed)\(watch.errorOutput)")
            #expect(await Self.eventually { try await Self.replicas(namespace) == 2 })
            #expect(Date().timeIntervalSince(started) < 60, "found through the watch, not the 1h interval")
            #expect(watch.printed.contains("drifted deployment.apps/web (namespace \(namespace)): /spec/replicas 5 → 2"), "\(watch.printed)")

            _ = try await TestCluster.kubectl(["delete", "configmap", "settings", "-n", namespace])
            #expect(await watch.waitFor("remediated configmap/settings", count: 2), "\(watch.printed)\(watch.errorOutput)")
            #expect(watch.printed.contains("drifted configmap/settings (namespace \(namespace)): missing from the cluster"))
        }
    }

    @Test("without --remediate the loop only reports: drifted once, recovered when a person puts it back")
    func reportsOnly() async throws {
        try await Self.watching(["--interval", "1h"], before: { namespace, folder async throws in
            #expect(try await DriftBinary.run(["apply", "-y", "-f", "apps", "--applyset", "watch-\(namespace)"], in: folder).status == 0)
        }) { namespace, _, watch in
            try await Task.sleep(for: .seconds(1))
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            #expect(await watch.waitFor("drifted deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=6"])
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=2"])
            #expect(await watch.waitFor("recovered deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            #expect(watch.printed.components(separatedBy: "drifted deployment.apps/web").count == 2, "drifted once: \(watch.printed)")
            #expect(!watch.printed.contains("remediated"))
        }
    }

    @Test("a change in Git is picked up at the interval and applied; a drift.yaml that becomes invalid is reported and nothing of it applied")
    func followsGit() async throws {
        try await Self.watching(["--remediate", "--interval", "1s"]) { namespace, folder, watch in
            #expect(await watch.waitFor("remediated configmap/settings"), "\(watch.printed)\(watch.errorOutput)")
            try Self.configMap(namespace: namespace, mode: "slow").write(
                toFile: folder + "/apps/settings.yaml", atomically: true, encoding: .utf8)
            #expect(await watch.waitFor("git: tree "), "\(watch.printed)\(watch.errorOutput)")
            let client = try await TestCluster.client()
            #expect(await Self.eventually {
                try client.get("/api/v1/namespaces/\(namespace)/configmaps/settings")[["data", "mode"]] == "slow"
            }, "\(watch.printed)")

            try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n".write(
                toFile: folder + "/apps/settings.yaml", atomically: true, encoding: .utf8)
            #expect(await watch.waitFor("problem: cannot read Git"), "\(watch.printed)\(watch.errorOutput)")
            #expect(try client.get("/api/v1/namespaces/\(namespace)/configmaps/settings")[["data", "mode"]] == "slow")
        }
    }

    @Test("a drifted Secret's values are masked in the watch's lines and JSON lines")
    func masksSecrets() async throws {
        try await Self.watching(["--interval", "1h", "-o", "json"], before: { namespace, folder async throws in
            try "apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: \(namespace)}\nstringData: {token: from-git}\n"
                .write(toFile: folder + "/apps/token.yaml", atomically: true, encoding: .utf8)
            #expect(try await DriftBinary.run(["apply", "-y", "-f", "apps", "--applyset", "watch-\(namespace)"], in: folder).status == 0)
        }) { namespace, _, watch in
            try await Task.sleep(for: .seconds(1))
            _ = try await TestCluster.kubectl([
                "patch", "secret", "token", "-n", namespace, "--type", "merge", "-p", "{\"stringData\":{\"token\":\"by-hand\"}}",
            ])
            #expect(await watch.waitFor("\"name\":\"token\""), "\(watch.printed)\(watch.errorOutput)")
            #expect(watch.printed.contains("/data/token"), "\(watch.printed)")
            for value in ["from-git", "by-hand", Data("from-git".utf8).base64EncodedString(), Data("by-hand".utf8).base64EncodedString()] {
                #expect(!watch.printed.contains(value), "\(watch.printed)")
            }
        }
    }

    @Test("with --ref, a commit on the branch is picked up and applied; a branch that is deleted is reported once and the last good commit stays in force")
    func followsRef() async throws {
        @Sendable func git(_ folder: String, _ arguments: String...) async throws {
            try await TestCluster.offThePool { try GitSourceEndToEndTests.git(folder, arguments) }
        }
        try await Self.watching(["--remediate", "--interval", "1s", "--ref", "feature"], before: { _, folder async throws in
            try await git(folder, "init", "-q", "-b", "main")
            try await git(folder, "add", ".")
            try await git(folder, "commit", "-q", "-m", "web and settings")
            try await git(folder, "branch", "feature")
        }) { namespace, folder, watch in
            #expect(await watch.waitFor("remediated configmap/settings"), "\(watch.printed)\(watch.errorOutput)")
            try await git(folder, "checkout", "-q", "feature")
            try Self.configMap(namespace: namespace, mode: "slow").write(
                toFile: folder + "/apps/settings.yaml", atomically: true, encoding: .utf8)
            try await git(folder, "commit", "-q", "-am", "slow")
            try await git(folder, "checkout", "-q", "main")
            #expect(await watch.waitFor("git: "), "\(watch.printed)\(watch.errorOutput)")
            let client = try await TestCluster.client()
            #expect(await Self.eventually {
                try client.get("/api/v1/namespaces/\(namespace)/configmaps/settings")[["data", "mode"]] == "slow"
            }, "\(watch.printed)")

            try await git(folder, "branch", "-D", "feature")
            #expect(await watch.waitFor("problem: cannot read Git"), "\(watch.printed)\(watch.errorOutput)")
            let problem = watch.printed.split(separator: "\n").first { $0.hasPrefix("problem: cannot read Git") } ?? ""
            #expect(problem.contains("feature"), "names the ref: \(problem)")
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            #expect(await watch.waitFor("remediated deployment.apps/web", count: 2), "still remediating: \(watch.printed)")
            #expect(try client.get("/api/v1/namespaces/\(namespace)/configmaps/settings")[["data", "mode"]] == "slow")
            try await Task.sleep(for: .seconds(2))
            #expect(watch.printed.components(separatedBy: "problem: cannot read Git").count == 2, "said once: \(watch.printed)")
        }
    }

    @Test("--flux --prune: at the interval, what a Kustomization's inventory lists and Git no longer has is pruned; a revision whose drift.yaml says suspend prunes and remediates nothing")
    func prunesFlux() async throws {
        try await TestCluster.withNamespace { namespace in
            let client = try await TestCluster.client()
            try await FluxTestAPI.install(client: client)
            let kustomization = FluxTestAPI.kustomization("apps", namespace: namespace, path: "./apps")
            let root = try RepositorySourcesEndToEndTests.repository([
                "clusters/apps.yaml": kustomization, "apps/a.yaml": RepositorySourcesEndToEndTests.configMap("a"),
            ])
            let owned = FluxTestAPI.ownerLabels("apps", namespace: namespace)
            for name in ["a", "gone", "later"] {
                try FluxTestAPI.configMap(name, namespace: namespace, labels: owned, client: client)
            }
            try FluxTestAPI.deploy(
                kustomization, inventory: ["a", "gone", "later"].map { "\(namespace)_\($0)__ConfigMap" }, client: client)
            let watch = try await WatchProcess(["--flux", "-f", "clusters", "--prune", "--remediate", "--interval", "2s"], in: root)
            #expect(await watch.waitFor("pruned configmap/gone (namespace \(namespace))", timeout: 30), "\(watch.printed)\(watch.errorOutput)")
            #expect(await watch.waitFor("pruned configmap/later (namespace \(namespace))"), "\(watch.printed)")
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == ["a"])

            // A new revision pauses everything: neither a hand change nor a stale object is touched.
            try "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nsuspend: true\n".write(
                toFile: root + "/drift.yaml", atomically: true, encoding: .utf8)
            try await TestCluster.offThePool {
                try GitSourceEndToEndTests.git(root, "add", ".")
                try GitSourceEndToEndTests.git(root, "commit", "-q", "-m", "suspend")
            }
            try await Task.sleep(for: .seconds(5))
            try FluxTestAPI.configMap("stale", namespace: namespace, labels: owned, client: client)
            _ = try client.mergePatch(
                ["status": ["inventory": ["entries": [["id": .string("\(namespace)_stale__ConfigMap"), "v": "v1"]]]]],
                at: "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/\(namespace)/kustomizations/apps/status", fieldManager: "test")
            _ = try await TestCluster.kubectl(["patch", "configmap", "a", "-n", namespace, "--type", "merge", "-p", "{\"data\":{\"mode\":\"by-hand\"}}"])
            #expect(await watch.waitFor("drifted configmap/a (namespace \(namespace))"), "\(watch.printed)")
            try await Task.sleep(for: .seconds(5))
            #expect(try FluxTestAPI.configMaps(in: namespace, client: client) == ["a", "stale"], "\(watch.printed)")
            #expect(try client.get("/api/v1/namespaces/\(namespace)/configmaps/a")[["data", "mode"]] == "by-hand")
            #expect(await watch.terminate() == 0)
        }
    }

    @Test("a drift.yaml ignore rule that arrives with a new revision takes effect with it; a drift.yaml that becomes invalid is reported once and the last good one stays")
    func rulesFollowGit() async throws {
        try await Self.watching(["--interval", "1s"], before: { namespace, folder async throws in
            #expect(try await DriftBinary.run(["apply", "-y", "-f", "apps", "--applyset", "watch-\(namespace)"], in: folder).status == 0)
        }) { namespace, folder, watch in
            try await Task.sleep(for: .seconds(1))
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            #expect(await watch.waitFor("drifted deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            try """
                apiVersion: drift.kubectl-drift.dev/v1alpha1
                kind: DriftConfig
                ignoreDifferences:
                  - {group: apps, kind: Deployment, name: web, jsonPointers: [/spec/replicas]}

                """.write(toFile: folder + "/drift.yaml", atomically: true, encoding: .utf8)
            #expect(await watch.waitFor("recovered deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            #expect(try await Self.replicas(namespace) == 5, "report only: nothing was written")

            // A drift.yaml that becomes invalid: said once, naming the line; its rules stay in force.
            try "apiVersion: drift.kubectl-drift.dev/v1alpha1\nkind: DriftConfig\nignoreDiferences: []\n".write(
                toFile: folder + "/drift.yaml", atomically: true, encoding: .utf8)
            #expect(await watch.waitFor("problem: cannot read Git: drift.yaml:3: "), "\(watch.printed)\(watch.errorOutput)")
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=6"])
            try await Task.sleep(for: .seconds(3))
            #expect(watch.printed.components(separatedBy: "drifted deployment.apps/web").count == 2, "\(watch.printed)")
            #expect(watch.printed.components(separatedBy: "problem: cannot read Git").count == 2, "said once: \(watch.printed)")
        }
    }

    @Test("an object that cannot be compared yet (its namespace does not exist) is tried again after a backoff, not only at the interval")
    func retriesErrors() async throws {
        let late = "late-" + String(UUID().uuidString.prefix(8)).lowercased()
        try await Self.watching(["--remediate", "--interval", "1h"], before: { _, folder async throws in
            try Self.configMap(namespace: late, mode: "fast").write(toFile: folder + "/apps/late.yaml", atomically: true, encoding: .utf8)
        }) { _, _, watch in
            #expect(await watch.waitFor("failed configmap/settings (namespace \(late))"), "\(watch.printed)\(watch.errorOutput)")
            _ = try await TestCluster.kubectl(["create", "namespace", late])
            defer { Task { _ = try? await TestCluster.kubectl(["delete", "namespace", late, "--wait=false"]) } }
            #expect(await watch.waitFor("remediated configmap/settings (namespace \(late))", timeout: 30), "\(watch.printed)")
        }
    }

    @Test("a suspend annotation added while running pauses that object at once")
    func suspension() async throws {
        try await Self.watching(["--remediate", "--interval", "1h"]) { namespace, folder, watch in
            // The first pass applies everything: on a loaded machine that takes longer than a put-back.
            #expect(await watch.waitFor("remediated deployment.apps/web", timeout: 60), "\(watch.printed)\(watch.errorOutput)")
            _ = try await TestCluster.kubectl(["annotate", "deployment", "web", "-n", namespace, "\(Remediator.suspendAnnotation)=true"])
            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=5"])
            #expect(await watch.waitFor("is not remediated"), "\(watch.printed)\(watch.errorOutput)")
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.replicas(namespace) == 5)
        }
    }

    @Test("--metrics-address serves Prometheus metrics of the loop and /healthz")
    func metrics() async throws {
        try await Self.watching(["--remediate", "--interval", "1h", "--metrics-address", "127.0.0.1:0"]) { _, _, watch in
            #expect(await watch.waitFor("remediated configmap/settings"), "\(watch.printed)\(watch.errorOutput)")
            let announced = try #require(watch.errorOutput.split(separator: "\n").first { $0.hasPrefix("metrics on http://127.0.0.1:") })
            let port = try #require(Int(announced.dropFirst("metrics on http://127.0.0.1:".count).prefix { $0.isNumber }))
            #expect(try Self.get("/healthz", port: port).hasSuffix("\r\n\r\nok\n"))
            #expect(await Self.eventually {
                try Self.get("/metrics", port: port).contains("kubectl_drift_objects{status=\"in-sync\"} 2")
            }, "\((try? Self.get("/metrics", port: port)) ?? "")")
            let text = try Self.get("/metrics", port: port)
            #expect(text.contains("kubectl_drift_remediations_total 2"), "\(text)")
            #expect(text.contains("# TYPE kubectl_drift_watch_restarts_total counter"))
            #expect(try Self.get("/nothing", port: port).hasPrefix("HTTP/1.1 404"))
        }
    }

    /// One plain HTTP GET to 127.0.0.1:`port`; the whole response.
    static func get(_ path: String, port: Int) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw POSIXError(.ECONNREFUSED) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { write(descriptor, $0, strlen($0)) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            response += buffer[..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test("with --notify, a webhook hears of transitions only, batched, at most one message per --notify-interval; the last ones on exit")
    func notifies() async throws {
        let webhook = try await WebhookServer.start()
        defer { webhook.stop() }
        /// How many events of `name` all messages so far counted, those after the first alone with `later`.
        func counted(_ name: String, later: Bool = false) throws -> Int64 {
            try webhook.bodies().dropFirst(later ? 1 : 0).compactMap { $0["counts"]?[name]?.intValue }.reduce(0, +)
        }
        try await Self.watching([
            "--remediate", "--interval", "1h", "--notify", webhook.url + "/drift", "--notify-interval", "3s",
        ]) { namespace, _, watch in
            #expect(await watch.waitFor("remediated deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            #expect(await watch.waitFor("remediated configmap/settings"), "\(watch.printed)\(watch.errorOutput)")
            #expect(await Self.eventually { try webhook.bodies().count == 1 }, "\(watch.errorOutput)")
            let created = try #require(try webhook.bodies().first)
            #expect(created["kind"] == "DriftWatchNotification")
            #expect(created["counts"] == ["drifted": 2, "remediated": 2], "both missing, then created: one message")

            for round in 2...3 {
                _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=\(3 + round)"])
                #expect(await watch.waitFor("remediated deployment.apps/web", count: round), "\(watch.printed)")
            }
            #expect(await Self.eventually { try counted("remediated", later: true) == 2 }, "\((try? webhook.bodies()) ?? [])")
            let later = try webhook.bodies().dropFirst()
            #expect(later.count <= 2, "batched: \(later)")
            #expect(try counted("drifted", later: true) == 2)
            let drifted = later.flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["event"] == "drifted" }
            #expect(drifted.allSatisfy { $0["paths"] == ["/spec/replicas"] && $0["changes"] == nil }, "paths, never values")

            _ = try await TestCluster.kubectl(["scale", "deployment", "web", "-n", namespace, "--replicas=9"])
            #expect(await watch.waitFor("remediated deployment.apps/web", count: 4), "\(watch.printed)")
        }
        // The watch has stopped (SIGTERM): what it had not sent yet was sent on the way out.
        let remediations = try counted("remediated")
        #expect(remediations == 5, "\((try? webhook.bodies()) ?? [])")
    }

    @Test("another manager that sets the field back after every remediation: the loop stops after the rounds and names the fight")
    func fight() async throws {
        try await Self.watching(["--remediate", "--interval", "1h"]) { namespace, _, watch in
            #expect(await watch.waitFor("remediated deployment.apps/web"), "\(watch.printed)\(watch.errorOutput)")
            func remediations() -> Int { watch.printed.components(separatedBy: "remediated deployment.apps/web").count - 1 }
            var fought = false
            for round in 1...6 {
                let before = remediations()
                _ = try await TestCluster.kubectl([
                    "patch", "deployment", "web", "-n", namespace, "--type", "merge", "--field-manager", "autoscaler",
                    "-p", "{\"spec\":{\"replicas\":\(6 + round)}}",
                ])
                // Each round ends with the loop putting the field back, or giving up on the fight.
                #expect(await Self.eventually(timeout: 30) {
                    watch.printed.contains("fight deployment.apps/web") || remediations() > before
                }, "\(watch.printed)")
                if watch.printed.contains("fight deployment.apps/web") {
                    fought = true
                    break
                }
            }
            #expect(fought, "\(watch.printed)")
            #expect(watch.printed.contains("autoscaler sets /spec/replicas again after every remediation; stopped remediating it"))
            #expect(watch.printed.contains("jsonPointers: [/spec/replicas]"))
            let replicas = try await Self.replicas(namespace)
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.replicas(namespace) == replicas, "left alone after the fight")
        }
    }
}
