#!/usr/bin/env bash
# Writes each app's apps/<app>/records.json (what its operations' records and answers hold, for
# `sluice check`'s template typing) from the official specs in ../shared/specs, through the
# conformance test that otherwise checks the files: run it after a spec or catalog change.
#   scripts/gen_record_fields.sh [BUILD_DIR]     (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
SLUICE_WRITE_RECORDS=1 "$build_dir/tests/sluice_tests" \
  --gtest_filter='RecordFieldsConformance.*' >/dev/null
ls -l apps/*/records.json
