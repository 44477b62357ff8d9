/// A version range as Flux and Helm write them (`spec.chart.spec.version`, OCIRepository
/// `ref.semver`): the Masterminds/semver syntax.
///
/// - `||` separates alternatives; within one, comparisons separated by spaces or commas must
///   all hold.
/// - Operators `=`, `!=`, `>`, `<`, `>=`, `<=` (`=<`), `~` (`~>`) and `^`; no operator is `=`.
/// - `x`, `X` and `*` are wildcards, and so are missing numbers: `1.2` and `1.2.x` are
///   `>=1.2.0 <1.3.0`; `*` or an empty text is any release.
/// - `~1.2.3` is `>=1.2.3 <1.3.0`; `^1.2.3` is `>=1.2.3 <2.0.0`, `^0.2.3` is `>=0.2.3 <0.3.0`.
/// - `1.2 - 1.4.5` is `>=1.2.0 <=1.4.5`.
/// - A prerelease version matches only a comparison that names a prerelease itself.
public struct VersionConstraint: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    /// Alternatives, each a list of comparisons that must all hold.
    private let alternatives: [[Comparison]]

    public init(_ text: String) throws(VersionConstraintError) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var alternatives: [[Comparison]] = []
        for alternative in (trimmed.isEmpty ? "*" : trimmed).components(separatedBy: "||") {
            alternatives.append(try Self.comparisons(in: alternative, constraint: text))
        }
        self.alternatives = alternatives
    }

    public var description: String { text }

    public func matches(_ version: SemanticVersion) -> Bool {
        alternatives.contains { comparisons in
            // A prerelease is only eligible next to a comparison that names one of the same numbers.
            if version.isPrerelease, !comparisons.contains(where: { $0.admitsPrereleases(of: version) }) { return false }
            return comparisons.allSatisfy { $0.holds(for: version) }
        }
    }

    /// The highest of `versions` that matches; nil when none does.
    public func best(of versions: [SemanticVersion]) -> SemanticVersion? {
        versions.filter(matches).max()
    }

    // MARK: - Parsing

    private enum Operator: String, CaseIterable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", lessOrEqualAlias = "=<", notEqual = "!=", tildeAlias = "~>"
        case greater = ">", less = "<", equal = "=", tilde = "~", caret = "^"
    }

    /// One comparison with a concrete bound.
    private struct Comparison: Equatable {
        enum Relation: Equatable { case greaterOrEqual, greater, lessOrEqual, less, equal, notEqual }
        var relation: Relation
        var bound: SemanticVersion

        func holds(for version: SemanticVersion) -> Bool {
            switch relation {
            case .greaterOrEqual: return version >= bound
            case .greater: return version > bound
            case .lessOrEqual: return version <= bound
            case .less: return version < bound
            case .equal: return version == bound
            case .notEqual: return version != bound
            }
        }

        func admitsPrereleases(of version: SemanticVersion) -> Bool {
            bound.isPrerelease && (bound.major, bound.minor, bound.patch) == (version.major, version.minor, version.patch)
        }
    }

    private static func comparisons(in alternative: String, constraint: String) throws(VersionConstraintError) -> [Comparison] {
        // `1.2 - 1.4` is a range; spaces and commas otherwise separate comparisons, and a
        // space may also sit between an operator and its version (`>= 1.2`).
        var tokens = alternative.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var merged: [String] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if Operator.allCases.contains(where: { $0.rawValue == token }), index + 1 < tokens.count {
                merged.append(token + tokens[index + 1])
                index += 2
            } else {
                merged.append(token)
                index += 1
            }
        }
        tokens = merged
        guard !tokens.isEmpty else { throw VersionConstraintError(constraint: constraint, reason: "an alternative between || is empty") }
        var result: [Comparison] = []
        index = 0
        while index < tokens.count {
            if index + 2 < tokens.count, tokens[index + 1] == "-" {
                let lower = try partial(tokens[index], constraint: constraint)
                let upper = try partial(tokens[index + 2], constraint: constraint)
                result.append(Comparison(relation: .greaterOrEqual, bound: lower.version))
                result += upperBound(upper, inclusive: true)
                index += 3
                continue
            }
            result += try expand(tokens[index], constraint: constraint)
            index += 1
        }
        return result
    }

    /// A version in a constraint: how many numbers were written (wildcards stop the count).
    private struct Partial {
        var version: SemanticVersion
        /// 0 for `*`, 1 for `1` or `1.x`, 2 for `1.2`, 3 for `1.2.3`.
        var numbers: Int
    }

    private static func partial(_ text: String, constraint: String) throws(VersionConstraintError) -> Partial {
        var parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let isWildcard = { (part: String) in part == "x" || part == "X" || part == "*" }
        if let wildcard = parts.firstIndex(where: isWildcard) {
            parts = Array(parts[..<wildcard])
        }
        guard !parts.isEmpty else { return Partial(version: SemanticVersion(major: 0), numbers: 0) }
        guard let parsed = SemanticVersion.parse(parts.joined(separator: ".")) else {
            throw VersionConstraintError(constraint: constraint, reason: "\"\(text)\" is not a version")
        }
        return Partial(version: parsed.version, numbers: parsed.numbers)
    }

    private static func expand(_ token: String, constraint: String) throws(VersionConstraintError) -> [Comparison] {
        let op = Operator.allCases.first { token.hasPrefix($0.rawValue) }
        let versionText = String(token.dropFirst(op?.rawValue.count ?? 0))
        guard !versionText.isEmpty else {
            throw VersionConstraintError(constraint: constraint, reason: "\"\(token)\" names no version")
        }
        let bound = try partial(versionText, constraint: constraint)
        let version = bound.version
        switch op ?? .equal {
        case .equal:
            if bound.numbers == 0 { return [Comparison(relation: .greaterOrEqual, bound: SemanticVersion(major: 0))] }
            if bound.numbers == 3 { return [Comparison(relation: .equal, bound: version)] }
            return [Comparison(relation: .greaterOrEqual, bound: version)] + upperBound(bound, inclusive: true)
        case .notEqual:
            return bound.numbers == 3 ? [Comparison(relation: .notEqual, bound: version)] : []
        case .greater:
            // `>1.2` is beyond every 1.2.x.
            if bound.numbers == 3 { return [Comparison(relation: .greater, bound: version)] }
            return upperBound(bound, inclusive: true).map { Comparison(relation: .greaterOrEqual, bound: $0.bound) }
        case .greaterOrEqual:
            return [Comparison(relation: .greaterOrEqual, bound: version)]
        case .less:
            return [Comparison(relation: .less, bound: version)]
        case .lessOrEqual, .lessOrEqualAlias:
            return bound.numbers == 3 ? [Comparison(relation: .lessOrEqual, bound: version)] : upperBound(bound, inclusive: true)
        case .tilde, .tildeAlias:
            let upper = bound.numbers <= 1
                ? SemanticVersion(major: version.major + 1) : SemanticVersion(major: version.major, minor: version.minor + 1)
            return [Comparison(relation: .greaterOrEqual, bound: version), Comparison(relation: .less, bound: upper)]
        case .caret:
            let upper: SemanticVersion
            if version.major > 0 || bound.numbers <= 1 {
                upper = SemanticVersion(major: version.major + 1)
            } else if version.minor > 0 || bound.numbers == 2 {
                upper = SemanticVersion(major: 0, minor: version.minor + 1)
            } else {
                upper = SemanticVersion(major: 0, minor: 0, patch: version.patch + 1)
            }
            return [Comparison(relation: .greaterOrEqual, bound: version), Comparison(relation: .less, bound: upper)]
        }
    }

    /// The comparisons that keep versions at or below a partial version: `<=1.2.3`, or below
    /// the next minor (`1.2`) or major (`1`) release; none for `*`.
    private static func upperBound(_ bound: Partial, inclusive: Bool) -> [Comparison] {
        let version = bound.version
        switch bound.numbers {
        case 0: return []
        case 1: return [Comparison(relation: .less, bound: SemanticVersion(major: version.major + 1))]
        case 2: return [Comparison(relation: .less, bound: SemanticVersion(major: version.major, minor: version.minor + 1))]
        default: return [Comparison(relation: inclusive ? .lessOrEqual : .less, bound: version)]
        }
    }
}

/// A version constraint that cannot be read.
public struct VersionConstraintError: Error, Equatable, CustomStringConvertible {
    public var constraint: String
    public var reason: String

    public var description: String { "invalid version constraint \"\(constraint)\": \(reason)" }
}
