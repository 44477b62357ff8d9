#!/usr/bin/env bash
# Fuzzes the readers of untrusted text (YAML, JSON, kubeconfig, drift.yaml) with libFuzzer:
# builds the Fuzz package with -sanitize=fuzzer,address into .build-fuzz (the main .build is
# not touched), then runs each target for SECONDS (default 60) on a temporary copy of its
# committed seed corpus (Fuzz/Corpus/<target>; nothing new is written into the repository).
# Fails when any target finds a crash, a leak, a timeout (one input over 10 s) or an
# out-of-memory (over 2 GB), printing the reproducer and its base64; turn it into a
# regression test.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 FuzzYAML
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzYAML FuzzJSON FuzzKubeconfig FuzzDriftConfig)

# why lld (the toolchain's, next to swiftc): gold, the Swift driver's default on Linux, stops
# with an internal error (dwarf_reader.cc) linking some of these sanitized executables. SwiftPM drops -use-ld from -Xswiftc, so
# the linker is chosen with a toolset file.
mkdir -p .build-fuzz
toolset=.build-fuzz/toolset.json
printf '{ "schemaVersion": "1.0", "linker": { "path": "%s" } }\n' \
  "$(dirname "$(readlink -f "$(command -v swiftc)")")/ld.lld" >"$toolset"
# why release: it fuzzes about 8 times faster than debug (YAML: 2,900 against 370 inputs a
# second), which is worth its longer build; -g so that ASan's reports name source lines.
build_flags=(-c release --package-path Fuzz --build-path .build-fuzz --toolset "$toolset"
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -g)
echo "fuzz.sh: building ${targets[*]}" >&2
# One build a target: given several --product flags, swift build builds only the last. The
# targets share DriftKit's objects, so every build after the first links little more.
for target in "${targets[@]}"; do swift build "${build_flags[@]}" --product "$target"; done
bin=$(swift build "${build_flags[@]}" --show-bin-path)

work=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-drift-fuzz.XXXXXX")

# Fuzzes one target on a copy of its seed corpus; its exit status goes to $work/TARGET/status.
fuzz() {
  local target=$1 status=0
  mkdir -p "$work/$target/corpus"
  cp Fuzz/Corpus/"$target"/* "$work/$target/corpus/"
  # -timeout and -rss_limit_mb turn a hang or runaway memory on one input into a failure;
  # leaks are failures too, but for one of Foundation's (Fuzz/lsan.supp).
  LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0" "$bin/$target" "$work/$target/corpus" \
    -dict="Fuzz/Dictionaries/$target.dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$work/$target/" >"$work/$target/fuzz.log" 2>&1 || status=$?
  echo "$status" >"$work/$target/status"
}

# As many targets at once as there are cores: each fuzzer is one process on one core.
jobs=$(nproc)
echo "fuzz.sh: ${targets[*]} for ${seconds}s each, $jobs at a time" >&2
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz "$target" &
  running=$((running + 1))
done
wait

failed=()
for target in "${targets[@]}"; do
  log="$work/$target/fuzz.log"
  status=$(cat "$work/$target/status")
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/fuzz.sh: $target /" >&2 || true
  artifacts=("$work/$target"/crash-* "$work/$target"/timeout-* "$work/$target"/oom-* "$work/$target"/leak-*)
  found=()
  for artifact in "${artifacts[@]}"; do [ -e "$artifact" ] && found+=("$artifact"); done
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    failed+=("$target")
    echo "fuzz.sh: $target FAILED (exit $status); the end of its log ($log):" >&2
    tail -n 60 "$log" >&2
    for artifact in "${found[@]}"; do
      echo "fuzz.sh: reproducer $artifact; rerun with: $bin/$target $artifact" >&2
      echo "fuzz.sh: base64 of the reproducer:" >&2
      base64 -w 0 "$artifact" >&2
      echo >&2
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]} (work folder $work kept)" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzz.sh: no crash, leak, timeout or out-of-memory in ${targets[*]}" >&2
