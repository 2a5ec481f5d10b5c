/* stats.c: confidence intervals (stats.h). */
#include "sim/results/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

double stats_confidence95(double sum, double sum_sq, size_t n)
{
  if (n < 2)
    return 0;
  double k = (double)n, mean = sum / k, var = fmax(0, (sum_sq - k * mean * mean) / (k - 1));
  return gsl_cdf_tdist_Pinv(0.975, k - 1) * sqrt(var / k);
}
