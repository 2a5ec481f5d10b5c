/* queueing.c: Erlang C and the ring all-reduce closed form (queueing.h). */
#include "protocols/market/queueing.h"

#include <math.h>

double queueing_erlang_c(long c, double a)
{
  if (c <= 0 || a >= (double)c)
    return 1;
  /* Erlang B by its stable recursion B(k) = a B(k-1) / (k + a B(k-1)), then C from B. */
  double b = 1;
  for (long k = 1; k <= c; k++)
    b = a * b / ((double)k + a * b);
  double rho = a / (double)c;
  return b / (1 - rho + rho * b);
}

double queueing_mmc_wait(double lambda, double mu, long c)
{
  if (lambda >= (double)c * mu)
    return INFINITY;
  return queueing_erlang_c(c, lambda / mu) / ((double)c * mu - lambda);
}

double queueing_ring_allreduce_s(long n, double bytes, double bw_Bps, double lat_s)
{
  if (n < 2)
    return 0;
  double phases = 2.0 * (double)(n - 1);
  return phases / (double)n * bytes / bw_Bps + phases * lat_s;
}
