#!/usr/bin/env bash
# check_install.sh BUILD_DIR: `cmake --install` gives a depinsim that runs from anywhere with
# its own data (share/depinsim), and a binary copied without its data reads no source tree.
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cd /
unset DEPINSIM_DATA DEPINSIM_PLOTS
"$tmp/prefix/bin/depinsim" validate "$tmp/prefix/share/depinsim/scenarios/default.yaml" >/dev/null
"$tmp/prefix/bin/depinsim" run -q "$tmp/prefix/share/depinsim/scenarios/default.yaml" \
  -o "$tmp/out" --set duration=20s --set warmup=5s >/dev/null
if command -v gnuplot >/dev/null; then
  "$tmp/prefix/bin/depinsim" plot "$tmp/out/run.h5" >/dev/null
fi
# The scenario names gpu/profiles/...: a lone copy of the binary must not find them in the tree
# it was built from.
mkdir "$tmp/alone"
cp "$tmp/prefix/bin/depinsim" "$tmp/alone/"
if "$tmp/alone/depinsim" validate "$tmp/prefix/share/depinsim/scenarios/default.yaml" \
     >"$tmp/alone.log" 2>&1; then
  echo "a copied binary found calibration profiles it was not given:"; cat "$tmp/alone.log"
  exit 1
fi
grep -q "not found" "$tmp/alone.log" || { cat "$tmp/alone.log"; exit 1; }
# ... and with DEPINSIM_DATA it does
DEPINSIM_DATA="$tmp/prefix/share/depinsim" "$tmp/alone/depinsim" validate \
  "$tmp/prefix/share/depinsim/scenarios/default.yaml" >/dev/null
echo "install: ok"
