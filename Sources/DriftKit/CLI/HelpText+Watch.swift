extension HelpText {
    static let watch = """
        Keep checking the cluster against Git, and with --remediate keep putting it back.

        Every desired object is verified at the start, then again whenever the cluster says it
        changed (one LIST + WATCH per type and namespace: no polling), within a second of the
        change. Git is read again at every --interval (and everything verified again), and at
        once when the files (or the commit --ref names) change; a new revision is said on its
        own line, and only then do its objects take effect. A revision that cannot be read (a
        broken manifest, an invalid drift.yaml, a ref that is gone) is reported once and the
        last good one stays in force.

        With --remediate (or drift.yaml watch: {remediate: true}) a drifted or missing object
        is put back as kubectl drift apply would. A failed remediation is tried again after 1s,
        2s, 4s ... up to 5m. When another field manager takes a field back after each of 3
        remediations within 10 minutes (an autoscaler and Git both setting /spec/replicas), the
        loop stops remediating that object and says so, with the ignore rule that ends it.
        Suspended objects (annotation drift.kubectl-drift.dev/suspend, drift.yaml suspend) are read
        live each time. With --prune, what Git no longer has is pruned at each interval.

        One line per event on standard output: drifted, remediated, failed, recovered, pruned,
        fight, git, problem; -o json prints each as a JSON line. SIGINT or SIGTERM: the write in
        flight finishes, exit 0.

        With --notify (or drift.yaml notify) a webhook is told of transitions only: an object
        that stays drifted, or whose remediation keeps failing, is told once. Transitions are
        gathered for a few seconds (a drift and its remediation arrive together) and sent at
        most once per --notify-interval; the last ones are sent on exit. --notify-on always
        adds each new Git revision.

        Usage:
          kubectl drift watch [-f FILE|DIR]... [-k DIR] [--flux] [--ref REV] [--remediate] [--interval D] [flags]

        Flags:
          --interval=D             How often Git is read again and everything verified (default 5m;
                                   drift.yaml watch.interval)
          --remediate              Put drifted and missing objects back (drift.yaml watch.remediate)
          --fetch=REMOTE           With --ref: fetch REMOTE (libgit2) before each read of Git
          --metrics-address=H:P    Serve Prometheus metrics at http://H:P/metrics and /healthz
          --notify=URL             Tell a webhook of transitions (Slack and Teams formats by host)
          --notify-on=WHEN         drift (default) or always (each new Git revision too)
          --notify-interval=D      At most one notification per D (default 1m; drift.yaml
                                   watch.notifyInterval)
          --prune                  At each interval, delete the ApplySet's members Git no longer has
          -o, --output=FORMAT      text (default) or json (JSON lines)
          and the flags of kubectl drift diff (sources, ignore rules, field manager, cluster).

        """
}
