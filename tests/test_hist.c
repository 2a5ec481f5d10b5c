/* test_hist.c: quantiles of the log-binned distribution against exact sorted samples. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/results/hist.h"
#include "testutil.h"

#define N_DRAWS 100000

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The exact q-quantile of sorted samples: the smallest sample with at least q x n at or below. */
static double exact_quantile(const double *sorted, size_t n, double q)
{
  size_t k = (size_t)ceil(q * (double)n);
  return sorted[k > 0 ? k - 1 : 0];
}

static void check_quantiles(double *draws, size_t n)
{
  hist_t *h = hist_new();
  assert_non_null(h);
  double sum = 0, lo = INFINITY, hi = 0;
  for (size_t i = 0; i < n; i++) {
    hist_add(h, draws[i], 1);
    sum += draws[i];
    lo = fmin(lo, draws[i]);
    hi = fmax(hi, draws[i]);
  }
  qsort(draws, n, sizeof(double), cmp_double);
  const double qs[] = {0.01, 0.1, 0.5, 0.9, 0.99, 0.999};
  for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
    double want = exact_quantile(draws, n, qs[i]), got = hist_quantile(h, qs[i]);
    if (fabs(got - want) > 0.01 * want)
      fail_msg("q=%g: histogram %.9g, exact %.9g (off by %.3f%%)", qs[i], got, want,
               100 * fabs(got - want) / want);
  }
  assert_double_equal(hist_count(h), (double)n, 0);
  assert_double_equal(hist_mean(h), sum / (double)n, 1e-12 * sum);
  assert_double_equal(hist_min(h), lo, 0);
  assert_double_equal(hist_max(h), hi, 0);
  assert_double_equal(hist_quantile(h, 0), lo, 0);
  assert_double_equal(hist_quantile(h, 1), hi, 0);
  hist_free(h);
}

static void test_hist_exponential_quantiles(void **state)
{
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 42);
  double *draws = malloc(N_DRAWS * sizeof(double));
  for (size_t i = 0; i < N_DRAWS; i++)
    draws[i] = gsl_ran_exponential(r, 0.25); /* mean 250 ms */
  check_quantiles(draws, N_DRAWS);
  free(draws);
  gsl_rng_free(r);
}

static void test_hist_lognormal_quantiles(void **state)
{
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  double *draws = malloc(N_DRAWS * sizeof(double));
  for (size_t i = 0; i < N_DRAWS; i++)
    draws[i] = gsl_ran_lognormal(r, log(0.05), 1.5); /* median 50 ms, heavy tail */
  check_quantiles(draws, N_DRAWS);
  free(draws);
  gsl_rng_free(r);
}

static void test_hist_weights_equal_repeated_adds(void **state)
{
  (void)state;
  hist_t *weighted = hist_new(), *repeated = hist_new();
  const double values[] = {0.001, 0.02, 0.02, 0.5, 3.0, 120.0};
  const double weights[] = {3, 1, 4, 10, 2, 5};
  for (size_t i = 0; i < 6; i++) {
    hist_add(weighted, values[i], weights[i]);
    for (int k = 0; k < (int)weights[i]; k++)
      hist_add(repeated, values[i], 1);
  }
  assert_double_equal(hist_count(weighted), hist_count(repeated), 0);
  assert_double_equal(hist_mean(weighted), hist_mean(repeated), 1e-12);
  for (double q = 0; q <= 1.0; q += 0.05)
    assert_double_equal(hist_quantile(weighted, q), hist_quantile(repeated, q), 1e-12);
  double *lw, *uw, *ww, *lr, *ur, *wr;
  size_t nw = hist_bins(weighted, &lw, &uw, &ww), nr = hist_bins(repeated, &lr, &ur, &wr);
  assert_int_equal(nw, 5); /* 0.02 twice shares a bin */
  assert_int_equal(nw, nr);
  for (size_t i = 0; i < nw; i++) {
    assert_double_equal(ww[i], wr[i], 0);
    assert_true(lw[i] < uw[i]);
    assert_true(i == 0 || uw[i - 1] <= lw[i]); /* increasing, disjoint */
  }
  free(lw), free(uw), free(ww), free(lr), free(ur), free(wr);
  hist_free(weighted);
  hist_free(repeated);
}

static void test_hist_empty(void **state)
{
  (void)state;
  hist_t *h = hist_new();
  assert_double_equal(hist_count(h), 0, 0);
  assert_double_equal(hist_mean(h), 0, 0);
  assert_double_equal(hist_min(h), 0, 0);
  assert_double_equal(hist_max(h), 0, 0);
  assert_true(isnan(hist_quantile(h, 0.99))); /* a percentile of nothing is no value */
  double *l = (double *)1, *u = (double *)1, *w = (double *)1;
  assert_int_equal(hist_bins(h, &l, &u, &w), 0);
  assert_null(l);
  assert_null(u);
  assert_null(w);
  hist_free(h);
  hist_free(NULL);
}

static void test_hist_merge_and_extremes(void **state)
{
  (void)state;
  hist_t *a = hist_new(), *b = hist_new();
  hist_add(a, 0, 1);        /* below the first bin */
  hist_add(a, 1e-3, 1);
  hist_add(b, 1e10, 2);     /* beyond the last bin */
  hist_merge(a, b);
  assert_double_equal(hist_count(a), 4, 0);
  assert_double_equal(hist_min(a), 0, 0);
  assert_double_equal(hist_max(a), 1e10, 0);
  assert_double_equal(hist_quantile(a, 1), 1e10, 0);
  assert_double_equal(hist_quantile(a, 0), 0, 0);
  assert_double_equal(hist_mean(a), (1e-3 + 2e10) / 4, 1);
  hist_free(a);
  hist_free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hist_exponential_quantiles),
    cmocka_unit_test(test_hist_lognormal_quantiles),
    cmocka_unit_test(test_hist_weights_equal_repeated_adds),
    cmocka_unit_test(test_hist_empty),
    cmocka_unit_test(test_hist_merge_and_extremes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
