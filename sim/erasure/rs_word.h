/* rs_word.h: one thread's share of the GF(2^8) RS encode, compiled for the CUDA kernel and for
 * the host, so that a test without a GPU runs the kernel's own indexing and arithmetic.
 *
 * A thread owns the 4-byte word w of every slice and parity rows row0 .. row0 + RS_WORD_ROWS - 1.
 * For each data slice it loads the word once and takes the logarithms of its 4 bytes once; for
 * each of its rows it adds the row's coefficient logarithm and looks the 4 products up in the
 * extended exponent table (gf256.h: a zero byte's sentinel logarithm lands on a zero, no branch). */
#ifndef DEPINSIM_SIM_ERASURE_RS_WORD_H
#define DEPINSIM_SIM_ERASURE_RS_WORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __CUDACC__
#define RS_HD __host__ __device__
#else
#define RS_HD
#endif

/* Parity rows per thread: RS_WORD_ROWS accumulators live in registers. */
#define RS_WORD_ROWS 16

static inline RS_HD uint32_t rs_mul_word(const uint8_t *exp, const uint32_t lg[4], uint32_t lc)
{
  return (uint32_t)exp[lg[0] + lc] | ((uint32_t)exp[lg[1] + lc] << 8) |
         ((uint32_t)exp[lg[2] + lc] << 16) | ((uint32_t)exp[lg[3] + lc] << 24);
}

/* data slice j's word w is at data + j x pitch + 4 w (pitch a multiple of 4); coef_log[i x k + j]
 * is the logarithm of parity row i's coefficient for slice j (never zero in a Cauchy matrix). */
static inline RS_HD void rs_encode_word(const uint8_t *data, uint8_t *parity, int k, int m,
                                        size_t pitch, size_t w, int row0, const uint8_t *exp,
                                        const uint16_t *log, const uint16_t *coef_log)
{
  uint32_t acc[RS_WORD_ROWS];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
  for (int r = 0; r < RS_WORD_ROWS; r++)
    acc[r] = 0;
  for (int j = 0; j < k; j++) {
    uint32_t x = ((const uint32_t *)(data + (size_t)j * pitch))[w];
    uint32_t lg[4] = {log[x & 0xff], log[(x >> 8) & 0xff], log[(x >> 16) & 0xff], log[x >> 24]};
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int r = 0; r < RS_WORD_ROWS; r++)
      if (row0 + r < m)
        acc[r] ^= rs_mul_word(exp, lg, coef_log[(row0 + r) * k + j]);
  }
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
  for (int r = 0; r < RS_WORD_ROWS; r++)
    if (row0 + r < m)
      ((uint32_t *)(parity + (size_t)(row0 + r) * pitch))[w] = acc[r];
}

#endif
