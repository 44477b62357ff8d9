extension DriftOptions {
    /// The settings drift.yaml gives a check, with what the command line adds or overrides.
    public init(
        config: DriftConfig?, fieldManager: String? = nil, concurrency: Int? = nil, explicitNamespace: String? = nil,
        ignorePaths: [JSONPointer] = [], ignoreManagers: [String] = [], handEditManagers: [String] = []
    ) {
        self.init()
        let config = config ?? DriftConfig()
        self.fieldManager = fieldManager ?? config.fieldManager ?? Self.defaultFieldManager
        self.concurrency = concurrency ?? config.concurrency ?? Self.defaultConcurrency
        self.explicitNamespace = explicitNamespace
        filter = config.driftFilter(ignoringPaths: ignorePaths, managers: ignoreManagers)
        self.handEditManagers = config.handEditManagers(adding: handEditManagers)
    }

    /// The field manager of the dry runs and of remediation, unless drift.yaml or `--field-manager` names another.
    public static let defaultFieldManager = "kubectl-drift"
    /// Requests in flight at most, unless drift.yaml or `--concurrency` says otherwise.
    public static let defaultConcurrency = 8
}
