#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan + UBSan) in build-fuzz and runs each for a
# bounded time on a copy of its seed corpus fuzz/corpus/<name>/ (the repo's corpus stays as it
# is). Fails on the first crash, hang, leak or sanitizer report; the input that triggered it is
# kept as build-fuzz/artifacts/<name>-crash-... (replay: build-fuzz/fuzz/<name>_fuzz FILE, with
# UBSAN_OPTIONS=halt_on_error=1:suppressions=fuzz/ubsan.supp).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   default 20; CI runs 15, a long run e.g. 600
# Works as root on a fresh Debian 12; as another user it uses sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
build_dir=build-fuzz

# clang and libFuzzer (libclang_rt.fuzzer, in libclang-rt-dev for the default clang) besides
# the project's own dependencies.
source scripts/lib/packages.sh
install_missing fuzz "${sluice_packages[@]}" clang libclang-rt-dev

export CCACHE_NOHASHDIR=1
jobs=$(nproc 2>/dev/null || echo 2)
((jobs > 2)) && jobs=2
start=$SECONDS
mkdir -p "$build_dir"
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSLUICE_FUZZ=ON -DSLUICE_BENCH=OFF > "$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "$jobs" --target fuzz_targets
echo "fuzz: built in $((SECONDS - start))s; running each target for ${seconds}s"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$PWD/fuzz/ubsan.supp
work=$(mktemp -d /tmp/sluice-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build_dir/artifacts" "$build_dir/logs"
failed=()
for source in fuzz/*_fuzz.cpp; do
  target=$(basename "$source" .cpp)
  name=${target%_fuzz}
  mkdir -p "$work/$name"
  [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/$name/"
  log="$build_dir/logs/$name.log"
  if "$build_dir/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$name-" "$work/$name" > "$log" 2>&1; then
    echo "fuzz: $name ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?') runs)"
  else
    echo "fuzz: $name FAILED (log: $log)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|uncaught|terminate' "$log" | head -20 || true
    failed+=("$name")
  fi
done
echo "fuzz: done in $((SECONDS - start))s"
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
