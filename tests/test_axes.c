/* test_axes.c: what the figures' axes show (plots/axes.h): the time unit a span reads in, log
 * axes for values spanning decades, a target line kept in view, labels kept in the frame. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plots/axes.h"
#include "testutil.h"

static void test_axes_time_unit_follows_the_span(void **state)
{
  (void)state;
  double s;
  assert_string_equal(axes_time_unit(120, &s), "s");
  assert_double_equal(s, 1, 0);
  assert_string_equal(axes_time_unit(600, &s), "min"); /* the default run: 10 min */
  assert_double_equal(s, 60, 0);
  assert_string_equal(axes_time_unit(86400, &s), "h");
  assert_string_equal(axes_time_unit(30 * 86400.0, &s), "d");
  assert_string_equal(axes_time_unit(3.15e8, &s), "years"); /* ten years of token epochs */
  assert_double_equal(3.15e8 / s, 9.98, 0.01);
  assert_string_equal(axes_time_unit(INFINITY, &s), "years");
  assert_string_equal(axes_time_unit(NAN, &s), "years");
}

static void test_axes_log_for_decades_only(void **state)
{
  (void)state;
  const double price[] = {2.0, 0.5, 0.01, 0.0016, 0.6}; /* a token price over ten years */
  const double tps[] = {11000, 11400, 11500, NAN};
  const double with_zero[] = {0, 1, 1e6};
  assert_true(axes_log_worthy(price, 5));
  assert_false(axes_log_worthy(tps, 4));
  assert_false(axes_log_worthy(with_zero, 3));
}

static void test_axes_target_stays_in_view(void **state)
{
  (void)state;
  double lo = 0.4, hi = 0.95;
  axes_include(&lo, &hi, 2.0, false); /* a 2 s target beyond latencies under 1 s */
  assert_true(lo == 0.4 && hi > 2.0);
  lo = 9000, hi = 11500;
  axes_include(&lo, &hi, 10000, false); /* inside: unchanged */
  assert_true(lo == 9000 && hi == 11500);
  lo = 1e-3, hi = 1e-1;
  axes_include(&lo, &hi, 10, true);
  assert_double_equal(hi, 12, 1e-12);
  axes_include(&lo, &hi, NAN, true);
  assert_double_equal(hi, 12, 1e-12);
}

static void test_axes_label_position(void **state)
{
  (void)state;
  assert_double_equal(axes_position(0.94, 0, 1, false), 0.94, 1e-12); /* right-aligned */
  assert_double_equal(axes_position(10, 1, 100, true), 0.5, 1e-12);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_axes_time_unit_follows_the_span),
    cmocka_unit_test(test_axes_log_for_decades_only),
    cmocka_unit_test(test_axes_target_stays_in_view),
    cmocka_unit_test(test_axes_label_position),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
