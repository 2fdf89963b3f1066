#!/usr/bin/env bash
# The two set-up commands of README.md, for a fresh Debian 12 machine:
#   scripts/dev.sh serve [serve flags…]  install what is missing, build, start the server
#   scripts/dev.sh test                  install what is missing, build, run every test
# Builds go to build/ (Release) and, for tests, build-asan/ (ASan + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config python3 curl
  libboost-dev libsqlite3-dev libssl-dev rapidjson-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libsodium-dev
)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {  # build PRESET [cmake args…]  (CMakePresets.json: release → build/, asan → build-asan/)
  local preset=$1
  shift
  cmake --preset "$preset" "$@" >/dev/null
  cmake --build --preset "$preset"
}

case "${1:-}" in
  serve)
    shift
    install_packages
    build release -DFRIENDGRAPH_TESTS=OFF
    exec build/friendgraph serve "$@"
    ;;
  test)
    install_packages
    # Warnings are errors here: this is what CI runs.
    build release -DFRIENDGRAPH_TESTS=ON -DFRIENDGRAPH_WERROR=ON
    build asan -DFRIENDGRAPH_WERROR=ON
    echo "== Tests under ASan + UBSan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j2 --timeout 900
    echo "== Tests on the Release build"
    ctest --test-dir build --output-on-failure -j2 --timeout 900
    ;;
  *)
    echo "usage: scripts/dev.sh serve [--listen HOST:PORT] [--data-dir DIR] [--config FILE]" >&2
    echo "       scripts/dev.sh test" >&2
    exit 2
    ;;
esac
