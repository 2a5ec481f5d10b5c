/* test_inequality.c: Gini and Nakamoto coefficients on vectors with known values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/inequality.h"
#include "testutil.h"

static void test_inequality_gini_known(void **state)
{
  (void)state;
  double s[10];
  double equal[] = {3, 3, 3, 3}, one[] = {0, 0, 0, 1}, ramp[] = {4, 1, 3, 2}, zero[] = {0, 0};
  assert_true(inequality_gini(equal, 4, s) == 0.0);
  assert_rel(inequality_gini(one, 4, s), 0.75, 1e-12);  /* (n-1)/n */
  assert_rel(inequality_gini(ramp, 4, s), 0.25, 1e-12); /* 2*30/(4*10) - 5/4 */
  assert_true(inequality_gini(zero, 2, s) == 0.0);
  assert_true(ramp[0] == 4); /* input left as it was */
}

static void test_inequality_nakamoto_known(void **state)
{
  (void)state;
  double s[10], ramp[] = {1, 2, 3, 4}, equal[10];
  for (int i = 0; i < 10; i++)
    equal[i] = 1;
  assert_int_equal(inequality_nakamoto(ramp, 4, 0.5, s), 2);  /* 4 + 3 = 70% > 50% */
  assert_int_equal(inequality_nakamoto(equal, 10, 0.5, s), 6);
  assert_int_equal(inequality_nakamoto(equal, 10, 1.0 / 3, s), 4);
  assert_int_equal(inequality_nakamoto(ramp, 0, 0.5, s), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_inequality_gini_known),
    cmocka_unit_test(test_inequality_nakamoto_known),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
