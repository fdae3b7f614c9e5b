#!/usr/bin/env bash
# Sets up, builds, and shows what sluice offers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
./build/sluice catalog check
./build/sluice ops list
