/* rs.h: Reed-Solomon erasure coding over GF(2^8) on the CPU, through ISA-L.
 *
 * A code of k data slices and m parity slices (k + m <= 255) uses ISA-L's Cauchy generator
 * matrix (gf_gen_cauchy1_matrix): its first k rows are the identity, and any k of its k + m
 * rows form an invertible matrix, so any k slices give the data back. The CUDA kernel encodes
 * with the same parity rows and must produce the same bytes. */
#ifndef DEPINSIM_SIM_ERASURE_RS_H
#define DEPINSIM_SIM_ERASURE_RS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/base/status.h"

/* Largest k + m in GF(2^8) with a Cauchy matrix (ISA-L's limit). */
#define RS_MAX_SLICES 255

typedef struct rs_code rs_code_t;

/* A code of k data and m parity slices. Returns NULL when k < 1, m < 1, k + m > RS_MAX_SLICES
 * or out of memory. Free with rs_code_free. */
rs_code_t *rs_code_new(int k, int m);
void rs_code_free(rs_code_t *c);
int rs_code_k(const rs_code_t *c);
int rs_code_m(const rs_code_t *c);
/* The m x k parity rows of the generator matrix, row-major; borrowed until rs_code_free. */
const unsigned char *rs_code_parity_rows(const rs_code_t *c);

/* Computes the m parity slices of len bytes each from the k data slices with ISA-L's
 * ec_encode_data. Cannot fail. */
void rs_encode(const rs_code_t *c, size_t len, unsigned char *const data[],
               unsigned char *const parity[]);

/* The same with the scalar GF(2^8) tables of gf256.h: the reference the fast paths are checked
 * against. Cannot fail. */
void rs_encode_reference(const rs_code_t *c, size_t len, unsigned char *const data[],
                         unsigned char *const parity[]);

/* Rebuilds, in place, every slice i (0..k+m-1, data first) whose present[i] is false, from the
 * others. Returns DEPIN_EINVAL when fewer than k slices are present, DEPIN_ENOMEM when out of
 * memory; slices are unchanged then. */
enum depin_status rs_decode(const rs_code_t *c, size_t len, unsigned char *const slices[],
                            const bool present[]);

#endif
