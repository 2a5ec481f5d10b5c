/* inequality.c: Gini and Nakamoto coefficients over sorted copies. */
#include "protocols/token/inequality.h"

#include <stdlib.h>
#include <string.h>

static int ascending(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double *sorted(const double *x, size_t n, double *scratch)
{
  memcpy(scratch, x, n * sizeof *x);
  qsort(scratch, n, sizeof *scratch, ascending);
  return scratch;
}

double inequality_gini(const double *x, size_t n, double *scratch)
{
  if (n == 0)
    return 0;
  double *v = sorted(x, n, scratch), weighted = 0, total = 0;
  for (size_t i = 0; i < n; i++) {
    weighted += (2.0 * (double)(i + 1) - (double)n - 1.0) * v[i];
    total += v[i];
  }
  return total > 0 ? weighted / ((double)n * total) : 0;
}

size_t inequality_nakamoto(const double *x, size_t n, double threshold, double *scratch)
{
  if (n == 0)
    return 0;
  double *v = sorted(x, n, scratch), total = 0, acc = 0;
  for (size_t i = 0; i < n; i++)
    total += v[i];
  if (total <= 0)
    return 0;
  for (size_t k = 0; k < n; k++) {
    acc += v[n - 1 - k];
    if (acc > threshold * total)
      return k + 1;
  }
  return n;
}
