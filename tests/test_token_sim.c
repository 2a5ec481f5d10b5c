/* test_token_sim.c: the epoch loop as a whole: conservation at every epoch for every kind,
 * operators leaving and joining on revenue, sybils caught, slashing through the event API,
 * Yuma starving sybils, a price that survives extreme sell pressure, and protocol rewards and
 * fees in tokens reaching operators' income through their pools. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "protocols/token/token_sim.h"
#include "testutil.h"

static const struct token_class classes[] = {
  {.name = "dc-h100", .count = 50, .gpus_per_node = 8, .cost_per_gpu_hour = 2.10,
   .stake_per_node = 16000, .sybil_fraction = 0, .availability = 0.997, .multiplier = 10},
  {.name = "home-4090", .count = 400, .gpus_per_node = 1, .cost_per_gpu_hour = 0.28,
   .stake_per_node = 200, .sybil_fraction = 0.1, .availability = 0.8, .multiplier = 1},
};

struct watch {
  size_t epochs, not_conserved, bad_price;
  double min_price;
  long max_operators, min_operators, caught;
};

static void watch_epoch(const struct token_epoch *e, void *ctx)
{
  struct watch *w = ctx;
  w->epochs++;
  if (!e->conserved)
    w->not_conserved++;
  if (!(e->price >= 0) || !isfinite(e->price))
    w->bad_price++;
  if (e->price < w->min_price)
    w->min_price = e->price;
  if (e->operators > w->max_operators)
    w->max_operators = e->operators;
  if (e->operators < w->min_operators)
    w->min_operators = e->operators;
  w->caught += e->caught;
}

static struct watch run(const struct token_config *c, struct token_summary *sum)
{
  struct watch w = {.min_price = INFINITY, .min_operators = 1L << 40};
  token_sim_t *s = token_sim_new(c);
  assert_non_null(s);
  token_sim_run(s, watch_epoch, &w);
  if (sum)
    assert_true(token_sim_summary(s, sum));
  token_sim_free(s);
  return w;
}

static void config(struct token_config *c, enum emission_kind kind, double years)
{
  token_config_default(c, kind);
  c->classes = classes;
  c->n_classes = 2;
  c->horizon_s = years * EMISSION_YEAR_S;
  c->epoch_s = EMISSION_DAY_S;
}

/* minted = held + burned + treasury after every epoch, for every emission kind, with
 * allocations vesting, a treasury burning cash and the controller on for one of them. */
static void test_token_sim_conservation(void **state)
{
  (void)state;
  for (int k = 0; k < EMISSION_KIND_COUNT; k++) {
    struct token_config c;
    config(&c, (enum emission_kind)k, 3);
    c.alloc[TOKEN_ALLOC_INVESTORS].share = 0.2;
    c.alloc[TOKEN_ALLOC_FOUNDATION].share = 0.1;
    c.alloc[TOKEN_ALLOC_INCENTIVES].share = 0.1;
    c.treasury_burn_usd_per_month = 1e5;
    c.buy_usd_per_day = 1e4;
    if (k == EMISSION_CUSTOM)
      c.control = TOKEN_CONTROL_APR;
    struct watch w = run(&c, NULL);
    assert_int_equal(w.epochs, 3 * 365);
    if (w.not_conserved)
      fail_msg("%s: %zu epochs not conserved", emission_kind_names[k], w.not_conserved);
    assert_int_equal(w.bad_price, 0);
  }
}

/* Everyone sells everything into a thin pool while emissions are huge: the price falls but
 * stays positive, finite and not NaN. */
static void test_token_sim_price_survives_dumping(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_CUSTOM, 5);
  c.emission.custom_rate0_tokens_per_year = 1e15;
  c.sell_fraction = 1.0;
  c.pool_depth_usd = 1e3;
  c.investor_sell_per_day = 1.0;
  c.alloc[TOKEN_ALLOC_INVESTORS] = (struct token_allocation){0.5, 0, 0};
  struct watch w = run(&c, NULL);
  assert_int_equal(w.bad_price, 0);
  assert_true(w.min_price >= 0 && w.min_price < 1e-6);
  assert_int_equal(w.not_conserved, 0);
}

/* With no emission and no demand, revenue is 0 < cost: every honest operator leaves after the
 * patience window; sybils stay until caught. With rich rewards, operators join. */
static void test_token_sim_exit_and_entry(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_CUSTOM, 0.5);
  c.emission.custom_rate0_tokens_per_year = 0;
  c.demand_gpu_h_per_h = 0;
  c.sybil_detect_prob = 0;
  struct watch w = run(&c, NULL);
  assert_int_equal(w.min_operators, 40); /* the 10% sybils of home-4090 */
  config(&c, EMISSION_CUSTOM, 0.5);
  c.emission.custom_rate0_tokens_per_year = 1e9;
  w = run(&c, NULL);
  assert_true(w.max_operators > 450 + 100);
}

/* Sybils are caught by the hourly checks (p = 0.5: a few hours) and removed and slashed. */
static void test_token_sim_sybils_caught(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  c.epoch_s = EMISSION_HOUR_S;
  c.entry_rate_per_s = 0;
  struct watch w = run(&c, NULL);
  assert_int_equal(w.caught, 40);
}

/* A fault through the event API slashes half the stake: 25% of it burned, 12.5% to the
 * whistleblower, 12.5% to the treasury (defaults 0.5 x 0.5/0.25/0.25); the operator falls
 * below its required stake and stops earning. */
static void test_token_sim_fault_slashes(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  token_sim_t *s = token_sim_new(&c);
  assert_non_null(s);
  const struct token_books *b = token_sim_books(s);
  double staked = b->balance[BOOK_STAKED], burned = b->balance[BOOK_BURNED];
  double treasury = b->balance[BOOK_TREASURY];
  token_sim_fault(s, 0);
  assert_true(fabs(b->balance[BOOK_STAKED] - (staked - 8000)) < 1e-6);
  assert_true(fabs(b->balance[BOOK_BURNED] - burned - 4000) < 1e-6);
  assert_true(fabs(b->balance[BOOK_TREASURY] - treasury - 2000) < 1e-6);
  assert_true(token_books_conserved(b, 1e-12));
  token_sim_step(s);
  const operators_t *o = token_sim_operators(s);
  assert_true(operators_tokens(o, 0) == 0);
  assert_true(operators_tokens(o, 1) > 0);
  token_sim_payment(s, 1, 100);
  token_sim_step(s);
  assert_true(o->usd[1] > 0);
  token_sim_free(s);
}

/* Bittensor: three quarters of the validators weight work, so sybils (no real GPUs) get no
 * consensus and no incentive; with every validator lazy they are paid for what they claim. */
static void test_token_sim_yuma_starves_sybils(void **state)
{
  (void)state;
  struct token_config c;
  struct token_summary sum;
  config(&c, EMISSION_BITTENSOR, 0.2);
  c.sybil_detect_prob = 0;
  run(&c, &sum);
  assert_true(sum.sybil_reward_share < 1e-12);
  c.lazy_validator_share = 1.0;
  run(&c, &sum);
  assert_true(sum.sybil_reward_share > 0.01);
  assert_true(sum.gini_rewards > 0 && sum.gini_rewards < 1);
  assert_true(sum.nakamoto_rewards >= 1);
}

/* The emission controller steers APR to its setpoint: with a fixed price, no entries or
 * exits and a fixed stake, APR is proportional to the emission rate, and the PI loop must
 * settle there from a schedule that pays far too much. */
static void test_token_sim_controller_reaches_apr(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_CUSTOM, 2);
  c.price_fixed = true;
  c.entry_rate_per_s = 0;
  c.patience_s = 100 * EMISSION_YEAR_S;
  c.sybil_detect_prob = 0;
  c.emission.custom_rate0_tokens_per_year = 1e8;
  c.control = TOKEN_CONTROL_APR;
  c.control_setpoint = 0.3;
  /* the launch APR is ~113 (1e8 tokens a year on 880k staked), so the loop gain is 113 x the
   * controller's: kp 0.001 and ki 0.002 make it a contraction (1 - 113 x 0.002 = 0.77) */
  c.kp = 0.001;
  c.ki = 0.002;
  token_sim_t *s = token_sim_new(&c);
  assert_non_null(s);
  token_sim_run(s, NULL, NULL);
  double apr = token_sim_last(s)->apr;
  token_sim_free(s);
  if (fabs(apr - 0.3) > 1e-3)
    fail_msg("APR %.6f, setpoint 0.3", apr);
}

/* Two simulations one epoch on, the second after `fee` tokens paid into the PoDAS pool and a
 * reward of `reward` tokens to operator 3 (an 8-GPU H100 node): returns them for comparison. */
static void twins(struct token_config *c, double fee, double reward, token_sim_t **a,
                  token_sim_t **b)
{
  *a = token_sim_new(c);
  *b = token_sim_new(c);
  assert_non_null(*a);
  assert_non_null(*b);
  token_sim_fee(*b, TOKEN_REWARD_PODAS, fee);
  assert_double_equal(token_sim_reward(*b, 3, TOKEN_REWARD_PODAS, reward), reward, 0);
  assert_true(token_sim_step(*a));
  assert_true(token_sim_step(*b));
}

/* A protocol reward is the operator's own token income: operator 3 ends the epoch with exactly
 * the reward more than in a twin run without it, its class's revenue per GPU-hour rises by the
 * reward at the epoch's price over the class's 400 GPUs and 24 hours, the tokens come out of
 * the pool its fee filled (the rest stays in escrow), and operators sell their sell_fraction of
 * it as they do of emissions. */
static void test_token_sim_reward_is_operator_income(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  c.sell_fraction = 0; /* no sale: both twins keep one price */
  token_sim_t *a, *b;
  twins(&c, 1000, 500, &a, &b);
  const struct token_epoch *ea = token_sim_last(a), *eb = token_sim_last(b);
  assert_double_equal(operators_tokens(token_sim_operators(b), 3) -
                        operators_tokens(token_sim_operators(a), 3), 500, 1e-6);
  assert_double_equal(eb->price, ea->price, 1e-12 * ea->price);
  assert_double_equal(eb->class_revenue_usd_per_gpu_h[0] - ea->class_revenue_usd_per_gpu_h[0],
                      500 * eb->price / 400 / 24, 1e-9);
  assert_double_equal(eb->protocol_rewards[TOKEN_REWARD_PODAS], 500, 0);
  assert_double_equal(eb->protocol_rewards[TOKEN_REWARD_PORA], 0, 0);
  assert_double_equal(eb->protocol_fees, 1000, 0);
  assert_double_equal(eb->escrow, 500, 1e-9);
  assert_double_equal(eb->rewards_minted, 0, 0);
  assert_true(eb->conserved && eb->apr > ea->apr);
  assert_double_equal(token_sim_books(b)->balance[BOOK_OPERATORS] -
                        token_sim_books(a)->balance[BOOK_OPERATORS], 500, 1e-6);
  token_sim_free(a);
  token_sim_free(b);
  c.sell_fraction = 0.5;
  twins(&c, 1000, 500, &a, &b);
  assert_double_equal(token_sim_books(b)->balance[BOOK_OPERATORS] -
                        token_sim_books(a)->balance[BOOK_OPERATORS], 250, 1e-6);
  assert_true(token_sim_last(b)->price < token_sim_last(a)->price);
  token_sim_free(a);
  token_sim_free(b);
}

/* Bad rewards and fees change nothing: negative, NaN and infinite amounts, an unknown source,
 * an operator that does not exist or has left. */
static void test_token_sim_reward_bad_values_ignored(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  token_sim_t *s = token_sim_new(&c);
  assert_non_null(s);
  struct token_books before = *token_sim_books(s);
  double bad[] = {-1, 0, NAN, INFINITY};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_true(token_sim_reward(s, 3, TOKEN_REWARD_PODAS, bad[i]) == 0);
    token_sim_fee(s, TOKEN_REWARD_PORA, bad[i]);
  }
  assert_true(token_sim_reward(s, 3, TOKEN_REWARD_SOURCES, 10) == 0);
  assert_true(token_sim_reward(s, 100000, TOKEN_REWARD_PORA, 10) == 0);
  token_sim_fee(s, TOKEN_REWARD_SOURCES, 10);
  token_sim_evict(s, 5);
  assert_true(token_sim_reward(s, 5, TOKEN_REWARD_PORA, 10) == 0);
  assert_double_equal(token_sim_books(s)->balance[BOOK_PROTOCOL], 0, 0);
  assert_double_equal(token_sim_books(s)->balance[BOOK_MARKET], before.balance[BOOK_MARKET], 0);
  token_sim_step(s);
  const struct token_epoch *e = token_sim_last(s);
  assert_true(e->protocol_rewards[TOKEN_REWARD_PODAS] == 0 &&
              e->protocol_rewards[TOKEN_REWARD_PORA] == 0 && e->protocol_fees == 0);
  token_sim_free(s);
}

/* Each protocol pays from its own pool: a PoDAS reward finds no PoDAS fees and is minted
 * (counted apart from the emission) even though the PoRA pool holds fees; a PoRA reward is
 * paid from the PoRA fees. Books stay conserved. */
static void test_token_sim_reward_beyond_its_pool_is_minted(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  token_sim_t *s = token_sim_new(&c);
  assert_non_null(s);
  token_sim_fee(s, TOKEN_REWARD_PORA, 100);
  token_sim_reward(s, 3, TOKEN_REWARD_PODAS, 300);
  token_sim_reward(s, 60, TOKEN_REWARD_PORA, 40);
  double minted0 = token_sim_books(s)->minted;
  token_sim_step(s);
  const struct token_epoch *e = token_sim_last(s);
  assert_double_equal(e->rewards_minted, 300, 1e-9);
  assert_double_equal(e->escrow, 60, 1e-9);
  assert_double_equal(token_sim_books(s)->minted - minted0, e->minted + 300, 1e-6);
  assert_true(e->conserved);
  token_sim_free(s);
}

/* Users whose free float is gone (all of genesis locked in allocations) buy their fees in the
 * market: the whole fee reaches the pool and the price rises against a twin without it. */
static void test_token_sim_fee_without_float_is_bought(void **state)
{
  (void)state;
  struct token_config c;
  config(&c, EMISSION_IONET, 0.1);
  c.alloc[TOKEN_ALLOC_INVESTORS].share = 1;
  token_sim_t *a = token_sim_new(&c), *b = token_sim_new(&c);
  assert_non_null(a);
  assert_non_null(b);
  assert_true(token_sim_books(b)->balance[BOOK_MARKET] < 1e-6);
  token_sim_fee(b, TOKEN_REWARD_PORA, 1e5);
  assert_double_equal(token_sim_books(b)->balance[BOOK_PROTOCOL], 1e5, 1e-6);
  token_sim_step(a);
  token_sim_step(b);
  assert_true(token_sim_last(b)->price > token_sim_last(a)->price * 1.01);
  assert_true(token_sim_last(b)->conserved);
  token_sim_free(a);
  token_sim_free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_token_sim_conservation),
    cmocka_unit_test(test_token_sim_price_survives_dumping),
    cmocka_unit_test(test_token_sim_exit_and_entry),
    cmocka_unit_test(test_token_sim_sybils_caught),
    cmocka_unit_test(test_token_sim_fault_slashes),
    cmocka_unit_test(test_token_sim_yuma_starves_sybils),
    cmocka_unit_test(test_token_sim_controller_reaches_apr),
    cmocka_unit_test(test_token_sim_reward_is_operator_income),
    cmocka_unit_test(test_token_sim_reward_bad_values_ignored),
    cmocka_unit_test(test_token_sim_reward_beyond_its_pool_is_minted),
    cmocka_unit_test(test_token_sim_fee_without_float_is_bought),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
