#!/usr/bin/env bash
# Formats every C++ source of the repository with clang-format-14 and the root .clang-format, or,
# with --check, lists the files that would change and fails (a ctest runs the check).
# Usage: scripts/format.sh [--check]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
formatter="$(command -v clang-format-14 || command -v clang-format || true)"
if [[ -z "$formatter" ]]; then
  echo "format: clang-format-14 is not installed (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
# The tracked sources when this is a git checkout, else every source under the source folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else
  mapfile -t files < <(find core plugins plugin_sdk tests bench docs -name '*.cpp' -o -name '*.h' | sort)
fi
if [[ "${1:-}" == "--check" ]]; then
  bad=()
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    "$formatter" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]} > 0)); then
    printf 'not formatted (run scripts/format.sh): %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files formatted"
  exit 0
fi
printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$formatter" -i
