#!/usr/bin/env bash
# Benchmark: kubectl drift diff against kubectl diff --server-side on the same files, in the
# same run, on a local kube-apiserver. Applies N objects (half ConfigMaps, half Deployments),
# drifts 10% of them the way people do (kubectl scale, kubectl patch), then times both tools
# with hyperfine and measures peak memory with GNU time. kubectl drift is timed twice: with
# --no-cache (every object dry-run) and warm-cached (the second run: in-sync verdicts reused,
# the drifted 10% dry-run), in a fresh XDG_CACHE_HOME so that the first run is cold. Appends
# the figures to bench/RESULTS.md.
#
# Usage: bench/run.sh [COUNT...]     (default: 500 1000)
# Uses $BENCH_KUBECONFIG when set; otherwise starts `kubectl drift demo --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-500}")
[ $# -gt 0 ] || counts=(500 1000)

command -v hyperfine >/dev/null && [ -x /usr/bin/time ] || {
  apt-get install -y -qq hyperfine time >/dev/null
}
. bench/server.sh
# A fresh verdict cache: nothing from earlier runs or from the user's own.
export XDG_CACHE_HOME=$work/cache

# Peak resident memory of a command in KB; both tools exit 1 on drift, which is expected here.
peak_rss() {
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$work/rss"
}

results=bench/RESULTS.md
server_version=$(kubectl version -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%MZ): kubectl-drift $("$drift" version | awk '{print $2}') vs $(kubectl version --client -o json | python3 -c 'import json,sys; print("kubectl " + json.load(sys.stdin)["clientVersion"]["gitVersion"])')"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); server: kube-apiserver $server_version and etcd on 127.0.0.1, the same machine."
  echo
  echo "| objects | drifted | kubectl diff --server-side | kubectl drift diff --no-cache | ratio | kubectl drift diff, warm cache | ratio | kubectl peak RSS | kubectl drift peak RSS |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >>"$results"

apply_rows=()
for count in "${counts[@]}"; do
  namespace=bench-$count
  manifests=$work/manifests-$count
  python3 bench/generate.py "$count" "$manifests" "$namespace"
  kubectl create namespace "$namespace" >/dev/null
  kubectl apply --server-side -f "$manifests" >/dev/null
  drifted=$((count / 10))
  bench/drift-objects.sh "$namespace" "$count"

  # Both tools must agree before they are timed; so must the cold and the warm run (this
  # first run fills the cache).
  set +e
  "$drift" diff -f "$manifests" -o json >"$work/drift.json"; drift_exit=$?
  "$drift" diff -f "$manifests" -o json >"$work/drift-warm.json"; warm_exit=$?
  kubectl diff --server-side --force-conflicts -f "$manifests" >"$work/kubectl.diff"; kubectl_exit=$?
  set -e
  found=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["drifted"])' "$work/drift.json")
  kubectl_found=$(grep -c '^diff ' "$work/kubectl.diff" || true)
  if [ "$drift_exit" != 1 ] || [ "$kubectl_exit" != 1 ] || [ "$found" != "$drifted" ] || [ "$kubectl_found" != "$drifted" ]; then
    echo "bench: the tools disagree at $count objects: kubectl drift exit $drift_exit found $found, kubectl exit $kubectl_exit found $kubectl_found, expected $drifted" >&2
    exit 1
  fi
  if [ "$warm_exit" != 1 ] || ! python3 -c '
import json, sys
cold, warm = (json.load(open(path)) for path in sys.argv[1:])
sys.exit(0 if (cold["summary"], cold["objects"]) == (warm["summary"], warm["objects"]) else 1)' "$work/drift.json" "$work/drift-warm.json"; then
    echo "bench: the warm-cached run disagrees with the cold one at $count objects" >&2
    exit 1
  fi

  hyperfine --warmup 1 --runs 5 -i --export-json "$work/times-$count.json" \
    -n kubectl "kubectl diff --server-side --force-conflicts -f $manifests" \
    -n drift "$drift diff --no-cache -f $manifests" \
    -n drift-warm "$drift diff -f $manifests" >&2
  read -r kubectl_mean drift_mean warm_mean < <(python3 -c '
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
print(results["kubectl"], results["drift"], results["drift-warm"])' "$work/times-$count.json")
  kubectl_rss=$(peak_rss kubectl diff --server-side --force-conflicts -f "$manifests")
  drift_rss=$(peak_rss "$drift" diff --no-cache -f "$manifests")
  python3 - "$count" "$drifted" "$kubectl_mean" "$drift_mean" "$warm_mean" "$kubectl_rss" "$drift_rss" >>"$results" <<'PY'
import sys
count, drifted, kubectl_mean, drift_mean, warm_mean, kubectl_rss, drift_rss = sys.argv[1:]
k, d, w = float(kubectl_mean), float(drift_mean), float(warm_mean)
print(f"| {count} | {drifted} | {k:.2f} s | {d:.2f} s | {k / d:.1f}x | {w:.2f} s | {k / w:.1f}x | {int(kubectl_rss) / 1024:.0f} MB | {int(drift_rss) / 1024:.0f} MB |")
PY

  # Remediation: the same drift put back by each tool, re-made before every timed run.
  hyperfine -i --runs 3 --export-json "$work/apply-$count.json" \
    --prepare "bench/drift-objects.sh $namespace $count" \
    -n kubectl "kubectl apply --server-side --force-conflicts -f $manifests" \
    -n drift "$drift apply -f $manifests" >&2
  "$drift" diff -f "$manifests" >/dev/null || { echo "bench: drift remains after kubectl drift apply" >&2; exit 1; }
  read -r kubectl_apply drift_apply < <(python3 -c '
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
print(results["kubectl"], results["drift"])' "$work/apply-$count.json")
  apply_rows+=("| $count | $drifted | $(printf '%.2f' "$kubectl_apply") s | $(printf '%.2f' "$drift_apply") s | $(python3 -c "print(f'{$kubectl_apply / $drift_apply:.1f}x')") |")
  kubectl delete namespace "$namespace" --wait=false >/dev/null
done
{
  echo
  echo "Remediation (\`kubectl drift apply\`, warm-cached, writes only the drifted objects; kubectl applies all):"
  echo
  echo "| objects | drifted | kubectl apply --server-side | kubectl drift apply | ratio |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${apply_rows[@]}"
} >>"$results"
tail -n $((2 * ${#counts[@]} + 12)) "$results"
