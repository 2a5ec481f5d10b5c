/* gf256.h: GF(2^8) arithmetic with ISA-L's field (polynomial x^8 + x^4 + x^3 + x^2 + 1, 0x11d).
 *
 * Log and exponent tables, built once into a caller-owned struct and shared by the CPU reference
 * and the CUDA kernel (which copies them to the device). The exponent table is extended so that
 * a product needs no modulo and no branch: log[0] is a sentinel (GF256_LOG_ZERO) whose sums
 * with any real logarithm land in the zero-filled upper half. */
#ifndef DEPINSIM_SIM_ERASURE_GF256_H
#define DEPINSIM_SIM_ERASURE_GF256_H

#include <stdint.h>

/* ISA-L's reduction polynomial (isa-l erasure_code/ec_base.c, gf_mul: 0x1d after the shift). */
#define GF256_POLY 0x11d
/* log[0]: any sum with it (<= GF256_LOG_ZERO + 254) indexes a zero of exp. */
#define GF256_LOG_ZERO 512
#define GF256_EXP_SIZE 1024

struct gf256_tables {
  uint16_t log[256];
  uint8_t exp[GF256_EXP_SIZE];
};

/* Fills t. Cannot fail. */
static inline void gf256_tables_init(struct gf256_tables *t)
{
  unsigned x = 1;
  for (int i = 0; i < GF256_EXP_SIZE; i++)
    t->exp[i] = 0;
  for (int i = 0; i < 255; i++) {
    t->exp[i] = (uint8_t)x;
    t->exp[i + 255] = (uint8_t)x;
    t->log[x] = (uint16_t)i;
    x <<= 1;
    if (x & 0x100)
      x ^= GF256_POLY;
  }
  t->log[0] = GF256_LOG_ZERO;
}

/* a x b in GF(2^8). */
static inline uint8_t gf256_mul(const struct gf256_tables *t, uint8_t a, uint8_t b)
{
  if (!b)
    return 0;
  return t->exp[t->log[a] + t->log[b]];
}

#endif
