/* coding.c: framing and ISA-L erasure coding of small blobs (coding.h). */
#include "protocols/da/coding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/erasure/rs.h"

/* 0g-da-encoder zero-pads the data and ends the frame with its length, 4 bytes little-endian. */
#define CODING_LENGTH_BYTES 4

struct coding_blob {
  int k, n;
  size_t row_bytes;
  unsigned char *rows; /* n x row_bytes */
  rs_code_t *code;
};

coding_blob_t *coding_encode(const void *data, size_t len, int k, int n)
{
  if (k < 1 || n <= k || n > RS_MAX_SLICES || len > UINT32_MAX)
    return NULL;
  coding_blob_t *b = calloc(1, sizeof(*b));
  if (!b)
    return NULL;
  b->k = k;
  b->n = n;
  size_t framed = len + CODING_LENGTH_BYTES;
  b->row_bytes = (framed + (size_t)k - 1) / (size_t)k;
  b->rows = calloc((size_t)n, b->row_bytes);
  b->code = rs_code_new(k, n - k);
  if (!b->rows || !b->code)
    goto fail;
  memcpy(b->rows, data, len);
  size_t at = (size_t)k * b->row_bytes - CODING_LENGTH_BYTES;
  for (int i = 0; i < CODING_LENGTH_BYTES; i++)
    b->rows[at + (size_t)i] = (unsigned char)((uint32_t)len >> (8 * i));
  unsigned char *rows[RS_MAX_SLICES];
  for (int i = 0; i < n; i++)
    rows[i] = b->rows + (size_t)i * b->row_bytes;
  rs_encode(b->code, b->row_bytes, rows, rows + k);
  return b;
fail:
  coding_blob_free(b);
  return NULL;
}

void coding_blob_free(coding_blob_t *b)
{
  if (!b)
    return;
  rs_code_free(b->code);
  free(b->rows);
  free(b);
}

int coding_k(const coding_blob_t *b)
{
  return b->k;
}

int coding_n(const coding_blob_t *b)
{
  return b->n;
}

size_t coding_row_bytes(const coding_blob_t *b)
{
  return b->row_bytes;
}

unsigned char *coding_row(coding_blob_t *b, int i)
{
  return b->rows + (size_t)i * b->row_bytes;
}

enum depin_status coding_decode(const coding_blob_t *b, const bool present[], void **out,
                                size_t *len)
{
  int have = 0;
  for (int i = 0; i < b->n; i++)
    have += present[i];
  if (have < b->k)
    return DEPIN_EINVAL;
  /* Work on a copy in which the absent rows really are gone. */
  unsigned char *copy = calloc((size_t)b->n, b->row_bytes);
  if (!copy)
    return DEPIN_ENOMEM;
  unsigned char *rows[RS_MAX_SLICES];
  for (int i = 0; i < b->n; i++) {
    rows[i] = copy + (size_t)i * b->row_bytes;
    if (present[i])
      memcpy(rows[i], b->rows + (size_t)i * b->row_bytes, b->row_bytes);
  }
  enum depin_status st = rs_decode(b->code, b->row_bytes, rows, present);
  if (st != DEPIN_OK)
    goto done;
  size_t framed = (size_t)b->k * b->row_bytes, at = framed - CODING_LENGTH_BYTES;
  uint32_t n = 0;
  for (int i = 0; i < CODING_LENGTH_BYTES; i++)
    n |= (uint32_t)copy[at + (size_t)i] << (8 * i);
  if (n > at) {
    st = DEPIN_EINVAL;
    goto done;
  }
  void *data = malloc(n ? n : 1);
  if (!data) {
    st = DEPIN_ENOMEM;
    goto done;
  }
  memcpy(data, copy, n);
  *out = data;
  *len = n;
done:
  free(copy);
  return st;
}
