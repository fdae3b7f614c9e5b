# Sourced by scripts/setup.sh and scripts/fuzz.sh: the Debian packages sluice needs, and an
# idempotent installer for them. Works as root on a fresh Debian 12; as another user it uses
# sudo for apt-get.

sluice_packages=(
  build-essential cmake ninja-build ccache pkg-config ca-certificates git
  libpoco-dev rapidjson-dev libsqlitecpp-dev libsqlite3-dev libyaml-cpp-dev
  libyaml-dev  # libyaml reads YAML eight times faster; yaml-cpp reads what it refuses
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev zlib1g-dev
  libpqxx-dev libpq-dev
  clang-format curl
  jq           # scripts/demo.sh reads the fakes' JSON and sluice's log with it
  openssl      # scripts/demo.sh makes the token_key that seals stored OAuth tokens
  postgresql   # a real server for the PostgreSQL state store's tests (started by the tests)
  dpkg-dev file  # scripts/package.sh: CPack's Depends come from dpkg-shlibdeps, which needs both
  groff-base man-db  # scripts/package_test.sh renders the installed man page
  chromium fonts-dejavu-core  # the console's browser test drives headless Chromium
)

# install_missing LABEL PACKAGE...: apt-get installs those not installed yet.
install_missing() {
  local label=$1 p missing=()
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "$label: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
