/* test_amm.c: the constant-product pool and the fixed-price market. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/amm.h"
#include "testutil.h"

static void test_amm_constant_product(void **state)
{
  (void)state;
  struct amm a;
  amm_init_pool(&a, 2e6, 2.0, 0.0);
  assert_rel(amm_price(&a), 2.0, 1e-12);
  double k = a.tokens * a.usd;
  double usd = amm_sell(&a, 100000); /* 500k + 100k tokens: usd = 1e6 * 100k / 600k */
  assert_rel(usd, 1e6 / 6, 1e-12);
  assert_rel(a.tokens * a.usd, k, 1e-12);
  double tokens = amm_buy(&a, usd); /* buying back with the same USD restores the pool */
  assert_rel(tokens, 100000, 1e-12);
  assert_rel(amm_price(&a), 2.0, 1e-12);
}

/* Selling 1e300 tokens, then more, one epoch at a time: price stays >= 0, finite, not NaN,
 * and the USD reserve never goes negative. */
static void test_amm_extreme_sell_pressure(void **state)
{
  (void)state;
  struct amm a;
  amm_init_pool(&a, 1e3, 1.0, AMM_UNISWAP_V2_FEE);
  double paid = 0;
  for (int i = 0; i < 1000; i++) {
    paid += amm_sell(&a, i < 500 ? 1e12 * (i + 1) : 1e300);
    double p = amm_price(&a);
    assert_false(isnan(p));
    assert_true(p >= 0 && isfinite(p));
    assert_true(a.usd > 0 && a.tokens > 0);
  }
  assert_true(paid < 1e3 / 2);
  double before = a.tokens, got = amm_buy(&a, 1e300);
  assert_true(got <= before && a.tokens > 0 && !isnan(amm_price(&a)));
  assert_false(isnan(amm_price(&a)));
}

static void test_amm_fixed_price(void **state)
{
  (void)state;
  struct amm a;
  amm_init_fixed(&a, 0.5, 100);
  assert_rel(amm_sell(&a, 1e9), 5e8, 1e-12);
  assert_rel(amm_price(&a), 0.5, 1e-12);
  amm_init_fixed(&a, 0.5, 100);
  assert_rel(amm_buy(&a, 1000), 100, 1e-12); /* at most what it holds */
  assert_true(a.tokens == 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_amm_constant_product),
    cmocka_unit_test(test_amm_extreme_sell_pressure),
    cmocka_unit_test(test_amm_fixed_price),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
