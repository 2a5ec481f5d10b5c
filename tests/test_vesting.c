/* test_vesting.c: allocation cliffs, linear vesting and Filecoin's 25/75 reward stream. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/emission.h"
#include "protocols/token/vesting.h"
#include "testutil.h"

static void test_vesting_cliff(void **state)
{
  (void)state;
  const double year = 365 * 86400.0;
  struct vesting_schedule v = {.total = 1000, .start_s = 0, .cliff_s = year, .duration_s = 4 * year};
  assert_true(vesting_unlocked(&v, 0) == 0);
  assert_true(vesting_unlocked(&v, year - 1) == 0);
  assert_rel(vesting_unlocked(&v, year), 250, 1e-12); /* the cliff releases what accrued */
  assert_rel(vesting_unlocked(&v, 2 * year), 500, 1e-12);
  assert_rel(vesting_unlocked(&v, 10 * year), 1000, 1e-12);
  v.duration_s = 0;
  assert_rel(vesting_unlocked(&v, year), 1000, 1e-12);
}

/* A daily stream of 180 epochs: a reward of R pays 0.25 R now (the caller's part) and the
 * 0.75 R locked releases 0.75 R / 180 on each of the next 180 days, then nothing. */
static void test_vesting_filecoin_stream(void **state)
{
  (void)state;
  size_t n = (size_t)(EMISSION_FILECOIN_VEST_S / EMISSION_DAY_S);
  assert_int_equal(n, 180);
  vesting_stream_t *s = vesting_stream_new(n);
  assert_non_null(s);
  double reward = 1000, locked = reward * (1 - EMISSION_FILECOIN_IMMEDIATE_SHARE);
  assert_true(vesting_stream_step(s, locked) == 0);
  double total = 0;
  for (size_t d = 1; d <= n; d++) {
    double r = vesting_stream_step(s, 0);
    assert_rel(r, 750.0 / 180, 1e-9);
    total += r;
  }
  assert_rel(total, 750, 1e-9);
  assert_true(vesting_stream_step(s, 0) < 1e-9);
  assert_true(vesting_stream_locked(s) < 1e-9);
  vesting_stream_free(s);
  vesting_stream_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vesting_cliff),
    cmocka_unit_test(test_vesting_filecoin_stream),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
