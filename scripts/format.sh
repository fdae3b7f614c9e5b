#!/usr/bin/env bash
# clang-format (.clang-format) over every C++ file of the project.
#   scripts/format.sh          rewrites the files that are not formatted
#   scripts/format.sh --check  changes nothing; lists them and fails if there are any (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

# Tracked files and new ones not yet added (but not the ignored: build folders, node_modules).
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')
if [ "${1:-}" = "--check" ]; then
  # One clang-format for all files: it names each unformatted line "FILE:LINE:COL: warning".
  # It fails only when it cannot run (a bad .clang-format, a file it cannot read).
  report=$(clang-format --dry-run "${files[@]}" 2>&1) || {
    echo "$report" >&2
    exit 1
  }
  mapfile -t unformatted < <(grep -oP '^[^:\s]+(?=:\d+:\d+: (warning|error):)' <<<"$report" | sort -u)
  if ((${#unformatted[@]})); then
    echo "format: not clang-formatted (run scripts/format.sh):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files ok"
else
  clang-format -i "${files[@]}"
fi
