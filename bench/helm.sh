#!/usr/bin/env bash
# Benchmark of HelmRelease rendering: a repository whose Flux Kustomization applies COUNT
# HelmReleases of one chart (each with its own values), rendered by `kubectl drift render
# --flux` (one helm process per release, several at once) against `helm template` run by
# hand over the same releases, one after another, in the same run. Both must produce the
# same objects before they are timed. Appends the figures to bench/RESULTS.md.
#
# Usage: bench/helm.sh [COUNT]     (default: 20)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
tools=$(scripts/prepare-kubectl.sh | tail -n 1)
export PATH="$tools:$PATH"
swift build -c release --product kubectl-drift >/dev/null
drift=$(swift build -c release --show-bin-path)/kubectl-drift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/clusters" "$repo/apps" "$repo/charts/web/templates" "$work/values"

cat >"$repo/clusters/apps.yaml" <<'YAML'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
YAML
cat >"$repo/charts/web/Chart.yaml" <<'YAML'
apiVersion: v2
name: web
version: 1.0.0
YAML
cat >"$repo/charts/web/values.yaml" <<'YAML'
replicas: 1
image: {repository: nginx, tag: "1.27"}
port: 80
settings: {}
YAML
cat >"$repo/charts/web/templates/_helpers.tpl" <<'TPL'
{{- define "web.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
{{- end -}}
TPL
cat >"$repo/charts/web/templates/objects.yaml" <<'TPL'
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
  labels: {{- include "web.labels" . | nindent 4 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  labels: {{- include "web.labels" . | nindent 4 }}
data:
{{- range $key, $value := .Values.settings }}
  {{ $key }}: {{ $value | quote }}
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels: {{- include "web.labels" . | nindent 4 }}
spec:
  selector: {app.kubernetes.io/instance: {{ .Release.Name }}}
  ports: [{port: {{ .Values.port }}, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {{- include "web.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}}}
  template:
    metadata:
      labels: {{- include "web.labels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ .Release.Name }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports: [{containerPort: {{ .Values.port }}}]
TPL
for index in $(seq -w 1 "$count"); do
  cat >"$repo/apps/web-$index.yaml" <<YAML
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web-$index
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  values:
    replicas: $((10#$index % 3 + 1))
    settings: {release: "$index", colour: blue}
YAML
  printf 'replicas: %d\nsettings: {release: "%s", colour: blue}\n' "$((10#$index % 3 + 1))" "$index" >"$work/values/web-$index.yaml"
done
git -C "$repo" init -q -b main
git -C "$repo" add .
git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -q -m initial

# By hand: what a person runs to see the same releases' objects, one release after another.
cat >"$work/by-hand.sh" <<SH
#!/usr/bin/env bash
set -e
for values in $work/values/*.yaml; do
  name=\$(basename "\$values" .yaml)
  helm template "\$name" $repo/charts/web --namespace apps --values "\$values"
  echo ---
done
SH
chmod +x "$work/by-hand.sh"

# Both must render the same objects (by kind and name) before they are timed.
(cd "$repo" && "$drift" render --flux -f clusters -o json) | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print("\n".join(sorted(f"{i[\"kind\"]}/{i[\"metadata\"][\"name\"]}" for i in items if i["kind"] != "HelmRelease")))' >"$work/drift.txt"
"$work/by-hand.sh" | python3 -c '
import sys, re
names = []
for document in sys.stdin.read().split("\n---"):
    kind = re.search(r"^kind: (\S+)", document, re.M)
    name = re.search(r"^  name: (\S+)", document, re.M)
    if kind and name: names.append(f"{kind.group(1)}/{name.group(1)}")
print("\n".join(sorted(names)))' >"$work/hand.txt"
cmp -s "$work/drift.txt" "$work/hand.txt" || { echo "bench: kubectl drift render and helm template disagree" >&2; diff "$work/drift.txt" "$work/hand.txt" >&2; exit 1; }
objects=$(wc -l <"$work/drift.txt")

(cd "$repo" && hyperfine -i --warmup 1 --runs 5 --export-json "$work/times.json" \
  -n drift "$drift render --flux -f clusters -o json" \
  -n drift-serial "$drift render --flux -f clusters -o json --concurrency 1" \
  -n hand "$work/by-hand.sh" >&2) || true
helm_version=$(helm version --short)
python3 - "$work/times.json" "$count" "$objects" "$helm_version" "$(nproc)" >>bench/RESULTS.md <<'PY'
import json, sys, datetime
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
count, objects, helm, cores = sys.argv[2:6]
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
print()
print(f"## {stamp}: HelmRelease rendering, {count} releases, helm {helm}")
print()
print(f"Machine: {cores} cores. A Flux Kustomization applying {count} HelmReleases of one chart in the repository")
print(f"({objects} objects in all); hyperfine means of 5 runs after a warm-up. Both render the same objects.")
print()
print("| what | time |")
print("|---|---|")
print(f"| `kubectl drift render --flux` (kustomize, then helm for {count} releases, several at once) | {results['drift']:.2f} s |")
print(f"| the same with `--concurrency 1` | {results['drift-serial']:.2f} s |")
print(f"| `helm template` by hand over the same {count} releases, one after another | {results['hand']:.2f} s |")
print(f"| ratio, by hand / kubectl drift | {results['hand'] / results['drift']:.1f}x |")
PY
tail -n 12 bench/RESULTS.md
