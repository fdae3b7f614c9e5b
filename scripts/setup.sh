#!/usr/bin/env bash
# Installs every Debian package sluice needs (idempotent) and builds it.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Works as root on a fresh Debian 12; as another user it uses sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true

packages=(
  build-essential cmake ninja-build ccache pkg-config ca-certificates git
  libpoco-dev rapidjson-dev libsqlitecpp-dev libsqlite3-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev zlib1g-dev
  libpqxx-dev libpq-dev
  clang-format curl
  postgresql   # a real server for the PostgreSQL state store's tests (started by the tests)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
((jobs > 2)) && jobs=2   # the project's machines have 2 cores; keep memory use bounded
mkdir -p "$build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "$jobs"
