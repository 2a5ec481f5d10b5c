/* yuma.c: Yuma consensus (see yuma.h for the mechanism and its source). */
#include "protocols/token/yuma.h"

#include <stdlib.h>
#include <string.h>

struct yuma {
  size_t nv, nm;
  double kappa, alpha;
  double *w;         /* normalised weights, nv x nm */
  double *s;         /* normalised stake */
  double *bonds;     /* nv x nm */
  double *consensus, *incentive, *trust, *dividends;
  size_t *order;     /* scratch: validators sorted by weight on one miner */
};

yuma_t *yuma_new(size_t n_val, size_t n_miners, double kappa, double bond_alpha)
{
  if (n_val == 0 || n_miners == 0)
    return NULL;
  yuma_t *y = calloc(1, sizeof *y);
  if (!y)
    goto fail;
  y->nv = n_val;
  y->nm = n_miners;
  y->kappa = kappa;
  y->alpha = bond_alpha;
  y->w = calloc(n_val * n_miners, sizeof *y->w);
  y->bonds = calloc(n_val * n_miners, sizeof *y->bonds);
  y->s = calloc(n_val, sizeof *y->s);
  y->dividends = calloc(n_val, sizeof *y->dividends);
  y->order = calloc(n_val, sizeof *y->order);
  y->consensus = calloc(n_miners, sizeof *y->consensus);
  y->incentive = calloc(n_miners, sizeof *y->incentive);
  y->trust = calloc(n_miners, sizeof *y->trust);
  if (!y->w || !y->bonds || !y->s || !y->dividends || !y->order || !y->consensus ||
      !y->incentive || !y->trust)
    goto fail;
  return y;
fail:
  yuma_free(y);
  return NULL;
}

void yuma_free(yuma_t *y)
{
  if (!y)
    return;
  free(y->w);
  free(y->bonds);
  free(y->s);
  free(y->dividends);
  free(y->order);
  free(y->consensus);
  free(y->incentive);
  free(y->trust);
  free(y);
}

static void normalise(yuma_t *y, const double *stake, const double *weights, const double *count)
{
  double total = 0;
  for (size_t i = 0; i < y->nv; i++)
    total += stake[i];
  for (size_t i = 0; i < y->nv; i++)
    y->s[i] = total > 0 ? stake[i] / total : 0;
  for (size_t i = 0; i < y->nv; i++) {
    const double *row = weights + i * y->nm;
    double sum = 0;
    for (size_t j = 0; j < y->nm; j++)
      sum += row[j] * (count ? count[j] : 1.0);
    for (size_t j = 0; j < y->nm; j++)
      y->w[i * y->nm + j] = sum > 0 ? row[j] / sum : 0;
  }
}

/* The largest weight given to miner j by validators holding >= kappa of the stake: sort the
 * validators by their weight on j, descending, and walk until the stake reaches kappa. */
static double stake_weighted_median(yuma_t *y, size_t j)
{
  size_t n = y->nv;
  for (size_t i = 0; i < n; i++)
    y->order[i] = i;
  for (size_t a = 1; a < n; a++) { /* insertion sort: validators are few (<= 128) */
    size_t v = y->order[a], b = a;
    while (b > 0 && y->w[y->order[b - 1] * y->nm + j] < y->w[v * y->nm + j]) {
      y->order[b] = y->order[b - 1];
      b--;
    }
    y->order[b] = v;
  }
  double acc = 0;
  for (size_t a = 0; a < n; a++) {
    acc += y->s[y->order[a]];
    if (acc >= y->kappa - 1e-12)
      return y->w[y->order[a] * y->nm + j];
  }
  return 0;
}

void yuma_epoch(yuma_t *y, const double *stake, const double *weights, const double *count)
{
  size_t nv = y->nv, nm = y->nm;
  normalise(y, stake, weights, count);
  double rank_total = 0;
  for (size_t j = 0; j < nm; j++) {
    double c = stake_weighted_median(y, j), rank = 0, support = 0, bond_total = 0;
    y->consensus[j] = c;
    for (size_t i = 0; i < nv; i++) {
      double w = y->w[i * nm + j], clipped = w < c ? w : c;
      rank += y->s[i] * clipped;
      support += y->s[i] * w;
      bond_total += y->s[i] * clipped;
    }
    for (size_t i = 0; i < nv; i++) {
      double w = y->w[i * nm + j], clipped = w < c ? w : c;
      double delta = bond_total > 0 ? y->s[i] * clipped / bond_total : 0;
      y->bonds[i * nm + j] = y->alpha * delta + (1 - y->alpha) * y->bonds[i * nm + j];
    }
    y->incentive[j] = rank;
    y->trust[j] = support > 0 ? rank / support : 0;
    rank_total += rank * (count ? count[j] : 1.0);
  }
  for (size_t j = 0; j < nm; j++)
    y->incentive[j] = rank_total > 0 ? y->incentive[j] / rank_total : 0;
  double div_total = 0;
  for (size_t i = 0; i < nv; i++) {
    double d = 0;
    for (size_t j = 0; j < nm; j++)
      d += y->bonds[i * nm + j] * y->incentive[j] * (count ? count[j] : 1.0);
    y->dividends[i] = d;
    div_total += d;
  }
  for (size_t i = 0; i < nv; i++)
    y->dividends[i] = div_total > 0 ? y->dividends[i] / div_total : 0;
}

const double *yuma_consensus(const yuma_t *y) { return y->consensus; }
const double *yuma_incentive(const yuma_t *y) { return y->incentive; }
const double *yuma_trust(const yuma_t *y) { return y->trust; }
const double *yuma_dividends(const yuma_t *y) { return y->dividends; }
const double *yuma_bonds(const yuma_t *y) { return y->bonds; }
