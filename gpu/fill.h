/* fill.h: the random GEMM inputs, computable on the device and again on the host.
 *
 * fill_value(seed, i) is a SplitMix64 hash of i turned into +-(1..32)/8: never zero, exactly
 * representable in fp32, tf32, fp16 and bf16, so every precision multiplies the same numbers and
 * the host's float64 reference needs only the seed. */
#ifndef DEPINSIM_GPU_FILL_H
#define DEPINSIM_GPU_FILL_H

#include <stdint.h>

#ifdef __CUDACC__
#define FILL_HD __host__ __device__
#else
#define FILL_HD
#endif

static inline FILL_HD float fill_value(uint64_t seed, uint64_t i)
{
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull; /* SplitMix64 (Steele et al., 2014) */
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  float v = (float)(1 + (z & 31)) / 8.0f;
  return (z & 32) ? -v : v;
}

#endif
