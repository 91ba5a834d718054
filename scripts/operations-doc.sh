#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) the config reference table in docs/operations.md from
# the server's own schema (`zaplify-analytics --print-config-reference`), so the doc cannot drift.
# Usage: scripts/operations-doc.sh [--check] [SERVER_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
bin="${1:-$root/build/bin/zaplify-analytics}"
doc="$root/docs/operations.md"
table=$("$bin" --print-config-reference)
new=$(awk -v table="$table" '
  /<!-- config-reference:begin -->/ { print; print table; skip = 1; next }
  /<!-- config-reference:end -->/ { skip = 0 }
  !skip { print }' "$doc")
if ((check)); then
  if [[ "$new" != "$(cat "$doc")" ]]; then
    echo "docs/operations.md is out of date: run scripts/operations-doc.sh" >&2
    exit 1
  fi
  echo "docs/operations.md config reference is up to date"
else
  printf '%s\n' "$new" > "$doc"
fi
