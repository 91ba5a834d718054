#!/usr/bin/env bash
# Installs every Debian 12 package the project needs to build, run, test and benchmark.
# Skips apt entirely when everything is already installed. Usage: scripts/install-deps.sh [--runtime-only]
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake pkg-config ccache git ca-certificates tzdata
  libpistache-dev libboost-dev libboost-filesystem-dev libboost-system-dev
  libyaml-cpp-dev libhiredis-dev libsoci-dev libpq-dev libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev nlohmann-json3-dev libjwt-dev libhowardhinnant-date-dev
  libgtest-dev libgmock-dev
  libstemmer-dev
)
# llvm-14: llvm-symbolizer names functions in sanitizer reports; clang-format-14: the format check
# (scripts/format.sh); e2fsprogs: the disk drills make an
# ext4 image (mkfs.ext4, e2fsck).
# chromium: the dashboard's browser test drives it headless (plugins/dashboard/tests/).
# libvalijson-dev: the OpenAPI contract test validates live answers against the served schemas.
TEST_PACKAGES=(postgresql redis-server clang-14 clang-format-14 libclang-rt-14-dev llvm-14 e2fsprogs wrk procps chromium
  libvalijson-dev)

packages=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" != "--runtime-only" ]]; then packages+=("${TEST_PACKAGES[@]}"); fi
# Swagger UI and the dashboard's chart library come from the npm registry at build time: npm is needed.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian redis-server and postgresql packages may start system services where systemd runs;
# our tests start their own on free ports and never use those.
