#!/usr/bin/env bash
# Builds everything with clang-14 and AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer
# on) into ./build-asan, starts a private PostgreSQL and Redis, and runs the whole ctest suite
# (unit + integration). Exit code non-zero on any failing test or on any sanitizer report, from a
# test binary or from a server process a test started. Extra arguments go to ctest.
# Needs clang-14 and libclang-rt-14-dev (clang's sanitizer runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache-env.sh
root=$PWD
BUILD_DIR=${SANITIZE_BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}
start=$(date +%s)
scripts/install-deps.sh  # clang-14, libclang-rt-14-dev, PostgreSQL, Redis: a no-op when present

# RelWithDebInfo for NDEBUG (the code that ships, release-only paths included), but at -O1, the
# level ASan's docs advise: quicker to compile than -O2 on a small CI machine, and less inlining,
# so report stacks stay close to the source.
CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -DZAPLIFY_SANITIZE=ON -DZAPLIFY_TEST_TIMEOUT=900 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" >"$BUILD_DIR/sanitize-build.log" 2>&1 ||
  { tail -60 "$BUILD_DIR/sanitize-build.log"; exit 1; }
echo "sanitize: built in $(( $(date +%s) - start )) s"

source scripts/services.sh
reports=$(mktemp -d /tmp/zaplify-sanitize.XXXXXX)
trap 'stop_test_services; rm -rf "$reports"' EXIT
if [[ -z "${ZAPLIFY_TEST_PG_URL:-}" || -z "${ZAPLIFY_TEST_REDIS_URL:-}" ]]; then start_test_services; fi

# Every report goes to a file $reports/san.<binary>.<pid>, not to stderr: the integration harness
# sends a server's stderr to a log it deletes (it fails a test on a non-zero server exit, but the
# report's text would be lost). Any file there fails the run (checked below).
# ASan and UBSan share one runtime here, so both must name the same log_path.
# log_exe_name puts the binary's name in the file name: the report says which process it came from.
log="log_path=$reports/san:log_exe_name=1"
# fast_unwind_on_malloc=0: the libraries we link (libpq, sqlite, Pistache...) have no frame
# pointers, so the fast unwinder cuts allocation stacks short and leak reports lose their origin.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:strict_string_checks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:$log"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$log"
lsan="print_suppressions=0"
[[ -f .ci/lsan.supp ]] && lsan="suppressions=$root/.ci/lsan.supp:$lsan"
export LSAN_OPTIONS=$lsan
[[ -f .ci/ubsan.supp ]] && UBSAN_OPTIONS="suppressions=$root/.ci/ubsan.supp:$UBSAN_OPTIONS"
# Reports name functions and lines only with llvm-symbolizer (package llvm-14).
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
[[ -x $ASAN_SYMBOLIZER_PATH ]] || echo "sanitize: no $ASAN_SYMBOLIZER_PATH (apt install llvm-14): stacks stay unsymbolized"

status=0
# A higher timeout than scripts/test.sh (also each test's TIMEOUT, ZAPLIFY_TEST_TIMEOUT above):
# instrumented code runs 2-3x slower.
(cd "$BUILD_DIR" && ctest --output-on-failure -j2 --timeout 900 "$@") || status=1

shopt -s nullglob
found=("$reports"/san.*)
if ((${#found[@]} > 0)); then
  status=1
  echo "sanitize: ${#found[@]} sanitizer report(s):"
  for f in "${found[@]}"; do
    echo "==== ${f##*/}"
    cat "$f"
  done
fi
echo "sanitize: finished in $(( $(date +%s) - start )) s, status $status"
exit $status
