# Sourced by the benchmarks: builds both executables in release mode and provides a local
# kube-apiserver. Sets $bin, $drift, $work (a temporary folder removed on exit) and exports
# KUBECONFIG: $BENCH_KUBECONFIG when set, else the one `kubectl drift demo --keep` prints.
# A benchmark that starts processes of its own adds them to $bench_pids, stopped on exit.

# Both executables: the demo that serves the benchmark runs git-drift-hook too.
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
drift=$bin/kubectl-drift
work=$(mktemp -d)
server_pid=
bench_pids=()
bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap bench_cleanup EXIT

if [ -n "${BENCH_KUBECONFIG:-}" ]; then
  export KUBECONFIG=$BENCH_KUBECONFIG
else
  "$drift" demo --keep --color=never >"$work/demo.out" 2>"$work/demo.err" &
  server_pid=$!
  for _ in $(seq 1 120); do
    grep -q '^export KUBECONFIG=' "$work/demo.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/demo.err" >&2; exit 1; }
    sleep 0.5
  done
  export KUBECONFIG=$(sed -n 's/^export KUBECONFIG=//p' "$work/demo.out")
fi
