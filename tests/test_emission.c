/* test_emission.c: each emission schedule against its closed form or published figure. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "protocols/token/emission.h"
#include "testutil.h"

static double cumulative(enum emission_kind kind, double t)
{
  struct emission_params p;
  emission_params_default(&p, kind);
  return emission_schedule_of(kind)->cumulative(&p, t);
}

/* io.net docs: hour 1 emits 500M x 8%/8760 = 4,566.21 IO. */
static void test_emission_ionet_hour_one(void **state)
{
  (void)state;
  struct emission_params p;
  struct emission e;
  emission_params_default(&p, EMISSION_IONET);
  emission_init(&e, &p);
  assert_rel(emission_epoch(&e, 0, 3600, 0), 500e6 * 0.08 / 8760.0, 1e-9);
  assert_rel(emission_epoch(&e, 0, 3600, 0), 4566.21, 1e-6); /* the published rounding */
  /* hour 2 = hour 1 x (1 - 0.0000138869524) */
  assert_rel(emission_epoch(&e, 3600, 7200, 0), 4566.2100456621 * (1 - 0.0000138869524), 1e-9);
}

/* The closed form against the recurrence summed hour by hour. */
static void test_emission_ionet_matches_recurrence(void **state)
{
  (void)state;
  double r = 0.08 / 8760.0, sum = 0;
  for (int t = 1; t <= 20000; t++) {
    sum += 500e6 * r;
    r *= 1 - 0.0000138869524;
  }
  assert_rel(cumulative(EMISSION_IONET, 20000 * 3600.0), sum, 1e-9);
}

/* 300M over 175,319 hourly epochs (io.net docs), then the 800M cap holds the total. The closed
 * form gives 299,999,999.93 at epoch 175,319: the published figure agrees to 2e-10. */
static void test_emission_ionet_cap(void **state)
{
  (void)state;
  assert_rel(cumulative(EMISSION_IONET, 175319 * 3600.0), 300e6, 1e-9);
  assert_rel(cumulative(EMISSION_IONET, 30 * EMISSION_YEAR_S), 300e6, 1e-12);
  assert_true(cumulative(EMISSION_IONET, 100 * EMISSION_YEAR_S) <= 300e6);
}

/* Bittensor halves at 10.5M, 15.75M, 18.375M of 21M. */
static void test_emission_bittensor_halvings(void **state)
{
  (void)state;
  assert_rel(emission_bittensor_block_reward(1, 21e6, 10.5e6 - 1), 1.0, 1e-12);
  assert_rel(emission_bittensor_block_reward(1, 21e6, 10.5e6), 0.5, 1e-12);
  assert_rel(emission_bittensor_block_reward(1, 21e6, 15.75e6 - 1), 0.5, 1e-12);
  assert_rel(emission_bittensor_block_reward(1, 21e6, 15.75e6), 0.25, 1e-12);
  assert_rel(emission_bittensor_block_reward(1, 21e6, 18.375e6), 0.125, 1e-12);
  assert_true(emission_bittensor_block_reward(1, 21e6, 21e6) == 0.0);
  /* 10.5M blocks of 12 s reach the first halving; two blocks later 1 more TAO (2 x 0.5) */
  assert_rel(cumulative(EMISSION_BITTENSOR, 10.5e6 * 12), 10.5e6, 1e-12);
  assert_rel(cumulative(EMISSION_BITTENSOR, (10.5e6 + 2) * 12), 10.5e6 + 1, 1e-12);
  assert_rel(cumulative(EMISSION_BITTENSOR, (10.5e6 + 10.5e6) * 12), 15.75e6, 1e-12);
  assert_true(cumulative(EMISSION_BITTENSOR, 1e12) <= 21e6);
}

/* Filecoin: half of simple (330M) and, with power on the baseline, half of baseline (770M)
 * after one 6-year half-life; a network with no growth mints less baseline. */
static void test_emission_filecoin_half_life(void **state)
{
  (void)state;
  assert_rel(cumulative(EMISSION_FILECOIN, 6 * EMISSION_YEAR_S), 550e6, 1e-9);
  assert_rel(cumulative(EMISSION_FILECOIN, 12 * EMISSION_YEAR_S), 0.75 * 1100e6, 1e-9);
  struct emission_params p;
  emission_params_default(&p, EMISSION_FILECOIN);
  p.fil_power_growth_per_year = 0; /* flat 2.5 EiB: theta = ln(1 + ln2 t/yr)/ln2 years */
  double t = 3 * EMISSION_YEAR_S, g = M_LN2 / EMISSION_YEAR_S;
  double theta = log1p(g * t) / g, lambda = M_LN2 / (6 * EMISSION_YEAR_S);
  double want = 330e6 * (1 - exp(-lambda * t)) + 770e6 * (1 - exp(-lambda * theta));
  assert_rel(emission_schedule_of(EMISSION_FILECOIN)->cumulative(&p, t), want, 1e-9);
}

/* Helium: target = 6/7 previous + 1/7 today's burn, minted capped at 1,643.8356 a day. */
static void test_emission_helium_net_rule(void **state)
{
  (void)state;
  double target;
  assert_rel(emission_helium_net_day(700, 1400, 1643.8356, &target), 800, 1e-12);
  assert_rel(target, 800, 1e-12);
  assert_rel(emission_helium_net_day(7000, 70000, 1643.8356, &target), 1643.8356, 1e-12);
  assert_rel(target, 16000, 1e-12);

  struct emission_params p;
  struct emission e;
  emission_params_default(&p, EMISSION_HELIUM);
  emission_init(&e, &p);
  double base_day = 5e6 * 12 / 365.0;
  /* day 1 burns 7,000: target 1,000; day 2 burns 0: target 6000/7 */
  assert_rel(emission_epoch(&e, 0, EMISSION_DAY_S, 7000), base_day + 1000, 1e-9);
  assert_rel(emission_epoch(&e, EMISSION_DAY_S, 2 * EMISSION_DAY_S, 0),
             base_day + 6000.0 / 7.0, 1e-9);
  /* a huge burn is capped */
  assert_rel(emission_epoch(&e, 2 * EMISSION_DAY_S, 3 * EMISSION_DAY_S, 1e9),
             base_day + 1643.8356, 1e-9);
  /* base schedule: 60M/year halving every 2 years */
  assert_rel(cumulative(EMISSION_HELIUM, 2 * EMISSION_YEAR_S), 120e6, 1e-12);
  assert_rel(cumulative(EMISSION_HELIUM, 4 * EMISSION_YEAR_S), 180e6, 1e-12);
  assert_rel(cumulative(EMISSION_HELIUM, 5 * EMISSION_YEAR_S), 195e6, 1e-12);
}

/* Render: 9,126,804 in year 1, 5.9M a year for years 2-5, then x0.945 a year. */
static void test_emission_render_years(void **state)
{
  (void)state;
  assert_rel(cumulative(EMISSION_RENDER_BME, EMISSION_YEAR_S), 9126804, 1e-12);
  assert_rel(cumulative(EMISSION_RENDER_BME, EMISSION_YEAR_S / 12), 760567, 1e-6);
  double five = 9126804 + 4 * 5.9e6;
  assert_rel(cumulative(EMISSION_RENDER_BME, 5 * EMISSION_YEAR_S), five, 1e-12);
  assert_rel(cumulative(EMISSION_RENDER_BME, 7.5 * EMISSION_YEAR_S),
             five + 5.9e6 * 0.945 + 5.9e6 * 0.945 * 0.945 + 0.5 * 5.9e6 * pow(0.945, 3), 1e-12);
}

static void test_emission_custom_curves(void **state)
{
  (void)state;
  struct emission_params p;
  emission_params_default(&p, EMISSION_CUSTOM);
  const struct emission_schedule *s = emission_schedule_of(EMISSION_CUSTOM);
  p.custom_rate0_tokens_per_year = 1e6;
  p.curve = EMISSION_CONSTANT;
  assert_rel(s->cumulative(&p, 3 * EMISSION_YEAR_S), 3e6, 1e-12);
  p.curve = EMISSION_EXPONENTIAL;
  p.custom_decay_per_year = 0.5;
  assert_rel(s->cumulative(&p, 2 * EMISSION_YEAR_S), 1e6 / 0.5 * (1 - exp(-1.0)), 1e-9);
  p.curve = EMISSION_HALVING;
  p.custom_halving_s = EMISSION_YEAR_S;
  assert_rel(s->cumulative(&p, 2.5 * EMISSION_YEAR_S), 1e6 + 0.5e6 + 0.125e6, 1e-12);
  p.custom_cap_tokens = 1.2e6;
  assert_rel(s->cumulative(&p, 2.5 * EMISSION_YEAR_S), 1.2e6, 1e-12);
  assert_null(emission_params_check(&p));
  p.split.operators = 0.5;
  assert_non_null(emission_params_check(&p));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_emission_ionet_hour_one),
    cmocka_unit_test(test_emission_ionet_matches_recurrence),
    cmocka_unit_test(test_emission_ionet_cap),
    cmocka_unit_test(test_emission_bittensor_halvings),
    cmocka_unit_test(test_emission_filecoin_half_life),
    cmocka_unit_test(test_emission_helium_net_rule),
    cmocka_unit_test(test_emission_render_years),
    cmocka_unit_test(test_emission_custom_curves),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
