#!/usr/bin/env bash
# Benchmark of git-drift-hook: the whole `git-drift-hook post-merge 0` process after a
# one-commit merge that touches 5 of 1,000 manifests, against `kubectl diff --server-side` of
# the same 5 files, in the same run, on a local kube-apiserver. The hook previews with
# `hook.reconcile: none`; a second repository with `hook.reconcile: apply` times the preview
# and the apply, the cluster put back to the old commit before every run. Peak memory from GNU
# time. Appends the figures to bench/RESULTS.md.
#
# Issue target: under 1 second for the whole hook process.
#
# Usage: bench/hook.sh [COUNT]     (default: 1000)
# Uses $BENCH_KUBECONFIG when set; otherwise starts `kubectl drift demo --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
namespace=bench-hook

command -v hyperfine >/dev/null && [ -x /usr/bin/time ] || {
  apt-get install -y -qq hyperfine time >/dev/null
}
. bench/server.sh
hook=$bin/git-drift-hook
context=$(kubectl config current-context)
# No user or system Git configuration: the repositories are the benchmark's own.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git_commit() { git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q "${@:2}"; }

# The files the merged commit changes: two scaled Deployments, a new image, two ConfigMap edits.
changed=(apps/deploy-00000.yaml apps/deploy-00001.yaml apps/deploy-00002.yaml apps/cm-00000.yaml apps/cm-00001.yaml)

# A repository of COUNT manifests with drift.yaml pinning the server, at the commit before the
# change; then the one-commit change, with ORIG_HEAD at the commit before as after a merge.
make_repository() {
  local repo=$1 reconcile=$2
  python3 bench/generate.py "$count" "$repo/apps" "$namespace"
  cat >"$repo/drift.yaml" <<EOF
apiVersion: drift.kubectl-drift.dev/v1alpha1
kind: DriftConfig
paths: [apps]
cluster: {context: $context}
hook:
  reconcile: $reconcile
  branches: [main]
EOF
  git -C "$repo" init -q -b main
  git -C "$repo" add .
  git_commit "$repo" -m initial
  sed -i 's/replicas: 2/replicas: 4/' "$repo/apps/deploy-00000.yaml" "$repo/apps/deploy-00001.yaml"
  sed -i 's/nginx:1.21.0/nginx:1.25.0/' "$repo/apps/deploy-00002.yaml"
  sed -i 's/value-[0-9]*$/value-changed/' "$repo/apps/cm-00000.yaml" "$repo/apps/cm-00001.yaml"
  git_commit "$repo" -am "five changes"
  git -C "$repo" update-ref ORIG_HEAD HEAD~1
}
repo=$work/repo
make_repository "$repo" none
kubectl create namespace "$namespace" >/dev/null
# The cluster at the commit before the merge.
git -C "$repo" worktree add -q "$work/old" HEAD~1
(cd "$work/old" && "$drift" apply -f apps >/dev/null)
mkdir "$work/old-changed"
for file in "${changed[@]}"; do cp "$work/old/$file" "$work/old-changed/"; done

# The hook must preview the 5 changes before it is timed.
(cd "$repo" && "$hook" post-merge 0 --color never >"$work/preview.txt" 2>&1)
if ! grep -q '^drift: 5 to update$' "$work/preview.txt"; then
  echo "bench: the hook did not preview 5 updates:" >&2
  cat "$work/preview.txt" >&2
  exit 1
fi
kubectl_files=()
for file in "${changed[@]}"; do kubectl_files+=(-f "$repo/$file"); done

(cd "$repo" && hyperfine -i --warmup 2 --runs 10 --export-json "$work/times.json" \
  -n hook "$hook post-merge 0" \
  -n kubectl "kubectl diff --server-side --force-conflicts ${kubectl_files[*]}" >&2)

# The apply variant: the same merge with hook.reconcile: apply, the cluster put back first.
apply_repo=$work/apply-repo
make_repository "$apply_repo" apply
(cd "$apply_repo" && hyperfine -i --runs 5 --export-json "$work/apply.json" \
  --prepare "$drift apply -f $work/old-changed" \
  -n apply "$hook post-merge 0" >&2)
(cd "$apply_repo" && "$drift" diff -f apps >/dev/null) || { echo "bench: drift remains after the hook's apply" >&2; exit 1; }

# Peak resident memory of a command in KB, run in the repository.
peak_rss() {
  (cd "$1" && shift && /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1) || true
  tail -n 1 "$work/rss"
}
hook_rss=$(peak_rss "$repo" "$hook" post-merge 0)
kubectl_rss=$(peak_rss "$repo" kubectl diff --server-side --force-conflicts "${kubectl_files[@]}")
"$drift" apply -f "$work/old-changed" >/dev/null
apply_rss=$(peak_rss "$apply_repo" "$hook" post-merge 0)

server_version=$(kubectl version -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
kubectl_version=$(kubectl version --client -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')
python3 - "$work/times.json" "$work/apply.json" "$count" "$hook_rss" "$kubectl_rss" "$apply_rss" \
  "$("$drift" version | awk '{print $2}')" "$kubectl_version" "$server_version" >>bench/RESULTS.md <<'PY'
import datetime, json, os, subprocess, sys
times, apply, count, hook_rss, kubectl_rss, apply_rss, drift_version, kubectl_version, server = sys.argv[1:]
def results(path):
    return {r["command"]: r for r in json.load(open(path))["results"]}
t, a = results(times), results(apply)
def cell(r):
    return f"{r['mean'] * 1000:.0f} ms ± {r['stddev'] * 1000:.0f}"
def mb(kb):
    return f"{int(kb) / 1024:.0f} MB"
memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
hook, worst = t["hook"]["mean"], max(t["hook"]["times"])
print()
print(f"## {now}: git-drift-hook {drift_version} post-merge vs kubectl {kubectl_version}")
print()
print(f"Machine: {os.cpu_count()} cores, {memory // 1024 // 1024} GiB, {cpu}; server: kube-apiserver {server} and etcd on 127.0.0.1, the same machine.")
print()
print(f"A one-commit merge touching 5 of {count} manifests (2 Deployments scaled, 1 new image, 2 ConfigMap edits);")
print("the whole `git-drift-hook post-merge 0` process, run in the repository with ORIG_HEAD at the commit before.")
print("hyperfine mean ± standard deviation of 10 runs after 2 warm-ups (apply: 5 runs, the 5 objects put back before each).")
print()
print("| what | time | peak RSS |")
print("|---|---|---|")
print(f"| `git-drift-hook post-merge 0`, `hook.reconcile: none` (preview) | {cell(t['hook'])} | {mb(hook_rss)} |")
print(f"| `kubectl diff --server-side -f` of the 5 files | {cell(t['kubectl'])} | {mb(kubectl_rss)} |")
print(f"| `git-drift-hook post-merge 0`, `hook.reconcile: apply` (preview and apply) | {cell(a['apply'])} | {mb(apply_rss)} |")
print()
verdict = "met" if worst < 1 and a["apply"]["mean"] < 1 else "not met"
print(f"Target (whole hook process under 1 s): {verdict}; slowest preview run {worst * 1000:.0f} ms, "
      f"{t['kubectl']['mean'] / hook:.1f}x faster than kubectl's diff of the same files.")
PY
tail -n 16 bench/RESULTS.md
