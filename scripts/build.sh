#!/usr/bin/env bash
# Configures and builds into ./build (Release). Extra arguments go to `cmake --build`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache-env.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" "$@"
