/* test_diloco.c: pipeline and DiLoCo-style training against their closed forms (diloco.h): the
 * formulas by hand, a run of two clusters over a slow link whose phases must take what the
 * formulas say, the one-step-delay overlap hiding the outer sync, the same seed giving the same
 * run, and bad keys refused at validate with their place and what is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "protocols/market/diloco.h"
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

static void test_diloco_closed_forms_by_hand(void **state)
{
  (void)state;
  assert_float_equal(diloco_bubble_factor(8, 32), 39.0 / 32, 1e-15);
  assert_float_equal(diloco_bubble_factor(1, 1), 1, 0);
  /* 4 members, 4e8 B at 1e8 B/s, 1 ms: 6 rounds of (1e8 / 1e8 + 1e-3). */
  assert_float_equal(diloco_ring_allreduce_s(4, 4e8, 1e8, 1e-3), 6 * 1.001, 1e-12);
  assert_float_equal(diloco_ring_allreduce_s(1, 4e8, 1e8, 1e-3), 0, 0);
  assert_float_equal(diloco_ring_allgather_s(4, 4e8, 1e8, 1e-3), 3 * 1.001, 1e-12);
  struct diloco_step step = {.compute_s = 10, .activations_s = 1, .allreduce_s = 2};
  struct diloco_sync sync = {.outer_s = 100, .allgather_s = 5};
  assert_float_equal(diloco_step_s(&step), 13, 0);
  assert_float_equal(diloco_outer_step_s(50, 13, 105, false), 755, 1e-12);
  assert_float_equal(diloco_outer_step_s(50, 13, 105, true), 650, 1e-12);
  assert_float_equal(diloco_outer_step_s(5, 13, 105, true), 105, 1e-12);
  /* All communication, hidden or not: 50 x (1 + 2) + 105. */
  assert_float_equal(diloco_comm_per_outer_step_s(50, &step, &sync), 255, 1e-12);
  assert_float_equal(diloco_speedup(50, 1000, 650), 50000.0 / 650, 1e-9);
  assert_float_equal(diloco_speedup(50, 1000, 0), 0, 0);
}

/* Two clusters of four nodes (1 Gbps each, 10 us to a backbone that never limits) joined by
 * one 100 Mbps full-duplex link with 5 ms latency. */
static const char two_clusters_xml[] =
  "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
  "<platform version=\"4.1\"><zone id=\"w\" routing=\"Full\">\n"
  " <zone id=\"ca\" routing=\"Cluster\">\n"
  "  <host id=\"ga\" speed=\"1f\"/><link id=\"ga-l\" bandwidth=\"1e15Bps\" latency=\"0s\"/>\n"
  "  <host_link id=\"ga\" up=\"ga-l\" down=\"ga-l\"/>\n"
  "  <host id=\"a-0\" speed=\"1e15f\"/><host id=\"a-1\" speed=\"1e15f\"/>\n"
  "  <host id=\"a-2\" speed=\"1e15f\"/><host id=\"a-3\" speed=\"1e15f\"/>\n"
  "  <link id=\"a0u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"a0d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"a1u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"a1d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"a2u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"a2d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"a3u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"a3d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <host_link id=\"a-0\" up=\"a0u\" down=\"a0d\"/>"
  "<host_link id=\"a-1\" up=\"a1u\" down=\"a1d\"/>\n"
  "  <host_link id=\"a-2\" up=\"a2u\" down=\"a2d\"/>"
  "<host_link id=\"a-3\" up=\"a3u\" down=\"a3d\"/>\n"
  "  <backbone id=\"ca-bb\" bandwidth=\"1e15Bps\" latency=\"0s\"/>\n"
  " </zone>\n"
  " <zone id=\"cb\" routing=\"Cluster\">\n"
  "  <host id=\"gb\" speed=\"1f\"/><link id=\"gb-l\" bandwidth=\"1e15Bps\" latency=\"0s\"/>\n"
  "  <host_link id=\"gb\" up=\"gb-l\" down=\"gb-l\"/>\n"
  "  <host id=\"b-0\" speed=\"1e15f\"/><host id=\"b-1\" speed=\"1e15f\"/>\n"
  "  <host id=\"b-2\" speed=\"1e15f\"/><host id=\"b-3\" speed=\"1e15f\"/>\n"
  "  <link id=\"b0u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"b0d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"b1u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"b1d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"b2u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"b2d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <link id=\"b3u\" bandwidth=\"1Gbps\" latency=\"10us\"/>"
  "<link id=\"b3d\" bandwidth=\"1Gbps\" latency=\"10us\"/>\n"
  "  <host_link id=\"b-0\" up=\"b0u\" down=\"b0d\"/>"
  "<host_link id=\"b-1\" up=\"b1u\" down=\"b1d\"/>\n"
  "  <host_link id=\"b-2\" up=\"b2u\" down=\"b2d\"/>"
  "<host_link id=\"b-3\" up=\"b3u\" down=\"b3d\"/>\n"
  "  <backbone id=\"cb-bb\" bandwidth=\"1e15Bps\" latency=\"0s\"/>\n"
  " </zone>\n"
  " <link id=\"wan\" bandwidth=\"100Mbps\" latency=\"5ms\" sharing_policy=\"SPLITDUPLEX\"/>\n"
  " <zoneRoute src=\"ca\" dst=\"cb\" gw_src=\"ga\" gw_dst=\"gb\" symmetrical=\"NO\">"
  "<link_ctn id=\"wan\" direction=\"UP\"/></zoneRoute>\n"
  " <zoneRoute src=\"cb\" dst=\"ca\" gw_src=\"gb\" gw_dst=\"ga\" symmetrical=\"NO\">"
  "<link_ctn id=\"wan\" direction=\"DOWN\"/></zoneRoute>\n"
  "</zone></platform>\n";

/* 8 nodes: 2 clusters x 2 replicas x 2 stages; a 1e8-parameter bf16 model (2e8 B of
 * gradients, 1e8 B a stage), 1e5 tokens a step, hidden 1024, 4 micro-batches, half the
 * pseudo-gradient bytes sent; H inner steps, overlap or not, and tokens for a number of outer
 * steps come from the test. */
static const char *const diloco_yaml =
  "name: dl\nseed: 7\nduration: 10min\nwarmup: 0s\nplatform: %s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "providers:\n"
  "  - {class: a, count: 4, gpu: H100-SXM, uplink: 1Gbps, downlink: 1Gbps, cost_per_hour: 2}\n"
  "  - {class: b, count: 4, gpu: H100-SXM, uplink: 1Gbps, downlink: 1Gbps, cost_per_hour: 2}\n"
  "workload:\n"
  "  training: {model: {params: 1e8, precision: bf16}, tokens: %g, tokens_per_step: 1e5,\n"
  "             data_parallel: 8, checkpoint_interval: 1h, algorithm: diloco,\n"
  "             pipeline_stages: 2, micro_batches: 4, hidden_size: 1024, clusters: 2,\n"
  "             inner_steps: %ld, compression: 0.5, overlap: %s}\n"
  "market: {bid_window: 1s}\n";

/* The job with H inner steps, `rounds` outer steps and overlap "true" or "false". */
static char *run_diloco(long h, long rounds, const char *overlap, const char *extra)
{
  char *dir = test_tmpdir();
  char *xml = test_write_file(dir, "two.xml", two_clusters_xml);
  char *text = NULL;
  assert_true(asprintf(&text, diloco_yaml, xml, 1e5 * (double)(h * rounds), h, overlap) > 0);
  char *h5 = test_run_in(dir, "dl.yaml", text, extra);
  free(text);
  free(xml);
  free(dir);
  return h5;
}

/* The closed forms of the 8-node job by hand, cross-traffic off (1 Gbps = 125e6 B/s, 100 Mbps
 * = 12.5e6 B/s; a route inside a cluster 20 us, across 5.02 ms):
 *   compute   6 x 1e8 x 1e5 / 8 nodes / (989.4e12 x 0.4) x (4 + 2 - 1) / 4
 *   activations 1e5 / 4 replicas x 1024 x 2 B = 5.12e7 B, one flow per uplink: / 125e6 + 20 us
 *   inner ring  2 replicas, 1e8 B: 2 rounds of (5e7 / 125e6 + 20 us)
 *   outer ring  2 clusters, shard 0.5 x 2e8 / (2 stages x 2 replicas) = 2.5e7 B; 4 flows share
 *               each direction of the link: 2 rounds of (1.25e7 / 3.125e6 + 5.02 ms)
 *   all-gather  2 replicas, 1e8 B: 1 round of (5e7 / 125e6 + 20 us)
 *   all-reduce baseline: a ring over 4 replicas per stage, 2 flows each way on the link:
 *               6 rounds of (2.5e7 / 6.25e6 + 5.02 ms) */
static void expected(struct diloco_step *step, struct diloco_sync *sync, double *baseline_step)
{
  double compute = 6 * 1e8 * 1e5 / 8 / (989.4e12 * 0.4) * diloco_bubble_factor(2, 4);
  *step = (struct diloco_step){compute, 5.12e7 / 125e6 + 20e-6,
                               diloco_ring_allreduce_s(2, 1e8, 125e6, 20e-6)};
  *sync = (struct diloco_sync){diloco_ring_allreduce_s(2, 2.5e7, 12.5e6 / 4, 5.02e-3),
                               diloco_ring_allgather_s(2, 1e8, 125e6, 20e-6)};
  *baseline_step = compute + step->activations_s + diloco_ring_allreduce_s(4, 1e8, 6.25e6,
                                                                           5.02e-3);
}

static void near(const char *what, double measured, double closed, double tolerance)
{
  printf("%-32s %12.5f, closed form %12.5f (%+.3f%%)\n", what, measured, closed,
         100 * (measured - closed) / closed);
  assert_true(fabs(measured - closed) <= tolerance * closed);
}

static void test_diloco_run_matches_closed_form(void **state)
{
  (void)state;
  char *h5 = run_diloco(4, 3, "false", "--cfg=network/crosstraffic:0");
  struct diloco_step step;
  struct diloco_sync sync;
  double baseline;
  expected(&step, &sync, &baseline);
  assert_true(test_summary(h5, "training_jobs_done") == 1);
  assert_true(test_summary(h5, "training_steps") == 12);
  assert_true(test_summary(h5, "training_outer_steps") == 3);
  near("activations a step", test_summary(h5, "training_activation_time"), step.activations_s,
       0.005);
  near("inner all-reduce a step", test_summary(h5, "training_allreduce_time"),
       step.allreduce_s, 0.005);
  near("outer sync", test_summary(h5, "training_outer_sync_time"), diloco_sync_s(&sync), 0.005);
  double outer = diloco_outer_step_s(4, diloco_step_s(&step), diloco_sync_s(&sync), false);
  double measured_outer = test_summary(h5, "training_outer_step_time");
  near("outer step", measured_outer, outer, 0.005);
  near("communication per outer step", test_summary(h5, "training_comm_per_outer_step"),
       diloco_comm_per_outer_step_s(4, &step, &sync), 0.005);
  near("speedup over all-reduce", test_summary(h5, "training_speedup_vs_allreduce"),
       diloco_speedup(4, baseline, measured_outer), 0.005);
  near("tokens per second", test_summary(h5, "training_tokens_per_s"), 4 * 1e5 / outer, 0.005);
  free(h5);
}

/* With the one-step delay the sync (8.4 s alone) runs behind the next H steps. With H = 50
 * (62 s of steps) it is hidden: a steady outer step takes H inner steps, not H steps + sync
 * (the first and the last round, which have no sync before or behind them, are not timed).
 * With H = 4 (4.9 s of steps) the sync shows, and then takes longer than alone: SimGrid shares
 * a link among TCP flows in inverse proportion to their round trips, so the wide-area sync
 * flows (5 ms) get little of a 1 Gbps uplink the in-cluster flows (20 us) are using, which the
 * closed form max(H x step, sync) leaves out: it is a floor there. With cross-traffic on, the
 * sync takes 5% longer on the link (4 flows and 4 x 5% acknowledgements each way). */
static void test_diloco_overlap_hides_the_sync(void **state)
{
  (void)state;
  struct diloco_step step;
  struct diloco_sync sync;
  double baseline;
  expected(&step, &sync, &baseline);
  char *h5 = run_diloco(50, 4, "true", "--cfg=network/crosstraffic:0");
  double hidden = diloco_outer_step_s(50, diloco_step_s(&step), diloco_sync_s(&sync), true);
  assert_float_equal(hidden, 50 * diloco_step_s(&step), 1e-9);
  assert_true(test_summary(h5, "training_outer_steps") == 4);
  near("overlapped outer step, H = 50", test_summary(h5, "training_outer_step_time"), hidden,
       0.02);
  free(h5);
  h5 = run_diloco(4, 5, "true", "--cfg=network/crosstraffic:0");
  double shown = diloco_outer_step_s(4, diloco_step_s(&step), diloco_sync_s(&sync), true);
  double serial = diloco_outer_step_s(4, diloco_step_s(&step), diloco_sync_s(&sync), false);
  double measured = test_summary(h5, "training_outer_step_time");
  printf("overlapped outer step, H = 4: %.5f s, floor %.5f s, serial %.5f s\n", measured, shown,
         serial);
  assert_true(measured >= shown * 0.999);
  free(h5);
  h5 = run_diloco(4, 3, "false", "");
  near("outer sync with acknowledgements", test_summary(h5, "training_outer_sync_time"),
       diloco_ring_allreduce_s(2, 2.5e7, 12.5e6 / 4.2, 5.02e-3) +
         diloco_ring_allgather_s(2, 1e8, 125e6 / 1.05, 20e-6), 0.005);
  free(h5);
}

static void test_diloco_same_seed_same_result(void **state)
{
  (void)state;
  char *a = run_diloco(4, 5, "true", ""), *b = run_diloco(4, 5, "true", "");
  const char *names[] = {"training_outer_step_time", "training_tokens_per_s",
                         "training_outer_sync_time", "training_speedup_vs_allreduce",
                         "provider_revenue"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    assert_true(test_summary(a, names[i]) == test_summary(b, names[i]));
  free(a);
  free(b);
}

/* Every bad training key at once, each at its place with what is allowed. */
static const char bad_training[] =
  "name: bad\nduration: 10min\ncalibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: n, count: 8, gpu: H100-SXM, region: here, uplink: 1Gbps, downlink: 1Gbps}\n"
  "workload:\n"
  "  training:\n"
  "    - {model: {params: 1e8}, tokens: 1e9, data_parallel: 8, algorithm: dilco}\n"
  "    - {model: {params: 1e8}, tokens: 1e9, data_parallel: 8, pipeline_stages: 3,\n"
  "       hidden_size: 1024}\n"
  "    - {model: {params: 1e8}, tokens: 1e9, data_parallel: 8, inner_steps: 10}\n"
  "    - {model: {params: 1e8}, tokens: 1e9, data_parallel: 8, algorithm: diloco,\n"
  "       clusters: 3, compression: 2}\n"
  "    - {model: {params: 1e8}, tokens: 1e9, data_parallel: 8, pipeline_stages: 2}\n"
  "market: {bid_window: 10s}\n";

static void test_diloco_bad_keys_refused_at_validate(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("bad.yaml", bad_training, NULL, 0, registry_layers(),
                                        diag, &sc),
                   DEPIN_EINVAL);
  assert_null(sc);
  const char *lines[] = {
    "bad.yaml:9:72: workload.training[0].algorithm: unknown value 'dilco' (did you mean "
    "'diloco'?)",
    "bad.yaml:10:78: workload.training[1].pipeline_stages: 3 stages do not divide the job's 8 "
    "nodes (ceil(data_parallel / gpus_per_node)) (allowed: a divisor of 8)",
    "bad.yaml:12:74: workload.training[2].inner_steps: only with algorithm: diloco (allowed "
    "here: remove it, or set algorithm: diloco)",
    "bad.yaml:14:34: workload.training[3].compression: '2' is out of range",
    "bad.yaml:14:18: workload.training[3].clusters: 3 clusters do not divide the job's 8 "
    "replicas (nodes / pipeline_stages) (allowed: a divisor of 8, at least 2)",
    "bad.yaml:15:8: workload.training[4]: hidden_size is required with pipeline_stages > 1 "
    "(allowed: a number 1..1e7, the model's activation width)",
  };
  for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
    if (!diag_contains(diag, lines[i])) {
      printf("missing: %s\n", lines[i]);
      diag_print(diag, stdout);
    }
    assert_true(diag_contains(diag, lines[i]));
  }
  diag_free(diag);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_diloco_closed_forms_by_hand),
    cmocka_unit_test(test_diloco_run_matches_closed_form),
    cmocka_unit_test(test_diloco_overlap_hides_the_sync),
    cmocka_unit_test(test_diloco_same_seed_same_result),
    cmocka_unit_test(test_diloco_bad_keys_refused_at_validate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
