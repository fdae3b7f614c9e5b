#!/usr/bin/env bash
# The third-party request check (issue 16): every GHL operation, called by sluice as the runtime
# calls it (every input, only the required ones, each enum value; a trigger's poll pages, time
# window and since filter; each action's lookup), goes through Stoplight Prism in proxy mode
# (on the merged GHL specs of ../shared/specs/ghl) in front of the fake GHL; any request
# violation that is not a listed spec exception fails (tests/catalog/prism_conformance_test.cpp).
#   scripts/prism.sh [BUILD_DIR]     (default build; scripts/test.sh runs it after the suite)
# Installs Prism from npm into tools/prism/node_modules (pinned by its package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
specs=${SLUICE_SPECS:-../shared/specs}

source scripts/lib/packages.sh
install_missing prism nodejs jq
command -v npm > /dev/null || install_missing prism npm
# Prism is pinned to 5.14.2, which declares Node >= 18.20.1 and runs on Debian 12's Node.js
# 18.20 (5.15 and later declare Node >= 24; 5.16.0 fails on 18: it require()s the ES-module
# faker). npm ci runs again whenever package-lock.json changes (a bump in an existing checkout).
lock_sum=$(sha256sum tools/prism/package-lock.json | cut -d' ' -f1)
if [ ! -x tools/prism/node_modules/.bin/prism ] ||
  [ "$(cat tools/prism/node_modules/.sluice-lock 2> /dev/null)" != "$lock_sum" ]; then
  echo "prism: installing @stoplight/prism-cli (npm ci)"
  (cd tools/prism && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > tools/prism/node_modules/.sluice-lock
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

jq -n -f tools/prism/merge-ghl-specs.jq "$specs/ghl/common/common-schemas.json" \
  "$specs"/ghl/apps/*.json > "$work/ghl.json"
# Prism skips, silently, every request part whose schema Ajv cannot compile: none may be left.
node tools/prism/schema-check.js "$work/ghl.json"

# The fakes pick free ports themselves (0) and write their URLs; Prism needs a port named
# up front: a random one that nothing answers on yet.
"$build_dir/sluice-fakes" --ghl-port 0 --stripe-port 0 --ghl-token ghl-prism-token \
  --location-id loc_prism --seconds 600 --ports-file "$work/ports" > "$work/fakes.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/ports" ] && break; sleep 0.1; done
ghl_url=$(tr ' ' '\n' < "$work/ports" | sed -n 's/^ghl=//p')
[ -n "$ghl_url" ] || { echo "prism: the fakes did not start"; cat "$work/fakes.log"; exit 1; }
# Prism needs a port named up front: a random free one; if another process takes it first,
# Prism exits and the next try picks another. Only our own Prism may answer (kill -0).
prism_up=0
for _ in $(seq 1 5); do
  prism_port=$((20000 + RANDOM % 30000))
  curl -s -o /dev/null "http://127.0.0.1:$prism_port/" && continue
  timeout 600 tools/prism/node_modules/.bin/prism proxy "$work/ghl.json" "$ghl_url" \
    --host 127.0.0.1 --port "$prism_port" > "$work/prism.log" 2>&1 &
  prism_pid=$!
  pids+=("$prism_pid")
  for _ in $(seq 1 120); do
    kill -0 "$prism_pid" 2> /dev/null || break
    curl -s -o /dev/null "http://127.0.0.1:$prism_port/" && { prism_up=1; break; }
    sleep 0.5
  done
  ((prism_up)) && break
done
((prism_up)) || { echo "prism: did not start"; tail -20 "$work/prism.log"; exit 1; }

# About 860 requests, 10 to 20 s here; the bound keeps a hung Prism from stalling CI.
SLUICE_PRISM_URL="http://127.0.0.1:$prism_port" timeout 300 \
  "$build_dir/tests/sluice_tests" --gtest_filter='PrismConformance.*' --gtest_brief=1
