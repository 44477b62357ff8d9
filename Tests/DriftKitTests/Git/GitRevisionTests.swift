import Foundation
import Testing
@testable import DriftKit

/// A history every `--ref` form can name: on `main`, commits c1 (tag `v1`, lightweight), c2
/// (tag `v2`, annotated) and c3; branch `feature` one commit (c4) ahead of c3; `origin/main`
/// fetched from a second repository with its own commit (`upstream`). `apps/settings.yaml`
/// holds a ConfigMap whose value names the commit.
private final class History {
    let repository: GitTestRepository
    var ids: [String: String] = [:]

    init() throws {
        let repository = try GitTestRepository()
        self.repository = repository
        for label in ["c1", "c2", "c3"] {
            try repository.write("apps/settings.yaml", TestManifests.configMap("settings", label))
            ids[label] = try repository.commitAll(label)
            if label == "c1" { try repository.git("tag", "v1") }
            if label == "c2" { try repository.git("tag", "-a", "v2", "-m", "version 2") }
        }
        try repository.git("checkout", "-q", "-b", "feature")
        try repository.write("apps/settings.yaml", TestManifests.configMap("settings", "c4"))
        ids["c4"] = try repository.commitAll("c4")
        try repository.git("checkout", "-q", "main")

        let upstream = repository.base + "/upstream"
        try repository.runGit(["init", "-q", upstream], in: repository.base)
        try repository.write("upstream/apps/settings.yaml", TestManifests.configMap("settings", "upstream"), inBase: true)
        try repository.git("add", "-A", in: upstream)
        try repository.git("commit", "-q", "-m", "upstream", in: upstream)
        ids["upstream"] = try repository.git("rev-parse", "HEAD", in: upstream)
        try repository.git("remote", "add", "origin", upstream)
        try repository.git("fetch", "-q", "origin")
    }

    /// `{c1}` becomes c1's full id, `{c2:short}` its first 7 characters.
    func expand(_ reference: String) -> String {
        var expanded = reference
        for (label, id) in ids {
            expanded = expanded.replacingOccurrences(of: "{\(label)}", with: id)
            expanded = expanded.replacingOccurrences(of: "{\(label):short}", with: String(id.prefix(7)))
        }
        return expanded
    }
}

@Suite("Reading a Git revision")
struct GitRevisionTests {
    @Test("every --ref form names the commit it should, and its files are read from it", arguments: [
        ("main", "c3"), ("feature", "c4"), ("origin/main", "upstream"), ("v1", "c1"), ("v2", "c2"),
        ("refs/tags/v2", "c2"), ("{c1}", "c1"), ("{c2:short}", "c2"), ("HEAD~2", "c1"), ("main^", "c2"),
        ("HEAD", "c3"), ("feature~1", "c3"),
    ])
    func referenceForms(reference: String, label: String) throws {
        let history = try History()
        let revision = history.expand(reference)
        let commit = try history.repository.open().commit(revision)
        #expect(commit.id == history.ids[label])
        #expect(commit.revision == revision)
        #expect(commit.summary == label)
        let (tree, paths) = try SourceRevision.commit(revision).open(
            paths: ["apps"], currentDirectory: history.repository.root, environment: [:])
        #expect(tree.name == "revision \(revision) (\(commit.shortID))")
        let manifests = try GitTestRepository.manifests(paths, in: tree)
        #expect(TestManifests.values(manifests) == ["settings": label])
        #expect(manifests.first?.source == ManifestLocation(file: "apps/settings.yaml", line: 1, documentIndex: 0))
    }

    @Test("reading a revision never touches the working tree or the index, and sees none of their edits")
    func revisionIgnoresWorkingTreeAndIndex() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "committed"))
        try repository.write("apps/b.yaml", TestManifests.configMap("b", "committed"))
        try repository.write("apps/c.yaml", TestManifests.configMap("c", "committed"))
        try repository.commitAll("base")
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "unstaged edit"))
        try repository.write("apps/b.yaml", TestManifests.configMap("b", "staged edit"))
        try repository.git("add", "apps/b.yaml")
        try repository.remove("apps/c.yaml")
        try repository.write("apps/untracked.yaml", TestManifests.configMap("untracked"))
        try repository.write("apps/new.yaml", TestManifests.configMap("new-staged"))
        try repository.git("add", "apps/new.yaml")
        let statusBefore = try repository.git("status", "--porcelain")
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: repository.root + "/.git/index"))

        let tree = try repository.open().commit("HEAD").tree()
        let manifests = try GitTestRepository.manifests(["apps"], in: tree)
        #expect(TestManifests.values(manifests) == ["a": "committed", "b": "committed", "c": "committed"])

        #expect(try repository.git("status", "--porcelain") == statusBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: repository.root + "/.git/index")) == indexBefore)
        let onDisk = try String(contentsOfFile: repository.root + "/apps/a.yaml", encoding: .utf8)
        #expect(onDisk.contains("unstaged edit"))
        #expect(!FileManager.default.fileExists(atPath: repository.root + "/apps/c.yaml"))
    }

    @Test("--staged reads staged edits, additions and removals, but not unstaged edits or untracked files")
    func indexSeesStagedOnly() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "committed"))
        try repository.write("apps/gone.yaml", TestManifests.configMap("gone"))
        try repository.commitAll("base")
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "staged"))
        try repository.git("add", "apps/a.yaml")
        try repository.write("apps/a.yaml", TestManifests.configMap("a", "unstaged"))
        try repository.write("apps/added.yaml", TestManifests.configMap("added"))
        try repository.git("add", "apps/added.yaml")
        try repository.git("rm", "-q", "--cached", "apps/gone.yaml")
        try repository.write("apps/untracked.yaml", TestManifests.configMap("untracked"))
        try repository.write("apps/intent.yaml", TestManifests.configMap("intent"))
        try repository.git("add", "-N", "apps/intent.yaml")

        let (tree, paths) = try SourceRevision.index.open(
            paths: ["apps"], currentDirectory: repository.root, environment: [:])
        #expect(tree.name == "the index (staged changes)")
        #expect(TestManifests.values(try GitTestRepository.manifests(paths, in: tree)) == ["a": "staged", "added": "1"])
        // `git add -N` stages no content: the file is not in the index yet.
        #expect(throws: SourceError.pathNotFound(path: "apps/intent.yaml", tree: tree.name)) {
            try tree.contents(of: "apps/intent.yaml")
        }
        #expect(try tree.node(at: "apps/intent.yaml") == .missing)
        #expect(try tree.entries(of: "apps") == ["a.yaml", "added.yaml"])
        #expect(try tree.entries(of: "") == ["apps"])
    }

    @Test("the repository is found from a subdirectory; -f paths are taken from there, as git's pathspecs, and made root-relative")
    func discoveryFromSubdirectory() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/web/app.yaml", TestManifests.configMap("web"))
        try repository.write("apps/web/deep/more/keep.txt", "folder")
        try repository.commitAll("base")
        let folder = repository.root + "/apps/web/deep/more"

        let opened = try repository.open(from: folder)
        #expect(opened.workingDirectory == repository.root)
        #expect(opened.gitDirectory == repository.root + "/.git")
        #expect(!opened.isBare && !opened.isShallow)
        #expect(opened.relativePath(of: folder) == "apps/web/deep/more")
        #expect(opened.relativePath(of: repository.root) == "")
        #expect(opened.relativePath(of: repository.base) == nil)

        for given in ["../..", "../../", repository.root + "/apps/web", repository.root + "/apps/web/deep/../"] {
            let (tree, paths) = try SourceRevision.commit("HEAD").open(
                paths: [given], currentDirectory: folder, environment: [:])
            #expect(paths == ["apps/web"])
            #expect(TestManifests.values(try GitTestRepository.manifests(paths, in: tree)) == ["web": "1"])
        }
        let (_, rootPaths) = try SourceRevision.commit("HEAD").open(
            paths: [repository.root, "../../../.."], currentDirectory: folder, environment: [:])
        #expect(rootPaths == [".", "."])
        let (_, here) = try SourceRevision.index.open(paths: ["."], currentDirectory: folder, environment: [:])
        #expect(here == ["apps/web/deep/more"], "-f . is the folder you are in, at a revision or in the index")
        #expect(throws: SourceError.self, "a path that climbs out of the repository is in none of its trees") {
            try SourceRevision.commit("HEAD").open(paths: ["../../../../.."], currentDirectory: folder, environment: [:])
        }
    }

    @Test("an absolute path reached through a link to the repository is still inside it")
    func absolutePathThroughLink() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app"))
        try repository.commitAll("base")
        let alias = repository.base + "/alias"
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: repository.root)
        let (tree, paths) = try SourceRevision.commit("HEAD").open(
            paths: [alias + "/apps"], currentDirectory: alias, environment: [:])
        #expect(paths == ["apps"])
        #expect(TestManifests.values(try GitTestRepository.manifests(paths, in: tree)) == ["app": "1"])
    }

    @Test("a linked worktree (git worktree add) reads its own HEAD and index, and the shared branches")
    func linkedWorktree() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app", "main"))
        try repository.commitAll("main")
        let worktree = repository.base + "/linked"
        try repository.git("worktree", "add", "-q", "-b", "topic", worktree)
        try repository.write("linked/apps/app.yaml", TestManifests.configMap("app", "topic"), inBase: true)
        try repository.git("commit", "-q", "-am", "topic", in: worktree)
        try repository.write("linked/apps/app.yaml", TestManifests.configMap("app", "staged in worktree"), inBase: true)
        try repository.git("add", "-A", in: worktree)

        let opened = try repository.open(from: worktree + "/apps")
        #expect(opened.workingDirectory == worktree)
        #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: opened.commit("HEAD").tree())) == ["app": "topic"])
        #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: opened.commit("main").tree())) == ["app": "main"])
        #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: opened.index())) == ["app": "staged in worktree"])
        // The main working tree's index is its own.
        #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: repository.open().index())) == ["app": "main"])
        // GIT_DIR may name the worktree's `.git` file, or its folder in the main repository
        // (as Git sets it for hooks run in a worktree).
        for gitDirectory in [worktree + "/.git", repository.root + "/.git/worktrees/linked"] {
            let viaEnvironment = try GitRepository.discover(from: worktree, environment: ["GIT_DIR": gitDirectory])
            #expect(try viaEnvironment.commit("HEAD").id == opened.commit("topic").id)
            #expect(viaEnvironment.workingDirectory == worktree)
            #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: viaEnvironment.index())) == ["app": "staged in worktree"])
        }
    }

    @Test("GIT_DIR and GIT_WORK_TREE open the repository from anywhere; relative ones are taken from the folder")
    func gitDirAndWorkTree() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app", "committed"))
        try repository.commitAll("base")
        try repository.write("apps/app.yaml", TestManifests.configMap("app", "staged"))
        try repository.git("add", "-A")
        let elsewhere = repository.base + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)

        for environment in [
            ["GIT_DIR": repository.root + "/.git", "GIT_WORK_TREE": repository.root],
            ["GIT_DIR": "../repo/.git", "GIT_WORK_TREE": "../repo"],
        ] {
            let opened = try GitRepository.discover(from: elsewhere, environment: environment)
            #expect(opened.workingDirectory == repository.root)
            let (tree, paths) = try SourceRevision.commit("HEAD").open(
                paths: [repository.root + "/apps"], currentDirectory: elsewhere, environment: environment)
            #expect(paths == ["apps"])
            #expect(TestManifests.values(try GitTestRepository.manifests(paths, in: tree)) == ["app": "committed"])
            let (index, _) = try SourceRevision.index.open(paths: [], currentDirectory: elsewhere, environment: environment)
            #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: index)) == ["app": "staged"])
        }
    }

    @Test("a GIT_DIR that is no repository, or a search stopped by GIT_CEILING_DIRECTORIES, names where it looked")
    func notARepository() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app"))
        try repository.commitAll("base")
        let missing = repository.base + "/no-such-git-dir"
        #expect(throws: GitError.notARepository(path: missing)) {
            try GitRepository.discover(from: repository.root, environment: ["GIT_DIR": missing])
        }
        #expect(throws: GitError.notARepository(path: repository.root + "/apps")) {
            try GitRepository.discover(from: repository.root + "/apps", environment: ["GIT_CEILING_DIRECTORIES": repository.root])
        }
        #expect(throws: GitError.notARepository(path: repository.base)) {
            try GitRepository.discover(from: repository.base, environment: ["GIT_CEILING_DIRECTORIES": repository.base])
        }
        #expect(GitError.notARepository(path: missing).description == "\(missing) is not in a Git repository")
    }

    @Test("a bare repository reads a named revision; --staged is refused with a reason")
    func bareRepository() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app", "v1"))
        try repository.commitAll("v1")
        try repository.git("tag", "release")
        try repository.write("apps/app.yaml", TestManifests.configMap("app", "v2"))
        try repository.commitAll("v2")
        let bare = repository.base + "/bare.git"
        try repository.git("clone", "-q", "--bare", repository.root, bare)

        let opened = try GitRepository.discover(from: bare, environment: [:])
        #expect(opened.isBare)
        #expect(opened.workingDirectory == nil)
        for (reference, value) in [("main", "v2"), ("release", "v1"), ("HEAD~1", "v1")] {
            let (tree, paths) = try SourceRevision.commit(reference).open(paths: ["apps"], currentDirectory: bare, environment: [:])
            #expect(TestManifests.values(try GitTestRepository.manifests(paths, in: tree)) == ["app": value])
        }
        #expect(throws: SourceError.git(.bareRepository(path: bare))) {
            try SourceRevision.index.open(paths: ["apps"], currentDirectory: bare, environment: [:])
        }
    }

    @Test("a shallow clone reads HEAD; a commit it did not fetch is an unknown revision that says why")
    func shallowClone() throws {
        let repository = try GitTestRepository()
        var ids: [String] = []
        for version in ["v1", "v2", "v3"] {
            try repository.write("apps/app.yaml", TestManifests.configMap("app", version))
            ids.append(try repository.commitAll(version))
        }
        let shallow = repository.base + "/shallow"
        try repository.git("clone", "-q", "--depth", "1", "file://" + repository.root, shallow)

        let opened = try repository.open(from: shallow)
        #expect(opened.isShallow)
        #expect(TestManifests.values(try GitTestRepository.manifests(["apps"], in: opened.commit("HEAD").tree())) == ["app": "v3"])
        for reference in ["HEAD~1", ids[0]] {
            #expect {
                try opened.commit(reference)
            } throws: { error in
                guard case let .unknownRevision(revision, message)? = error as? GitError else { return false }
                return revision == reference && message.contains("shallow clone") && message.contains("not found")
            }
        }
        // In a complete clone the same revisions are fine, and a missing one does not blame shallowness.
        #expect(try repository.open().commit("HEAD~1").id == ids[1])
        #expect {
            try repository.open().commit(String(repeating: "ab", count: 20))
        } throws: { error in
            guard case let .unknownRevision(_, message)? = error as? GitError else { return false }
            return !message.contains("shallow")
        }
    }

    @Test("an unknown revision, a revision that is not a commit, and a missing path name what and where")
    func badInput() throws {
        let repository = try GitTestRepository()
        try repository.write("apps/app.yaml", TestManifests.configMap("app"))
        let id = try repository.commitAll("base")
        let opened = try repository.open()

        #expect {
            try opened.commit("no-such-branch")
        } throws: { error in
            guard case let .unknownRevision(revision, _)? = error as? GitError else { return false }
            return revision == "no-such-branch" && String(describing: error).hasPrefix("unknown revision \"no-such-branch\": ")
        }
        #expect {
            try opened.commit("HEAD:apps")
        } throws: { error in
            String(describing: error).contains("unknown revision \"HEAD:apps\": it names no commit")
        }
        let tree = try opened.commit("main").tree()
        let name = "revision main (\(id.prefix(7)))"
        #expect(tree.name == name)
        #expect(throws: ManifestError.source(.pathNotFound(path: "apps/missing.yaml", tree: name))) {
            try GitTestRepository.manifests(["apps/missing.yaml"], in: tree)
        }
        #expect(throws: SourceError.pathNotFound(path: "nope", tree: name)) { try tree.entries(of: "nope") }
        #expect(throws: SourceError.pathNotFound(path: "apps/app.yaml", tree: name)) { try tree.entries(of: "apps/app.yaml") }
        #expect(throws: SourceError.pathNotFound(path: "../outside", tree: name)) { try tree.contents(of: "../outside") }
        #expect(throws: SourceError.unreadable(path: "apps", reason: "not a file in \(name)")) { try tree.contents(of: "apps") }
        #expect(SourceError.pathNotFound(path: "apps/missing.yaml", tree: name).description
            == "the path \"apps/missing.yaml\" does not exist in \(name)")
    }

    @Test("an empty repository has no HEAD to read")
    func unbornHead() throws {
        let repository = try GitTestRepository()
        #expect(throws: GitError.self) { try repository.open().commit("HEAD") }
    }
}
