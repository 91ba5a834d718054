#!/usr/bin/env bash
# Two builds of the plugins against one kept zaplify-bench database, alternately: for each round and
# each route, the median of 15 uncached requests (after 3 warm-ups) with the first plugins folder,
# then with the second. Same data, same machine, same minute: read the ratio.
# Usage: bench/ab_route.sh BENCH_YAML OLD_PLUGINS_DIR NEW_PLUGINS_DIR ROUNDS TENANT TARGET...
#   BENCH_YAML: the server YAML a `zaplify-bench --keep` run left in its work folder.
#   TARGET: path and query ("/metrics/cost?from=..."); the server picks its port (--port-file).
set -euo pipefail
yaml=$1 old=$2 new=$3 rounds=$4 tenant=$5
shift 5
server="$(cd "$(dirname "$0")/.." && pwd)/build/bin/zaplify-analytics"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for side in old new; do
  dir=${!side}
  sed "s|^plugins_dir: .*|plugins_dir: \"$dir\"|" "$yaml" > "$work/$side.yaml"
done
median_ms() {  # config, target
  rm -f "$work/port"
  "$server" --config "$1" --port-file "$work/port" > /dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
  local url="http://127.0.0.1:$(cat "$work/port")$2"
  for _ in 1 2 3; do curl -s -o /dev/null -H "X-Tenant-ID: $tenant" "$url"; done
  for _ in $(seq 15); do curl -s -o /dev/null -w '%{time_total}\n' -H "X-Tenant-ID: $tenant" "$url"; done |
    sort -n | sed -n 8p | awk '{printf "%.0f", $1 * 1000}'
  kill "$pid"
  wait "$pid" 2> /dev/null || true
}
echo "| round | request | old ms | new ms | new / old |"
echo "|---|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for url in "$@"; do
    a=$(median_ms "$work/old.yaml" "$url")
    b=$(median_ms "$work/new.yaml" "$url")
    echo "| $round | \`$url\` | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", b / a}') |"
  done
done
