/* test_stats.c: the 95% confidence interval of a sweep point's mean against values computed
 * by hand (Student's t quantiles from tables). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/results/stats.h"
#include "testutil.h"

static void test_stats_confidence95(void **state)
{
  (void)state;
  /* 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.3027: 4.3027 x 2 / sqrt(3) = 4.968 */
  assert_double_equal(stats_confidence95(36, 440, 3), 4.9683, 1e-3);
  /* 30 values of s = 1: t(0.975, 29) = 2.0452: 2.0452 / sqrt(30) = 0.3734 */
  double sum = 0, sq = 0;
  for (int i = 0; i < 30; i++) {
    double v = i % 2 ? 101 : 99; /* mean 100, s = sqrt(30/29) */
    sum += v, sq += v * v;
  }
  assert_double_equal(stats_confidence95(sum, sq, 30), 2.0452 * sqrt(30.0 / 29) / sqrt(30), 1e-3);
  assert_double_equal(stats_confidence95(5, 25, 1), 0, 0); /* one value: no interval */
  assert_double_equal(stats_confidence95(60, 1200, 3), 0, 1e-9); /* equal values */
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_stats_confidence95)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
