#!/usr/bin/env bash
# The one command that runs all tests: installs what is missing, builds everything, starts a
# private PostgreSQL and Redis on free loopback ports, and runs the whole suite (unit and
# integration, on SQLite and PostgreSQL) with ctest. Exit code = test result.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
source scripts/services.sh
trap stop_test_services EXIT
if [[ -z "${ZAPLIFY_TEST_PG_URL:-}" || -z "${ZAPLIFY_TEST_REDIS_URL:-}" ]]; then start_test_services; fi
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
