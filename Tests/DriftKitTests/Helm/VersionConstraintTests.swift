import Testing
@testable import DriftKit

@Suite("Semantic versions and ranges (Masterminds semver, as Flux and Helm read them)")
struct VersionConstraintTests {
    @Test("versions parse with a v prefix, missing numbers, prereleases and build metadata", arguments: [
        ("1.2.3", "1.2.3"), ("v1.2.3", "1.2.3"), ("1.2", "1.2.0"), ("7", "7.0.0"),
        ("1.0.0-rc.1", "1.0.0-rc.1"), ("1.0.0-rc.1+build.5", "1.0.0-rc.1+build.5"),
    ])
    func parsing(text: String, expected: String) throws {
        #expect(try #require(SemanticVersion(text)).description == expected)
    }

    @Test("what is not a version is refused", arguments: ["", "x", "1.2.3.4", "1..2", "1.2.3-", "1.2.3-a..b", "01a"])
    func notVersions(text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test("precedence follows semver 2.0")
    func precedence() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        #expect(versions.sorted() == versions)
        #expect(SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"), "build metadata does not count")
    }

    @Test("ranges admit what Masterminds semver admits", arguments: [
        ("*", "3.4.5", true), ("", "0.0.1", true), ("1.2.3", "1.2.3", true), ("1.2.3", "1.2.4", false),
        ("1.2", "1.2.9", true), ("1.2", "1.3.0", false), ("1.2.x", "1.2.0", true), ("1.x", "1.9.9", true), ("1.x", "2.0.0", false),
        (">=1.2.0", "1.2.0", true), (">=1.2.0", "1.1.9", false), (">1.2.0", "1.2.0", false), (">1.2", "1.2.9", false), (">1.2", "1.3.0", true),
        ("<2.0.0", "1.9.9", true), ("<2.0.0", "2.0.0", false), ("<=1.2", "1.2.7", true), ("<=1.2", "1.3.0", false),
        ("!=1.2.3", "1.2.3", false), ("!=1.2.3", "1.2.4", true),
        ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false), ("~1", "1.9.0", true), ("~1", "2.0.0", false), ("~>1.2", "1.2.5", true),
        ("^1.2.3", "1.9.0", true), ("^1.2.3", "2.0.0", false), ("^0.2.3", "0.2.9", true), ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.3", true), ("^0.0.3", "0.0.4", false), ("^1.0", "1.2.0", true),
        (">= 1.2, < 1.4", "1.3.0", true), (">= 1.2, < 1.4", "1.4.0", false), (">=1.2 <1.4", "1.1.0", false),
        ("1.2 - 1.4.5", "1.4.5", true), ("1.2 - 1.4.5", "1.4.6", false), ("1.2 - 1.4", "1.4.9", true),
        ("<1.0 || >=3.0", "0.5.0", true), ("<1.0 || >=3.0", "2.0.0", false), ("<1.0 || >=3.0", "3.1.0", true),
        (">=1.0.0", "2.0.0-rc.1", false), (">=1.0.0-rc.1", "1.0.0-rc.2", true), (">=1.0.0-rc.1", "1.0.1-rc.1", false),
        ("*", "1.0.0-beta", false),
    ])
    func matching(constraint: String, version: String, expected: Bool) throws {
        let range = try VersionConstraint(constraint)
        #expect(range.matches(try #require(SemanticVersion(version))) == expected)
    }

    @Test("a range that names no version is refused with the reason", arguments: [">=", "1.2.3.4.5", "abc", ">= 1 ||"])
    func invalid(text: String) {
        #expect(throws: VersionConstraintError.self) { try VersionConstraint(text) }
    }

    @Test("the best version is the highest the range admits")
    func best() throws {
        let versions = try ["1.0.0", "1.2.0", "1.10.0", "2.0.0", "1.11.0-rc.1"].map { try #require(SemanticVersion($0)) }
        #expect(try VersionConstraint("^1.0").best(of: versions) == SemanticVersion("1.10.0"))
        #expect(try VersionConstraint(">=3").best(of: versions) == nil)
    }
}
