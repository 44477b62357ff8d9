/// The scenario `kubectl drift demo` plays and the end-to-end tests check: Git says a
/// Deployment runs 3 replicas of nginx:1.21.0; someone scales it to 5 by hand; `kubectl drift
/// apply` puts it back; a teammate's commit (4 replicas of nginx:1.25.0) is merged with
/// `git pull`, and git-drift-hook previews and applies it.
public enum DemoScenario {
    /// Where the demo says the manifest lives in Git.
    public static let manifestPath = "apps/my-app.yaml"

    /// The demo's own ApplySet, so that a repository used with `demo --keep`'s server afterwards
    /// does not find the default one recording the demo's throwaway repository.
    public static let applySetName = "kubectl-drift-demo"

    /// What the teammate's commit sets.
    public static let teammateReplicas = 4
    public static let teammateImage = "nginx:1.25.0"

    /// The Deployment `my-app` as Git has it, before the teammate's commit unless told otherwise.
    public static func deploymentManifest(
        namespace: String = "default", replicas: Int = 3, image: String = "nginx:1.21.0"
    ) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: my-app
          namespace: \(namespace)
          labels:
            app: my-app
        spec:
          replicas: \(replicas)
          selector:
            matchLabels:
              app: my-app
          template:
            metadata:
              labels:
                app: my-app
            spec:
              containers:
              - name: web
                image: \(image)
                ports:
                - containerPort: 80

        """
    }

    /// drift.yaml of the demo repository: `apps/`, the demo's ApplySet, pinned to the demo
    /// server's `context`, and the hook applying what a merge brings.
    public static func driftConfig(context: String) -> String {
        """
        apiVersion: drift.kubectl-drift.dev/v1alpha1
        kind: DriftConfig
        paths: [apps]
        applySet: \(applySetName)
        cluster: {context: \(context)}
        hook:
          reconcile: apply
          branches: [main]

        """
    }
}
