/* test_token_layer.c: the token layer's scenario section (bad input reported with its
 * position and a suggestion), a whole run whose emission must match io.net's closed form, the
 * event API (payments, faults, protocol rewards and fees) and the 0G layers' rewards reaching
 * the token economy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/emission.h"
#include "protocols/token/token_layer.h"
#include "protocols/token/token_layer_private.h"
#include "sim/base/diag.h"
#include "sim/engine/world.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

#define PROVIDERS                                                                        \
  "name: t\n"                                                                            \
  "duration: 2min\n"                                                                     \
  "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"              \
  "regions: [{name: here, backbone: 10Gbps}]\n"                                          \
  "providers:\n"                                                                         \
  "  - {class: dc-h100, count: 20, gpu: H100-SXM, gpus_per_node: 8, region: here,\n"     \
  "     uplink: 1Gbps, downlink: 1Gbps, latency: 1ms, cost_per_hour: 2.10, stake: 16000,\n" \
  "     availability: {mtbf: 720h, mttr: 2h}}\n"                                         \
  "  - {class: home-4090, count: 200, gpu: RTX-4090, gpus_per_node: 1, region: here,\n"  \
  "     uplink: 50Mbps, downlink: 500Mbps, latency: 15ms, cost_per_hour: 0.28,\n"       \
  "     stake: 200, sybil_fraction: 0.05}\n"

static void print_diag(const diag_t *d)
{
  for (size_t i = 0; i < diag_count(d); i++)
    print_message("diag: %s\n", diag_line(d, i));
}

static void assert_has(const diag_t *d, const char *needle)
{
  if (!diag_contains(d, needle)) {
    print_diag(d);
    fail_msg("no diagnostic contains \"%s\"", needle);
  }
}

/* Every problem of the section is reported at once, each with its line:col and key path. */
static void test_token_layer_bad_input(void **state)
{
  (void)state;
  const char *text = PROVIDERS
    "token:\n"                                           /* line 12 */
    "  emission: {kind: io.net, decay_per_hour: 2, year_tokens: [1]}\n"
    "  sell_fracton: 0.5\n"
    "  price: {kind: amn}\n"
    "  operators: {patience: 3, entry_rate: 10/h}\n"
    "  staking: {multiplier: {dc-h10: 10}}\n";
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_EINVAL);
  assert_null(sc);
  assert_has(d, "s.yaml:14:3: token.sell_fracton: unknown key 'sell_fracton' (did you mean "
                "'sell_fraction'?)");
  /* each kind accepts only its own parameters */
  assert_has(d, "s.yaml:13:47: token.emission.year_tokens: unknown key 'year_tokens' "
                "(allowed: kind, genesis, split, base, r1_per_hour, decay_per_hour, cap)");
  assert_has(d, "s.yaml:13:44: token.emission.decay_per_hour: '2' is out of range");
  assert_has(d, "s.yaml:15:17: token.price.kind: unknown value 'amn' (did you mean 'amm'?)");
  assert_has(d, "s.yaml:16:25: token.operators.patience: '3': a time needs a unit");
  diag_free(d);
}

/* Nested keys of the token section take --set like any other section's, even when the file
 * does not have their mapping (issue 15: "no key 'fees' in 'token'"). */
static void test_token_layer_set_nested_keys(void **state)
{
  (void)state;
  const char *overrides[] = {"token.fees.buyback_share=0.3", "token.operators.patience=5d"};
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", PROVIDERS "token: {}\n", overrides, 2,
                                        registry_layers(), d, &sc), DEPIN_OK);
  const struct token_conf *tc = scenario_layer_conf(sc, "token");
  assert_double_equal(tc->c.fees.buyback_share, 0.3, 0);
  assert_double_equal(tc->c.patience_s, 5 * 86400.0, 0);
  scenario_free(sc);
  diag_free(d);
}

/* A class named in staking.multiplier must exist (checked once the core sections are read). */
static void test_token_layer_unknown_class(void **state)
{
  (void)state;
  const char *text = PROVIDERS "token: {staking: {multiplier: {dc-h10: 10}}}\n";
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_EINVAL);
  assert_has(d, "s.yaml:12:40: token.staking.multiplier.dc-h10: no provider class 'dc-h10'");
  assert_int_equal(diag_error_count(d), 1);
  diag_free(d);
  d = diag_new();
  text = PROVIDERS "token: {staking: {multiplier: {dc-h100: 10}}, horizon: 30d, epoch: 1d}\n";
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_OK);
  scenario_free(sc);
  diag_free(d);
  /* no horizon: the run's two minutes, even with hourly epochs */
  d = diag_new();
  text = PROVIDERS "token: {epoch: 1h}\n";
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_OK);
  scenario_free(sc);
  diag_free(d);
}

/* A two-minute network run with a one-year daily token horizon: the emission over the year
 * must be io.net's closed form 500M r1 (1 - q^8760) / (1 - q), supply = genesis + minted -
 * burned, every epoch conserved, and the reward inequality in range. */
static void test_token_layer_run_matches_closed_form(void **state)
{
  (void)state;
  const char *text = PROVIDERS
    "token:\n"
    "  emission: {kind: io.net}\n"
    "  price: {kind: amm, pool_depth_usd: 5e6, initial: 2.0}\n"
    "  operators: {patience: 72h, entry_rate: 10/h}\n"
    "  staking: {multiplier: {dc-h100: 10}}\n"
    "  epoch: 1d\n"
    "  horizon: 365d\n";
  char *h5 = test_run_text(text, "");
  double minted, burned, supply, conserved, gini, nakamoto, cost;
  assert_int_equal(test_read_summary(h5, "token_minted_total", &minted), 0);
  assert_int_equal(test_read_summary(h5, "token_burned_total", &burned), 0);
  assert_int_equal(test_read_summary(h5, "token_supply_final", &supply), 0);
  assert_int_equal(test_read_summary(h5, "token_conserved", &conserved), 0);
  assert_int_equal(test_read_summary(h5, "gini_rewards", &gini), 0);
  assert_int_equal(test_read_summary(h5, "nakamoto_rewards", &nakamoto), 0);
  assert_int_equal(test_read_summary(h5, "cost_per_gpu_hour", &cost), 0);
  double q = 1 - EMISSION_IONET_DECAY_PER_HOUR;
  double want = 500e6 * (0.08 / 8760) * (1 - pow(q, 8760)) / EMISSION_IONET_DECAY_PER_HOUR;
  assert_true(fabs(minted - want) / want < 1e-9);
  assert_true(fabs(supply - (500e6 + minted - burned)) / supply < 1e-9);
  assert_true(conserved == 1.0);
  assert_true(gini > 0 && gini < 1 && nakamoto >= 1);
  /* users pay cost x (1 + markup 0.2) x (1 + reservation 0.25%) of the classes serving */
  print_message("cost per GPU-hour %.4f USD\n", cost);
  assert_true(cost >= 0.28 * 1.2 * 1.0025 - 1e-9 && cost <= 2.10 * 1.2 * 1.0025 + 1e-9);
  free(h5);
  /* no demand, nothing served: no cost per GPU-hour, not 0 (a target on it fails) */
  h5 = test_run_text(text, "--set token.demand.gpu_hours_per_hour=0");
  assert_int_equal(test_read_summary(h5, "cost_per_gpu_hour", &cost), 0);
  assert_true(isnan(cost));
  free(h5);
}

/* Protocol rewards and fees through the event API: 100 tokens of fees into the PoDAS pool
 * fund a 30-token reward to provider 2; a 7-token PoRA reward at the horizon itself (10 days:
 * the last epoch's end) has no PoRA fees behind it and is minted; bad values, an unknown
 * source or provider and a NULL state are ignored. Selling rewards burns nothing. */
static void record_rewards(struct token_state *st)
{
  token_record_reward(NULL, 0, 2, TOKEN_REWARD_PODAS, 1e6);
  token_record_fee(NULL, 0, TOKEN_REWARD_PODAS, 1e6);
  token_record_fee(st, 10, TOKEN_REWARD_PODAS, 100);
  token_record_reward(st, 20, 2, TOKEN_REWARD_PODAS, 30);
  token_record_reward(st, 10 * 86400.0, 25, TOKEN_REWARD_PORA, 7);
  token_record_reward(st, 20, 2, TOKEN_REWARD_PODAS, -5);
  token_record_reward(st, 20, 2, TOKEN_REWARD_PODAS, NAN);
  token_record_reward(st, 20, 2, TOKEN_REWARD_PODAS, INFINITY);
  token_record_reward(st, -1, 2, TOKEN_REWARD_PODAS, 5);
  token_record_reward(st, 20, 2, TOKEN_REWARD_SOURCES, 5);
  token_record_reward(st, 20, 999999, TOKEN_REWARD_PODAS, 5);
  token_record_fee(st, 20, TOKEN_REWARD_PORA, -5);
  token_record_fee(st, 20, TOKEN_REWARD_SOURCES, 5);
}

static void assert_rewards_reported(metrics_t *m)
{
  double podas, pora, fees, minted, escrow;
  assert_true(metrics_summary_get(m, "token_rewards_podas", &podas));
  assert_true(metrics_summary_get(m, "token_rewards_pora", &pora));
  assert_true(metrics_summary_get(m, "token_protocol_fees", &fees));
  assert_true(metrics_summary_get(m, "token_rewards_minted", &minted));
  assert_true(metrics_summary_get(m, "token_escrow_final", &escrow));
  assert_double_equal(podas, 30, 1e-12);
  assert_double_equal(pora, 7, 1e-12);
  assert_double_equal(fees, 100, 1e-12);
  assert_double_equal(minted, 7, 1e-12);
  assert_double_equal(escrow, 70, 1e-9);
}

/* Events other layers record during the run reach the token economy: a 1M USD payment to
 * provider 0 pays io.net's fees (0.25% reservation on each side and the 2% USDC payment fee,
 * 25,000 USD in all), all spent buying back and burning; a fake-GPU fault of provider 1 (an
 * 8xH100 node staking 16,000) slashes half, a quarter of it (4,000) burned, and removes it.
 * Without synthetic demand or sybil checks nothing else burns. One world per process: this is the
 * program's only SimGrid run. */
static void test_token_layer_events_reach_the_economy(void **state)
{
  (void)state;
  const char *text = PROVIDERS
    "token: {epoch: 1d, horizon: 10d, demand: {gpu_hours_per_hour: 0},\n"
    "        staking: {multiplier: {dc-h100: 10}}, sybil: {detect_prob: 0}}\n";
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_OK);
  int argc = 1;
  char *argv[] = {"test_token_layer", NULL};
  struct world *w = world_new(sc, &argc, argv, d);
  assert_non_null(w);
  world_run(w);
  struct token_state *st = token_layer_state(w);
  assert_non_null(st);
  token_record_payment(st, 0, 0, 1e6);
  token_record_fault(st, 3600, 1, TOKEN_FAULT_FAKE_GPU);
  token_record_payment(st, 0, 999999, 1e6); /* no such provider: ignored */
  record_rewards(st);
  world_finish(w);
  assert_rewards_reported(w->metrics);
  double burned, operators, price;
  assert_true(metrics_summary_get(w->metrics, "token_burned_total", &burned));
  assert_true(metrics_summary_get(w->metrics, "operators_final", &operators));
  assert_true(metrics_summary_get(w->metrics, "token_price_final", &price));
  /* 25,000 USD into a 2.5M USD / 1.25M token pool at 0.3% fee buys 1.25M x 24,925 /
   * 2,524,925 tokens; the price only moves by operators' sales afterwards */
  double bought = 1.25e6 * (25000 * 0.997) / (2.5e6 + 25000 * 0.997);
  print_message("burned %.1f (buy-back %.1f + slash 4000), operators %g\n", burned, bought,
                operators);
  assert_true(fabs(burned - (bought + 4000)) < 1e-6 * burned);
  assert_true(operators >= 1);
  world_free(w);
  scenario_free(sc);
  diag_free(d);
}

/* A small run with both 0G layers and a token section of 30 s epochs: what the token layer
 * reports as paid by PoDAS and PoRA (summed from the epochs of its simulation, after the
 * events' trip through recording, sorting, provider-to-operator mapping and replay) equals
 * what the DA and storage layers paid by their own counts, the fees both filled their pools
 * with are there, and the escrow holds the fees less the rewards (none minted: both pay only
 * from their pools). */
static void test_token_layer_protocol_rewards_match_da_and_storage(void **state)
{
  (void)state;
  const char *text =
    "name: rewards\n"
    "seed: 5\n"
    "duration: 2min\n"
    "warmup: 20s\n"
    "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"
    "regions: [{name: r, backbone: 400Gbps}]\n"
    "providers:\n"
    "  - {class: submitter, count: 1, gpu: H100-SXM, region: r, uplink: 10Gbps,\n"
    "     downlink: 10Gbps, latency: 1ms, stake: 0}\n"
    "  - {class: da-node, count: 96, gpu: RTX-4090, region: r, uplink: 1Gbps,\n"
    "     downlink: 1Gbps, latency: 1ms, stake: 10}\n"
    "  - {class: disk, count: 20, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps,\n"
    "     latency: 2ms}\n"
    "workload:\n"
    "  blobs: {rate: 4/s, size: 1015804B}\n"
    "da:\n"
    "  quorum_slots: 96\n"
    "  coding: {data_rows: 32, rows: 96, row_bytes: 32KiB}\n"
    "  submitters: submitter\n"
    "  signers: [da-node]\n"
    "  write_bandwidth: 1GB/s\n"
    "  sampling: {period_blocks: 10, pool_divisor: 1000}\n"
    "storage:\n"
    "  nodes: disk\n"
    "  writes: {rate: 20/s, size: 4MiB}\n"
    "  mining_period: 10s\n"
    "  lifetime: 1d\n"
    "token:\n"
    "  emission: {kind: custom, rate_per_year: 0}\n"
    "  demand: {gpu_hours_per_hour: 0}\n"
    "  epoch: 30s\n";
  char *h5 = test_run_text(text, "");
  double podas, pora, sampling_paid, mining_paid, fees, minted, escrow, conserved;
  assert_int_equal(test_read_summary(h5, "token_rewards_podas", &podas), 0);
  assert_int_equal(test_read_summary(h5, "token_rewards_pora", &pora), 0);
  assert_int_equal(test_read_summary(h5, "sampling_paid", &sampling_paid), 0);
  assert_int_equal(test_read_summary(h5, "mining_paid", &mining_paid), 0);
  assert_int_equal(test_read_summary(h5, "token_protocol_fees", &fees), 0);
  assert_int_equal(test_read_summary(h5, "token_rewards_minted", &minted), 0);
  assert_int_equal(test_read_summary(h5, "token_escrow_final", &escrow), 0);
  assert_int_equal(test_read_summary(h5, "token_conserved", &conserved), 0);
  print_message("PoDAS %.9g (DA %.9g), PoRA %.9g (storage %.9g), fees %.9g, escrow %.9g\n",
                podas, sampling_paid, pora, mining_paid, fees, escrow);
  assert_true(sampling_paid > 0 && mining_paid > 0);
  assert_double_equal(podas, sampling_paid, 1e-9 * sampling_paid);
  assert_double_equal(pora, mining_paid, 1e-9 * mining_paid);
  assert_true(fees > podas + pora);
  assert_double_equal(minted, 0, 1e-9 * fees);
  assert_double_equal(escrow, fees - podas - pora, 1e-9 * fees);
  assert_true(conserved == 1.0);
  free(h5);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_token_layer_set_nested_keys),
    cmocka_unit_test(test_token_layer_bad_input),
    cmocka_unit_test(test_token_layer_unknown_class),
    cmocka_unit_test(test_token_layer_run_matches_closed_form),
    cmocka_unit_test(test_token_layer_protocol_rewards_match_da_and_storage),
    cmocka_unit_test(test_token_layer_events_reach_the_economy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
