/* hist.c: a log-binned distribution (1% relative bin width) with exact count, sum, min, max.
 *
 * Bin i covers [HIST_LOW * r^i, HIST_LOW * r^(i+1)) with r = 1.01, so a value's bin is
 * floor(log(v / HIST_LOW) / log(r)). Values below HIST_LOW fall in bin 0 and values above the
 * last edge in the last bin; min and max are kept exactly, and quantiles are clamped to them,
 * so the clamped bins still answer within their true range. A quantile walks the cumulative
 * weights to the bin holding q x count and interpolates geometrically inside it, which bounds
 * the relative error by the bin width (1%). */
#include "sim/results/hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#define HIST_LOW 1e-9          /* first edge: 1 ns */
#define HIST_RATIO 1.01        /* each bin 1% wider than the last */
#define HIST_NBINS 3934        /* HIST_LOW x 1.01^3934 ~ 1e8 s, about 3 years */

struct hist {
  double weight[HIST_NBINS];
  double count, sum, min, max;
};

static inline double edge(size_t i)
{
  return HIST_LOW * pow(HIST_RATIO, (double)i);
}

static size_t bin_of(double value)
{
  if (!(value > HIST_LOW))
    return 0;
  double b = floor(log(value / HIST_LOW) / log(HIST_RATIO));
  if (b >= HIST_NBINS - 1)
    return HIST_NBINS - 1;
  size_t i = (size_t)b;
  /* log() rounding can put a value that sits on an edge one bin off: fix it with the edges */
  if (value < edge(i) && i > 0)
    i--;
  else if (value >= edge(i + 1) && i + 1 < HIST_NBINS)
    i++;
  return i;
}

hist_t *hist_new(void)
{
  return calloc(1, sizeof(hist_t));
}

void hist_free(hist_t *h)
{
  free(h);
}

void hist_add(hist_t *h, double value, double weight)
{
  xbt_assert(value >= 0 && isfinite(value), "hist_add: value %g must be finite and >= 0", value);
  xbt_assert(weight > 0 && isfinite(weight), "hist_add: weight %g must be > 0", weight);
  if (h->count == 0 || value < h->min)
    h->min = value;
  if (h->count == 0 || value > h->max)
    h->max = value;
  h->weight[bin_of(value)] += weight;
  h->count += weight;
  h->sum += value * weight;
}

void hist_merge(hist_t *h, const hist_t *other)
{
  if (other->count == 0)
    return;
  if (h->count == 0 || other->min < h->min)
    h->min = other->min;
  if (h->count == 0 || other->max > h->max)
    h->max = other->max;
  for (size_t i = 0; i < HIST_NBINS; i++)
    h->weight[i] += other->weight[i];
  h->count += other->count;
  h->sum += other->sum;
}

double hist_count(const hist_t *h)
{
  return h->count;
}

double hist_mean(const hist_t *h)
{
  return h->count > 0 ? h->sum / h->count : 0;
}

double hist_min(const hist_t *h)
{
  return h->min;
}

double hist_max(const hist_t *h)
{
  return h->max;
}

double hist_quantile(const hist_t *h, double q)
{
  xbt_assert(q >= 0 && q <= 1, "hist_quantile: q = %g is outside [0, 1]", q);
  if (h->count == 0)
    return NAN; /* no samples: no value, and a target on it fails */
  double want = q * h->count, cum = 0;
  for (size_t i = 0; i < HIST_NBINS; i++) {
    double w = h->weight[i];
    if (w == 0 || cum + w < want) {
      cum += w;
      continue;
    }
    /* the bin's own range, narrowed to what was actually seen */
    double lo = fmax(edge(i), h->min), hi = fmin(edge(i + 1), h->max);
    if (i == 0)
      lo = h->min;
    if (i == HIST_NBINS - 1)
      hi = h->max;
    if (hi <= lo)
      return fmin(fmax(lo, h->min), h->max);
    double frac = (want - cum) / w;
    double v = lo > 0 ? lo * pow(hi / lo, frac) : lo + (hi - lo) * frac;
    return fmin(fmax(v, h->min), h->max);
  }
  return h->max;
}

size_t hist_bins(const hist_t *h, double **lower, double **upper, double **weight)
{
  size_t n = 0;
  for (size_t i = 0; i < HIST_NBINS; i++)
    n += h->weight[i] > 0;
  *lower = *upper = *weight = NULL;
  if (n == 0)
    return 0;
  *lower = malloc(n * sizeof(double));
  *upper = malloc(n * sizeof(double));
  *weight = malloc(n * sizeof(double));
  xbt_assert(*lower && *upper && *weight, "out of memory listing %zu histogram bins", n);
  size_t k = 0;
  for (size_t i = 0; i < HIST_NBINS; i++) {
    if (h->weight[i] == 0)
      continue;
    (*lower)[k] = i == 0 ? 0 : edge(i);
    (*upper)[k] = i == HIST_NBINS - 1 ? fmax(h->max, edge(i + 1)) : edge(i + 1);
    (*weight)[k] = h->weight[i];
    k++;
  }
  return n;
}
