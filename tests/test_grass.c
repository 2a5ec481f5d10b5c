/* test_grass.c: the Grass layer: its closed forms (mean page, detection, idle latency), the
 * section's errors with their positions, and whole runs through the depinsim binary: N
 * always-up nodes under a saturating stream serve N x uplink / 1.05, a request on an idle node
 * takes its latencies plus page / downlink plus page / uplink exactly, over-claimers are caught
 * as 1 - (1 - p)^epochs after the truncated geometric mean of epochs,
 * honest nodes are paid exactly price_per_gb, and a seed gives one result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "protocols/grass/grass.h"
#include "sim/base/diag.h"
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

static void test_grass_closed_forms(void **state)
{
  (void)state;
  assert_double_equal(grass_mean_size(1e6, 0), 1e6, 0);
  assert_double_equal(grass_mean_size(1e6, 1), 1e6 * exp(0.5), 1e-6);
  assert_double_equal(grass_detect_prob(0.5, 0), 0, 0);
  assert_double_equal(grass_detect_prob(0.5, 3), 0.875, 1e-15);
  assert_double_equal(grass_detect_prob(1, 1), 1, 0);
  /* caught at the first check for sure; q = 1/2 over two epochs: (1/2 + 2/4) / (3/4) = 4/3 */
  assert_double_equal(grass_detect_mean_epochs(1, 5), 1, 1e-15);
  assert_double_equal(grass_detect_mean_epochs(0.5, 2), 4.0 / 3, 1e-15);
  assert_double_equal(grass_detect_mean_epochs(0.2, 1e4), 5, 1e-9); /* untruncated: 1 / q */
  /* the order's latency, then the page down and up, one after the other */
  assert_double_equal(grass_idle_latency(0.03, 0.01, 0.02, 1e6, 1e7, 1e6),
                      0.03 + 0.01 + 0.1 + 0.02 + 1, 1e-12);
  /* a busy node's links carry its pages and 5% acknowledgements of the other direction */
  assert_double_equal(grass_node_capacity(1e6, 1e7), 1e6 / 1.05, 1e-6);
  assert_double_equal(grass_node_capacity(1e7, 2e6), 2e6 / 1.05, 1e-6);
}

/* Two regions 20 ms apart; home nodes 8 Mbps up (1 MB/s), 80 Mbps down, 5 ms to the backbone;
 * two routers, one a region. */
#define GRASS_SCENARIO(nodes, extra)                                                          \
  "name: gr\n"                                                                                \
  "seed: 5\n"                                                                                 \
  "duration: 2min\n"                                                                          \
  "warmup: 20s\n"                                                                             \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                               \
  "regions: [{name: a, backbone: 10Gbps}, {name: b, backbone: 10Gbps}]\n"                     \
  "latency: {a: {b: 20ms}}\n"                                                                 \
  "providers:\n"                                                                              \
  "  - {class: home, count: " nodes ", gpu: RTX-4090, region: [a, b], uplink: 8Mbps,\n"       \
  "     downlink: 80Mbps, latency: 5ms}\n"                                                    \
  "  - {class: relay, count: 2, gpu: RTX-4090, region: [a, b], uplink: 10Gbps,\n"             \
  "     downlink: 10Gbps, latency: 1ms}\n"                                                    \
  "grass:\n"                                                                                  \
  "  nodes: home\n"                                                                           \
  "  routers: relay\n" extra

static void test_grass_bad_section_is_refused_with_positions(void **state)
{
  (void)state;
  const char *parse[] = {
    "g.yaml:17:3: grass.epok: unknown key 'epok' (did you mean 'epoch'?)",
    "g.yaml:16:38: grass.requests.size_spread: '9' is out of range (allowed: 0 to 5)",
    "g.yaml:18:12: grass.routing: unknown value 'fastest' (allowed: least_loaded, random, "
    "round_robin)",
    "g.yaml:19:14: grass.detection: '1.5' is out of range (allowed: 0 to 1)",
  };
  test_expect_errors("g.yaml",
                     GRASS_SCENARIO("4", "  requests: {rate: 1/s, size_spread: 9}\n"
                                         "  epok: 1min\n"
                                         "  routing: fastest\n"
                                         "  detection: 1.5\n"),
                     NULL, 0, parse, 4);
  const char *missing[] = {"g.yaml:14:3: grass.requests: missing required key"};
  test_expect_errors("g.yaml",
                     GRASS_SCENARIO("4", ""), NULL, 0, missing, 1);
  const char *set[] = {"grass.nodes=homes"};
  const char *unknown[] = {"--set grass.nodes=homes: grass.nodes: unknown provider class "
                           "'homes' (did you mean 'home'?)"};
  test_expect_errors("g.yaml",
                     GRASS_SCENARIO("4", "  requests: {rate: 1/s}\n"),
                     set, 1, unknown, 1);
  const char *same[] = {"grass.routers=home"};
  const char *same_class[] = {"--set grass.routers=home: grass.routers: 'home' is the nodes' "
                              "class (allowed: another provider class)"};
  test_expect_errors("g.yaml",
                     GRASS_SCENARIO("4", "  requests: {rate: 1/s}\n"),
                     same, 1, same_class, 1);
  const char *flaky[] = {"providers.relay.availability={mtbf: 1h, mttr: 1min}"};
  const char *routers[] = {"g.yaml:15:12: grass.routers: class 'relay' has an availability: "
                           "routers are modelled always up (allowed: a class without "
                           "availability)"};
  test_expect_errors("g.yaml",
                     GRASS_SCENARIO("4", "  requests: {rate: 1/s}\n"),
                     flaky, 1, routers, 1);
}

/* Runs the scenario (nodes, grass keys) with extra arguments; returns the run file (owned). */
static char *run(const char *nodes, const char *grass_yaml, const char *extra)
{
  char *text = NULL;
  assert_true(asprintf(&text, GRASS_SCENARIO("%s", "%s"), nodes, grass_yaml) > 0);
  char *h5 = test_run_text(text, extra);
  free(text);
  return h5;
}

/* 20 always-up nodes of 1 MB/s uplink offered 5x what they carry serve 20 x 1 MB/s / 1.05 (their
 * uplinks also carry 5% acknowledgements of the pages coming down), within 3%: each node keeps
 * 4 pages in flight, so its uplink never idles. Six minutes, so that the pages still in flight
 * at the end (not counted) weigh little. */
static void test_grass_saturated_nodes_serve_n_times_uplink(void **state)
{
  (void)state;
  char *h5 = run("20", "  requests: {rate: 100/s, size: 1MB, size_spread: 0.5}\n"
                       "  max_inflight: 4\n", "--set duration=6min");
  double served = test_summary(h5, "grass_throughput");
  double capacity = 20 * 1e6 / 1.05;
  print_message("served %.3f MB/s of %.3f MB/s\n", served / 1e6, capacity / 1e6);
  assert_rel(served, capacity, 0.03);
  assert_true(served <= capacity * 1.001);
  assert_double_equal(test_summary(h5, "grass_capacity"), capacity, 1e-6);
  assert_true(test_summary(h5, "grass_requests_dropped") > 0);
  free(h5);
}

/* One node, rare requests: each finds the node idle and takes lat(router, node) +
 * lat(node, site) + lat(site, node) + 1 MB / 10 MB/s + lat(node, router) + 1 MB / 1 MB/s.
 * Node 0 is in region a, as its router relay-0 (1 ms + 5 ms each way) and its site (5 ms):
 * order 6 + 5 ms, page down 5 ms + 0.1 s, up 6 ms + 1 s. */
static void test_grass_idle_request_takes_latency_plus_size_over_uplink(void **state)
{
  (void)state;
  char *h5 = run("1", "  requests: {rate: 0.05/s, size: 1MB, size_spread: 0}\n", "");
  double want = 0.006 + 0.005 + 0.005 + 0.1 + 0.006 + 1.0;
  assert_rel(test_summary(h5, "grass_latency_p50"), want, 1e-6);
  assert_rel(test_summary(h5, "grass_latency_p99"), want, 1e-6);
  free(h5);
}

/* Half of 200 nodes over-claim; the validator checks one proof per node and 20 s epoch (6 in
 * the run), each exposing an over-claim with probability 0.2: 1 - 0.8^6 = 0.738 of them are
 * caught (within 3 standard deviations of 100 Bernoulli draws). */
static void test_grass_false_claims_caught_as_closed_form(void **state)
{
  (void)state;
  char *h5 = run("200", "  requests: {rate: 100/s, size: 100KB, size_spread: 0}\n"
                        "  epoch: 20s\n"
                        "  samples: 1\n"
                        "  detection: 0.2\n",
                 "--set 'providers.home.behavior={honest: 0.5, malicious: 0.5}'");
  double want = 1 - pow(0.8, 6), sd = sqrt(want * (1 - want) / 100);
  double caught = test_summary(h5, "grass_false_claims_caught");
  print_message("caught %.3f, closed form %.3f\n", caught, want);
  assert_double_equal(caught, want, 3 * sd);
  /* caught after 2.87 checks on average (the geometric law with q = 0.2 cut at 6 epochs); over
   * about 74 caught nodes of variance 2.67 epochs^2, 3 standard deviations are 0.57 */
  double epochs = test_summary(h5, "grass_detection_epochs");
  print_message("caught after %.2f epochs, closed form %.2f\n", epochs,
                grass_detect_mean_epochs(0.2, 6));
  assert_double_equal(epochs, grass_detect_mean_epochs(0.2, 6), 0.57);
  double bound = NAN;
  assert_true(test_read_summary(h5, "grass_overpaid_share", &bound) == 0 && bound > 0);
  assert_true(test_summary(h5, "grass_reward_per_gb") > 0.39);
  free(h5);
}

/* Honest nodes are paid exactly price_per_gb for what they served. */
static void test_grass_honest_nodes_paid_price_per_gb(void **state)
{
  (void)state;
  char *h5 = run("20", "  requests: {rate: 10/s, size: 500KB}\n"
                       "  epoch: 30s\n"
                       "  price_per_gb: 0.7\n", "");
  assert_rel(test_summary(h5, "grass_reward_per_gb"), 0.7, 1e-9);
  assert_double_equal(test_summary(h5, "grass_overpaid_share"), 0, 0);
  double gini = test_summary(h5, "grass_gini_earnings");
  assert_true(gini > 0 && gini < 0.5);
  free(h5);
}

/* Nodes that fail (up 2/3 of the time) are not routed to while down; what they were serving
 * is lost, and the throughput stays under the capacity of the nodes up. */
static void test_grass_down_nodes_lose_requests(void **state)
{
  (void)state;
  char *h5 = run("20", "  requests: {rate: 100/s, size: 1MB, size_spread: 0}\n",
                 "--set 'providers.home.availability={mtbf: 20s, mttr: 10s}'");
  assert_true(test_summary(h5, "grass_requests_failed") > 0);
  double served = test_summary(h5, "grass_throughput");
  print_message("served %.3f MB/s, capacity %.3f MB/s\n", served / 1e6,
                test_summary(h5, "grass_capacity") / 1e6);
  assert_true(served < 1.05 * test_summary(h5, "grass_capacity"));
  assert_true(served > 0.5 * test_summary(h5, "grass_capacity"));
  free(h5);
}

/* With a ledger, each validator's epoch of proofs is one transaction: they commit within a few
 * 400 ms blocks. */
static void test_grass_proof_batches_commit_on_the_ledger(void **state)
{
  (void)state;
  char *h5 = run("20", "  requests: {rate: 10/s, size: 1MB}\n"
                       "  validators: 2\n"
                       "  epoch: 20s\n"
                       "workload:\n"
                       "  transactions: {rate: 1/s, size: 250B}\n"
                       "ledger:\n"
                       "  validators: 2\n"
                       "  block_time: 400ms\n", "");
  double latency = test_summary(h5, "grass_proof_commit_latency");
  print_message("proof batches commit %.3f s after their epoch\n", latency);
  assert_true(latency > 0 && latency < 1.2);
  /* 1 tx/s of the workload and 2 batches of 10 nodes' 256 B proofs every 20 s (11 slots of
   * 250 B each): the ledger carries more than the workload alone */
  assert_true(test_summary(h5, "tps") > 1.5);
  free(h5);
}

/* In a coupled token run the requests follow the token layer's demand scale: pages of 4 s
 * against a latency bound of 1 s are never served well and the demand falls, so fewer requests
 * come; against a bound of an hour all are served well and the scale stays near 1. */
static void test_grass_requests_follow_coupled_demand(void **state)
{
  (void)state;
  const char *grass = "  requests: {rate: 4/s, size: 4MB, size_spread: 0}\n"
                      "token:\n"
                      "  emission: {kind: custom, rate_per_year: 0}\n"
                      "  demand: {growth_per_year: 0}\n"
                      "  operators: {entry_rate: 0/h}\n";
  char *tight = run("20", grass, "--set 'token.coupling={window: 20s, latency_bound: 1s}'");
  char *loose = run("20", grass, "--set 'token.coupling={window: 20s, latency_bound: 1h}'");
  double scale_tight = test_summary(tight, "token_demand_scale_final");
  double scale_loose = test_summary(loose, "token_demand_scale_final");
  print_message("demand scale %.3f (1 s bound), %.3f (1 h bound)\n", scale_tight, scale_loose);
  assert_true(scale_tight < 0.5);
  assert_true(scale_loose > 0.95); /* requests still in flight as a window closes count as not
                                      served in it */
  assert_true(test_summary(tight, "grass_requests_per_s") <
              0.7 * test_summary(loose, "grass_requests_per_s"));
  free(tight);
  free(loose);
}

static void test_grass_same_seed_same_result(void **state)
{
  (void)state;
  const char *yaml = "  requests: {rate: 30/s, size: 1MB}\n"
                     "  routing: random\n"
                     "  epoch: 30s\n";
  const char *set = "--set 'providers.home.behavior={honest: 0.8, lazy: 0.2}'";
  char *a = run("30", yaml, set), *b = run("30", yaml, set);
  const char *names[] = {"grass_throughput", "grass_latency_p99", "grass_gini_earnings",
                         "grass_false_claims_caught"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    assert_double_equal(test_summary(a, names[i]), test_summary(b, names[i]), 0);
  free(a);
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_grass_closed_forms),
    cmocka_unit_test(test_grass_bad_section_is_refused_with_positions),
    cmocka_unit_test(test_grass_saturated_nodes_serve_n_times_uplink),
    cmocka_unit_test(test_grass_idle_request_takes_latency_plus_size_over_uplink),
    cmocka_unit_test(test_grass_false_claims_caught_as_closed_form),
    cmocka_unit_test(test_grass_honest_nodes_paid_price_per_gb),
    cmocka_unit_test(test_grass_down_nodes_lose_requests),
    cmocka_unit_test(test_grass_proof_batches_commit_on_the_ledger),
    cmocka_unit_test(test_grass_requests_follow_coupled_demand),
    cmocka_unit_test(test_grass_same_seed_same_result),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
