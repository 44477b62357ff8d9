/// The `--help` texts, written for `kubectl drift ...` usage.
public enum HelpText {
    public static func text(for topic: String?) -> String {
        switch topic {
        case "diff": return diff
        case "apply": return apply
        case "render": return render
        case "changes": return changes
        case "demo": return demo
        case "watch": return watch
        case "version": return "Print the kubectl-drift version.\n\nUsage:\n  kubectl drift version\n"
        case "completion": return completion
        default: return overview
        }
    }

    static let overview = """
        Find where a live Kubernetes cluster has drifted from the manifests in Git.

        Commands:
        \(DriftCommand.summaries.map { "  " + $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

        Examples:
          # Which objects under apps/ differ from the cluster, and how
          kubectl drift diff -f apps/ -R

          # The same as JSON, for scripts
          kubectl drift diff -f apps/ -R -o json

          # Against what main says, without checking it out
          kubectl drift diff -f apps/ -R --ref main

        kubectl's global flags (--kubeconfig, --context, --cluster, --user, -n/--namespace,
        --request-timeout) may come before the command too: kubectl-drift --context prod diff -f apps/

        Use "kubectl drift <command> --help" for more about a command.

        """

    static let completion = """
        Print a shell completion script for kubectl-drift.

        kubectl drift <TAB> (kubectl 1.26 and later) asks the kubectl_complete-drift program on
        PATH, which install.sh installs beside kubectl-drift; these scripts complete
        kubectl-drift called by its own name. Both complete commands, flags, --context (and
        --cluster, --user) from the kubeconfig, and --ref and changes' revisions from the
        repository's branches and tags.

        Usage:
          kubectl drift completion bash|zsh|fish

        Examples:
          # bash, for this shell, then for every new one
          source <(kubectl drift completion bash)
          kubectl drift completion bash > ~/.local/share/bash-completion/completions/kubectl-drift

          # zsh: a file named _kubectl-drift in a folder of $fpath
          kubectl drift completion zsh > "${fpath[1]}/_kubectl-drift"

          # fish
          kubectl drift completion fish > ~/.config/fish/completions/kubectl-drift.fish

        """

    static let clusterFlags = """
          --kubeconfig=PATH        Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
          --context=NAME           The kubeconfig context to use
          --cluster=NAME           The kubeconfig cluster to use
          --user=NAME              The kubeconfig user to use
          -n, --namespace=NAME     Namespace for manifests that name none (default: the context's)
        """

    static let diff = """
        Compare manifests with the live cluster, field by field.

        Each object is compared with what a server-side apply of its manifest would store
        (a dry run: nothing is written), so fields the server defaults are never drift.
        Labels and annotations are compared too; managedFields, resourceVersion, generation,
        uid, creationTimestamp and status are not.

        A person's change is drift, a controller's is not: fields that only kubectl's own field
        managers wrote (kubectl set, label, annotate, edit, patch, scale, ...) are drift even where
        Git does not set them, and apply removes them; fields of other managers (controllers,
        webhooks, autoscalers) are drift only where Git sets them. Each change says who made it
        and when, from the live object's managedFields.

        An object found in sync is not dry-run again while nothing its verdict depends on
        changed: the manifest, the live object's resourceVersion, the field manager, the server
        version, its CustomResourceDefinition and the admission webhooks and policies.

        Exit status: 0 when everything is in sync, 1 when something drifted or is missing,
        2 when an object could not be compared or the command failed.

        Usage:
          kubectl drift diff [-f FILE|DIR|-]... [-k DIR]... [--flux] [flags]

        Examples:
          kubectl drift diff -f apps/
          kubectl drift diff -f apps/ -R -o json
          kustomize build overlays/prod | kubectl drift diff -f -
          kubectl drift diff -k overlays/prod --ref main
          kubectl drift diff --flux --ignore-manager hpa-controller

        Flags:
          -f, --filename=PATH      Manifest file, directory (.yaml, .yml, .json) or - for stdin; repeatable
          -R, --recursive          Read directories given with -f recursively
              --ref=REVISION       Read the manifests from a Git revision (branch, tag, commit, HEAD~2);
                                   -f paths stay relative to the current folder, as git's pathspecs
              --staged             Read the manifests from the Git index (staged changes)
          -k, --kustomize=DIR      Render a kustomization with kubectl kustomize; repeatable (a folder
                                   given with -f that holds a kustomization.yaml is rendered too)
              --kustomize-cmd=CMD  The renderer instead of kubectl kustomize ($KUBECTL_DRIFT_KUSTOMIZE)
              --sops-cmd=PATH      Decrypt SOPS-encrypted objects with this sops (default: skip them as
                                   encrypted, unless drift.yaml's decryption asks for sops on PATH)
              --flux               Compare what the repository's Flux Kustomizations deploy, one section
                                   per Kustomization (-f names the folder to scan; default: the root)
              --helm-cmd=PATH      The helm that renders HelmReleases ($KUBECTL_DRIFT_HELM; default: helm)
              --chart-dir=DIR      Packaged charts (NAME-VERSION.tgz) of HelmReleases; repeatable (also
                                   drift.yaml helm.charts and helm's cache, ~/.cache/helm/repository)
              --strict             A mapping key written twice is an error (default: the last value
                                   wins with a warning naming both lines, as kubectl reads it)
              --config=FILE        The repository config (default: drift.yaml at the repository root)
              --ignore-path=PTR    Never report this field (a JSON pointer such as /spec/replicas); repeatable
              --ignore-manager=NAME  Never report fields this field manager owns live; repeatable
              --hand-edit-manager=NAME  Count this field manager as a person too (besides drift.yaml's
                                   handEditManagers, default kubectl's own managers); repeatable
          -o, --output=FORMAT      text (default), json or yaml
              --field-manager=NAME Field manager for the server-side apply dry run (default: kubectl-drift)
              --concurrency=N      Requests in flight at most (default: 8)
              --show-secrets       Show Secret values instead of masking them
              --color=WHEN         auto (default; honours NO_COLOR), always or never
              --request-timeout=D  Give up on a request after D, such as 30s or 2m (default: 60s)
              --notify=URL         Post a summary of the drift to a webhook (Slack and Teams formats by host;
                                   an http(s) URL with a host, checked before anything runs)
              --notify-on=WHEN     drift (default: only when something drifted, is missing, was remediated,
                                   pruned or failed) or always (every run)
              --prune              Also list live objects of the ApplySet that Git no longer has (see apply)
              --no-cache           Dry-run every object: neither reuse nor record in-sync verdicts (kept as
                                   hashes under $XDG_CACHE_HOME/kubectl-drift/verdicts, per cluster and user)
        \(clusterFlags)

        """

    static let apply = """
        Put the cluster back to Git: apply what drifted or is missing.

        First the same exact comparison as kubectl drift diff (same flags), then a server-side
        apply (force, field manager kubectl-drift) of the missing and drifted objects only; in-sync
        objects are not written. CustomResourceDefinitions and Namespaces go first (a CRD is awaited
        until Established), then cluster-scoped objects, then namespaced ones. Ignored fields
        (drift.yaml, --ignore-path, --ignore-manager) are not overwritten. An object annotated
        drift.kubectl-drift.dev/suspend: "true" (live or in Git) is reported but left alone, and with
        --flux so are the objects of a Kustomization or HelmRelease with spec.suspend: true (live or
        in Git). When drift.yaml pins a cluster, any other cluster is refused.

        Exit status: 0 when the cluster matches Git afterwards, 2 when anything failed or was
        left: an object not applied, unhealthy after --wait, or not pruned (a deletion that failed
        or was not confirmed at the prompt).

        Usage:
          kubectl drift apply [-f FILE|DIR]... [-k DIR]... [--flux] [flags]
          kubectl drift diff --remediate [flags]

        Flags (besides those of kubectl drift diff):
              --dry-run            Print what would be applied or recreated; write nothing
              --force-recreate     Delete and recreate objects whose immutable fields Git changed
                                   (also per object: drift.kubectl-drift.dev/force-recreate: "true")
          -y, --yes                Do not ask before deleting anything (asked only on a terminal)
              --wait               Wait until applied workloads are healthy (Deployments, StatefulSets,
                                   DaemonSets by rollout; Jobs by completion; others by a Ready condition)
              --timeout=D          How long --wait waits (default: 5m); only with --wait
              --skip-unhealthy     Leave a drifted workload alone while it is unhealthy
              --prune              Delete objects applied earlier that Git no longer has: tracked in an ApplySet
                                   (kubectl's ApplySet specification), or with --flux as kustomize-controller
                                   prunes (in a Kustomization's inventory, with its owner labels, not opted out
                                   by kustomize.toolkit.fluxcd.io/prune: disabled and the like); never an object
                                   without that mark, nor one annotated drift.kubectl-drift.dev/prune: disabled;
                                   each object kept is listed with the reason
              --applyset=NAME      The ApplySet parent Secret (default: kubectl-drift-applyset, in the namespace)
              --notify=URL         Post a summary to a webhook (Slack and Teams formats by host)
              --notify-on=WHEN     drift (default) or always

        """

    static let changes = """
        List the objects Git added, modified or removed between two revisions.

        Objects are compared, not files: an object moved to another file, a renamed file, or
        an edit of comments, whitespace or key order is no change. Only the files that differ
        between the two revisions are read.

        Exit status: 0 when no object changed, 1 when some did, 2 on error.

        Usage:
          kubectl drift changes FROM TO [-f PATH]... [-R] [-o text|json|yaml]

        Examples:
          kubectl drift changes main HEAD
          kubectl drift changes ORIG_HEAD HEAD -f apps/ -R

        Flags:
          -f, --filename=PATH      Limit to these files or folders (relative to the current folder, as
                                   git's pathspecs; default: the whole repository)
          -R, --recursive          Descend into folders given with -f
          -n, --namespace=NS       Namespace of objects that name none (default: the context's, else
                                   default; --kubeconfig and --context choose the context, no server
                                   is asked)
              --strict             A mapping key written twice is an error (default: last value wins)
          -o, --output=FORMAT      text (default), json or yaml

        """

    static let render = """
        Print the objects as kubectl drift reads them from the manifests.

        Useful to check how YAML is interpreted: `yes` is a boolean, `0644` is 420, as kubectl reads them.
        This is what Git says each object is. kubectl drift diff compares it with the cluster,
        where a person's change is drift and a controller's is not: fields only kubectl's own
        field managers wrote are drift even where these objects do not set them.

        What is not rendered (a HelmRelease whose chart is not on this machine, whose valuesFrom
        needs the cluster) is named on standard error, and in -o json as notChecked[].

        Usage:
          kubectl drift render -f FILE|DIR|- [-R] [-o yaml|json]
          kubectl drift render --flux [-f DIR] [-o yaml|json]

        Flags:
          -f, --filename=PATH      Manifest file, directory or - for stdin; repeatable
          -R, --recursive          Read directories given with -f recursively
          -k, --kustomize=DIR      Render a kustomization with kubectl kustomize; repeatable
              --flux               Render what the repository's Flux Kustomizations and HelmReleases deploy
              --helm-cmd=PATH      The helm that renders HelmReleases ($KUBECTL_DRIFT_HELM; default: helm)
              --chart-dir=DIR      Packaged charts (NAME-VERSION.tgz) of HelmReleases; repeatable
              --strict             A mapping key written twice is an error (default: last value wins)
              --concurrency=N      helm processes at once (default: 8)
          -o, --output=FORMAT      yaml (default) or json

        """

    static let demo = """
        Run the drift scenario on a throwaway local API server.

        Starts kube-apiserver and etcd from the envtest assets (KUBEBUILDER_ASSETS, or the ones
        install.sh prepared), applies a Deployment with 3 replicas, scales it to 5 the way a
        person would with kubectl scale, and shows kubectl drift finding the drift. The server
        is removed afterwards.

        Usage:
          kubectl drift demo [--keep] [--color=auto|always|never]

        Flags:
              --keep               Keep the server running afterwards (until Ctrl-C) and print
                                   the KUBECONFIG to use it
              --color=WHEN         auto (default; honours NO_COLOR), always or never

        """
}
