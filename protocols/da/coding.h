/* coding.h: 0G's blob coding on small instances, for real: framing, k-of-n erasure code.
 *
 * A blob is framed as 0g-da-encoder does it (the data, a 4-byte little-endian length, zero
 * padding) and laid out as k rows; n - k parity rows extend it. 0G evaluates one polynomial
 * over BN254's scalar field on 3 cosets (a Reed-Solomon code of rate 1/3 laid out as a
 * matrix); here the same k-of-n structure is built over GF(2^8) with ISA-L
 * (sim/erasure/rs.h), which limits n to 255: tests use 4-of-12 and 85-of-255. What the simulation assumes, and these
 * instances show, is that any k rows rebuild the blob and k - 1 rows do not. */
#ifndef DEPINSIM_PROTOCOLS_DA_CODING_H
#define DEPINSIM_PROTOCOLS_DA_CODING_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/base/status.h"

typedef struct coding_blob coding_blob_t;

/* Encodes len bytes of data into n rows of which the first k carry the framed data. Returns
 * NULL when k < 1, n <= k, n > 255 or out of memory. data is borrowed; free the result with
 * coding_blob_free. */
coding_blob_t *coding_encode(const void *data, size_t len, int k, int n);
void coding_blob_free(coding_blob_t *b);

int coding_k(const coding_blob_t *b);
int coding_n(const coding_blob_t *b);
size_t coding_row_bytes(const coding_blob_t *b);
/* Row i (0..n-1), borrowed until coding_blob_free; writable so tests can damage it. */
unsigned char *coding_row(coding_blob_t *b, int i);

/* Rebuilds the blob from the rows marked present (the others are ignored, as if lost).
 * On success returns DEPIN_OK and *out (owned, free()) of *len bytes. Returns DEPIN_EINVAL
 * when fewer than k rows are present or the recovered frame is inconsistent, DEPIN_ENOMEM
 * when out of memory; *out is untouched then. */
enum depin_status coding_decode(const coding_blob_t *b, const bool present[], void **out,
                                size_t *len);

#endif
