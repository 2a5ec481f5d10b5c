/* rs.c: GF(2^8) Reed-Solomon erasure coding on the CPU through ISA-L (see rs.h).
 *
 * Decoding picks the first k present slices, inverts the k x k matrix of their generator rows
 * (gf_invert_matrix), rebuilds the missing data slices with the rows of the inverse that
 * produce them, then re-encodes whichever parity slices were missing. */
#include "sim/erasure/rs.h"

#include <isa-l/erasure_code.h>
#include <stdlib.h>
#include <string.h>

#include "sim/erasure/gf256.h"

struct rs_code {
  int k, m;
  unsigned char *matrix; /* (k + m) x k, first k rows identity */
  unsigned char *tables; /* ec_init_tables of the parity rows: 32 x k x m */
};

rs_code_t *rs_code_new(int k, int m)
{
  if (k < 1 || m < 1 || k + m > RS_MAX_SLICES)
    return NULL;
  rs_code_t *c = calloc(1, sizeof *c);
  if (!c)
    goto fail;
  c->k = k;
  c->m = m;
  c->matrix = malloc((size_t)(k + m) * k);
  c->tables = malloc((size_t)32 * k * m);
  if (!c->matrix || !c->tables)
    goto fail;
  gf_gen_cauchy1_matrix(c->matrix, k + m, k);
  ec_init_tables(k, m, c->matrix + (size_t)k * k, c->tables);
  return c;
fail:
  rs_code_free(c);
  return NULL;
}

void rs_code_free(rs_code_t *c)
{
  if (!c)
    return;
  free(c->matrix);
  free(c->tables);
  free(c);
}

int rs_code_k(const rs_code_t *c)
{
  return c->k;
}

int rs_code_m(const rs_code_t *c)
{
  return c->m;
}

const unsigned char *rs_code_parity_rows(const rs_code_t *c)
{
  return c->matrix + (size_t)c->k * c->k;
}

void rs_encode(const rs_code_t *c, size_t len, unsigned char *const data[],
               unsigned char *const parity[])
{
  ec_encode_data((int)len, c->k, c->m, c->tables, (unsigned char **)data,
                 (unsigned char **)parity);
}

void rs_encode_reference(const rs_code_t *c, size_t len, unsigned char *const data[],
                         unsigned char *const parity[])
{
  struct gf256_tables t;
  gf256_tables_init(&t);
  const unsigned char *rows = rs_code_parity_rows(c);
  for (int i = 0; i < c->m; i++)
    for (size_t b = 0; b < len; b++) {
      uint8_t acc = 0;
      for (int j = 0; j < c->k; j++)
        acc ^= gf256_mul(&t, data[j][b], rows[(size_t)i * c->k + j]);
      parity[i][b] = acc;
    }
}

/* Rebuilds the missing data slices from the first k present ones. */
static enum depin_status decode_data(const rs_code_t *c, size_t len, unsigned char *const slices[],
                                     const bool present[])
{
  int k = c->k, nmiss = 0, got = 0;
  enum depin_status st = DEPIN_ENOMEM;
  unsigned char *sub = malloc((size_t)k * k), *inv = malloc((size_t)k * k);
  unsigned char *rows = malloc((size_t)k * k), *tables = malloc((size_t)32 * k * k);
  unsigned char **src = malloc(sizeof *src * k), **dst = malloc(sizeof *dst * k);
  if (!sub || !inv || !rows || !tables || !src || !dst)
    goto done;
  for (int i = 0; i < k + c->m && got < k; i++)
    if (present[i]) {
      memcpy(sub + (size_t)got * k, c->matrix + (size_t)i * k, (size_t)k);
      src[got++] = slices[i];
    }
  st = DEPIN_EINVAL;
  if (got < k || gf_invert_matrix(sub, inv, k) != 0)
    goto done;
  for (int i = 0; i < k; i++)
    if (!present[i]) {
      memcpy(rows + (size_t)nmiss * k, inv + (size_t)i * k, (size_t)k);
      dst[nmiss++] = slices[i];
    }
  if (nmiss) {
    ec_init_tables(k, nmiss, rows, tables);
    ec_encode_data((int)len, k, nmiss, tables, src, dst);
  }
  st = DEPIN_OK;
done:
  free(sub);
  free(inv);
  free(rows);
  free(tables);
  free(src);
  free(dst);
  return st;
}

enum depin_status rs_decode(const rs_code_t *c, size_t len, unsigned char *const slices[],
                            const bool present[])
{
  int have = 0, k = c->k;
  for (int i = 0; i < k + c->m; i++)
    have += present[i];
  if (have < k)
    return DEPIN_EINVAL;
  enum depin_status st = decode_data(c, len, slices, present);
  if (st != DEPIN_OK)
    return st;
  for (int i = 0; i < c->m; i++)
    if (!present[k + i]) {
      /* one parity row at a time: cheap next to the data rebuild, and no extra tables */
      unsigned char tables[32 * RS_MAX_SLICES];
      unsigned char *out[1] = {slices[k + i]};
      ec_init_tables(k, 1, c->matrix + (size_t)(k + i) * k, tables);
      ec_encode_data((int)len, k, 1, tables, (unsigned char **)slices, out);
    }
  return DEPIN_OK;
}
