/// Everything an in-sync verdict depends on, hashed: when two keys are equal, a dry run would
/// give the same answer, so the verdict can be reused without one.
///
/// A key is two parts. The run's part (`VerdictKey.Run`) is what every object of a run shares:
/// the server's `/version`, kubectl-drift's version, the field manager, the ignore rules and
/// hand-edit managers, and the admission configuration (`VerdictContext`). The object's part
/// is the manifest exactly as the detector sends it (namespace settled, ApplySet label added),
/// the live object's uid and resourceVersion, its namespace's resourceVersion (the labels that
/// admission's namespace selectors match), and what serves its type (the resourceVersion of its
/// CustomResourceDefinition, or that it is built in).
public struct VerdictKey: Sendable, Hashable {
    /// The hexadecimal SHA-256 of every ingredient.
    public let digest: String

    /// The ingredients shared by every object of one run.
    public struct Run: Sendable, Hashable {
        /// The hexadecimal SHA-256 of the run's ingredients.
        public let digest: String

        /// - Parameters:
        ///   - serverVersion: the server's `/version` answer (gitVersion, gitCommit, buildDate...).
        ///   - admission: `VerdictContext.admissionDigest`, the admission configuration's versions.
        public init(
            serverVersion: JSONValue, fieldManager: String, filter: DriftFilter, handEditManagers: Set<String>,
            admission: String
        ) {
            digest = VerdictKey.hash([
                "kubectl-drift verdict key 1", DriftVersion.current, serverVersion.jsonText(), fieldManager,
                Self.canonical(filter), handEditManagers.sorted().joined(separator: "\n"), admission,
            ])
        }

        /// The filter as text that differs whenever the rules do (patterns as written,
        /// selectors in their string form); equal filters written differently only miss.
        static func canonical(_ filter: DriftFilter) -> String {
            func pattern(_ name: String, _ value: AnchoredPattern?) -> String { "\(name)=\(value?.source.debugDescription ?? "-")" }
            let rules = filter.rules.map { rule in
                let target = rule.target
                return [
                    "paths=" + rule.paths.map(\.description).debugDescription,
                    "managers=" + rule.managers.debugDescription,
                    pattern("group", target.group), pattern("version", target.version), pattern("kind", target.kind),
                    pattern("name", target.name), pattern("namespace", target.namespace),
                    "labels=" + (target.labelSelector?.description.debugDescription ?? "-"),
                    "annotations=" + (target.annotationSelector?.description.debugDescription ?? "-"),
                ].joined(separator: " ")
            }
            return (["managers=" + filter.managers.debugDescription] + rules).joined(separator: "\n")
        }
    }

    /// - Parameters:
    ///   - body: the object sent in the dry run.
    ///   - definition: what serves the type: `VerdictContext.definition(of:)`.
    ///   - namespaceVersion: the resourceVersion of the object's namespace; nil for a cluster-scoped object.
    ///   - uid, resourceVersion: the live object's.
    public init(
        run: Run, body: JSONValue, definition: String, namespaceVersion: String?, uid: String, resourceVersion: String
    ) {
        digest = Self.hash([
            run.digest, definition, namespaceVersion.map { "namespace \($0)" } ?? "cluster-scoped", uid, resourceVersion,
            body.jsonText(),
        ])
    }

    /// SHA-256 of the parts, each preceded by its length, so that no two lists of parts give
    /// the same bytes.
    static func hash(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            let bytes = Array(part.utf8)
            hasher.update(Array("\(bytes.count):".utf8))
            hasher.update(bytes)
        }
        return SHA256.hex(hasher.finalize())
    }
}
