#!/usr/bin/env bash
# Retakes docs/console.png (the README's picture of the web console): runs the console's
# browser test, which drives headless Chromium against `sluice run` on the fakes and saves its
# screenshots, and copies the overview. Needs a build in build/ (scripts/setup.sh) and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
cmake --build build -j2 --target sluice_tests
SLUICE_SCREENSHOT_DIR="$shots" build/tests/sluice_tests --gtest_filter='ConsoleBrowserTest.*'
[ -f "$shots/console-overview.png" ] || { echo "no screenshot taken (chromium missing?)" >&2; exit 1; }
cp "$shots/console-overview.png" docs/console.png
echo "docs/console.png updated"
