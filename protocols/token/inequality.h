/* inequality.h: how concentrated rewards are: Gini and Nakamoto coefficients. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_INEQUALITY_H
#define DEPINSIM_PROTOCOLS_TOKEN_INEQUALITY_H

#include <stddef.h>

/* Gini coefficient of n values >= 0: sum_i (2i - n - 1) x_(i) / (n sum x) over the values
 * sorted ascending (i from 1): 0 when all are equal, (n-1)/n when one holds everything. 0 for
 * n == 0 or an all-zero vector. scratch: n doubles of the caller's (borrowed), where the
 * values are sorted; x is left as it is. Cannot fail. */
double inequality_gini(const double *x, size_t n, double *scratch);

/* Nakamoto coefficient: the fewest holders whose combined share exceeds threshold (0.5 for
 * the usual definition, 1/3 for BFT). 0 for an all-zero vector. scratch as for gini. */
size_t inequality_nakamoto(const double *x, size_t n, double threshold, double *scratch);

#endif
