#!/usr/bin/env bash
# Installs the SDK from the build tree into a prefix, then builds docs/examples/event_counter out of
# tree against that prefix alone — what a third party does. Prints the path of the built .so.
# Usage: scripts/build-example-plugin.sh [BUILD_DIR]
set -euo pipefail
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
echo "$out/event_counter.so"
