#!/usr/bin/env bash
# The one command that runs the server: installs what is missing, builds, and starts on the
# embedded default (SQLite file + in-process cache) with demo data, on :8003 (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --runtime-only
scripts/build.sh --target zaplify-analytics metrics funnel conversation export cache dashboard
echo "run.sh: the dashboard will be at http://localhost:${PORT:-8003}/dashboard"
mkdir -p var
exec build/bin/zaplify-analytics --config config/analytics.yaml --demo "$@"
