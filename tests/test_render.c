/* test_render.c: the render layer: its closed forms (score, frame time, a job's time on
 * identical nodes), the section's errors with their positions, and whole runs through the
 * depinsim binary: F frames on N identical idle nodes take ceil(F / N) frame times (plus the
 * scene and output transfers), a higher tier's job overtakes a lower one's queued frames,
 * saturated nodes render at most the sum of their scores, artists pay the tier's price per
 * OBh, frames lost with failing nodes are rendered again, and a seed gives one result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "protocols/render/render.h"
#include "sim/base/diag.h"
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

/* RTX 4090 nodes (82.6 fp32 TFLOP/s in its profile) scored at 10 OB per TFLOP/s: 826 OB, so a
 * frame of 8.26 OBh takes 36 s. */
#define FRAME_S 36.0

static void test_render_closed_forms(void **state)
{
  (void)state;
  struct device_profile d = {.gemm_flops = {[PREC_FP32] = 82.6e12}};
  assert_double_equal(render_node_score(&d, 1, 22.9), 82.6 * 22.9, 1e-9);
  assert_double_equal(render_node_score(&d, 8, 10), 8 * 826, 1e-9);
  assert_double_equal(render_frame_seconds(8.26, 826), FRAME_S, 1e-12);
  /* 10 frames on 4 nodes: 3 rounds; on 10 or more nodes: 1 */
  assert_double_equal(render_ideal_job_seconds(10, 4, 36, 0, 0), 108, 1e-12);
  assert_double_equal(render_ideal_job_seconds(10, 10, 36, 0, 0), 36, 1e-12);
  assert_double_equal(render_ideal_job_seconds(10, 40, 36, 0, 0), 36, 1e-12);
  assert_double_equal(render_ideal_job_seconds(8, 4, 36, 1.5, 2), 1.5 + 2 * 38, 1e-12);
  /* periodic: one at start and every 1 / rate; a count caps them; Poisson: rate x time */
  struct render_job_conf j = {.rate_per_s = 0.1, .arrival = RENDER_ARRIVAL_PERIODIC,
                              .count = INFINITY};
  assert_double_equal(render_offered_jobs_per_s(&j, 100) * 100, 11, 1e-12);
  j.count = 3;
  assert_double_equal(render_offered_jobs_per_s(&j, 100) * 100, 3, 1e-12);
  j = (struct render_job_conf){.rate_per_s = 0.1, .start_s = 50, .count = INFINITY};
  assert_double_equal(render_offered_jobs_per_s(&j, 100) * 100, 5, 1e-12);
}

/* One region; RTX 4090 nodes with 8 Mbps up (1 MB/s), 80 Mbps down (10 MB/s), 5 ms to the
 * backbone. */
#define RENDER_SCENARIO(nodes, extra)                                                         \
  "name: rn\n"                                                                                \
  "seed: 3\n"                                                                                 \
  "duration: 5min\n"                                                                          \
  "calibration: [gpu/profiles/rtx-4090.yaml]\n"                                               \
  "regions: [{name: a, backbone: 10Gbps}]\n"                                                  \
  "providers:\n"                                                                              \
  "  - {class: gpu, count: " nodes ", gpu: RTX-4090, region: a, uplink: 8Mbps,\n"             \
  "     downlink: 80Mbps, latency: 5ms}\n"                                                    \
  "render:\n"                                                                                 \
  "  nodes: gpu\n"                                                                            \
  "  score_per_tflops: 10\n" extra

static void test_render_bad_section_is_refused_with_positions(void **state)
{
  (void)state;
  const char *parse[] = {
    "r.yaml:12:3: render.tierz: unknown key 'tierz' (did you mean 'tiers'?)",
    "r.yaml:13:39: render.jobs[0].rate: '-1/h' is out of range (allowed: > 0 and <= 10000/s)",
    "r.yaml:14:20: render.jobs[0].arrival: unknown value 'burst' (allowed: poisson, periodic)",
    "r.yaml:13:11: render.jobs[0].frames: missing required key",
  };
  test_expect_errors("r.yaml",
                     RENDER_SCENARIO("2", "  tierz: []\n"
                                          "  jobs: [{name: a, tier: tier2, rate: -1/h, "
                                          "obh_per_frame: 1,\n"
                                          "          arrival: burst}]\n"),
                     NULL, 0, parse, 4);
  const char *tier[] = {"r.yaml:13:63: render.jobs[0].tier: unknown tier 'tier1' (did you "
                        "mean 'tier2'?)"};
  test_expect_errors("r.yaml",
                     RENDER_SCENARIO("2", "  jobs:\n"
                                          "    - {name: a, rate: 1/h, frames: 1, obh_per_frame: 1, "
                                          "tier: tier1}\n"),
                     NULL, 0, tier, 1);
  const char *set[] = {"render.nodes=gpus"};
  const char *cls[] = {"--set render.nodes=gpus: render.nodes: unknown provider class 'gpus' "
                       "(did you mean 'gpu'?)"};
  test_expect_errors("r.yaml",
                     RENDER_SCENARIO("2", "  jobs: [{name: a, rate: 1/h, frames: 1, obh_per_frame: "
                                          "1, tier: tier3}]\n"),
                     set, 1, cls, 1);
  const char *twice[] = {"r.yaml:14:14: render.tiers[1].name: 'x' names two tiers (allowed: "
                         "distinct names)"};
  test_expect_errors("r.yaml",
                     RENDER_SCENARIO("2", "  tiers:\n"
                                          "    - {name: x, price_per_obh: 1}\n"
                                          "    - {name: x, price_per_obh: 2}\n"
                                          "  jobs: [{name: a, rate: 1/h, frames: 1, obh_per_frame: "
                                          "1, tier: x}]\n"),
                     NULL, 0, twice, 1);
}

/* Runs the scenario (node count, render keys) with extra arguments; returns the run file. */
static char *run(const char *nodes, const char *render_yaml, const char *extra)
{
  char *text = NULL;
  assert_true(asprintf(&text, RENDER_SCENARIO("%s", "%s"), nodes, render_yaml) > 0);
  char *h5 = test_run_text(text, extra);
  free(text);
  return h5;
}

/* One job of 10 frames of 36 s on 4 idle identical nodes: 3 rounds, 108 s; the floor reported
 * beside it is the same closed form. */
static void test_render_job_takes_ceil_frames_over_nodes(void **state)
{
  (void)state;
  char *h5 = run("4", "  jobs: [{name: a, rate: 1/h, arrival: periodic, count: 1, frames: 10,\n"
                      "          obh_per_frame: 8.26, tier: tier3}]\n", "");
  assert_rel(test_summary(h5, "render_job_time_mean"), 3 * FRAME_S, 1e-9);
  assert_double_equal(test_summary(h5, "render_jobs_done"), 1, 0);
  assert_double_equal(test_summary(h5, "render_frames_per_s") * 300, 10, 1e-9);
  free(h5);
  /* 12 frames on 4 nodes: 3 rounds as well; 13: 4 */
  h5 = run("4", "  jobs: [{name: a, rate: 1/h, arrival: periodic, count: 1, frames: 13,\n"
                "          obh_per_frame: 8.26, tier: tier3}]\n", "");
  assert_rel(test_summary(h5, "render_job_time_mean"), 4 * FRAME_S, 1e-9);
  free(h5);
}

/* Nodes of different scores: a 2-GPU node (1,652 OB, 18 s a frame) and a 1-GPU node (826 OB,
 * 36 s). A job of one frame goes to the fast node: 18 s (slowest first would take 36 s). A job
 * of 3 frames goes to both; the fast node takes the third at 18 s and both end at 36 s, the
 * floor (each frame on the node that ends it first). */
static char *run_two_speeds(long frames)
{
  char *yaml = NULL;
  assert_true(asprintf(&yaml, "  jobs: [{name: a, rate: 1/h, arrival: periodic, count: 1, "
                              "frames: %ld,\n"
                              "          obh_per_frame: 8.26, tier: tier3}]\n", frames) > 0);
  char *h5 = run("1", yaml,
                 "--set 'providers=[{class: gpu, count: 1, gpu: RTX-4090, region: a, "
                 "uplink: 8Mbps, downlink: 80Mbps, latency: 5ms}, {class: big, count: 1, "
                 "gpu: RTX-4090, gpus_per_node: 2, region: a, uplink: 8Mbps, downlink: 80Mbps, "
                 "latency: 5ms}]' --set 'render.nodes=[gpu, big]'");
  free(yaml);
  return h5;
}

static void test_render_faster_node_goes_first(void **state)
{
  (void)state;
  char *h5 = run_two_speeds(1);
  assert_rel(test_summary(h5, "render_job_time_mean"), FRAME_S / 2, 1e-9);
  assert_rel(test_summary(h5, "render_capacity_obh_per_s"), 3 * 826 / 3600.0, 1e-12);
  free(h5);
  h5 = run_two_speeds(3);
  assert_rel(test_summary(h5, "render_job_time_mean"), FRAME_S, 1e-9);
  free(h5);
}

/* With a 10 MB scene (10 MB/s down) and 1 MB outputs (1 MB/s up), 5 ms from the control host:
 * 8 frames on 4 nodes take (5 ms + 1 s) + 2 x (36 s + 5 ms + 1 s). */
static void test_render_job_time_includes_transfers(void **state)
{
  (void)state;
  char *h5 = run("4", "  jobs: [{name: a, rate: 1/h, arrival: periodic, count: 1, frames: 8,\n"
                      "          obh_per_frame: 8.26, tier: tier3, scene: 10MB, output: 1MB}]\n",
                 "");
  double want = render_ideal_job_seconds(8, 4, FRAME_S, 0.005 + 1, 0.005 + 1);
  print_message("job %.6f s, closed form %.6f s\n", test_summary(h5, "render_job_time_mean"),
                want);
  assert_rel(test_summary(h5, "render_job_time_mean"), want, 1e-4);
  free(h5);
}

/* One node. A Tier 3 job of 4 frames at 0; a Tier 2 job of 2 frames at 18 s, while the first
 * Tier 3 frame renders. Priority: Tier 2 renders at 36..108 s (90 s after its submission),
 * then Tier 3 resumes and ends at 216 s: mean 153 s. First come first served would give
 * 144 s and 198 s, mean 171 s. */
static void test_render_higher_tier_goes_first(void **state)
{
  (void)state;
  char *h5 = run("1", "  jobs:\n"
                      "    - {name: econ, rate: 1/h, arrival: periodic, count: 1, frames: 4,\n"
                      "       obh_per_frame: 8.26, tier: tier3}\n"
                      "    - {name: prio, rate: 1/h, arrival: periodic, count: 1, frames: 2,\n"
                      "       obh_per_frame: 8.26, tier: tier2, start: 18s}\n", "");
  assert_double_equal(test_summary(h5, "render_jobs_done"), 2, 0);
  assert_rel(test_summary(h5, "render_job_time_mean"), (2.5 * FRAME_S + 6 * FRAME_S) / 2, 1e-9);
  /* the Tier 3 job waited for nothing, the Tier 2 job for the frame in progress */
  assert_rel(test_summary(h5, "render_queue_wait_mean"), (0 + 0.5 * FRAME_S) / 2, 1e-9);
  free(h5);
  /* a tier whose min_score no node meets is never served */
  h5 = run("1", "  tiers: [{name: t1, price_per_obh: 0.04, min_score: 1000},\n"
                "          {name: t3, price_per_obh: 0.005}]\n"
                "  jobs:\n"
                "    - {name: a, rate: 1/h, arrival: periodic, count: 1, frames: 2,\n"
                "       obh_per_frame: 8.26, tier: t1}\n"
                "    - {name: b, rate: 1/h, arrival: periodic, count: 1, frames: 2,\n"
                "       obh_per_frame: 8.26, tier: t3}\n", "");
  assert_double_equal(test_summary(h5, "render_jobs_done"), 1, 0);
  assert_rel(test_summary(h5, "render_usd_per_obh"), 0.005, 1e-12);
  free(h5);
}

/* 4 nodes of 826 OB offered twice what they render: they render 4 x 826 / 3600 OBh/s (frames
 * done inside the 4-minute window count, so within one frame per node of it), never more;
 * artists pay exactly the tier's price per OBh. */
static void test_render_saturated_nodes_render_sum_of_scores(void **state)
{
  (void)state;
  char *h5 = run("4", "  jobs: [{name: a, rate: 1/min, arrival: periodic, frames: 16,\n"
                      "          obh_per_frame: 8.26, tier: tier2}]\n", "--set warmup=1min");
  double capacity = 4 * 826 / 3600.0, rendered = test_summary(h5, "render_obh_per_s");
  print_message("rendered %.4f OBh/s of %.4f\n", rendered, capacity);
  assert_double_equal(test_summary(h5, "render_capacity_obh_per_s"), capacity, 1e-12);
  assert_true(rendered <= capacity * (1 + 1e-9));
  assert_true(rendered >= capacity * (1 - 36.0 / 240));
  assert_rel(test_summary(h5, "render_usd_per_obh"), 0.01, 1e-12);
  assert_rel(test_summary(h5, "render_paid_usd"),
             test_summary(h5, "render_frames_per_s") * 240 * 8.26 * 0.01, 1e-9);
  free(h5);
}

/* Nodes that fail (up 2/3 of the time) lose the frames they were rendering; those are
 * rendered again, so every job still completes, and each frame is paid once. */
static void test_render_lost_frames_are_rendered_again(void **state)
{
  (void)state;
  char *h5 = run("6", "  jobs: [{name: a, rate: 1/min, arrival: periodic, count: 3, frames: 6,\n"
                      "          obh_per_frame: 8.26, tier: tier3}]\n",
                 "--set duration=20min "
                 "--set 'providers.gpu.availability={mtbf: 60s, mttr: 30s}'");
  assert_true(test_summary(h5, "render_frames_lost") > 0);
  assert_double_equal(test_summary(h5, "render_jobs_done"), 3, 0);
  assert_double_equal(test_summary(h5, "render_frames_per_s") * 1200, 18, 1e-9);
  assert_rel(test_summary(h5, "render_paid_usd"), 18 * 8.26 * 0.005, 1e-9);
  free(h5);
}

/* In a coupled token run the artists' jobs follow the token layer's demand scale: one-frame
 * jobs of 3.6 s against a 1 s latency bound are never served well and the demand falls, so
 * fewer come than against a bound of an hour (20 nodes, a fifth of their capacity used). */
static void test_render_jobs_follow_coupled_demand(void **state)
{
  (void)state;
  const char *yaml = "  jobs: [{name: a, rate: 1/s, frames: 1, obh_per_frame: 0.826,\n"
                     "          tier: tier3}]\n"
                     "token:\n"
                     "  emission: {kind: render-bme}\n"
                     "  demand: {growth_per_year: 0}\n"
                     "  operators: {entry_rate: 0/h}\n";
  char *tight = run("20", yaml, "--set 'token.coupling={window: 20s, latency_bound: 1s}'");
  char *loose = run("20", yaml, "--set 'token.coupling={window: 20s, latency_bound: 1h}'");
  double scale_tight = test_summary(tight, "token_demand_scale_final");
  double scale_loose = test_summary(loose, "token_demand_scale_final");
  print_message("demand scale %.3f (1 s bound), %.3f (1 h bound)\n", scale_tight, scale_loose);
  assert_true(scale_tight < 0.5);
  assert_true(scale_loose > 0.9);
  assert_true(test_summary(tight, "render_jobs_done") < test_summary(loose, "render_jobs_done"));
  free(tight);
  free(loose);
}

/* With a ledger, each completed job's burn is one transaction: it commits within a few 400 ms
 * blocks, and the ledger carries more than its workload alone. */
static void test_render_burns_commit_on_the_ledger(void **state)
{
  (void)state;
  char *h5 = run("4", "  jobs: [{name: a, rate: 6/min, frames: 1, obh_per_frame: 0.826,\n"
                      "          tier: tier3}]\n"
                      "workload:\n"
                      "  transactions: {rate: 1/s, size: 250B}\n"
                      "ledger:\n"
                      "  validators: 2\n"
                      "  block_time: 400ms\n", "");
  double latency = test_summary(h5, "render_burn_commit_latency");
  print_message("burns commit %.3f s after their job\n", latency);
  assert_true(latency > 0 && latency < 1.2);
  assert_true(test_summary(h5, "tps") > 1.05);
  free(h5);
}

static void test_render_same_seed_same_result(void **state)
{
  (void)state;
  const char *yaml = "  jobs: [{name: a, rate: 2/min, frames: 5, obh_per_frame: 8.26,\n"
                     "          tier: tier2, scene: 5MB, output: 1MB}]\n";
  const char *set = "--set 'providers.gpu.availability={mtbf: 2min, mttr: 30s}'";
  char *a = run("5", yaml, set), *b = run("5", yaml, set);
  const char *names[] = {"render_job_time_mean", "render_job_time_p99", "render_obh_per_s",
                         "render_frames_lost", "render_paid_usd"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    assert_double_equal(test_summary(a, names[i]), test_summary(b, names[i]), 0);
  free(a);
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_render_closed_forms),
    cmocka_unit_test(test_render_bad_section_is_refused_with_positions),
    cmocka_unit_test(test_render_job_takes_ceil_frames_over_nodes),
    cmocka_unit_test(test_render_faster_node_goes_first),
    cmocka_unit_test(test_render_job_time_includes_transfers),
    cmocka_unit_test(test_render_higher_tier_goes_first),
    cmocka_unit_test(test_render_saturated_nodes_render_sum_of_scores),
    cmocka_unit_test(test_render_lost_frames_are_rendered_again),
    cmocka_unit_test(test_render_jobs_follow_coupled_demand),
    cmocka_unit_test(test_render_burns_commit_on_the_ledger),
    cmocka_unit_test(test_render_same_seed_same_result),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
