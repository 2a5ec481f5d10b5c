/* stats.h: statistics over a sweep's replications, shared by its figures and its tables. */
#ifndef DEPINSIM_SIM_RESULTS_STATS_H
#define DEPINSIM_SIM_RESULTS_STATS_H

#include <stddef.h>

/* Half the width of the 95% confidence interval of the mean of n values given their sum and
 * sum of squares: t(0.975, n - 1) x s / sqrt(n), Student's t. 0 for n < 2 (no interval). */
double stats_confidence95(double sum, double sum_sq, size_t n);

#endif
