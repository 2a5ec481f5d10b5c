/* test_market.c: the market layer against closed forms: the auction's choices, the escrow's
 * bounds, Erlang C on an M/M/c pool, Little's law, the ring all-reduce time, and the paths
 * where leases close (funds, failures) and work restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "protocols/market/auction.h"
#include "protocols/market/escrow.h"
#include "protocols/market/queueing.h"
#include "sim/base/rng.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

static void test_market_auction_picks_by_policy(void **state)
{
  (void)state;
  struct bid bids[] = {
    {.provider = 7, .price_per_hour = 0.50, .region = 1, .reputation = 0.9},
    {.provider = 3, .price_per_hour = 0.30, .region = 2, .reputation = 0.5},
    {.provider = 9, .price_per_hour = 0.40, .region = 1, .reputation = 0.95},
    {.provider = 2, .price_per_hour = 0.30, .region = 0, .reputation = 0.5},
  };
  /* Cheapest: 0.30 twice, the tie goes to the lower provider index (2, at position 3). */
  assert_int_equal(auction_pick(bids, 4, AUCTION_CHEAPEST, -1), 3);
  /* Cheapest in region 1: 0.40 from provider 9 beats the cheaper bids elsewhere. */
  assert_int_equal(auction_pick(bids, 4, AUCTION_CHEAPEST_IN_REGION, 1), 2);
  /* No bid from region 5: falls back to the cheapest. */
  assert_int_equal(auction_pick(bids, 4, AUCTION_CHEAPEST_IN_REGION, 5), 3);
  assert_int_equal(auction_pick(bids, 4, AUCTION_BEST_REPUTATION, -1), 2);
  assert_int_equal(auction_pick(bids, 0, AUCTION_CHEAPEST, -1), -1);
  assert_float_equal(auction_bid_price(0.28, 0.2), 0.336, 1e-12);
  assert_float_equal(auction_reputation(0, 0), 0.5, 1e-12);
  assert_float_equal(auction_reputation(8, 0), 0.9, 1e-12);
}

/* Random settlement heights and rates: payments never exceed the deposit, an overdrawn
 * account pays nothing more, and paid + refunded == deposited at close. */
static void test_market_escrow_never_pays_more_than_deposited(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(5, "escrow-test", 0);
  for (int trial = 0; trial < 2000; trial++) {
    struct escrow e;
    double deposit = 0.5 + 10 * gsl_rng_uniform(rng), rate = 0.001 + gsl_rng_uniform(rng);
    long height = (long)gsl_rng_uniform_int(rng, 1000);
    escrow_open(&e, deposit, rate, height);
    double paid = 0;
    for (int k = 0; k < 50 && !e.overdrawn; k++) {
      height += (long)gsl_rng_uniform_int(rng, 5);
      double before = e.balance;
      double p = escrow_settle(&e, height);
      assert_true(p >= 0 && p <= before + 1e-12);
      paid += p;
      assert_true(paid <= deposit + 1e-9);
    }
    if (e.overdrawn)
      assert_float_equal(escrow_settle(&e, height + 100), 0, 0);
    double refund = escrow_close(&e, height + (long)gsl_rng_uniform_int(rng, 20));
    assert_true(e.paid <= deposit + 1e-9);
    assert_float_equal(e.paid + refund, deposit, 1e-9);
    assert_float_equal(escrow_close(&e, height + 1000), 0, 0);
  }
  /* Exactly: 1.0 deposited at 0.3 a block; 4 blocks owe 1.2: pays 1.0, overdrawn, 3 blocks. */
  struct escrow e;
  escrow_open(&e, 1.0, 0.3, 10);
  assert_float_equal(escrow_settle(&e, 12), 0.6, 1e-12);
  assert_float_equal(escrow_settle(&e, 14), 0.4, 1e-12);
  assert_true(e.overdrawn);
  assert_int_equal(e.paid_blocks, 3);
  gsl_rng_free(rng);
}

static void test_market_erlang_c_known_values(void **state)
{
  (void)state;
  /* M/M/1: P(wait) = rho, Wq = rho / (mu - lambda). */
  assert_float_equal(queueing_erlang_c(1, 0.6), 0.6, 1e-12);
  assert_float_equal(queueing_mmc_wait(0.6, 1, 1), 1.5, 1e-12);
  /* c = 2, a = 1: C = (a^2/2 / (1 - 1/2)) / (1 + a + a^2/2/(1 - 1/2)) = 1/3. */
  assert_float_equal(queueing_erlang_c(2, 1.0), 1.0 / 3, 1e-12);
  assert_true(isinf(queueing_mmc_wait(4, 1, 4)));
  assert_float_equal(queueing_ring_allreduce_s(4, 1e9, 1e9, 1e-3), 1.5 + 6e-3, 1e-12);
  assert_float_equal(queueing_ring_allreduce_s(1, 1e9, 1e9, 1e-3), 0, 0);
}

static const char bad_market[] =
  "name: bad\nduration: 10min\ncalibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: h, count: 4, gpu: RTX-4090, region: here, uplink: 50Mbps, downlink: 500Mbps}\n"
  "workload:\n"
  "  inference: {rate: 1/s, model: {params: 8e9}, prompt_tokens: 10, output_tokens: 10}\n"
  "market: {max_bid: 20, selection: cheapest-in-regoin, escrow: {settle_every: 0.5 blocks}}\n";

/* Every mistake of the section, each at its position with a suggestion. */
static void test_market_bad_section_reports_every_error(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("bad.yaml", bad_market, NULL, 0, registry_layers(),
                                        diag, &sc),
                   DEPIN_EINVAL);
  assert_null(sc);
  assert_true(diag_contains(diag, "bad.yaml:9:10: market.max_bid: unknown key 'max_bid' (did "
                                  "you mean 'max_bids'?)"));
  assert_true(diag_contains(diag, "bad.yaml:9:34: market.selection: unknown value "
                                  "'cheapest-in-regoin' (did you mean 'cheapest-in-region'?)"));
  assert_true(diag_contains(diag, "bad.yaml:9:77: market.escrow.settle_every: '0.5 blocks': a "
                                  "whole number of blocks >= 1"));
  diag_free(diag);
}

/* A 70B bf16 model (140 GB of weights) on single 24 GB GPUs, and a 7B model to train (16 bytes
 * a parameter: 112 GB a GPU): refused before anything runs. */
static const char unfit[] =
  "name: unfit\nduration: 10min\ncalibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: h, count: 4, gpu: RTX-4090, region: here, uplink: 50Mbps, downlink: 500Mbps}\n"
  "workload:\n"
  "  inference: {rate: 1/s, model: {params: 70e9}, prompt_tokens: 10, output_tokens: 10}\n"
  "  training: {model: {params: 7e9}, tokens: 1e9, data_parallel: 4}\n"
  "market: {bid_window: 10s, escrow: {settle_every: 2 blocks}}\n";

static void test_market_model_must_fit_gpu_memory(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("unfit.yaml", unfit, NULL, 0, registry_layers(),
                                        diag, &sc), DEPIN_EINVAL);
  assert_true(diag_contains(diag, "unfit.yaml:8:15: workload.inference: no provider class offers "
                                  "1 GPU(s) per node and 140 GB of memory a node"));
  assert_true(diag_contains(diag, "unfit.yaml:9:14: workload.training: no provider class offers "
                                  "1 GPU(s) per node and 112 GB of memory a GPU"));
  diag_free(diag);
  diag = diag_new();
  const char *fits[] = {"workload.inference.model.params=8e9", "workload.training.model.params=1e9"};
  assert_int_equal(scenario_load_string("unfit.yaml", unfit, fits, 2, registry_layers(),
                                        diag, &sc), DEPIN_OK);
  scenario_free(sc);
  diag_free(diag);
}

/* Runs scenario text through the binary with extra arguments; returns the run file's path
 * (owned). */
static char *run_scenario_with(const char *name, const char *text, const char *extra)
{
  char *dir = test_tmpdir(), *h5 = test_run_in(dir, name, text, extra);
  free(dir);
  return h5;
}

static char *run_scenario(const char *name, const char *text)
{
  return run_scenario_with(name, text, "");
}

/* Four identical H100s (one GPU, efficiency 0.5: 494.7 TFLOP/s) serve requests of
 * 2 x 1e9 x 247,350 FLOPs: a mean service of 1 s, exponential; Poisson arrivals at 3/s, so
 * rho = 0.75. Links are fast and without latency so the network adds nothing to the wait.
 * Over 200,000 s (600,000 requests) the mean wait must match Erlang C within 5%, and the
 * sampled queue length Little's law within 5%. */
static const char mmc[] =
  "name: mmc\nseed: 11\nduration: 200000s\nwarmup: 2000s\nefficiency: 0.5\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: srv, count: 4, gpu: H100-SXM, region: here, uplink: 100Gbps,\n"
  "     downlink: 100Gbps, latency: 0s, cost_per_hour: 1}\n"
  "workload:\n"
  "  inference: {rate: 3/s, model: {params: 1e9, precision: bf16}, prompt_tokens: 0,\n"
  "              output_tokens: 247350, replicas: 4, service: exponential}\n"
  "market: {bid_window: 1s, escrow: {funding: 1000h}, batch_interval: 5s}\n";

static void test_market_mmc_wait_matches_erlang_c(void **state)
{
  (void)state;
  char *h5 = run_scenario("mmc.yaml", mmc);
  double wait = test_summary(h5, "inference_wait_mean");
  double closed = queueing_mmc_wait(3, 1, 4);
  printf("M/M/4 rho 0.75: mean wait %.4f s, Erlang C %.4f s (%+.2f%%)\n", wait, closed,
         100 * (wait - closed) / closed);
  assert_true(fabs(wait - closed) / closed < 0.05);
  double lambda = test_summary(h5, "inference_arrival_rate");
  double queue = test_summary(h5, "inference_queue_mean");
  printf("Little: sampled queue %.4f, lambda x W %.4f (lambda %.4f/s)\n", queue, lambda * wait,
         lambda);
  assert_true(fabs(lambda - 3) / 3 < 0.01);
  assert_true(fabs(queue - lambda * wait) / (lambda * wait) < 0.05);
  assert_true(test_summary(h5, "leases") == 4);
  free(h5);
}

/* Four nodes on 1 Gbps links (125e6 B/s) with 10 us to the backbone each way: a route is
 * 20 us. A 1e8-parameter bf16 model has 2e8 B of gradients, so a ring all-reduce takes
 * 2 x 3/4 x 2e8 / 125e6 + 6 x 20 us = 2.40012 s. SimGrid's cross-traffic (on by default)
 * charges every flow's acknowledgements, 5% of its rate, to the reverse links, and in a ring
 * each uplink also carries the acknowledgements of the flow coming in: the all-reduce then
 * takes 5% longer. The closed form is the model without it, so the test switches it off;
 * with it on the run must take 1.05 times the bandwidth term. */
static const char ring[] =
  "name: ring\nseed: 3\nduration: 5min\nwarmup: 0s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: n, count: 4, gpu: H100-SXM, region: here, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     latency: 10us, cost_per_hour: 2}\n"
  "workload:\n"
  "  training: {jobs: 1, model: {params: 1e8, precision: bf16}, tokens: 2e7,\n"
  "             tokens_per_step: 1e6, data_parallel: 4, checkpoint_interval: 1h}\n"
  "market: {bid_window: 1s}\n";

static void test_market_ring_allreduce_matches_closed_form(void **state)
{
  (void)state;
  char *h5 = run_scenario_with("ring.yaml", ring, "--cfg=network/crosstraffic:0");
  double measured = test_summary(h5, "training_allreduce_time");
  double closed = queueing_ring_allreduce_s(4, 2e8, 125e6, 20e-6);
  printf("ring all-reduce over 4 nodes: %.5f s, closed form %.5f s (%+.2f%%)\n", measured,
         closed, 100 * (measured - closed) / closed);
  assert_true(fabs(measured - closed) / closed < 0.02);
  /* 20 steps of 6e14 FLOPs at 989.4 TFLOP/s x 0.4 / 4 nodes, then the all-reduce. */
  assert_true(test_summary(h5, "training_jobs_done") == 1);
  assert_true(test_summary(h5, "training_steps") == 20);
  double compute = 6e14 / 4 / (989.4e12 * 0.4);
  double fraction = test_summary(h5, "training_comm_fraction");
  assert_true(fabs(fraction - closed / (closed + compute)) < 0.01);
  free(h5);
  h5 = run_scenario("ring.yaml", ring);
  double acked = queueing_ring_allreduce_s(4, 2e8, 125e6 / 1.05, 20e-6);
  measured = test_summary(h5, "training_allreduce_time");
  printf("with cross-traffic: %.5f s, closed form at bandwidth / 1.05 %.5f s\n", measured, acked);
  assert_true(fabs(measured - acked) / acked < 0.02);
  free(h5);
}

/* Near nodes (region a, where the tenant sits: the first provider's) cost 0.5 an hour, far
 * ones (region b) 0.2; bids are cost x 1.2. cheapest leases the far ones at 0.24,
 * cheapest-in-region the near ones at 0.60. */
static const char regional[] =
  "name: regional\nseed: 2\nduration: 5min\nwarmup: 0s\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: a, backbone: 10Gbps}, {name: b, backbone: 10Gbps}]\n"
  "latency: {a: {b: 50ms}}\n"
  "providers:\n"
  "  - {class: near, count: 3, gpu: RTX-4090, region: a, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     cost_per_hour: 0.5}\n"
  "  - {class: far, count: 3, gpu: RTX-4090, region: b, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     cost_per_hour: 0.2}\n"
  "workload:\n"
  "  rendering: {rate: 1/s, frame_flops: 1e12, replicas: 2}\n"
  "market: {bid_window: 10s, selection: cheapest, bid_margin: 0.2}\n";

static void test_market_run_leases_what_the_policy_picks(void **state)
{
  (void)state;
  char *h5 = run_scenario("regional.yaml", regional);
  assert_float_equal(test_summary(h5, "price_per_gpu_hour"), 0.24, 1e-9);
  free(h5);
  h5 = run_scenario_with("regional.yaml", regional, "--set market.selection=cheapest-in-region");
  assert_float_equal(test_summary(h5, "price_per_gpu_hour"), 0.60, 1e-9);
  free(h5);
}

/* Deposits for one minute of lease: every lease runs dry, closes "insufficient funds" and
 * the pool relists, so there are more leases than replicas and nothing is paid beyond the
 * deposits. */
static const char funds[] =
  "name: funds\nseed: 4\nduration: 10min\nwarmup: 0s\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: h, count: 6, gpu: RTX-4090, region: here, uplink: 50Mbps, downlink: 500Mbps,\n"
  "     latency: 5ms, cost_per_hour: 0.3}\n"
  "workload:\n"
  "  rendering: {rate: 1/s, frame_flops: 1e13, replicas: 2}\n"
  "market: {bid_window: 10s, escrow: {funding: 1min, min_deposit: 0}}\n";

static void test_market_leases_close_on_insufficient_funds_and_relist(void **state)
{
  (void)state;
  char *h5 = run_scenario("funds.yaml", funds);
  double closed = test_summary(h5, "leases_insufficient_funds");
  double leases = test_summary(h5, "leases"), paid = test_summary(h5, "provider_revenue");
  double deposits = test_summary(h5, "tenant_deposits");
  printf("leases %g, closed for funds %g, paid %g of %g deposited\n", leases, closed, paid,
         deposits);
  assert_true(closed >= 10);
  assert_true(leases >= closed + 2);
  assert_true(paid <= deposits + 1e-9);
  assert_true(test_summary(h5, "frames") > 400);
  free(h5);
}

/* Consumer nodes that fail every 20 minutes on average: jobs lose work and restart from
 * checkpoints, and still make progress. */
static const char failing[] =
  "name: failing\nseed: 8\nduration: 2h\nwarmup: 0s\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: h, count: 16, gpu: RTX-4090, region: here, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     latency: 5ms, cost_per_hour: 0.3, availability: {mtbf: 20min, mttr: 10min}}\n"
  "workload:\n"
  "  training: {jobs: 1, model: {params: 1e8, precision: bf16}, tokens: 1e10,\n"
  "             tokens_per_step: 2e6, data_parallel: 4, checkpoint_interval: 2min}\n"
  "market: {bid_window: 5s}\n";

static void test_market_failures_roll_back_to_checkpoints(void **state)
{
  (void)state;
  char *h5 = run_scenario("failing.yaml", failing);
  double restarts = test_summary(h5, "training_restarts");
  double lost = test_summary(h5, "training_lost_work");
  double steps = test_summary(h5, "training_steps");
  double ckpt = test_summary(h5, "training_checkpoints");
  double heads = test_summary(h5, "training_head_failures");
  double repl = test_summary(h5, "training_replacements");
  printf("restarts %g (head %g, workers replaced %g), lost %g FLOP, steps %g, checkpoints %g\n",
         restarts, heads, repl, lost, steps, ckpt);
  assert_true(restarts >= 2);
  assert_true(lost > 0);
  assert_true(ckpt >= 1 && steps > 0);
  assert_true(heads + repl >= restarts);
  assert_true(heads >= 1 && repl >= 1); /* both paths: re-formed cluster, replaced worker */
  assert_true(test_summary(h5, "leases_failed") >= 1);
  free(h5);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_market_auction_picks_by_policy),
    cmocka_unit_test(test_market_escrow_never_pays_more_than_deposited),
    cmocka_unit_test(test_market_erlang_c_known_values),
    cmocka_unit_test(test_market_bad_section_reports_every_error),
    cmocka_unit_test(test_market_model_must_fit_gpu_memory),
    cmocka_unit_test(test_market_mmc_wait_matches_erlang_c),
    cmocka_unit_test(test_market_ring_allreduce_matches_closed_form),
    cmocka_unit_test(test_market_run_leases_what_the_policy_picks),
    cmocka_unit_test(test_market_leases_close_on_insufficient_funds_and_relist),
    cmocka_unit_test(test_market_failures_roll_back_to_checkpoints),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
