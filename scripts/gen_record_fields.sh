#!/usr/bin/env bash
# Writes each app's apps/<app>/records.json (what its operations' records and answers hold, for
# `sluice check`'s template typing) from the official specs in ../shared/specs with
# sluice-gen-records (tools/gen_records): run it after a spec or catalog change.
#   scripts/gen_record_fields.sh [BUILD_DIR] [SPECS_DIR]   (default build, ../shared/specs)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
specs_dir=${2:-../shared/specs}
cmake --build "$build_dir" --target sluice-gen-records >/dev/null
"$build_dir/sluice-gen-records" --specs "$specs_dir" --catalog apps
