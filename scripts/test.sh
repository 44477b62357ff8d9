#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the integration tests against a real
# kube-apiserver and etcd on 127.0.0.1 (envtest convention: KUBEBUILDER_ASSETS).
# Prepares and caches the assets first, and a current kubectl and helm (scripts/prepare-kubectl.sh),
# which the tests find first in PATH, and installs the shells the completion tests run;
# fails, never skips, when they cannot be had.
# With KUBEBUILDER_ASSETS set (say to ../shared/envtest/prepare.sh's folder), that server is used.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-packages.sh --tests
KUBEBUILDER_ASSETS=$(scripts/prepare-envtest-assets.sh | tail -n 1)
export KUBEBUILDER_ASSETS
tools=$(scripts/prepare-kubectl.sh | tail -n 1)
export PATH="$tools:$PATH"
echo "test.sh: kube-apiserver $("$KUBEBUILDER_ASSETS/kube-apiserver" --version 2>/dev/null | awk '{print $2}'), $(kubectl version --client 2>/dev/null | head -n 1)" >&2

swift build --build-tests
swift test --skip-build "$@"
