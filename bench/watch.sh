#!/usr/bin/env bash
# Benchmark: kubectl drift watch --remediate over COUNT objects for DURATION seconds, on a
# local kube-apiserver. A steady stream of hand changes (kubectl scale of one Deployment every
# 2 s) runs for the first two thirds; each time from the scale to the loop's "remediated" line
# is recorded (the distribution), and the watch process's resident memory and CPU time are
# sampled every 10 s. The last third has no change at all: CPU used there is what an idle loop
# costs. Appends the figures to bench/RESULTS.md.
#
# Usage: bench/watch.sh [COUNT] [DURATION] [INTERVAL]     (default: 2000 1800 5m)
# Uses $BENCH_KUBECONFIG when set; otherwise starts `kubectl drift demo --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
duration=${2:-1800}
interval=${3:-5m}

. bench/server.sh

namespace=watch-bench
manifests=$work/manifests
python3 bench/generate.py "$count" "$manifests" "$namespace"
kubectl create namespace "$namespace" >/dev/null
"$drift" apply -y -f "$manifests" --applyset watch-bench -n "$namespace" >/dev/null
server_version=$(kubectl version -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')

"$drift" watch --remediate -f "$manifests" --applyset watch-bench -n "$namespace" --interval "$interval" -o json \
  >"$work/events.jsonl" 2>"$work/watch.err" &
watch_pid=$!
bench_pids+=("$watch_pid")
# Ready once the first verification of everything is done: the watch's own line on stderr.
for _ in $(seq 1 600); do grep -q '^watching' "$work/watch.err" && break; sleep 0.2; done
sleep 2

sample() {
  # RSS in KB and CPU seconds (utime + stime) of the watch process.
  local rss cpu
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$watch_pid/status")
  cpu=$(awk -v tck="$(getconf CLK_TCK)" '{print ($14 + $15) / tck}' "/proc/$watch_pid/stat")
  echo "$(date +%s.%N) $rss $cpu $(cut -d' ' -f1 /proc/loadavg)" >>"$work/samples"
}

start=$(date +%s)
changes_until=$((start + duration * 2 / 3))
end=$((start + duration))
next_sample=$start
i=0
: >"$work/scales"
while [ "$(date +%s)" -lt "$end" ]; do
  now=$(date +%s)
  if [ "$now" -ge "$next_sample" ]; then sample; next_sample=$((now + 10)); fi
  if [ "$now" -lt "$changes_until" ]; then
    index=$(printf '%05d' $((i % (count / 2))))
    echo "$(date +%s.%N) app-$index" >>"$work/scales"
    kubectl scale deployment "app-$index" -n "$namespace" --replicas=5 >/dev/null
    i=$((i + 1))
    sleep 2
  else
    sleep 1
  fi
done
sample

kill -TERM "$watch_pid"
wait "$watch_pid" || true
# Kept for a look at what the loop said (the slowest remediations above all).
cp "$work/events.jsonl" "${TMPDIR:-/tmp}/kubectl-drift-watch-bench-events.jsonl"

python3 - "$work" "$count" "$duration" "$server_version" "$interval" >>bench/RESULTS.md <<'PY'
import datetime, json, os, statistics, subprocess, sys
work, count, duration, server, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
scales = [line.split() for line in open(os.path.join(work, "scales"))]
remediated = {}
for line in open(os.path.join(work, "events.jsonl")):
    event = json.loads(line)
    if event["event"] == "remediated" and event["kind"] == "Deployment":
        t = datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
        remediated.setdefault(event["name"], []).append(t)
latencies = []
for started, name in scales:
    started = float(started)
    after = [t for t in remediated.get(name, []) if t >= started]
    if after:
        latencies.append(max(0.0, min(after) - started))
samples = [tuple(map(float, line.split())) for line in open(os.path.join(work, "samples"))]
rss = [s[1] / 1024 for s in samples]
quiet_start = samples[0][0] + duration * 2 / 3
quiet = [s for s in samples if s[0] >= quiet_start]
idle_cpu = (quiet[-1][2] - quiet[0][2]) / max(1e-9, quiet[-1][0] - quiet[0][0]) * 100 if len(quiet) > 1 else float("nan")
cores = os.cpu_count()
mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
q = statistics.quantiles(latencies, n=20) if len(latencies) >= 20 else []
print()
print(f"## {datetime.datetime.utcnow():%Y-%m-%dT%H:%MZ}: kubectl drift watch --remediate --interval {interval}, {count} objects, {duration} s")
print()
print(f"Machine: {cores} cores, {mem} GiB, {cpu}; server: kube-apiserver {server} and etcd on 127.0.0.1, the same machine.")
print()
print(f"A `kubectl scale` of one Deployment every 2 s for the first {duration * 2 // 3} s ({len(scales)} scales, "
      f"{len(latencies)} remediations matched), then nothing for {duration // 3} s.")
print()
print("| what | figure |")
print("|---|---|")
if latencies:
    print(f"| scale → `remediated`, median | {statistics.median(latencies):.2f} s |")
    if q:
        print(f"| scale → `remediated`, 90th / 95th percentile | {q[17]:.2f} s / {q[18]:.2f} s |")
    print(f"| scale → `remediated`, slowest | {max(latencies):.2f} s |")
print(f"| resident memory: after the first minute / peak / at the end | {rss[min(6, len(rss) - 1)]:.0f} MB / {max(rss):.0f} MB / {rss[-1]:.0f} MB |")
marks = [m for m in (1, 5, 10, 20, 30, 60) if m * 60 <= duration]
by_minute = ", ".join(f"{m} min {rss[min(m * 6, len(rss) - 1)]:.0f} MB" for m in marks)
print(f"| resident memory over time | {by_minute} |")
print(f"| CPU while nothing changes | {idle_cpu:.2f} % of one core |")
print(f"| machine load average (1 min) during the run, mean | {statistics.mean(s[3] for s in samples):.1f} |")
print()
print("Latency: from just before `kubectl scale` starts to the `remediated` JSON line's time (milliseconds);"
      " it includes kubectl's own start-up. kubectl has no loop to compare with: its nearest is a person running"
      " `kubectl apply` after noticing.")
PY
tail -n 16 bench/RESULTS.md
