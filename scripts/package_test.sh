#!/usr/bin/env bash
# Tests the Debian package as an operator gets it: installs it, runs `sluice ops list` and
# `sluice check` on the installed examples from the installed paths (no SLUICE_CATALOG, from a
# folder that is not the source tree), removes it, and checks that its files are gone.
#   scripts/package_test.sh [DEB]    default: build/package/sluice_*.deb (scripts/package.sh)
# 1. Always: the package's Depends and files, then the package unpacked into a scratch root
#    (dpkg -x), where the binary must find the catalog next to itself.
# 2. As root: `apt-get install ./DEB` (the README's line) on this machine, with the maintainer
#    scripts (the sluice user, /etc/sluice; nothing enabled or started), then `dpkg --purge`.
#    Skipped, and said, when not root or when a sluice package is installed already.
# Leaves the machine as it found it, also when a check fails (trap).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=${1:-$(ls build/package/sluice_*.deb 2>/dev/null | head -n 1)}
[ -f "$deb" ] || { echo "package_test: no package (run scripts/package.sh first)" >&2; exit 1; }
deb=$(realpath "$deb")
start=$SECONDS
work=$(mktemp -d /tmp/sluice-package-test.XXXXXX)
mkdir -p "$work/cwd"
installed=0      # 1 while this script's install is on the machine
created_user=0   # 1 when the install created the sluice user (removed again at the end)

cleanup() {
  local rc=$?
  if ((installed)); then
    echo "package_test: removing the package after a failure"
    dpkg --purge sluice > /dev/null 2>&1 || true
  fi
  if ((created_user)) && getent passwd sluice > /dev/null; then
    userdel sluice 2> /dev/null || true
    if getent group sluice > /dev/null; then groupdel sluice 2> /dev/null || true; fi
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # a timeout or ^C cleans up too

fail() {
  echo "package_test: FAIL: $*" >&2
  exit 1
}
step() { echo "package_test: $*"; }

# Runs a command the way an operator would: no SLUICE_CATALOG, from an empty folder, with the
# examples' secrets set to dummies (check never calls out).
operator() {
  (cd "$work/cwd" && env -u SLUICE_CATALOG -u SLUICE_SPECS STRIPE_SECRET_KEY=sk_test_package \
    GHL_TOKEN=package-token GHL_LOCATION_ID=package-location GHL_COMPANY_ID=package-company \
    "$@")
}

# ops list and check against every installed example; ROOT is "" for the machine's install.
use_installed() {
  local root=$1 sluice=$2 out count example examples=0
  out=$(operator "$sluice" ops list) || fail "$sluice ops list failed"
  count=$(grep -E '^[0-9]+ operations$' <<< "$out") || fail "ops list printed no count: $out"
  for example in "$root"/usr/share/sluice/examples/*.yaml; do
    out=$(operator "$sluice" check -c "$example" 2>&1) || fail "check -c $example: $out"
    grep -q ": ok: " <<< "$out" || fail "check -c $example printed: $out"
    examples=$((examples + 1))
  done
  ((examples > 0)) || fail "no examples under $root/usr/share/sluice/examples"
  step "  $sluice ops list: $count; sluice check: $examples installed examples ok"
}

check_metadata() {
  local depends files path lib
  [ "$(dpkg-deb -f "$deb" Package)" = sluice ] || fail "package name"
  depends=$(dpkg-deb -f "$deb" Depends)
  step "Depends: $depends"
  for lib in 'libpocofoundation[0-9]+' 'libpoconet[0-9]+' 'libpoconetssl[0-9]+' 'libyaml-cpp[0-9.]+' \
    'libyaml-0-2' 'libsqlite3-0' 'libpqxx-[0-9.]+' 'libpq5' 'libssl3' 'ca-certificates'; do
    grep -Eq "(^|, )$lib( |,|$)" <<< "$depends" || fail "Depends has no $lib: $depends"
  done
  files=$(dpkg-deb -c "$deb" | awk '{print $6}')
  for path in ./usr/bin/sluice ./usr/share/sluice/examples/sluice.yaml \
    ./usr/share/doc/sluice/README.md ./usr/share/doc/sluice/catalog/README.md \
    ./usr/share/doc/sluice/catalog/SCHEMA.md ./usr/share/man/man1/sluice.1.gz \
    ./usr/share/bash-completion/completions/sluice ./lib/systemd/system/sluice.service; do
    grep -qx "$path" <<< "$files" || fail "the package has no $path"
  done
  grep -q '^./usr/share/sluice/apps/[^/]*/app.yaml$' <<< "$files" || fail "the package has no catalog"
  if grep -Eq 'share/specs|/tests?/|\.cpp$|\.h$' <<< "$files"; then fail "the package holds sources or specs"; fi
}

scratch_root() {
  local root=$work/root apps app out
  dpkg -x "$deb" "$root"
  [[ $(file -b "$root/usr/bin/sluice") == *", stripped"* ]] || fail "the packaged binary is not stripped"
  use_installed "$root" "$root/usr/bin/sluice"
  # Prove the catalog came from the scratch root: without one of its apps, ops list lacks it.
  apps=$(ls "$root/usr/share/sluice/apps")
  app=$(tail -n 1 <<< "$apps")
  rm -r "${root:?}/usr/share/sluice/apps/$app"
  out=$(operator "$root/usr/bin/sluice" ops list)
  if grep -q "^  $app: " <<< "$out"; then fail "ops list read a catalog outside the scratch root"; fi
  grep -q "^  $(head -n 1 <<< "$apps"): " <<< "$out" || fail "ops list after removing $app: $out"
  # The man page renders without warnings; the completion completes.
  if command -v groff > /dev/null; then
    out=$(zcat "$root/usr/share/man/man1/sluice.1.gz" | groff -man -Tutf8 -ww 2>&1 > /dev/null)
    [ -z "$out" ] || fail "groff warns about sluice.1: $out"
  fi
  out=$(bash -c 'source "$1"; COMP_WORDS=(sluice ops l); COMP_CWORD=2; _sluice; echo "${COMPREPLY[*]}"' \
    _ "$root/usr/share/bash-completion/completions/sluice")
  [ "$out" = list ] || fail "completing 'sluice ops l' gave '$out'"
  step "scratch root: catalog found next to the binary, man page and completion ok"
}

# Whether dpkg here skips a path (a container's path-exclude for docs and man pages).
excluded() {
  local pattern
  while read -r pattern; do
    # shellcheck disable=SC2053
    [[ $1 == $pattern ]] && return 0
  done < <(cat /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/* 2> /dev/null | awk '$1 == "path-exclude" {print $2}')
  return 1
}

machine_install() {
  local files path unit
  if getent passwd sluice > /dev/null; then created_user=0; else created_user=1; fi
  installed=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
  [ "$(command -v sluice)" = /usr/bin/sluice ] || fail "sluice is not /usr/bin/sluice on PATH"
  use_installed "" sluice
  getent passwd sluice > /dev/null || fail "postinst made no sluice user"
  [ "$(stat -c %G:%a /etc/sluice)" = sluice:750 ] || fail "/etc/sluice is $(stat -c %U:%G:%a /etc/sluice)"
  unit=/lib/systemd/system/sluice.service
  [ -f $unit ] || fail "no $unit"
  if [ -e /etc/systemd/system/multi-user.target.wants/sluice.service ]; then fail "the install enabled the service"; fi
  if command -v systemd-analyze > /dev/null; then
    systemd-analyze verify $unit > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify $unit"; }
  fi
  if ! excluded /usr/share/man/man1/sluice.1.gz; then
    man -w sluice > /dev/null 2>&1 || fail "man sluice finds no page"
  fi
  step "installed: /usr/bin/sluice, sluice user, /etc/sluice, unit not enabled"
  files=$(dpkg -L sluice)
  dpkg --purge sluice > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge"; }
  installed=0
  while read -r path; do
    [ -d "$path" ] || [ ! -e "$path" ] || fail "$path is still there after the purge"
  done <<< "$files"
  for path in /usr/bin/sluice /usr/share/sluice /usr/share/doc/sluice /etc/sluice /var/lib/sluice $unit; do
    [ ! -e "$path" ] || fail "$path is still there after the purge"
  done
  step "purged: every file of the package is gone"
}

check_metadata
scratch_root
if [ "$(id -u)" -ne 0 ]; then
  step "not root: the install on this machine is skipped (the scratch root was checked)"
else
  # One package test at a time on a machine (other checkouts may run theirs).
  exec 9> /run/lock/sluice-package-test.lock
  flock -w 600 9 || fail "another package test holds /run/lock/sluice-package-test.lock"
  if dpkg-query -W -f='${Status}' sluice 2> /dev/null | grep -q "install ok installed"; then
    step "a sluice package is installed on this machine already: its install test is skipped"
  else
    machine_install
  fi
fi
step "ok ($((SECONDS - start))s)"
