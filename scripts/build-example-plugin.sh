#!/usr/bin/env bash
# Installs the SDK (headers, test kit, CMake package) from the build tree into a prefix, then builds
# docs/examples/event_counter out of tree against that prefix alone — what a third party does: the
# plugin and, when GoogleTest is installed, its unit tests (tests/event_counter_test.cpp, on the
# SDK's test kit). Prints the path of the built .so as the last line of stdout.
# Usage: scripts/build-example-plugin.sh [--test] [BUILD_DIR]
#   --test  also runs the example's unit tests (ctest in the example's build folder; their output
#           goes to stderr) and exits non-zero when one fails or none was built.
set -euo pipefail
run_tests=0
if [[ "${1:-}" == "--test" ]]; then
  run_tests=1
  shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
prefix="$build/sdk-install"
out="$build/example-plugin"
# Tests that need the plugin may run in parallel (ctest -j): one build at a time, the others then
# find it up to date instead of reading a half-written .so.
exec 9>"$build/.example-plugin.lock"
flock 9
cmake --install "$build/plugin_sdk" --prefix "$prefix" >/dev/null
cmake -S "$root/docs/examples/event_counter" -B "$out" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" >/dev/null
status=0
if (( run_tests )); then
  ctest --test-dir "$out" --output-on-failure --no-tests=error >&2 || status=$?
fi
echo "$out/event_counter.so"
exit "$status"
