#!/bin/bash
# run-on-gpu.sh: build the calibration code with nvcc and run it on a GPU machine, in one call.
#
# The GPU machines we are lent start bare: CUDA, cuBLAS and CMake, but none of our Debian
# libraries. So it goes in two steps:
#   gpu/run-on-gpu.sh fetch     HERE (Debian 12, network): apt-get download the .debs of
#                               libfyaml, ISA-L, libsodium, OpenBLAS, cmocka into .gpu-deps/
#                               (ignored by git; carry it)
#   gpu/run-on-gpu.sh           THERE, from the repository root (device tool: carry .gpu-deps):
#                               unpacks them under /tmp/deps, builds the gpu/ code alone with
#                               nvcc + cc (no SimGrid needed: a two-line xbt/asserts.h shim for
#                               sim/base), runs the CUDA-vs-ISA-L identity test and the quick
#                               CUDA calibration (tests/test_calibrate.c), then the full
#                               calibration, writing the profile and the log to $OUT when set
#                               (else to results/gpu/).
# GPU_ARCH=90 overrides the architecture read from nvidia-smi.
# Exit status: non-zero when a build step, a test or the calibration fails.
set -euo pipefail

DEBS="libfyaml0 libfyaml-dev libisal2 libisal-dev libsodium23 libsodium-dev libopenblas0-pthread
libopenblas-pthread-dev libopenblas-dev libgfortran5 libquadmath0 libcmocka0 libcmocka-dev"

if [ "${1:-}" = fetch ]; then
  mkdir -p .gpu-deps
  exclude=$(git rev-parse --git-path info/exclude)
  mkdir -p "$(dirname "$exclude")"
  grep -qx '/.gpu-deps/' "$exclude" 2>/dev/null || echo '/.gpu-deps/' >>"$exclude"
  (cd .gpu-deps && apt-get download $DEBS)
  ls -la .gpu-deps
  exit 0
fi

out=${OUT:-results/gpu}
mkdir -p "$out"
log="$out/run-on-gpu.log"
exec > >(tee "$log") 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true

deps=/tmp/deps
if ls .gpu-deps/*.deb >/dev/null 2>&1; then
  mkdir -p $deps
  for f in .gpu-deps/*.deb; do dpkg -x "$f" $deps; done
fi
lib=$deps/usr/lib/x86_64-linux-gnu
for h in libfyaml.h isa-l.h sodium.h cmocka.h; do
  if [ ! -e "$deps/usr/include/$h" ] && [ ! -e "/usr/include/$h" ]; then
    echo "run-on-gpu: $h not found: run 'gpu/run-on-gpu.sh fetch' on the build machine first" \
      "and carry .gpu-deps to this one" >&2
    exit 2
  fi
done
cuda=${CUDA_HOME:-/usr/local/cuda}
b=/tmp/depinsim-gpu-build
rm -rf $b && mkdir -p $b/shim/xbt
printf '#include <assert.h>\n#define xbt_assert(c, ...) assert(c)\n' >$b/shim/xbt/asserts.h

inc="-I. -I$b/shim -I$deps/usr/include -I$deps/usr/include/x86_64-linux-gnu/openblas-pthread
 -I/usr/include/x86_64-linux-gnu/openblas-pthread -I$cuda/include"
defs="-DDEPINSIM_HAVE_CUDA=1 -D_GNU_SOURCE -DDEPINSIM_VERSION=\"gpu\" -DDEPINSIM_SOURCE_DIR=\"$PWD\""
arch=${GPU_ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)}
echo "building for sm_$arch"
$cuda/bin/nvcc -O3 -std=c++17 -arch=sm_$arch $inc $defs -c gpu/cuda_kernels.cu -o $b/cuda_kernels.o
objs=$b/cuda_kernels.o
# The calibration code and what it uses below it in the layout (docs/layout.md): the base
# library (but rng.c, which needs GSL), Reed-Solomon coding and the device profiles.
for s in gpu/*.c sim/erasure/*.c sim/device/*.c $(ls sim/base/*.c | grep -v rng.c); do
  o=$b/$(basename "$s" .c).o
  cc -std=gnu17 -O2 -Wall -Wextra $inc $defs -c "$s" -o "$o"
  objs="$objs $o"
done
libs="-L$lib -L$lib/openblas-pthread -L$cuda/lib64 -lfyaml -lisal -lsodium -lopenblas
 -lcudart -lstdc++ -lm -lpthread -ldl"
cc -O2 $inc $defs tests/test_calibrate.c $objs -o $b/test_calibrate -lcmocka $libs
cc -O2 $inc $defs tests/test_rs.c $objs -o $b/test_rs -lcmocka $libs
cc -O2 $inc $defs tests/test_cuda.c $objs -o $b/test_cuda -lcmocka $libs
cc -O2 $inc $defs tests/perf/calibrate.c $objs -o $b/calibrate $libs
export LD_LIBRARY_PATH="$lib:$lib/openblas-pthread:$cuda/lib64:${LD_LIBRARY_PATH:-}"

status=0
$b/test_rs || status=1
$b/test_cuda || status=1
$b/test_calibrate || status=1
$b/calibrate --device cuda >"$out/gpu-profile.yaml" || status=1
cat "$out/gpu-profile.yaml"
name=$(sed -n 's/^  - name: "\(.*\)"$/\1/p' "$out/gpu-profile.yaml" | head -1)
[ -n "$name" ] && cp "$out/gpu-profile.yaml" "$out/$(echo "$name" | tr 'A-Z' 'a-z')-measured.yaml"
echo "run-on-gpu: status $status"
exit $status
