import Foundation
import Testing
@testable import DriftKit

@Suite("Hook installer on a hooks folder")
struct HookInstallerTests {
    /// A hooks folder of its own, removed afterwards.
    final class Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("drift-hooks-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test("install creates a missing hooks folder and writes executable scripts")
    func freshInstall() throws {
        let folder = Folder()
        let installer = HookInstaller(hooksFolder: folder.path + "/hooks")
        var output = ""
        try installer.install([.prePush], to: &output)
        #expect(output == "pre-push: installed in \(folder.path)/hooks/pre-push\n")
        #expect(installer.state(of: .prePush) == .ours(chained: false))
        #expect(installer.state(of: .postMerge) == .nothing)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path + "/hooks/pre-push")[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }

    @Test("a symbolic link as the hook is moved aside and put back as the same link")
    func symbolicLink() throws {
        let folder = Folder()
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let hook = folder.path + "/post-merge"
        try FileManager.default.createSymbolicLink(atPath: hook, withDestinationPath: "../elsewhere/post-merge")
        let installer = HookInstaller(hooksFolder: folder.path)
        #expect(installer.state(of: .postMerge) == .foreign)
        var output = ""
        try installer.install([.postMerge], to: &output)
        #expect(installer.state(of: .postMerge) == .ours(chained: true))
        try installer.uninstall([.postMerge], to: &output)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: hook) == "../elsewhere/post-merge")
        #expect(installer.state(of: .postMerge) == .foreign)
    }

    @Test("a foreign hook with a saved original already beside it is refused, and nothing moves")
    func savedInTheWay() throws {
        let folder = Folder()
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try "new".write(toFile: folder.path + "/pre-push", atomically: true, encoding: .utf8)
        try "old".write(toFile: folder.path + "/pre-push.drift-saved", atomically: true, encoding: .utf8)
        var output = ""
        #expect(throws: HookError.savedHookInTheWay(hook: folder.path + "/pre-push", saved: folder.path + "/pre-push.drift-saved")) {
            try HookInstaller(hooksFolder: folder.path).install([.prePush], to: &output)
        }
        #expect(try String(contentsOfFile: folder.path + "/pre-push", encoding: .utf8) == "new")
        #expect(try String(contentsOfFile: folder.path + "/pre-push.drift-saved", encoding: .utf8) == "old")
    }

    @Test("uninstall where nothing is installed changes nothing and says so")
    func uninstallNothing() throws {
        let folder = Folder()
        var output = ""
        try HookInstaller(hooksFolder: folder.path).uninstall([.postMerge], to: &output)
        #expect(output == "post-merge: not installed in \(folder.path)/post-merge; nothing changed\n")
    }
}
