/* test_pinpoint.c: the dispute's bisection finds the diverging step in ceil(log2 n) rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "protocols/verify/pinpoint.h"
#include "testutil.h"

/* Every range up to 600 steps and every diverging step: the step found is the diverging one
 * and the rounds are ceil(log2 n), computed here in floating point as the issue states it. */
static void test_pinpoint_rounds_are_ceil_log2_n(void **state)
{
  (void)state;
  for (size_t n = 1; n <= 600; n++) {
    unsigned want = n == 1 ? 0 : (unsigned)ceil(log2((double)n) - 1e-12);
    assert_int_equal(pinpoint_rounds(n), want);
    for (size_t bad = 0; bad < n; bad++) {
      struct pinpoint_result r = pinpoint_bisect(n, bad);
      assert_int_equal(r.index, bad);
      assert_int_equal(r.rounds, want);
    }
  }
  /* Large ranges: a whole training run's steps, a transformer step's operators. */
  assert_int_equal(pinpoint_bisect(1000000, 777777).rounds, 20);
  assert_int_equal(pinpoint_bisect((size_t)1 << 20, 0).rounds, 20);
  assert_int_equal(pinpoint_bisect(((size_t)1 << 20) + 1, 5).rounds, 21);
}

/* Each round re-executes from the agreed state to the midpoint: for a power of two and the
 * last step diverging that is n/2 + n/4 + ... + 1 = n - 1 steps; for the first step diverging
 * it is n/2 + n/4 + ... + 1 as well (each round again from state 0). Never more than n per
 * round, so the whole dispute re-runs fewer than n x rounds steps. */
static void test_pinpoint_recompute_is_bounded(void **state)
{
  (void)state;
  assert_double_equal(pinpoint_bisect(1024, 1023).recomputed, 1023, 0);
  assert_double_equal(pinpoint_bisect(1024, 0).recomputed, 1023, 0);
  for (size_t n = 2; n < 200; n += 7)
    for (size_t bad = 0; bad < n; bad += 3)
      assert_true(pinpoint_bisect(n, bad).recomputed < (double)n * pinpoint_rounds(n) + 1e-9);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pinpoint_rounds_are_ceil_log2_n),
    cmocka_unit_test(test_pinpoint_recompute_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
