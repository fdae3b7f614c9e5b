#!/usr/bin/env bash
# Builds sluice (scripts/setup.sh) and runs the benchmarks: the micro benchmarks, the poll cost
# with 100 and 100,000 existing records, then the end-to-end benchmark against the fakes on
# loopback with 1,000, 10,000 and 100,000 flows, and 100,000 under a heavy delivery load.
# About 23 minutes on 2 cores after the build. Figures go to stdout and to BUILD_DIR/bench/.
#   scripts/bench.sh [BUILD_DIR]        (default build-bench)
#   SLUICE_SOAK_S=3600 scripts/bench.sh  also runs the soak: 1,000 flows for that many seconds,
#                                        resident memory after the first twelfth and at most after
# and the start-up at 10,000 and 100,000 flows (--startup-only: time, resident and peak memory),
# and a SIGHUP reload of `sluice run` at 100,000 flows (the pause, late polls, memory).
# Not part of the test suite: nothing here passes or fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build-bench}
scripts/setup.sh "$build_dir" >/dev/null
out="$build_dir/bench"
mkdir -p "$out"

echo "== machine"
echo "cores: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory: $(free -m | awk '/^Mem:/ {print $2}') MiB, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

echo
echo "== micro benchmarks ($build_dir/bench/sluice-bench-micro)"
"$build_dir/bench/sluice-bench-micro" --benchmark_min_time=0.5 2>&1 | tee "$out/micro.txt"

echo
echo "== poll cost with 100 and with 100,000 existing records ($build_dir/bench/sluice-bench-poll-cost)"
"$build_dir/bench/sluice-bench-poll-cost" --small 100 --large 100000 --polls 60 2>&1 | tee "$out/poll-cost.txt"

echo
echo "== sluice's own ceiling against a minimal keep-alive responder ($build_dir/bench/sluice-bench-ceiling)"
"$build_dir/bench/sluice-bench-ceiling" --flows 2000 --rounds 5 2>&1 | tee "$out/ceiling.txt"

echo
echo "== an agency: 1,000 sub-accounts x 5 flows in one process ($build_dir/bench/sluice-bench-agency)"
"$build_dir/bench/sluice-bench-agency" --tenants 1000 --flows 5 --every 1m --warmup 150 --seconds 120 2>&1 |
  tee "$out/agency.txt"

# Every flow polls once a minute; items arrive at 20/s, spread over the flows. The drain waits
# up to 70 s after the stream, so that every item's trigger has polled again. The last run is
# the heavy delivery load: 1,500 new items/s for 30 s, delivered at about 500/s over 90 s.
run() {
  local name=$1
  shift
  echo
  echo "== end to end: $*"
  "$build_dir/bench/sluice-bench-e2e" "$@" 2>&1 | tee "$out/e2e-$name.txt"
}
run 1000 --flows 1000 --idle 10 --seconds 30 --drain 70 --rate 20
run 10000 --flows 10000 --idle 15 --seconds 30 --drain 70 --rate 20
run 100000 --flows 100000 --idle 15 --seconds 30 --drain 70 --rate 20
run 100000-heavy --flows 100000 --idle 15 --seconds 30 --drain 70 --rate 1500

for flows in 10000 100000; do
  echo
  echo "== start-up alone: --flows $flows --startup-only"
  "$build_dir/bench/sluice-bench-e2e" --flows "$flows" --startup-only 2>&1 |
    tee "$out/startup-$flows.txt"
done

echo
echo "== SIGHUP at 100,000 flows: sluice run reads the file and builds beside the running runner ($build_dir/bench/sluice-bench-reload)"
"$build_dir/bench/sluice-bench-reload" --flows 100000 --every 1m --warmup 80 --after 20 2>&1 |
  tee "$out/reload.txt"

soak=${SLUICE_SOAK_S:-0}
echo
if [ "$soak" -gt 0 ]; then
  echo "== soak: --flows 1000 --seconds $soak --rate 2"
  "$build_dir/bench/sluice-bench-e2e" --flows 1000 --idle 10 --seconds "$soak" --drain 70 \
    --rate 2 2>&1 | tee "$out/soak.txt"
else
  echo "== soak: skipped (SLUICE_SOAK_S=3600 scripts/bench.sh runs 1,000 flows for an hour)"
fi
