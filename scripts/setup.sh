#!/usr/bin/env bash
# Installs every Debian package sluice needs (idempotent) and builds it.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Works as root on a fresh Debian 12; as another user it uses sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true

source scripts/lib/packages.sh
install_missing setup "${sluice_packages[@]}"

jobs=$(nproc 2>/dev/null || echo 2)
((jobs > 2)) && jobs=2   # the project's machines have 2 cores; keep memory use bounded
mkdir -p "$build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "$jobs"
