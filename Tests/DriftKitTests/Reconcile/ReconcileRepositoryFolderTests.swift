import Testing
@testable import DriftKit

@Suite("Reconcile: which changed files a Flux or Argo CD path holds")
struct ReconcileRepositoryFolderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var path: String?
        var file: String
        var holds: Bool
        var testDescription: String { "\(path.map { "\"\($0)\"" } ?? "no path") \(holds ? "holds" : "does not hold") \(file)" }
    }

    @Test("a path holds a file that is the path or below it as a folder, root holding all", arguments: [
        Case(path: nil, file: "apps/web/deployment.yaml", holds: true),
        Case(path: "", file: "README.md", holds: true),
        Case(path: ".", file: "apps/x.yaml", holds: true),
        Case(path: "./", file: "x.yaml", holds: true),
        Case(path: "./apps", file: "apps/web/deployment.yaml", holds: true),
        Case(path: "apps/", file: "apps/x.yaml", holds: true),
        Case(path: "./apps/", file: "apps/x.yaml", holds: true),
        Case(path: "apps", file: "apps2/x.yaml", holds: false),
        Case(path: "apps", file: "apps.yaml", holds: false),
        Case(path: "apps/web", file: "apps/x.yaml", holds: false),
        Case(path: "apps/web.yaml", file: "apps/web.yaml", holds: true),
        Case(path: "clusters/prod", file: "clusters/production/x.yaml", holds: false),
    ])
    func holds(_ example: Case) {
        #expect(RepositoryFolder(example.path).holds(example.file) == example.holds)
    }

    @Test("the written forms of one folder are the same folder; the root is empty")
    func normalised() {
        #expect(Set(["apps", "./apps", "apps/", "./apps/"].map { RepositoryFolder($0) }).count == 1)
        #expect([nil, "", ".", "./"].map { RepositoryFolder($0).path } == ["", "", "", ""])
    }

    @Test("a folder holds any of several files when one of them is in it; none when there are none")
    func holdsAny() {
        #expect(RepositoryFolder("apps").holdsAny(of: ["docs/a.md", "apps/b.yaml"]))
        #expect(!RepositoryFolder("apps").holdsAny(of: ["docs/a.md"]))
        #expect(!RepositoryFolder(nil).holdsAny(of: []))
    }
}
