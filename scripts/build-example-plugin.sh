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
# The example links the installed test kit, so it is built like the tree the kit came from: the same
# compiler and, for a sanitizer build (scripts/sanitize.sh), the same instrumentation and runtime.
cache="$build/CMakeCache.txt"
cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$cache")"
like_tree=()
[[ -n "$cxx" ]] && like_tree+=(-DCMAKE_CXX_COMPILER="$cxx")
if grep -q '^ZAPLIFY_SANITIZE:BOOL=ON' "$cache"; then
  link="-fsanitize=address,undefined"
  if [[ "$cxx" == *clang* ]]; then  # clang's shared runtime, as the top-level CMakeLists.txt links it
    runtime_dir="$(dirname "$("$cxx" -print-file-name=libclang_rt.asan-x86_64.so)")"
    link="$link -shared-libsan -Wl,-rpath,$runtime_dir"
  fi
  like_tree+=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
              -DCMAKE_EXE_LINKER_FLAGS="$link" -DCMAKE_MODULE_LINKER_FLAGS="$link"
              -DCMAKE_SHARED_LINKER_FLAGS="$link")
fi
cmake -S "$root/docs/examples/event_counter" -B "$out" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release "${like_tree[@]}" >/dev/null
cmake --build "$out" >/dev/null
status=0
if (( run_tests )); then
  ctest --test-dir "$out" --output-on-failure --no-tests=error >&2 || status=$?
fi
echo "$out/event_counter.so"
exit "$status"
