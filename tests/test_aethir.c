/* test_aethir.c: the Aethir layer: its closed forms (Erlang B, the checkers' majority, catches
 * within k rounds), the section's errors with their positions, and whole runs through the
 * depinsim binary: sessions on c slots under offered load A are refused as Erlang B(c, A) and
 * hold A (1 - B) slots, players out of the round-trip bound are all refused, over-claimers are
 * caught as 1 - (1 - q)^rounds with q the majority's probability, phantom slots are found out,
 * failures cut sessions, fees are the held hours times the price, settlements commit on a
 * ledger, sessions follow the coupled demand, and a seed gives one result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "protocols/aethir/aethir.h"
#include "sim/base/diag.h"
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

/* Erlang B from its definition: (A^c / c!) / sum_{k <= c} A^k / k!. */
static double erlang_b_direct(long c, double a)
{
  double term = 1, sum = 1;
  for (long k = 1; k <= c; k++) {
    term *= a / (double)k;
    sum += term;
  }
  return term / sum;
}

static void test_aethir_closed_forms(void **state)
{
  (void)state;
  assert_double_equal(aethir_erlang_b(1, 1), 0.5, 1e-15);
  assert_double_equal(aethir_erlang_b(2, 1), 0.2, 1e-15);
  assert_double_equal(aethir_erlang_b(10, 8), erlang_b_direct(10, 8), 1e-12);
  assert_double_equal(aethir_erlang_b(100, 90), erlang_b_direct(100, 90), 1e-12);
  assert_double_equal(aethir_erlang_b(5, 0), 0, 0);
  assert_double_equal(aethir_erlang_b(0, 3), 1, 0);
  /* one checker: p itself; three: 3 p^2 (1 - p) + p^3 */
  assert_double_equal(aethir_majority_detect(0.3, 0), 0.3, 1e-15);
  assert_double_equal(aethir_majority_detect(0.2, 1), 3 * 0.04 * 0.8 + 0.008, 1e-15);
  assert_double_equal(aethir_majority_detect(0.5, 3), 0.5, 1e-15);
  assert_double_equal(aethir_caught_within(0.5, 3), 0.875, 1e-15);
  assert_double_equal(aethir_caught_within(0.5, 0), 0, 0);
  assert_double_equal(aethir_mean_rounds_to_catch(0.5, 2), 4.0 / 3, 1e-15);
  assert_double_equal(aethir_mean_rounds_to_catch(0.2, 1e4), 5, 1e-9); /* untruncated: 1 / q */
  assert_double_equal(aethir_rtt(0.012), 0.024, 0);
}

/* Two regions 30 ms apart; containers in region a, 5 ms from its backbone (a round trip of
 * 10 ms to a's players, 70 ms to b's); one host of another class gives b a gateway. */
#define AETHIR_SCENARIO(containers, extra)                                                    \
  "name: ae\n"                                                                                \
  "seed: 7\n"                                                                                 \
  "duration: 2min\n"                                                                          \
  "warmup: 20s\n"                                                                             \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                               \
  "regions: [{name: a, backbone: 10Gbps}, {name: b, backbone: 10Gbps}]\n"                     \
  "latency: {a: {b: 30ms}}\n"                                                                 \
  "providers:\n"                                                                              \
  "  - {class: gpu, count: " containers ", gpu: RTX-4090, region: a, uplink: 1Gbps,\n"        \
  "     downlink: 1Gbps, latency: 5ms}\n"                                                     \
  "  - {class: edge, count: 1, gpu: RTX-4090, region: b, uplink: 1Gbps, downlink: 1Gbps,\n"   \
  "     latency: 5ms}\n"                                                                      \
  "aethir:\n"                                                                                 \
  "  containers: gpu\n" extra

static void test_aethir_bad_section_is_refused_with_positions(void **state)
{
  (void)state;
  const char *parse[] = {
    "a.yaml:15:3: aethir.sesions: unknown key 'sesions' (did you mean 'sessions'?)",
    "a.yaml:16:17: aethir.claim_factor: '0.5' is out of range (allowed: 1 to 1000)",
    "a.yaml:14:3: aethir.sessions: missing required key",
    "a.yaml:17:45: aethir.jobs.precision: unknown value 'fp8' (allowed: fp32, tf32, fp16, bf16)",
    "a.yaml:18:46: aethir.checkers.detection: '2' is out of range (allowed: 0 to 1)",
  };
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sesions: {rate: {a: 1/s}}\n"
                                          "  claim_factor: 0.5\n"
                                          "  jobs: {rate: 1/s, flops: 1e12, precision: fp8}\n"
                                          "  checkers: {count: 3, quorum: 1, detection: 2}\n"),
                     NULL, 0, parse, 5);
  const char *quorum[] = {"a.yaml:16:32: aethir.checkers.quorum: a check takes 2 x 2 + 1 "
                          "checkers, more than the 3 there are (allowed: 2 x quorum + 1 <= "
                          "count)"};
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sessions: {rate: {a: 1/s}}\n"
                                          "  checkers: {count: 3, quorum: 2}\n"),
                     NULL, 0, quorum, 1);
  const char *rate[] = {"a.yaml:15:21: aethir.sessions.rate.c: 'c' is not a region of the "
                        "scenario (allowed: a, b)"};
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sessions: {rate: {c: 1/s}}\n"),
                     NULL, 0, rate, 1);
  const char *more_regions[] = {"regions=[{name: a, backbone: 10Gbps}, {name: b, backbone: "
                                "10Gbps}, {name: c, backbone: 10Gbps}]",
                                "latency={a: {b: 30ms, c: 10ms}, b: {c: 10ms}}"};
  const char *no_hosts[] = {"a.yaml:15:29: aethir.sessions.rate.c: region 'c' has no hosts, so "
                            "the platform has no gateway for its players (allowed: a region "
                            "where some provider class has hosts)"};
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sessions: {rate: {a: 1/s, c: 1/s}}\n"),
                     more_regions, 2,
                     no_hosts, 1);
  const char *set[] = {"aethir.containers=[gpu, gpus]"};
  const char *unknown[] = {"--set aethir.containers=[gpu, gpus]: aethir.containers[1]: unknown "
                           "provider class 'gpus' (did you mean 'gpu'?)"};
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sessions: {rate: {a: 1/s}}\n"),
                     set, 1, unknown, 1);
  const char *twice[] = {"aethir.containers=[gpu, gpu]"};
  const char *listed_twice[] = {"--set aethir.containers=[gpu, gpu]: aethir.containers[1]: "
                                "class 'gpu' is listed twice (allowed: each class once)"};
  test_expect_errors("a.yaml",
                     AETHIR_SCENARIO("4", "  sessions: {rate: {a: 1/s}}\n"),
                     twice, 1, listed_twice,
                     1);
}

/* Runs the scenario (containers, aethir keys) with extra arguments; returns the run file. */
static char *run(const char *containers, const char *yaml, const char *extra)
{
  char *text = NULL;
  assert_true(asprintf(&text, AETHIR_SCENARIO("%s", "%s"), containers, yaml) > 0);
  char *h5 = test_run_text(text, extra);
  free(text);
  return h5;
}

/* 10 always-up single-GPU containers, one session a GPU: an M/M/10/10 loss system. Sessions of
 * mean 10 s at 0.8/s offer A = 8: a share B(10, 8) = 0.1217 of them is refused and the slots
 * carry A (1 - B) = 7.03 sessions on average. Over 8 hours (23,000 arrivals, successive ones
 * correlated by about the mean holding time) the estimate's standard deviation is under 0.005;
 * the test allows 0.015. Every served session's round trip is 2 x 5 ms. */
static void test_aethir_sessions_refused_as_erlang_b(void **state)
{
  (void)state;
  char *h5 = run("10", "  sessions: {rate: {a: 0.8/s}, length: 10s, max_rtt: 50ms}\n",
                 "--set duration=8h");
  double b = aethir_erlang_b(10, 8);
  double blocking = test_summary(h5, "aethir_blocking");
  print_message("refused %.4f, Erlang B %.4f\n", blocking, b);
  assert_double_equal(blocking, b, 0.015);
  double carried = test_summary(h5, "aethir_gpu_utilization") * 10;
  print_message("slots held %.3f, A (1 - B) %.3f\n", carried, 8 * (1 - b));
  assert_double_equal(carried, 8 * (1 - b), 0.15);
  assert_rel(test_summary(h5, "aethir_rtt_p50"), 0.010, 1e-2); /* the histogram's bins */
  assert_rel(test_summary(h5, "aethir_rtt_p99"), 0.010, 1e-2);
  assert_double_equal(test_summary(h5, "aethir_undelivered"), 0, 0);
  free(h5);
}

/* b's players are 70 ms from every container: with a 50 ms bound all their sessions are
 * refused, as out of range, and a's are all served (ample slots); with an 80 ms bound b's are
 * served at 70 ms. */
static void test_aethir_players_out_of_range_are_refused(void **state)
{
  (void)state;
  const char *yaml = "  sessions_per_gpu: 4\n"
                     "  sessions: {rate: {a: 0.2/s, b: 0.2/s}, length: 10s, max_rtt: %s}\n";
  char *tight_yaml = NULL, *loose_yaml = NULL;
  assert_true(asprintf(&tight_yaml, yaml, "50ms") > 0 && asprintf(&loose_yaml, yaml, "80ms") > 0);
  char *tight = run("10", tight_yaml, ""), *loose = run("10", loose_yaml, "");
  double refused = test_summary(tight, "aethir_sessions_refused");
  double served = test_summary(tight, "aethir_sessions_served");
  print_message("50 ms: %.0f served, %.0f refused out of range\n", served, refused);
  assert_true(refused > 0 && served > 0);
  assert_double_equal(test_summary(tight, "aethir_sessions_out_of_range"), refused, 0);
  assert_rel(test_summary(tight, "aethir_rtt_p99"), 0.010, 1e-2);
  assert_double_equal(test_summary(loose, "aethir_sessions_refused"), 0, 0);
  assert_rel(test_summary(loose, "aethir_rtt_p99"), 0.070, 1e-2); /* the histogram's bins */
  free(tight), free(loose), free(tight_yaml), free(loose_yaml);
}

/* Half of 200 containers claim twice their GPUs; every minute 3 checkers (quorum 1) each
 * expose one with p = 0.3, the majority with q = 3 p^2 (1 - p) + p^3 = 0.216; after 6 rounds
 * 1 - 0.784^6 = 0.768 are caught (within 3 standard deviations of 100 draws). */
static void test_aethir_over_claimers_caught_as_closed_form(void **state)
{
  (void)state;
  char *h5 = run("200", "  claim_factor: 2\n"
                        "  sessions: {rate: {a: 0.1/s}, length: 10s}\n"
                        "  checkers: {count: 3, quorum: 1, interval: 1min, detection: 0.3,\n"
                        "             cost_per_check: 0.01}\n",
                 "--set duration=390s --set 'providers.gpu.behavior={honest: 0.5, "
                 "malicious: 0.5}'");
  double q = aethir_majority_detect(0.3, 1), want = aethir_caught_within(q, 6);
  double sd = sqrt(want * (1 - want) / 100), caught = test_summary(h5, "aethir_detection_rate");
  print_message("caught %.3f, closed form %.3f\n", caught, want);
  assert_double_equal(caught, want, 3 * sd);
  /* caught after 2.85 rounds on average (q cut at 6 rounds); the rounds' law has a variance
   * of about 2.5, so over ~77 caught 3 standard deviations are 0.55 */
  double rounds = test_summary(h5, "aethir_detection_rounds");
  print_message("caught after %.2f rounds, closed form %.2f\n", rounds,
                aethir_mean_rounds_to_catch(q, 6));
  assert_double_equal(rounds, aethir_mean_rounds_to_catch(q, 6), 0.55);
  /* claimed 300 GPUs of 200; listed at the end: 100 honest and the uncaught over-claimers */
  assert_double_equal(test_summary(h5, "aethir_claimed_gpus"), 300, 0);
  double left = 100 * (1 - caught);
  assert_double_equal(test_summary(h5, "aethir_capacity_proven"),
                      (100 + left) / (100 + 2 * left), 1e-9);
  /* a check is 3 checkers at 0.01 USD: at most 200 containers x 6 rounds of them */
  double cost = test_summary(h5, "aethir_check_cost");
  assert_true(cost > 0.03 * 100 * 6 && cost <= 0.03 * 200 * 6 + 1e-9);
  free(h5);
}

/* Every container over-claims (2 GPUs announced, 1 real) and no checker ever exposes one:
 * under load the indexer sends sessions to phantom slots, each container fails once, and the
 * indexer then believes what it saw, so undelivered placements stay at most one a container. */
static void test_aethir_phantom_slots_found_out(void **state)
{
  (void)state;
  char *h5 = run("10", "  sessions: {rate: {a: 2/s}, length: 20s}\n"
                       "  checkers: {detection: 0}\n",
                 "--set 'providers.gpu.behavior={honest: 0, malicious: 1}' --set warmup=0s");
  double undelivered = test_summary(h5, "aethir_undelivered");
  print_message("%.0f placements on phantom slots\n", undelivered);
  assert_true(undelivered >= 1 && undelivered <= 10);
  assert_double_equal(test_summary(h5, "aethir_capacity_proven"), 0.5, 1e-12);
  assert_double_equal(test_summary(h5, "aethir_detection_rate"), 0, 0);
  free(h5);
}

/* Fees: with no warm-up every held slot-second is in the window, so the service fees paid are
 * exactly the held session-hours (utilization x slots x duration) times the price. */
static void test_aethir_fees_are_held_hours_times_price(void **state)
{
  (void)state;
  char *h5 = run("10", "  sessions: {rate: {a: 0.5/s}, length: 15s, price_per_hour: 0.9}\n"
                       "  settlement: 30s\n",
                 "--set warmup=0s");
  double hours = test_summary(h5, "aethir_gpu_utilization") * 10 * 120 / 3600;
  assert_true(hours > 0);
  assert_double_equal(test_summary(h5, "aethir_paid_usd"), 0.9 * hours, 1e-9);
  free(h5);
}

/* AI jobs hold a whole GPU (two session slots here) for their calibrated time: at 1/s, jobs of
 * 1e15 bf16 FLOPs outnumber 4 GPUs, so most are refused, the GPUs stay nearly always held, and
 * a session finds no slot. */
static void test_aethir_jobs_take_whole_gpus(void **state)
{
  (void)state;
  char *h5 = run("4", "  sessions_per_gpu: 2\n"
                      "  sessions: {rate: {a: 0.05/s}, length: 10s}\n"
                      "  jobs: {rate: 1/s, flops: 1e15, precision: bf16, price_per_gpu_hour: 3}\n",
                 "");
  double served = test_summary(h5, "aethir_jobs_served");
  double refused = test_summary(h5, "aethir_jobs_refused");
  double used = test_summary(h5, "aethir_gpu_utilization");
  print_message("jobs %.0f served, %.0f refused; utilization %.3f\n", served, refused, used);
  assert_true(served >= 4 && refused > served);
  assert_true(used > 0.8 && used <= 1 + 1e-9);
  assert_true(test_summary(h5, "aethir_blocking") > 0.5);
  assert_true(test_summary(h5, "aethir_paid_usd") > 0);
  free(h5);
}

/* Containers that fail cut the sessions they render, and refuse more than always-up ones. */
static void test_aethir_failures_cut_sessions(void **state)
{
  (void)state;
  const char *yaml = "  sessions: {rate: {a: 0.5/s}, length: 20s}\n";
  char *flaky = run("10", yaml, "--set 'providers.gpu.availability={mtbf: 30s, mttr: 30s}'");
  char *steady = run("10", yaml, "");
  assert_true(test_summary(flaky, "aethir_sessions_interrupted") > 0);
  assert_double_equal(test_summary(steady, "aethir_sessions_interrupted"), 0, 0);
  assert_true(test_summary(flaky, "aethir_blocking") > test_summary(steady, "aethir_blocking"));
  free(flaky), free(steady);
}

/* In a coupled token run sessions follow the demand scale: a 10 ms round trip against a 1 ms
 * bound is never served well and the demand falls; against 1 s it stays near 1. */
static void test_aethir_sessions_follow_coupled_demand(void **state)
{
  (void)state;
  const char *yaml = "  sessions: {rate: {a: 1/s}, length: 5s}\n"
                     "  sessions_per_gpu: 8\n"
                     "token:\n"
                     "  emission: {kind: custom, rate_per_year: 0}\n"
                     "  demand: {growth_per_year: 0}\n"
                     "  operators: {entry_rate: 0/h}\n";
  char *tight = run("10", yaml, "--set 'token.coupling={window: 20s, latency_bound: 1ms}'");
  char *loose = run("10", yaml, "--set 'token.coupling={window: 20s, latency_bound: 1s}'");
  double scale_tight = test_summary(tight, "token_demand_scale_final");
  double scale_loose = test_summary(loose, "token_demand_scale_final");
  print_message("demand scale %.3f (1 ms bound), %.3f (1 s bound)\n", scale_tight, scale_loose);
  assert_true(scale_tight < 0.5);
  assert_true(scale_loose > 0.95);
  assert_true(test_summary(tight, "aethir_sessions_served") <
              0.7 * test_summary(loose, "aethir_sessions_served"));
  free(tight), free(loose);
}

/* With a ledger each settlement's receipts are one transaction: they commit within a few
 * 400 ms blocks. */
static void test_aethir_settlements_commit_on_the_ledger(void **state)
{
  (void)state;
  char *h5 = run("10", "  sessions: {rate: {a: 0.5/s}, length: 10s}\n"
                       "  settlement: 20s\n"
                       "workload:\n"
                       "  transactions: {rate: 1/s, size: 250B}\n"
                       "ledger:\n"
                       "  validators: 2\n"
                       "  block_time: 400ms\n", "");
  double latency = test_summary(h5, "aethir_settlement_commit_latency");
  print_message("settlements commit %.3f s after they close\n", latency);
  assert_true(latency > 0 && latency < 1.2);
  free(h5);
}

static void test_aethir_same_seed_same_result(void **state)
{
  (void)state;
  const char *yaml = "  sessions: {rate: {a: 1/s, b: 0.2/s}, length: 10s, max_rtt: 80ms}\n"
                     "  jobs: {rate: 0.1/s, flops: 1e15}\n"
                     "  checkers: {interval: 20s, detection: 0.3}\n";
  const char *set = "--set 'providers.gpu.behavior={honest: 0.7, malicious: 0.3}' "
                    "--set 'providers.gpu.availability={mtbf: 2min, mttr: 20s}'";
  char *a = run("12", yaml, set), *b = run("12", yaml, set);
  const char *names[] = {"aethir_blocking", "aethir_rtt_p99", "aethir_detection_rate",
                         "aethir_paid_usd", "aethir_jobs_served", "aethir_undelivered"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    assert_double_equal(test_summary(a, names[i]), test_summary(b, names[i]), 0);
  free(a), free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_aethir_closed_forms),
    cmocka_unit_test(test_aethir_bad_section_is_refused_with_positions),
    cmocka_unit_test(test_aethir_sessions_refused_as_erlang_b),
    cmocka_unit_test(test_aethir_players_out_of_range_are_refused),
    cmocka_unit_test(test_aethir_over_claimers_caught_as_closed_form),
    cmocka_unit_test(test_aethir_phantom_slots_found_out),
    cmocka_unit_test(test_aethir_fees_are_held_hours_times_price),
    cmocka_unit_test(test_aethir_jobs_take_whole_gpus),
    cmocka_unit_test(test_aethir_failures_cut_sessions),
    cmocka_unit_test(test_aethir_sessions_follow_coupled_demand),
    cmocka_unit_test(test_aethir_settlements_commit_on_the_ledger),
    cmocka_unit_test(test_aethir_same_seed_same_result),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
