#!/usr/bin/env bash
# Builds every libFuzzer target with clang (ASan + UBSan) and runs each for FUZZ_SECONDS
# (default 60) on a copy of its corpus. Exit code non-zero on any crash; the crashing inputs are
# kept in $BUILD_DIR/fuzz-artifacts/<target>/ (never in the source tree).
# Targets: every `*_fuzz` executable; corpus: the `corpus/` folder beside its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache-env.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZAPLIFY_FUZZ=ON \
  -DZAPLIFY_BUILD_TESTS=OFF >/dev/null
mapfile -t targets < <(cmake --build "$BUILD_DIR" --target help | awk '/_fuzz$/ {print $2}' | sed 's/^\.\.\. //')
if ((${#targets[@]} == 0)); then echo "fuzz: no targets"; exit 0; fi
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}" >/dev/null
status=0
artifacts="$BUILD_DIR/fuzz-artifacts"
for t in "${targets[@]}"; do
  src=$(grep -rl --include=CMakeLists.txt "zaplify_add_fuzzer($t" core plugins 2>/dev/null | head -1)
  corpus_src="$(dirname "$src")/corpus"
  work=$(mktemp -d)
  [[ -d "$corpus_src" ]] && cp -r "$corpus_src/." "$work/"
  mkdir -p "$artifacts/$t"
  echo "fuzz: $t for ${FUZZ_SECONDS}s"
  # libFuzzer's default per-input timeout (20 min) would let a hang pass a short run unnoticed.
  if ! "$BUILD_DIR/bin/$t" "$work" -max_total_time="$FUZZ_SECONDS" -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$artifacts/$t/" 2>"$work.log"; then
    status=1; tail -50 "$work.log"
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work.log" | tail -2 || true
  rm -rf "$work" "$work.log"
done
exit $status
