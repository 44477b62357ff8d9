#!/usr/bin/env bash
# Installs kubectl-drift on a Debian machine: system packages, a release build, both
# binaries on PATH, shell completion (kubectl drift <TAB> through kubectl_complete-drift,
# and bash, zsh and fish for kubectl-drift itself), and the local API server assets that
# `kubectl drift demo` and the tests use.
#
# Usage: ./install.sh [--prefix DIR] [--no-assets]
set -euo pipefail
cd "$(dirname "$0")"

prefix=/usr/local
assets=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-assets) assets=no; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

scripts/install-system-packages.sh

echo "install.sh: building (release)" >&2
swift build -c release --product kubectl-drift
swift build -c release --product git-drift-hook
bin=$(swift build -c release --show-bin-path)
sudo_if_needed install -d "$prefix/bin"
sudo_if_needed install -m 0755 "$bin/kubectl-drift" "$bin/git-drift-hook" "$prefix/bin/"
echo "install.sh: installed kubectl-drift and git-drift-hook in $prefix/bin" >&2

# Completion where each shell looks for it under the prefix.
sudo_if_needed install -m 0755 plugins/kubectl_complete-drift "$prefix/bin/"
completions=$(mktemp -d)
trap 'rm -rf "$completions"' EXIT
for shell in bash zsh fish; do "$bin/kubectl-drift" completion "$shell" > "$completions/$shell"; done
sudo_if_needed install -D -m 0644 "$completions/bash" "$prefix/share/bash-completion/completions/kubectl-drift"
sudo_if_needed install -D -m 0644 "$completions/zsh" "$prefix/share/zsh/site-functions/_kubectl-drift"
sudo_if_needed install -D -m 0644 "$completions/fish" "$prefix/share/fish/vendor_completions.d/kubectl-drift.fish"
echo "install.sh: installed completion (kubectl_complete-drift, bash, zsh, fish) under $prefix" >&2

if [ "$assets" = yes ]; then
  scripts/prepare-envtest-assets.sh >/dev/null
fi
echo "install.sh: done; try: kubectl drift demo" >&2
