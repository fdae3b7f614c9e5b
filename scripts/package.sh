#!/usr/bin/env bash
# Builds the Debian package: BUILD_DIR/package/sluice_<version>_<arch>.deb.
#   scripts/package.sh [BUILD_DIR] [extra cmake args...]    BUILD_DIR defaults to build
# It reuses the normal build folder (RelWithDebInfo; CPack strips the binary in the package),
# configured for the /usr prefix so that the unit, the man page and the binary name the paths
# the package installs; an up-to-date build is not compiled again. The package's Depends are
# the Debian library packages the binary links (dpkg-shlibdeps) plus ca-certificates and
# passwd. Install it with `apt install ./BUILD_DIR/package/sluice_*.deb`;
# scripts/package_test.sh installs it, uses it and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true

start=$SECONDS
scripts/setup.sh "$build_dir" -DCMAKE_INSTALL_PREFIX=/usr "$@"
rm -rf "$build_dir/package"
(cd "$build_dir" && cpack -G DEB > package.log 2>&1) || { cat "$build_dir/package.log"; exit 1; }
deb=$(ls "$build_dir"/package/sluice_*.deb)
echo "package: $deb ($(du -h "$deb" | cut -f1), $((SECONDS - start))s)"
dpkg-deb -f "$deb" Depends
