/* hist.h: a latency distribution with bounded memory and relative precision.
 *
 * Samples go into logarithmic bins (each bin 1% wider than the last, from 1 ns to about
 * 3 years), so p50/p90/p99 come from the cumulative counts with under 1% relative error and
 * no sample is stored or sorted. Weights let one batch of n transactions count n times. The
 * range suits seconds; other quantities work if they fall in [1e-9, 1e8] in their base unit
 * (outside it, quantiles degrade to the clamped min/max). A hist_t is about 32 KiB. */
#ifndef DEPINSIM_SIM_RESULTS_HIST_H
#define DEPINSIM_SIM_RESULTS_HIST_H

#include <stddef.h>

typedef struct hist hist_t;

/* A new empty distribution; NULL only when out of memory. Free with hist_free. */
hist_t *hist_new(void);
void hist_free(hist_t *h);

/* Adds value (>= 0; values under the first bin count in it, values over the last in the
 * last) with weight (> 0). A negative or non-finite value or weight asserts. */
void hist_add(hist_t *h, double value, double weight);
/* Adds every sample of other into h. */
void hist_merge(hist_t *h, const hist_t *other);

double hist_count(const hist_t *h);     /* total weight */
double hist_mean(const hist_t *h);      /* exact (kept as a running sum); 0 when empty */
double hist_min(const hist_t *h);       /* exact; 0 when empty */
double hist_max(const hist_t *h);       /* exact; 0 when empty */
/* The q-quantile (0 <= q <= 1), interpolated inside its bin, clamped to [min, max];
 * NaN when empty: a percentile of nothing is no value (a target on it fails). */
double hist_quantile(const hist_t *h, double q);

/* The non-empty bins in increasing order, for result files and plots: *lower and *upper edges
 * and weights, arrays owned by the caller (free()). Returns the number of bins written; 0 with
 * the three pointers NULL when empty. Out of memory asserts. The first bin's lower edge is 0. */
size_t hist_bins(const hist_t *h, double **lower, double **upper, double **weight);

#endif
