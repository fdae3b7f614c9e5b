#!/usr/bin/env bash
# Sets up, builds and runs every test: first a normal build with the formatting check
# (scripts/format.sh), then every GHL request through the Prism validator (scripts/prism.sh),
# then the Debian package made from the build (installed, used and removed again), then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, then the fuzz targets for
# 15 s each.
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   the normal build, its tests and Prism only
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1

# The /usr prefix is the package's: scripts/package.sh then reuses this build as it is.
scripts/setup.sh build -DCMAKE_INSTALL_PREFIX=/usr
scripts/format.sh --check  # every C++ file as clang-format writes it (.clang-format)
(cd build && ctest --output-on-failure -j 2 --timeout 600)
echo "== every GHL request through Stoplight Prism (scripts/prism.sh)"
scripts/prism.sh build

if ((quick == 0)); then
  # The .deb from the build above (CPack, no second compile), installed (as root: on this
  # machine; else into a scratch root), used from its installed paths and purged. Bounded: it
  # takes well under a minute.
  timeout 600 scripts/package.sh build
  timeout 300 scripts/package_test.sh build/package/sluice_*.deb
  # One unity file per target (batch size 0): as fast as batches of 8 here, and any two files
  # that would clash in some batch (the same helper name in two files) clash now, not later.
  scripts/setup.sh build-asan -DSLUICE_SANITIZE=ON -DSLUICE_BENCH=OFF -DCMAKE_UNITY_BUILD_BATCH_SIZE=0
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j 2 --timeout 900)
  # libFuzzer targets (clang): 15 s each here; `scripts/fuzz.sh 600` for a long run.
  scripts/fuzz.sh 15
fi
