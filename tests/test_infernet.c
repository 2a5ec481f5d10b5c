/* test_infernet.c: the infernet layer: its closed forms (interval arithmetic, polls, ABI sizes,
 * expected requests), the section's errors with their positions, and whole runs through the
 * depinsim binary: one node and one request whose latency is the request's inclusion + the
 * container + the delivery's inclusion, redundancy r giving r accepted callbacks a request,
 * recurring intervals, proofs and fees through the token layer, and a repeatable run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "protocols/infernet/infernet.h"
#include "sim/base/diag.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

/* activeAt = createdAt + period; interval k starts (k - 1) periods later. */
static void test_infernet_intervals_follow_the_coordinator(void **state)
{
  (void)state;
  assert_double_equal(infernet_interval_start(100, 30, 1), 130, 0);
  assert_double_equal(infernet_interval_start(100, 30, 3), 190, 0);
  assert_double_equal(infernet_interval_start(100, 0, 1), 100, 0);
  assert_int_equal(infernet_current_interval(100, 30, 130), 1);
  assert_int_equal(infernet_current_interval(100, 30, 159.9), 1);
  assert_int_equal(infernet_current_interval(100, 30, 160), 2);
  assert_int_equal(infernet_current_interval(100, 0, 1e6), 1); /* period 0: always 1 */
}

/* A loop every 0.5 s from phase 0.2 polls at 0.2, 0.7, 1.2, ... */
static void test_infernet_next_poll(void **state)
{
  (void)state;
  assert_double_equal(infernet_next_poll(0.2, 0.5, 0.2), 0.2, 1e-12);
  assert_double_equal(infernet_next_poll(0.2, 0.5, 0.21), 0.7, 1e-12);
  assert_double_equal(infernet_next_poll(0.2, 0.5, 1.0), 1.2, 1e-12);
}

/* ABI sizes: a one-off request carries its input padded to 32 B with its length word; a
 * delivery its output and proof padded to 32 B. */
static void test_infernet_transaction_bytes(void **state)
{
  (void)state;
  struct infernet_sub_conf s = {.frequency = 1, .input_bytes = 40, .output_bytes = 33,
                                .proof_bytes = 0};
  assert_double_equal(infernet_request_bytes(&s), 356 + 32 + 64, 0);
  assert_double_equal(infernet_delivery_bytes(&s), 324 + 64, 0);
  s.frequency = 5; /* recurring: the input is read by a view call */
  assert_double_equal(infernet_request_bytes(&s), 356, 0);
}

/* Created at 1/s over [0, 100]: a one-off class has 60 requests in [40, 100]; with 4
 * intervals 10 s apart interval k starts 10k after creation, 60 of each in the window; created
 * over [0, 20] only, 0 + 0 + 10 + 20 of them. */
static void test_infernet_expected_intervals(void **state)
{
  (void)state;
  struct infernet_sub_conf s = {.rate_per_s = 1, .count = INFINITY, .frequency = 1};
  assert_double_equal(infernet_expected_intervals(&s, 40, 100, 100), 60, 1e-9);
  s.frequency = 4;
  s.period_s = 10;
  assert_double_equal(infernet_expected_intervals(&s, 40, 100, 100), 4 * 60, 1e-9);
  s.count = 20;
  assert_double_equal(infernet_expected_intervals(&s, 40, 100, 100), 0 + 0 + 10 + 20, 1e-9);
}

#define INFERNET_SCENARIO(nodes, duration, extra)                                             \
  "name: inf\n"                                                                               \
  "seed: 5\n"                                                                                 \
  "duration: " duration "\n"                                                                  \
  "warmup: 1s\n"                                                                              \
  "sample_interval: 10s\n"                                                                    \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                               \
  "regions: [{name: r, backbone: 100Gbps}]\n"                                                 \
  "providers:\n"                                                                              \
  "  - {class: validator, count: 4, gpu: RTX-4090, region: r, uplink: 1Gbps,\n"               \
  "     downlink: 1Gbps, latency: 1ms, stake: 100}\n"                                         \
  "  - {class: node, count: " nodes ", gpu: RTX-4090, region: r, uplink: 1Gbps,\n"            \
  "     downlink: 1Gbps, latency: 1ms, stake: 0}\n"                                           \
  "workload:\n"                                                                               \
  "  transactions: {rate: 10/s, size: 250B}\n"                                                \
  "ledger: {validators: 4, block_time: 1s}\n"                                                 \
  "infernet:\n"                                                                               \
  "  nodes: node\n" extra

static void test_infernet_bad_section_is_refused_with_positions(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  const char *text = INFERNET_SCENARIO("3", "1min",
    "  subscriptions:\n"
    "    - {name: a, rate: 1/s, compute: 1s, redundancy: 0}\n"
    "    - {name: b, rate: 1/s, compute: 1s, flops: 1e12}\n"
    "    - {name: c, rate: 1/s, compute: 1s, frequency: 3}\n"
    "  watch_intervl: 1s\n");
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(), diag, &sc),
                   DEPIN_EINVAL);
  assert_int_equal(diag_count(diag), 4);
  assert_string_equal(diag_line(diag, 0), "s.yaml:22:3: infernet.watch_intervl: unknown key "
                                           "'watch_intervl' (did you mean 'watch_interval'?)");
  assert_string_equal(diag_line(diag, 1), "s.yaml:19:53: infernet.subscriptions[0].redundancy: "
                                           "'0' is out of range (allowed: 1 to 65535)");
  assert_string_equal(diag_line(diag, 2), "s.yaml:20:37: infernet.subscriptions[1].compute: give "
                                           "the container's work as flops or as compute "
                                           "(allowed: exactly one of flops, compute)");
  assert_string_equal(diag_line(diag, 3), "s.yaml:21:52: infernet.subscriptions[2].frequency: a "
                                           "recurring subscription (frequency 3) needs a period: "
                                           "with period 0 every delivery falls in interval 1 "
                                           "(allowed: frequency 1, or a period > 0)");
  diag_free(diag);

  diag = diag_new(); /* cross-section checks: the nodes there are */
  text = INFERNET_SCENARIO("3", "1min", "  subscriptions:\n"
                                        "    - {name: a, rate: 1/s, compute: 1s, serving: 2,"
                                        " redundancy: 3}\n");
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(), diag, &sc),
                   DEPIN_EINVAL);
  assert_int_equal(diag_count(diag), 1);
  assert_string_equal(diag_line(diag, 0), "s.yaml:19:65: infernet.subscriptions[0].redundancy: "
                                           "redundancy 3 needs that many distinct nodes, but 2 "
                                           "serve it (allowed: 1 to 2)");
  diag_free(diag);

  diag = diag_new(); /* no ledger: nowhere to put the transactions */
  text = "name: inf\n"
         "duration: 1min\n"
         "calibration: [gpu/profiles/rtx-4090.yaml]\n"
         "regions: [{name: r, backbone: 100Gbps}]\n"
         "providers: [{class: node, count: 3, gpu: RTX-4090, region: r, uplink: 1Gbps,"
         " downlink: 1Gbps, latency: 1ms}]\n"
         "infernet:\n"
         "  nodes: node\n"
         "  subscriptions: [{name: a, rate: 1/s, compute: 1s}]\n";
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(), diag, &sc),
                   DEPIN_EINVAL);
  bool found = false;
  for (size_t i = 0; i < diag_count(diag); i++)
    found |= strcmp(diag_line(diag, i), "s.yaml:7:3: infernet: Infernet's subscriptions and "
                                        "callbacks are transactions on a chain: the scenario "
                                        "needs a ledger section (allowed: infernet with ledger)")
             == 0;
  if (!found)
    diag_print(diag, stderr);
  assert_true(found);
  diag_free(diag);
}

/* Runs a scenario text and reads the named summaries (NULL-terminated) into values. */
static void run_and_read(const char *text, const char *const metrics[], double values[])
{
  char *dir = test_tmpdir(), *args = NULL, *h5 = NULL;
  char *yaml = test_write_file(dir, "inf.yaml", text);
  assert_true(asprintf(&args, "run -q %s -o %s", yaml, dir) > 0);
  assert_in_range(test_run_depinsim(args, NULL), 0, 1);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  for (size_t i = 0; metrics[i]; i++)
    assert_int_equal(test_read_summary(h5, metrics[i], &values[i]), 0);
  free(h5), free(args), free(yaml), free(dir);
}

/* The closed form: one node, one one-off request, a 3 s container, polls every 1 ms and no
 * trailing blocks. Nothing shares the node, so the latency is the request's inclusion + 3 s + the
 * delivery's inclusion, within the two polls (2 ms) and the control host's 10 ms reading of
 * commits; each inclusion is at most a block time and a consensus round. */
static void test_infernet_one_request_latency_is_inclusion_compute_delivery(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_latency_mean", "infernet_request_inclusion_mean",
                                      "infernet_callback_inclusion_mean", "infernet_requests",
                                      "infernet_callbacks", "infernet_node_utilisation", NULL};
  double v[6];
  run_and_read(INFERNET_SCENARIO("1", "40s",
                                 "  watch_interval: 1ms\n"
                                 "  process_interval: 1ms\n"
                                 "  subscriptions: [{name: a, rate: 1/s, count: 1,"
                                 " compute: 3s}]\n"),
               names, v);
  print_message("latency %.4f s = request %.4f + 3 + delivery %.4f\n", v[0], v[1], v[2]);
  assert_double_equal(v[3], 1, 0);
  assert_double_equal(v[4], 1, 0);
  assert_double_equal(v[0], v[1] + 3 + v[2], 0.012);
  assert_true(v[1] > 0 && v[1] < 2.5 && v[2] > 0 && v[2] < 2.5);
  assert_double_equal(v[5], 3 / 39.0, 1e-9); /* busy 3 s of the 39 s window */
}

/* Containers taken up at once share the node's device: two requests submitted together commit
 * in the same block and start together, so each 3 s container takes 6 s, and the device is
 * busy 6 s in all (not 12). */
static void test_infernet_containers_share_the_device(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_latency_mean", "infernet_request_inclusion_mean",
                                      "infernet_callback_inclusion_mean", "infernet_callbacks",
                                      "infernet_node_utilisation", NULL};
  double v[5];
  run_and_read(INFERNET_SCENARIO("1", "40s",
                                 "  watch_interval: 1ms\n"
                                 "  process_interval: 1ms\n"
                                 "  subscriptions: [{name: a, rate: 1000/s, count: 2,"
                                 " compute: 3s}]\n"),
               names, v);
  print_message("latency %.4f s = request %.4f + 6 + delivery %.4f\n", v[0], v[1], v[2]);
  assert_double_equal(v[3], 2, 0);
  assert_double_equal(v[0], v[1] + 6 + v[2], 0.012);
  assert_double_equal(v[4], 6 / 39.0, 1e-9);
}

/* Redundancy r: r accepted callbacks a request. With 3 nodes racing for r = 2, the third
 * delivery of each request reverts or is skipped; every request costs r x fee. */
static void test_infernet_redundancy_gives_r_callbacks(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_requests", "infernet_callbacks",
                                      "infernet_callbacks_per_request",
                                      "infernet_callbacks_reverted", "infernet_intervals_skipped",
                                      "infernet_cost_per_request", NULL};
  double v[6];
  run_and_read(INFERNET_SCENARIO("3", "1min",
                                 "  subscriptions: [{name: a, rate: 1/s, count: 5, compute: 2s,"
                                 " redundancy: 3, fee: 0.01}]\n"), names, v);
  assert_double_equal(v[0], 5, 0);
  assert_double_equal(v[1], 15, 0);
  assert_double_equal(v[2], 3, 0);
  assert_double_equal(v[3], 0, 0);
  assert_double_equal(v[5], 0.03, 1e-12);
  run_and_read(INFERNET_SCENARIO("3", "1min",
                                 "  subscriptions: [{name: a, rate: 1/s, count: 5, compute: 2s,"
                                 " redundancy: 2, fee: 0.01}]\n"), names, v);
  assert_double_equal(v[0], 5, 0);
  assert_double_equal(v[1], 10, 0);
  assert_double_equal(v[3] + v[4], 5, 0);
  assert_double_equal(v[5], 0.02, 1e-12);
}

/* A recurring subscription of 4 intervals 10 s apart, two of them: 8 requests, each interval's
 * latency from its start (the subscription is already on chain): processor poll + 1 s + the
 * delivery's inclusion, well under the one-off's. Chain use: 1/4 request + 1 delivery. */
static void test_infernet_recurring_intervals(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_requests", "infernet_callbacks",
                                      "infernet_latency_p99", "infernet_chain_tx_per_request",
                                      "infernet_callback_inclusion_mean", NULL};
  double v[5];
  run_and_read(INFERNET_SCENARIO("2", "2min",
                                 "  subscriptions: [{name: feed, rate: 1/s, count: 2, compute: 1s,"
                                 " frequency: 4, period: 10s, serving: 1}]\n"), names, v);
  assert_double_equal(v[0], 8, 0);
  assert_double_equal(v[1], 8, 0);
  assert_true(v[2] <= 0.1 + 1 + 2.5);
  assert_double_equal(v[3], 1 / 4.0 + 1, 1e-12);
}

/* Proofs: every proof rejected means no fee is paid (faults instead); the proof's time is on
 * the node, so utilisation is (compute + proof) per request. */
static void test_infernet_invalid_proofs_are_not_paid(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_proofs_invalid", "infernet_cost_per_request",
                                      "infernet_node_utilisation", "infernet_callbacks", NULL};
  double v[4];
  run_and_read(INFERNET_SCENARIO("1", "1min",
                                 "  invalid_proof_rate: 1\n"
                                 "  subscriptions: [{name: a, rate: 1/s, count: 4, compute: 1s,"
                                 " proof: {time: 2s, size: 1KiB}, fee: 0.01}]\n"), names, v);
  assert_double_equal(v[0], 4, 0);
  assert_double_equal(v[1], 0, 0);
  assert_double_equal(v[3], 4, 0);
  assert_double_equal(v[2], 4 * 3 / 59.0, 1e-9);
}

/* The same seed gives the same run; containers priced in FLOPs at the calibrated rate. */
static void test_infernet_same_seed_same_result(void **state)
{
  (void)state;
  static const char *const names[] = {"infernet_latency_p99", "infernet_callbacks_reverted",
                                      "infernet_node_utilisation", NULL};
  const char *text = INFERNET_SCENARIO("6", "1min",
                                       "  subscriptions: [{name: a, rate: 3/s, flops: 5e13,"
                                       " redundancy: 1, serving: 3}]\n");
  double a[3], b[3];
  run_and_read(text, names, a);
  run_and_read(text, names, b);
  for (int i = 0; i < 3; i++)
    assert_double_equal(a[i], b[i], 0);
  assert_true(a[1] > 0); /* three nodes race for one slot */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_infernet_intervals_follow_the_coordinator),
    cmocka_unit_test(test_infernet_next_poll),
    cmocka_unit_test(test_infernet_transaction_bytes),
    cmocka_unit_test(test_infernet_expected_intervals),
    cmocka_unit_test(test_infernet_bad_section_is_refused_with_positions),
    cmocka_unit_test(test_infernet_one_request_latency_is_inclusion_compute_delivery),
    cmocka_unit_test(test_infernet_containers_share_the_device),
    cmocka_unit_test(test_infernet_redundancy_gives_r_callbacks),
    cmocka_unit_test(test_infernet_recurring_intervals),
    cmocka_unit_test(test_infernet_invalid_proofs_are_not_paid),
    cmocka_unit_test(test_infernet_same_seed_same_result),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
