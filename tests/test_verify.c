/* test_verify.c: the verification layer in whole runs against the game's closed forms: the
 * detection rate of wrong results, the bisection's round count, conservation of money through
 * slashing, the replication baseline and the verification overhead; and its section's errors.
 *
 * Runs use one class of identical providers that never fail, tasks of one segment
 * (checkpoint_interval far beyond the training time) and no whistleblowers or forced errors,
 * so each closed form holds exactly or within a binomial bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocols/verify/pinpoint.h"
#include "protocols/verify/verify_game.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

#define VERIFY_P 0.3
#define VERIFY_K 2
#define VERIFY_STEPS 1000
#define VERIFY_OPS 4096

/* 200 RTX 4090s; BEHAVIOR is substituted. Tasks of 6e12 FLOPs (under a second). */
static const char *const scenario_fmt =
  "name: verify-test\n"
  "seed: 3\n"
  "duration: 10min\n"
  "warmup: 30s\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: r, backbone: 100Gbps}]\n"
  "providers:\n"
  "  - {class: home, count: 200, gpu: RTX-4090, region: r, uplink: 100Mbps,\n"
  "     downlink: 500Mbps, latency: 10ms, cost_per_hour: 0.28, behavior: {%s: 1}}\n"
  "verify:\n"
  "  verify_prob: 0.3\n"
  "  verifiers: 2\n"
  "  forced_error_rate: 0\n"
  "  whistleblower_prob: 0\n"
  "  replication: 7\n"
  "%s"
  "  tasks: {rate: 20/s, model: {params: 1e6}, tokens: 1e6, steps: 1000,\n"
  "          checkpoint_interval: 1h}\n";

struct run {
  char *dir, *h5;
};

/* A run where every provider behaves so; extra is more lines of the verify section. */
static struct run run_behavior(const char *behavior, const char *extra)
{
  struct run r = {test_tmpdir(), NULL};
  char *text = NULL, *args = NULL;
  assert_true(asprintf(&text, scenario_fmt, behavior, extra) > 0);
  char *scenario = test_write_file(r.dir, "verify.yaml", text);
  assert_true(asprintf(&args, "run -q %s -o %s", scenario, r.dir) > 0);
  assert_true(asprintf(&r.h5, "%s/run.h5", r.dir) > 0);
  assert_in_range(test_run_depinsim(args, NULL), 0, 1);
  free(args);
  free(scenario);
  free(text);
  return r;
}

static void run_free(struct run *r)
{
  free(r->dir);
  free(r->h5);
}

/* Every result of a malicious solver is wrong and every verifier checks honestly, so a result
 * is caught with probability 1 - (1 - p)^k; the measured rate over n results must fall within
 * the binomial 99.9% bound. Every dispute takes ceil(log2 steps) + ceil(log2 ops) rounds, and
 * slashing moves money without creating or losing any. */
static void test_verify_detection_rounds_and_conservation(void **state)
{
  (void)state;
  struct run r = run_behavior("malicious", "");
  double n = test_summary(r.h5, "bad_results"), rate = test_summary(r.h5, "detection_prob");
  double want = 1 - pow(1 - VERIFY_P, VERIFY_K);
  double bound = 3.29 * sqrt(want * (1 - want) / n);
  print_message("detection %.4f over %.0f results, closed form %.4f +- %.4f\n", rate, n, want,
                bound);
  assert_true(n > 1000);
  assert_true(fabs(rate - want) <= bound);
  double rounds = test_summary(r.h5, "dispute_rounds_mean");
  assert_true(test_summary(r.h5, "disputes") > 100);
  assert_float_equal(rounds, pinpoint_rounds(VERIFY_STEPS) + pinpoint_rounds(VERIFY_OPS), 0);
  assert_float_equal(rounds, 10 + 12, 0);
  double slashed = test_summary(r.h5, "slashed_usd");
  assert_true(slashed > 0);
  assert_true(fabs(test_summary(r.h5, "books_imbalance")) <= 1e-9 * slashed);
  /* cheating costs the malicious solver its deposit share: it must not profit on average */
  assert_true(test_summary(r.h5, "profit_malicious") < 0);
  run_free(&r);
}

/* Honest solvers on identical hardware: the replication baseline re-executes each task k
 * times, exactly k x 100% of the useful work; verification re-runs the single segment in
 * each filled slot, k p of it on average (binomial 99.9% bound over the tasks); honest
 * solvers keep a profit. */
static void test_verify_overhead_and_replication(void **state)
{
  (void)state;
  struct run r = run_behavior("honest", "  profiling_runs: 0\n");
  double tasks = test_summary(r.h5, "verify_tasks_completed");
  double repl = test_summary(r.h5, "replication_overhead");
  double over = test_summary(r.h5, "verification_overhead");
  double sd = sqrt(VERIFY_K * VERIFY_P * (1 - VERIFY_P) / tasks);
  print_message("replication %.6f, verification %.4f (k p = %.2f +- %.4f) over %.0f tasks\n",
                repl, over, VERIFY_K * VERIFY_P, 3.29 * sd, tasks);
  assert_true(tasks > 1000);
  assert_float_equal(repl, 7, 1e-9);
  /* false flags are about 6e-5 of checks; their disputes add a few rounds of one step */
  assert_true(fabs(over - VERIFY_K * VERIFY_P) <= 3.29 * sd + 1e-3);
  assert_float_equal(test_summary(r.h5, "bad_results"), 0, 0);
  /* the fee carries the expected checks, so an honest solver keeps its markup on average */
  assert_true(test_summary(r.h5, "profit_honest") > 0);
  assert_true(fabs(test_summary(r.h5, "books_imbalance")) < 1e-9);
  run_free(&r);
}

/* Thresholds profiled from 2 seeded runs at 2 sigmas: honest checks flag at 2 P(T_2 > 2)
 * (18%), within the binomial bound; each flag is a dispute the honest solver wins, so the
 * challengers' deposits move to the solvers and nothing is detected. */
static void test_verify_false_positives_follow_profiling(void **state)
{
  (void)state;
  struct run r = run_behavior("honest", "  profiling_runs: 2\n  threshold_sigmas: 2\n");
  double n = 0;
  assert_int_equal(test_read_summary(r.h5, "verify_tasks_completed", &n), 0);
  double fp = test_summary(r.h5, "false_positive_rate");
  double want = verify_game_false_positive_prob(2, 2);
  double checks = n * VERIFY_K * VERIFY_P;
  print_message("false positives %.4f, closed form %.4f over ~%.0f checks\n", fp, want, checks);
  assert_true(fabs(fp - want) <= 3.29 * sqrt(want * (1 - want) / (0.8 * checks)));
  assert_true(test_summary(r.h5, "disputes") > 100);
  assert_float_equal(test_summary(r.h5, "bad_results"), 0, 0);
  assert_true(test_summary(r.h5, "slashed_usd") > 0);
  assert_true(fabs(test_summary(r.h5, "books_imbalance")) <=
              1e-9 * test_summary(r.h5, "slashed_usd"));
  run_free(&r);
}

/* Malicious solvers whose work costs nothing (so no payment burns fees), with a token economy
 * that has no demand or sybil checks of its own: whatever it burns comes from the faults the
 * verification layer proved. */
static const char *const token_fmt =
  "name: verify-token\n"
  "duration: 5min\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: r, backbone: 100Gbps}]\n"
  "providers:\n"
  "  - {class: home, count: 50, gpu: RTX-4090, region: r, uplink: 100Mbps,\n"
  "     downlink: 500Mbps, stake: 200, behavior: {malicious: 1}}\n"
  "verify:\n"
  "  verify_prob: %g\n"
  "  tasks: {rate: 1/s, model: {params: 1e6}, tokens: 1e6, checkpoint_interval: 1h}\n"
  "token: {epoch: 1h, horizon: 2d, demand: {gpu_hours_per_hour: 0}, sybil: {detect_prob: 0}}\n";

static double token_burned(double verify_prob)
{
  char *dir = test_tmpdir(), *text = NULL, *args = NULL, *h5 = NULL;
  assert_true(asprintf(&text, token_fmt, verify_prob) > 0);
  char *scenario = test_write_file(dir, "token.yaml", text);
  assert_true(asprintf(&args, "run -q %s -o %s", scenario, dir) > 0);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  assert_in_range(test_run_depinsim(args, NULL), 0, 1);
  double burned = -1, detected = -1;
  assert_int_equal(test_read_summary(h5, "token_burned_total", &burned), 0);
  assert_int_equal(test_read_summary(h5, "detection_prob", &detected), 0);
  print_message("verify_prob %g: detection %.3f, token burned %.1f\n", verify_prob, detected,
                burned);
  free(h5);
  free(args);
  free(scenario);
  free(text);
  free(dir);
  return burned;
}

/* Proven faults reach the token layer, which slashes the solvers' stakes: with every result
 * checked the economy burns stake (never more than was staked); with none checked nothing is
 * proven and nothing burns. It caught the layer looking the token layer up at deploy time,
 * before the token layer (deployed last) existed, so no event was ever recorded. */
static void test_verify_faults_slash_token_stakes(void **state)
{
  (void)state;
  double burned = token_burned(1);
  assert_true(burned > 0);
  assert_true(burned <= 50 * 200); /* no more than the 50 launch stakes of 200 */
  assert_float_equal(token_burned(0), 0, 0);
}

/* Bittensor with CARTEL of 8 equally staked validators colluding with 10% of the miners. */
static const char *const bt_fmt =
  "name: bt-test\n"
  "seed: 5\n"
  "duration: 20min\n"
  "warmup: 4min\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: r, backbone: 100Gbps}]\n"
  "providers:\n"
  "  - {class: val, count: %d, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     stake: 100}\n"
  "  - {class: cartel, count: %d, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     stake: 100, behavior: {colluding: 1}}\n"
  "  - {class: miner, count: 60, gpu: RTX-4090, region: r, uplink: 100Mbps,\n"
  "     downlink: 100Mbps, behavior: {honest: 0.8, malicious: 0.1, colluding: 0.1}}\n"
  "verify:\n"
  "  kind: bittensor\n"
  "  tasks: {model: {params: 1e8}}\n"
  "  bittensor: {validators: 8, tempo: 1min, queries: 60}\n";

static void bt_run(int cartel, double *share, double *share_if_honest)
{
  char *dir = test_tmpdir(), *text = NULL, *args = NULL, *h5 = NULL;
  assert_true(asprintf(&text, bt_fmt, 8 - cartel, cartel) > 0);
  char *scenario = test_write_file(dir, "bt.yaml", text);
  assert_true(asprintf(&args, "run -q %s -o %s", scenario, dir) > 0);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  assert_in_range(test_run_depinsim(args, NULL), 0, 1);
  assert_int_equal(test_read_summary(h5, "bt_colluding_miner_share", share), 0);
  assert_int_equal(test_read_summary(h5, "bt_colluding_miner_share_if_honest", share_if_honest),
                   0);
  print_message("cartel %d of 8 validators: colluding miners get %.3f (%.3f if scored "
                "honestly)\n", cartel, *share, *share_if_honest);
  free(h5);
  free(args);
  free(scenario);
  free(text);
  free(dir);
}

/* A validator cartel below Yuma's kappa (2 of 8 equal stakes) is clipped to the consensus the
 * honest majority sets, so it buys its miners little; above kappa (6 of 8) it sets the
 * consensus and its miners take most of the miners' emission. Scored honestly, the colluding
 * miners (10%, answering at half quality) get about 0.1 x 0.5 / 0.85 of it either way. */
static void test_verify_bittensor_cartel_effect_follows_kappa(void **state)
{
  (void)state;
  double minority, minority_honest, majority, majority_honest;
  bt_run(2, &minority, &minority_honest);
  bt_run(6, &majority, &majority_honest);
  assert_true(minority_honest < 0.15 && majority_honest < 0.15);
  assert_true(minority >= minority_honest);
  assert_true(minority < 0.3);
  assert_true(majority > 0.8);
}

static const char *const bad_text =
  "name: bad\n"
  "duration: 1min\n"
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: r, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: home, count: 4, gpu: RTX-4090, region: r, uplink: 100Mbps, downlink: 100Mbps}\n"
  "verify:\n"
  "  kind: gensin\n"
  "  verify_prob: 1.5\n"
  "  verifier: 2\n"
  "  slash_split: {burn: 0.5, whistleblower: 0.25, treasury: 0.5}\n"
  "  tasks: {rate: 0/s, model: {precision: fp7}}\n";

/* Every problem of the section at once, each with its position, key path and what is
 * allowed. */
static void test_verify_bad_input_names_every_problem(void **state)
{
  (void)state;
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("bad.yaml", bad_text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_EINVAL);
  assert_null(sc);
  assert_true(diag_contains(d, "bad.yaml:8:9: verify.kind: unknown value 'gensin' (did you "
                               "mean 'gensyn'?)"));
  assert_true(diag_contains(d, "bad.yaml:9:16: verify.verify_prob: '1.5' is out of range "
                               "(allowed: 0 to 1)"));
  assert_true(diag_contains(d, "bad.yaml:10:3: verify.verifier: unknown key 'verifier' (did you "
                               "mean 'verifiers'?)"));
  assert_true(diag_contains(d, "bad.yaml:11:17: verify.slash_split: slash shares (burn, "
                               "whistleblower, treasury) must be >= 0 and sum to 1"));
  assert_true(diag_contains(d, "bad.yaml:12:17: verify.tasks.rate: '0/s' is out of range"));
  assert_true(diag_contains(d, "bad.yaml:12:41: verify.tasks.model.precision: unknown value "
                               "'fp7' (allowed: fp32, tf32, fp16, bf16)"));
  diag_free(d);
}

/* Bittensor needs its validators and at least one miner. */
static void test_verify_bittensor_needs_miners(void **state)
{
  (void)state;
  const char *text =
    "name: bt\n"
    "duration: 1min\n"
    "calibration: [gpu/profiles/rtx-4090.yaml]\n"
    "regions: [{name: r, backbone: 10Gbps}]\n"
    "providers:\n"
    "  - {class: home, count: 4, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps}\n"
    "verify: {kind: bittensor, bittensor: {validators: 4}}\n";
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("bt.yaml", text, NULL, 0, registry_layers(),
                                        d, &sc), DEPIN_EINVAL);
  assert_true(diag_contains(d, "bt.yaml:7:51: verify.bittensor.validators: bittensor "
                               "(validators + 1 miner) verification needs at least 5 "
                               "providers, the scenario has 4"));
  diag_free(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_verify_detection_rounds_and_conservation),
    cmocka_unit_test(test_verify_overhead_and_replication),
    cmocka_unit_test(test_verify_false_positives_follow_profiling),
    cmocka_unit_test(test_verify_faults_slash_token_stakes),
    cmocka_unit_test(test_verify_bittensor_cartel_effect_follows_kappa),
    cmocka_unit_test(test_verify_bad_input_names_every_problem),
    cmocka_unit_test(test_verify_bittensor_needs_miners),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
