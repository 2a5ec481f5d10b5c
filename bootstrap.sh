#!/usr/bin/env bash
# bootstrap.sh: set up depinsim on Debian 12 and either run the default scenario or the tests.
#   ./bootstrap.sh demo   install packages, build, run scenarios/default.yaml, plot it
#   ./bootstrap.sh test   install packages, build, run the whole test suite, then again in an
#                         ASan+UBSan build, then each fuzzer for 60 s (what CI runs)
#   ./bootstrap.sh bench  install packages, build, run every benchmark (results/bench.h5, .png)
# Packages come from Debian only; missing ones are installed with apt-get (as root or sudo).
set -euo pipefail
cd "$(dirname "$0")"

packages=(build-essential cmake pkg-config git libsimgrid-dev libhdf5-dev hdf5-tools
  libfyaml-dev libgsl-dev libisal-dev libopenblas-dev libsodium-dev libcmocka-dev gnuplot-nox
  libopenmpi-dev openmpi-bin)

# install_packages [extra packages...]
install_packages() {
  local missing=()
  for p in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bootstrap: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build DIR [cmake options...]
build() {
  local dir=$1 werror=OFF
  shift
  [ -n "${CI:-}" ] && werror=ON
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEPINSIM_WERROR="$werror" "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

case "${1:-}" in
  demo)
    install_packages
    build build
    status=0
    ./build/depinsim run scenarios/default.yaml || status=$?
    ./build/depinsim plot results/default/run.h5
    exit "$status"
    ;;
  test)
    install_packages clang chromium # libFuzzer for the fuzz smoke run; a browser for the report
    build build
    (cd build && ctest --output-on-failure -j "$(nproc)")
    # The same suite under AddressSanitizer and UndefinedBehaviorSanitizer (docs/layout.md, "Builds").
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DDEPINSIM_SANITIZE=ON -DDEPINSIM_CUDA=OFF
    (cd build-asan && ctest --output-on-failure -j "$(nproc)")
    # Every input hostile: each libFuzzer harness for 60 s (docs/security.md).
    cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DDEPINSIM_FUZZ=ON \
      -DDEPINSIM_CUDA=OFF >/dev/null
    cmake --build build-fuzz -j "$(nproc)" --target fuzzers
    tests/fuzz/smoke.sh build-fuzz 60
    ;;
  bench)
    install_packages
    build build
    ./build/perf/bench "${@:2}"
    ;;
  *)
    echo "usage: $0 demo|test|bench" >&2
    exit 2
    ;;
esac
