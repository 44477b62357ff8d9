#!/usr/bin/env bash
# Installs the Debian packages kubectl-drift builds and runs with: the libcurl and libgit2
# headers, pkg-config, openssl (for the local test server's certificates) and kubectl
# (Debian's kubernetes-client) when no kubectl is on PATH. With --tests, also the shells
# whose completion scripts the tests run (zsh, fish).
set -euo pipefail

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(libcurl4-openssl-dev libgit2-dev pkg-config openssl)
command -v kubectl >/dev/null || packages+=(kubernetes-client)
if [ "${1:-}" = --tests ]; then packages+=(zsh fish); fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-packages: installing ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
