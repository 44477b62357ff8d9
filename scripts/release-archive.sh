#!/usr/bin/env bash
# Builds the release archive that krew installs for this machine's platform
# (kubectl-drift_<os>_<arch>.tar.gz: kubectl-drift, kubectl_complete-drift, git-drift-hook,
# README.md, as plugins/drift.yaml lists them) and writes its sha256 into the manifest.
#
# Usage: scripts/release-archive.sh [--bin DIR] [--out DIR] [--manifest FILE]
#   --bin DIR        take the binaries from DIR instead of a release build
#                    (swift build -c release --static-swift-stdlib)
#   --out DIR        where the archive goes (default: .build/release-archives)
#   --manifest FILE  the krew manifest to update (default: plugins/drift.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=""
out=.build/release-archives
manifest=plugins/drift.yaml
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --manifest) manifest=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release-archive: unknown argument $1" >&2; exit 2 ;;
  esac
done

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "release-archive: no krew platform for $(uname -m)" >&2; exit 2 ;;
esac

if [ -z "$bin" ]; then
  # The Swift runtime goes inside the binaries: users have libcurl and libgit2, not Swift.
  swift build -c release --static-swift-stdlib --product kubectl-drift >&2
  swift build -c release --static-swift-stdlib --product git-drift-hook >&2
  bin=$(swift build -c release --show-bin-path)
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
install -m 0755 "$bin/kubectl-drift" "$bin/git-drift-hook" plugins/kubectl_complete-drift "$staging/"
install -m 0644 README.md "$staging/"
mkdir -p "$out"
archive="$out/kubectl-drift_${os}_${arch}.tar.gz"
# Fixed owner and order, so that the same binaries make the same archive.
tar -C "$staging" --owner=0 --group=0 --numeric-owner --sort=name -czf "$archive" \
  kubectl-drift kubectl_complete-drift git-drift-hook README.md
sha=$(sha256sum "$archive" | cut -d ' ' -f 1)

# The sha256 line that follows this platform's uri.
name="kubectl-drift_${os}_${arch}.tar.gz"
updated=$(mktemp)
awk -v name="$name" -v sha="$sha" '
  index($0, "uri:") && index($0, "/" name) { found = 1 }
  found && /^[[:space:]]*sha256:/ { sub(/sha256:.*/, "sha256: \"" sha "\""); found = 0 }
  { print }
' "$manifest" > "$updated"
grep -q "$sha" "$updated" || { rm -f "$updated"; echo "release-archive: $manifest has no platform with $name" >&2; exit 1; }
cat "$updated" > "$manifest"
rm -f "$updated"
echo "release-archive: $archive (sha256 $sha) written into $manifest" >&2
echo "$archive"
