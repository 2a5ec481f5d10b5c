/* test_token_coupling.c: token epochs inside the run (token.coupling): operators leave in the
 * epoch the closed form gives and their hosts leave the network with them; one population
 * (active hosts = honest operators) and token conservation over a coupled run with a market,
 * entrants and sybils; the same seed gives identical files; bad input is refused with its
 * position. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <hdf5.h>

#include "protocols/token/emission.h"
#include "sim/base/diag.h"
#include "sim/cli/registry.h"
#include "sim/results/runfile.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

/* Closed-form case: 40 always-up single-GPU operators in two cost cohorts (0.9 and 1.1 x 0.5
 * USD/GPU-h), a fixed price of 1 USD, a custom emission decaying at 60 a year from 365,000 a
 * year, daily epochs simulated one minute each, patience one epoch, nobody enters. */
#define N_OPS 40
#define PRICE 1.0
#define COST 0.5
#define SPREAD 0.2
#define RATE 365000.0
#define DECAY 60.0
#define EPOCHS 15
#define CLOSED_FORM                                                                          \
  "name: closed\n"                                                                           \
  "seed: 3\n"                                                                                \
  "duration: 15min\n"                                                                        \
  "sample_interval: 1min\n"                                                                  \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                              \
  "regions: [{name: here, backbone: 10Gbps}]\n"                                              \
  "providers:\n"                                                                             \
  "  - {class: home, count: 40, gpu: RTX-4090, region: here, uplink: 100Mbps,\n"             \
  "     downlink: 100Mbps, cost_per_hour: 0.5, stake: 100}\n"                                \
  "workload: {transactions: {rate: 10/s, size: 250B}}\n"                                     \
  "ledger: {validators: 4}\n"                                                                \
  "token:\n"                                                                                 \
  "  emission: {kind: custom, curve: exponential, rate_per_year: 365000, decay_per_year: 60,\n" \
  "             genesis: 1e6}\n"                                                             \
  "  epoch: 1d\n"                                                                            \
  "  price: {kind: fixed, initial: 1}\n"                                                     \
  "  operators: {patience: 1d, entry_rate: 0/h, cost_spread: 0.2, cost_bins: 2}\n"           \
  "  coupling: {window: 1min}\n"

/* Reads series `name` of run file h5 as (time, value) pairs; returns the count (<= max). */
static size_t read_series(const char *h5, const char *name, double (*out)[2], size_t max)
{
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  double *time = NULL, *value = NULL;
  long n = runfile_series(f, name, &time, &value);
  assert_true(n > 0 && (size_t)n <= max);
  for (long i = 0; i < n; i++) {
    out[i][0] = time[i];
    out[i][1] = value[i];
  }
  free(time);
  free(value);
  H5Fclose(f);
  return (size_t)n;
}

/* The closed form: each epoch, the emission over the alive operators' GPUs at the fixed
 * price; a cohort whose revenue per GPU-hour falls below its cost leaves at that epoch's end.
 * alive[e]: operators after epoch e. Returns the epoch the last cohort left, or -1. */
static int expected_alive(long alive[EPOCHS])
{
  struct emission_params p;
  emission_params_default(&p, EMISSION_CUSTOM);
  p.curve = EMISSION_EXPONENTIAL;
  p.custom_rate0_tokens_per_year = RATE;
  p.custom_decay_per_year = DECAY;
  const struct emission_schedule *s = emission_schedule_of(EMISSION_CUSTOM);
  double cost[2] = {COST * (1 - SPREAD / 2), COST * (1 + SPREAD / 2)};
  long members[2] = {N_OPS / 2, N_OPS / 2};
  int last = -1;
  for (int e = 0; e < EPOCHS; e++) {
    double t0 = e * EMISSION_DAY_S, t1 = t0 + EMISSION_DAY_S;
    long n = members[0] + members[1];
    double revenue = n > 0 ? (s->cumulative(&p, t1) - s->cumulative(&p, t0)) * PRICE / n / 24
                           : 0;
    for (int c = 0; c < 2; c++)
      if (members[c] > 0 && revenue < cost[c]) {
        members[c] = 0;
        last = e;
      }
    alive[e] = members[0] + members[1];
  }
  return last;
}

static void test_token_coupling_exits_in_the_closed_form_epoch(void **state)
{
  (void)state;
  long alive[EPOCHS];
  int last = expected_alive(alive);
  /* the case exercises both cohorts' exits, the second after the first's departure doubled
   * what each remaining GPU earns */
  assert_true(last > 2 && last < EPOCHS - 2 && alive[0] == N_OPS && alive[EPOCHS - 1] == 0);
  char *h5 = test_run_text(CLOSED_FORM, "");
  double ops[EPOCHS + 1][2], active[64][2];
  size_t n = read_series(h5, "token_operators", ops, EPOCHS + 1);
  assert_int_equal(n, EPOCHS);
  for (size_t e = 0; e < n; e++) {
    assert_double_equal(ops[e][0], (double)(e + 1) * EMISSION_DAY_S, 1e-6);
    if ((long)ops[e][1] != alive[e])
      fail_msg("epoch %zu: %g operators, the closed form gives %ld", e, ops[e][1], alive[e]);
  }
  /* the network follows: after the tick that ends epoch e (engine time e + 1 minutes), the
   * hosts up are the operators alive */
  size_t m = read_series(h5, "providers_active", active, 64);
  assert_int_equal(m, EPOCHS);
  for (size_t i = 0; i < m; i++) {
    size_t e = (size_t)llround(active[i][0] / 60) - 1;
    if ((long)active[i][1] != alive[e])
      fail_msg("minute %zu: %g hosts in the network, %ld operators", e + 1, active[i][1],
               alive[e]);
  }
  assert_double_equal(test_summary(h5, "providers_active_final"), 0, 0);
  free(h5);
}

/* The ledger's validators are the four hosts of the high-stake class, whose operators leave
 * at the end of the first epoch (their cost is above what the emission pays a GPU); the slots
 * pass to the next hosts by stake and the chain goes on committing. */
#define VALIDATORS_LEAVE                                                                     \
  "name: valset\n"                                                                          \
  "seed: 5\n"                                                                               \
  "duration: 6min\n"                                                                        \
  "sample_interval: 1min\n"                                                                 \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                             \
  "regions: [{name: here, backbone: 10Gbps}]\n"                                             \
  "providers:\n"                                                                            \
  "  - {class: big, count: 4, gpu: RTX-4090, region: here, uplink: 1Gbps, downlink: 1Gbps,\n" \
  "     cost_per_hour: 5, stake: 1000}\n"                                                   \
  "  - {class: small, count: 36, gpu: RTX-4090, region: here, uplink: 1Gbps,\n"              \
  "     downlink: 1Gbps, cost_per_hour: 0.01, stake: 10}\n"                                 \
  "workload: {transactions: {rate: 10/s, size: 250B}}\n"                                    \
  "ledger: {validators: 4}\n"                                                               \
  "token:\n"                                                                                \
  "  emission: {kind: custom, rate_per_year: 365000, genesis: 1e6}\n"                       \
  "  epoch: 1d\n"                                                                           \
  "  price: {kind: fixed, initial: 1}\n"                                                    \
  "  operators: {patience: 1d, entry_rate: 0/h, cost_spread: 0}\n"                          \
  "  coupling: {window: 1min}\n"

static void test_token_coupling_validator_slots_pass_on(void **state)
{
  (void)state;
  char *h5 = test_run_text(VALIDATORS_LEAVE, "");
  assert_double_equal(test_summary(h5, "operators_final"), 36, 0);
  assert_double_equal(test_summary(h5, "validator_changes"), 4, 0);
  /* 5 minutes after the change at 10 tx/s: the chain kept up */
  assert_true(test_summary(h5, "backlog_final") < 100);
  assert_true(test_summary(h5, "blocks") > 300 / 0.5 * 0.9);
  free(h5);
}

/* The same with DA signing: the four high-stake signers' slots pass to entrants of the other
 * signer class, and the submitter (a class with neither cost nor stake: users' hosts, not
 * operators) stays in the network throughout. */
#define SIGNERS_LEAVE                                                                        \
  "name: signers\n"                                                                         \
  "seed: 5\n"                                                                               \
  "duration: 6min\n"                                                                        \
  "sample_interval: 1min\n"                                                                 \
  "calibration: [gpu/profiles/rtx-4090.yaml, gpu/profiles/h100-sxm.yaml]\n"                 \
  "regions: [{name: here, backbone: 10Gbps}]\n"                                             \
  "providers:\n"                                                                            \
  "  - {class: big, count: 4, gpu: RTX-4090, region: here, uplink: 1Gbps, downlink: 1Gbps,\n" \
  "     cost_per_hour: 5, stake: 1000}\n"                                                   \
  "  - {class: small, count: 36, max_count: 60, gpu: RTX-4090, region: here, uplink: 1Gbps,\n" \
  "     downlink: 1Gbps, cost_per_hour: 0.01, stake: 1000}\n"                               \
  "  - {class: submitter, count: 1, gpu: H100-SXM, region: here, uplink: 10Gbps,\n"         \
  "     downlink: 10Gbps}\n"                                                                \
  "workload:\n"                                                                             \
  "  transactions: {rate: 10/s, size: 250B}\n"                                              \
  "  blobs: {rate: 1/s, size: 1MB}\n"                                                       \
  "ledger: {validators: 4}\n"                                                               \
  "da: {submitters: submitter, signers: [big, small], dispersal_grain: aggregate}\n"        \
  "token:\n"                                                                                \
  "  emission: {kind: custom, rate_per_year: 365000, genesis: 1e6}\n"                       \
  "  epoch: 1d\n"                                                                           \
  "  price: {kind: fixed, initial: 1}\n"                                                    \
  "  operators: {patience: 1d, entry_rate: 10/d, cost_spread: 0}\n"                         \
  "  coupling: {window: 1min}\n"

static void test_token_coupling_signer_slots_pass_on(void **state)
{
  (void)state;
  char *h5 = test_run_text(SIGNERS_LEAVE, "");
  assert_double_equal(test_summary(h5, "da_signer_changes"), 4, 0);
  assert_double_equal(test_summary(h5, "operators_final"), 60, 0); /* small filled its spares */
  assert_double_equal(test_summary(h5, "providers_active_final"), 61, 0); /* + the submitter */
  assert_double_equal(test_summary(h5, "blob_backlog_final"), 0, 0);
  free(h5);
}

/* A market, entrants on spare hosts and sybils that stay dark. */
#define MARKET                                                                               \
  "name: market\n"                                                                           \
  "seed: 11\n"                                                                               \
  "duration: 20min\n"                                                                        \
  "sample_interval: 1min\n"                                                                  \
  "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"                  \
  "regions: [{name: here, backbone: 100Gbps}]\n"                                             \
  "providers:\n"                                                                             \
  "  - {class: dc, count: 20, max_count: 40, gpu: H100-SXM, gpus_per_node: 8, region: here,\n" \
  "     uplink: 10Gbps, downlink: 10Gbps, cost_per_hour: 2.1, stake: 16000,\n"              \
  "     availability: {mtbf: 720h, mttr: 2h}}\n"                                             \
  "  - {class: home, count: 300, max_count: 500, gpu: RTX-4090, region: here,\n"            \
  "     uplink: 50Mbps, downlink: 500Mbps, cost_per_hour: 0.28, stake: 200,\n"              \
  "     sybil_fraction: 0.05, availability: {mtbf: 36h, mttr: 8h}}\n"                        \
  "workload:\n"                                                                              \
  "  inference: [{rate: 5/s, model: {params: 8e9, precision: bf16}, prompt_tokens: 256,\n"   \
  "               output_tokens: 128, replicas: 150}]\n"                                     \
  "market: {bid_window: 30s}\n"                                                              \
  "token:\n"                                                                                 \
  "  epoch: 1d\n"                                                                            \
  "  operators: {patience: 3d, entry_rate: 10/d}\n"                                          \
  "  demand: {growth_per_year: 2}\n"                                                         \
  "  coupling: {window: 1min, latency_bound: 60s}\n"

static void test_token_coupling_one_population_conserves_tokens(void **state)
{
  (void)state;
  char *h5 = test_run_text(MARKET, "");
  assert_double_equal(test_summary(h5, "token_conserved"), 1, 0);
  double ops = test_summary(h5, "operators_final"), sybils = test_summary(h5, "sybils_final");
  assert_true(ops > 320); /* entrants joined: more operators than launch hosts */
  assert_double_equal(test_summary(h5, "providers_active_final"), ops - sybils, 0);
  assert_true(test_summary(h5, "token_served_gpu_hours") > 0);
  assert_true(test_summary(h5, "cost_per_gpu_hour") > 0.28); /* rented at cost x margin */
  free(h5);
}

/* Demand through the network: requests slower than the latency bound are not served well,
 * and demand shrinks with them; with a bound the service meets, it stays as written (the
 * growth over 20 days at +200% a year is 3^(20/365)). */
static void test_token_coupling_demand_follows_service(void **state)
{
  (void)state;
  char *tight = test_run_text(MARKET, "--set token.coupling.latency_bound=10ms");
  char *loose = test_run_text(MARKET, "");
  assert_true(test_summary(tight, "token_demand_scale_final") < 0.5);
  assert_true(test_summary(tight, "inference_arrival_rate") < 0.5 * 5);
  assert_double_equal(test_summary(loose, "token_demand_scale_final"), pow(3, 20 / 365.0),
                      0.01);
  assert_true(test_summary(loose, "inference_arrival_rate") > 0.9 * 5);
  free(tight);
  free(loose);
}

static void test_token_coupling_same_seed_identical_files(void **state)
{
  (void)state;
  if (system("command -v h5diff >/dev/null 2>&1") != 0)
    fail_msg("h5diff (hdf5-tools) is not installed");
  char *a = test_run_text(MARKET, ""), *b = test_run_text(MARKET, "");
  char *cmd = NULL;
  assert_true(asprintf(&cmd, "h5diff %s %s /summary /summary >/dev/null && h5diff %s %s "
                             "/token /token >/dev/null && h5diff %s %s /timeseries /timeseries "
                             ">/dev/null", a, b, a, b, a, b) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(a);
  free(b);
}

static void assert_refused(const char *text, const char *needle)
{
  diag_t *d = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("c.yaml", text, NULL, 0, registry_layers(), d, &sc),
                   DEPIN_EINVAL);
  assert_null(sc);
  if (!diag_contains(d, needle)) {
    for (size_t i = 0; i < diag_count(d); i++)
      print_message("diag: %s\n", diag_line(d, i));
    fail_msg("no diagnostic contains \"%s\"", needle);
  }
  diag_free(d);
}

static void test_token_coupling_bad_input(void **state)
{
  (void)state;
  /* max_count below count */
  const char *below =
    "name: b\nduration: 15min\ncalibration: [gpu/profiles/rtx-4090.yaml]\n"
    "regions: [{name: here, backbone: 10Gbps}]\n"
    "providers:\n"
    "  - {class: home, count: 40, max_count: 9, gpu: RTX-4090, region: here, uplink: 1Gbps,\n"
    "     downlink: 1Gbps}\n";
  assert_refused(below, "c.yaml:6:41: providers[0].max_count: 9 is below count 40 (allowed: "
                        "an integer from count, 40, up)");
  const char *head =
    "name: w\nduration: 2d\ncalibration: [gpu/profiles/rtx-4090.yaml]\n"
    "regions: [{name: here, backbone: 10Gbps}]\n"
    "providers:\n"
    "  - {class: home, count: 40, gpu: RTX-4090, region: here, uplink: 1Gbps,\n"
    "     downlink: 1Gbps}\n";
  char *longer = NULL, *alone = NULL, *horizon = NULL, *demand = NULL;
  /* a window longer than the epoch */
  assert_true(asprintf(&longer, "%sworkload: {transactions: {rate: 1/s, size: 250B}}\nledger: {validators: "
                                "4}\ntoken: {epoch: 1h, coupling: {window: 2h}}\n", head) > 0);
  assert_refused(longer, "c.yaml:10:39: token.coupling.window: 7200 s is longer than "
                         "token.epoch (3600 s) (allowed: 1 s up to the epoch)");
  /* nothing to couple to */
  assert_true(asprintf(&alone, "%stoken: {epoch: 1d, coupling: {window: 1h}}\n", head) > 0);
  assert_refused(alone, "c.yaml:8:31: token.coupling: no network to couple to");
  /* a horizon the run cannot reach */
  assert_true(asprintf(&horizon, "%sworkload: {transactions: {rate: 1/s, size: 250B}}\nledger: {validators: "
                                 "4}\ntoken: {epoch: 1d, horizon: 365d, coupling: {window: 1h}}"
                                 "\n", head) > 0);
  assert_refused(horizon, "token.horizon: 3.1536e+07 s does not match the coupled run: duration "
                          "/ window x every x epoch = 48 x 1 x 86400 s = 4.1472e+06 s");
  /* the model's own demand */
  assert_true(asprintf(&demand, "%sworkload: {transactions: {rate: 1/s, size: 250B}}\nledger: {validators: "
                                "4}\ntoken: {epoch: 1d, demand: {gpu_hours_per_hour: 5}, "
                                "coupling: {window: 1h}}\n", head) > 0);
  assert_refused(demand, "token.demand.gpu_hours_per_hour: a coupled run's demand is the "
                         "network's workloads");
  free(longer);
  free(alone);
  free(horizon);
  free(demand);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_token_coupling_exits_in_the_closed_form_epoch),
    cmocka_unit_test(test_token_coupling_validator_slots_pass_on),
    cmocka_unit_test(test_token_coupling_signer_slots_pass_on),
    cmocka_unit_test(test_token_coupling_one_population_conserves_tokens),
    cmocka_unit_test(test_token_coupling_demand_follows_service),
    cmocka_unit_test(test_token_coupling_same_seed_identical_files),
    cmocka_unit_test(test_token_coupling_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
