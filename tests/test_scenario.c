/* test_scenario.c: loading scenarios (sim/scenario/scenario.h): base units, defaults, overrides,
 * layer sections, and every kind of bad input with its exact message and position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocols/ledger/ledger.h"
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"

struct fixture {
  diag_t *diag;
  struct scenario *sc;
  char dir[64]; /* a temporary folder for scenario and profile files */
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  f->diag = diag_new();
  snprintf(f->dir, sizeof(f->dir), "/tmp/depinsim-test-XXXXXX");
  *state = f;
  return f->diag && mkdtemp(f->dir) ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    return -1;
  scenario_free(f->sc);
  diag_free(f->diag);
  free(f);
  return 0;
}

static void print_diag(const diag_t *d)
{
  for (size_t i = 0; i < diag_count(d); i++)
    print_message("diag: %s\n", diag_line(d, i));
}

static struct scenario *load_ok(void **state, const char *text, const char *const set[],
                                size_t n_set)
{
  struct fixture *f = *state;
  enum depin_status st = scenario_load_string("s.yaml", text, set, n_set, registry_layers(),
                                              f->diag, &f->sc);
  if (st != DEPIN_OK)
    print_diag(f->diag);
  assert_int_equal(st, DEPIN_OK);
  assert_int_equal(diag_error_count(f->diag), 0);
  return f->sc;
}

/* Loading fails with status st and exactly these diagnostics, in order. */
/* Forgets what earlier loads of a test reported. */
static void fresh_diag(struct fixture *f)
{
  diag_free(f->diag);
  f->diag = diag_new();
}

static void load_fails(void **state, const char *text, const char *const set[], size_t n_set,
                       enum depin_status st, size_t n, const char *const lines[])
{
  struct fixture *f = *state;
  struct scenario *sc = (struct scenario *)0x1;
  assert_int_equal(scenario_load_string("s.yaml", text, set, n_set, registry_layers(),
                                        f->diag, &sc), st);
  assert_ptr_equal(sc, (struct scenario *)0x1);
  if (diag_count(f->diag) != n)
    print_diag(f->diag);
  for (size_t i = 0; i < n && i < diag_count(f->diag); i++)
    assert_string_equal(diag_line(f->diag, i), lines[i]);
  assert_int_equal(diag_count(f->diag), n);
}

#define MINIMAL                                                                               \
  "name: t\n"                                                                                 \
  "duration: 1h\n"                                                                            \
  "regions:\n"                                                                                \
  "  - {name: us-east, backbone: 100Gbps}\n"                                                  \
  "  - {name: eu-west, backbone: 40Gbps}\n"                                                   \
  "latency:\n"                                                                                \
  "  us-east: {eu-west: 40ms}\n"                                                              \
  "providers:\n"                                                                              \
  "  - class: dc\n"                                                                           \
  "    count: 10\n"                                                                           \
  "    gpu: H100-SXM\n"                                                                       \
  "    region: us-east\n"                                                                     \
  "    uplink: 10Gbps\n"                                                                      \
  "    downlink: 10Gbps\n"

static const char *const full =
  "name: mixed-network\n"
  "seed: 42\n"
  "duration: 1h\n"
  "warmup: 5min\n"
  "sample_interval: 10s\n"
  "efficiency: 0.5\n"
  "calibration: [prof-a.yaml, prof-b.yaml]\n"
  "regions:\n"
  "  - {name: us-east, backbone: 100Gbps}\n"
  "  - {name: eu-west, backbone: 100Gbps, latency: 2ms}\n"
  "  - {name: ap-south, backbone: 40Gbps}\n"
  "latency:\n"
  "  us-east: {eu-west: 40ms, ap-south: 110ms}\n"
  "  eu-west: {ap-south: 250ms}\n"
  "providers:\n"
  "  - class: dc-h100\n"
  "    count: 500\n"
  "    gpu: H100-SXM\n"
  "    gpus_per_node: 8\n"
  "    region: us-east\n"
  "    uplink: 25Gbps\n"
  "    downlink: 10Gbps\n"
  "    latency: 1ms\n"
  "    availability: {mtbf: 720h, mttr: 2h}\n"
  "    cost_per_hour: 2.10\n"
  "    stake: 16000\n"
  "    behavior: {honest: 1.0}\n"
  "  - class: home-4090\n"
  "    count: 20000\n"
  "    gpu: RTX-4090\n"
  "    region: [us-east, eu-west, ap-south]\n"
  "    uplink: 50Mbps\n"
  "    downlink: 500Mbps\n"
  "    latency: 250ms\n"
  "    availability: {mtbf: 36h, mttr: 8h}\n"
  "    cost_per_hour: 0.28\n"
  "    stake: 200\n"
  "    behavior: {honest: 0.95, lazy: 0.04, malicious: 0.01}\n"
  "    sybil_fraction: 0.02\n"
  "workload:\n"
  "  transactions: {rate: 11000/s, size: 250B}\n"
  "  blobs: {rate: 2/s, size: 32MB}\n"
  "  inference:\n"
  "    - {rate: 200/s, model: {params: 70e9, precision: bf16}}\n"
  "  training:\n"
  "    - {jobs: 4, arrival: 15min, tokens: 2e9}\n"
  "  rendering:\n"
  "    - {rate: 5/s, frame_flops: 5e13}\n"
  "ledger:\n"
  "  validators: 4\n"
  "  block_time: 500ms\n"
  "targets:\n"
  "  tps: \">= 11000\"\n"
  "  commit_latency_p99: \"<= 2s\"\n"
  "  availability: \"> 95%\"\n"
  "sweep:\n"
  "  providers.home-4090.count: {from: 5000, to: 50000, step: 5000}\n"
  "  replications: 5\n";

static void copy_file(const char *from, const char *to)
{
  FILE *in = fopen(from, "r");
  assert_non_null(in);
  char text[16384];
  size_t n = fread(text, 1, sizeof(text) - 1, in);
  fclose(in);
  text[n] = '\0';
  write_file(to, text);
}

/* Writes the full scenario and its two profiles into the fixture's folder; returns its path. */
static char *write_full(struct fixture *f)
{
  static char path[128];
  char prof[128];
  snprintf(path, sizeof(path), "%s/full.yaml", f->dir);
  write_file(path, full);
  snprintf(prof, sizeof(prof), "%s/prof-a.yaml", f->dir);
  copy_file("gpu/profiles/h100-sxm.yaml", prof);
  snprintf(prof, sizeof(prof), "%s/prof-b.yaml", f->dir);
  copy_file("gpu/profiles/rtx-4090.yaml", prof);
  return path;
}

static void test_scenario_full_in_base_units(void **state)
{
  struct fixture *f = *state;
  const char *path = write_full(f);
  assert_int_equal(scenario_load(path, NULL, 0, registry_layers(), f->diag, &f->sc), DEPIN_OK);
  const struct scenario *sc = f->sc;
  assert_string_equal(sc->name, "mixed-network");
  assert_string_equal(sc->file, path);
  assert_true(sc->seed == 42);
  assert_true(sc->duration_s == 3600 && sc->warmup_s == 300 && sc->sample_interval_s == 10);
  assert_true(sc->efficiency == 0.5);
  assert_int_equal(sc->n_calibration, 2);
  assert_non_null(strstr(sc->calibration[0], "/prof-a.yaml")); /* found beside the scenario */
  assert_int_equal(sc->n_regions, 3);
  assert_true(sc->regions[0].backbone_Bps == 12.5e9 && sc->regions[2].backbone_Bps == 5e9);
  assert_true(sc->regions[1].latency_s == 0.002 && sc->regions[0].latency_s == 0);
  const double *lat = sc->latency_s;
  assert_true(lat[0 * 3 + 1] == 0.04 && lat[1 * 3 + 0] == 0.04);
  assert_true(lat[0 * 3 + 2] == 0.11 && lat[2 * 3 + 0] == 0.11);
  assert_true(lat[1 * 3 + 2] == 0.25 && lat[2 * 3 + 1] == 0.25);
  assert_true(lat[0] == 0 && lat[4] == 0 && lat[8] == 0);
  assert_int_equal(sc->n_classes, 2);
  const struct provider_class *dc = &sc->classes[0], *home = &sc->classes[1];
  assert_string_equal(dc->name, "dc-h100");
  assert_string_equal(home->gpu, "RTX-4090");
  assert_int_equal(dc->count, 500);
  assert_int_equal(dc->gpus_per_node, 8);
  assert_int_equal(home->gpus_per_node, 1);
  assert_true(dc->uplink_Bps == 3.125e9 && dc->downlink_Bps == 1.25e9);
  assert_true(home->uplink_Bps == 6.25e6 && home->downlink_Bps == 62.5e6);
  assert_true(dc->latency_s == 0.001 && home->latency_s == 0.25);
  assert_true(dc->mtbf_s == 720 * 3600.0 && dc->mttr_s == 7200);
  assert_true(dc->cost_per_hour == 2.10 && dc->stake == 16000);
  assert_int_equal(dc->n_regions, 1);
  assert_int_equal(dc->regions[0], 0);
  assert_int_equal(home->n_regions, 3);
  assert_int_equal(home->regions[2], 2);
  assert_true(dc->behavior[BEHAVIOR_HONEST] == 1 && dc->behavior[BEHAVIOR_LAZY] == 0);
  assert_true(home->behavior[BEHAVIOR_HONEST] == 0.95 && home->behavior[BEHAVIOR_LAZY] == 0.04);
  assert_true(home->behavior[BEHAVIOR_MALICIOUS] == 0.01);
  assert_true(home->behavior[BEHAVIOR_COLLUDING] == 0);
  assert_true(home->sybil_fraction == 0.02 && dc->sybil_fraction == 0);
  assert_int_equal(dc->first_provider, 0);
  assert_int_equal(home->first_provider, 500);
  assert_int_equal(sc->n_providers, 20500);
  const struct ledger_conf *ledger = scenario_layer_conf(sc, "ledger");
  assert_true(ledger->tx_rate_per_s == 11000); /* workload.transactions, read by its layer */
  assert_true(ledger->tx_bytes == 250);
  assert_int_equal(sc->n_targets, 3);
  assert_string_equal(sc->targets[0].metric, "tps");
  assert_int_equal(sc->targets[0].op, TARGET_GE);
  assert_true(sc->targets[0].value == 11000);
  assert_string_equal(sc->targets[0].text, ">= 11000");
  assert_int_equal(sc->targets[0].line, 53);
  assert_int_equal(sc->targets[0].col, 9); /* a quoted scalar starts after its quote */
  assert_int_equal(sc->targets[1].op, TARGET_LE);
  assert_true(sc->targets[1].value == 2);
  assert_int_equal(sc->targets[2].op, TARGET_GT);
  assert_true(sc->targets[2].value == 0.95);
  assert_non_null(sc->sweep.node);
  assert_non_null(scenario_layer_conf(sc, "ledger"));
  assert_null(scenario_layer_conf(sc, "no-such-layer"));
  assert_int_equal(scenario_region_index(sc, "ap-south"), 2);
  assert_int_equal(scenario_region_index(sc, "mars"), -1);
  assert_int_equal(scenario_class_index(sc, "home-4090"), 1);
  assert_int_equal(scenario_class_index(sc, "x"), -1);
  assert_non_null(strstr(sc->text, "name: mixed-network"));
  /* Its blobs, inference, training and rendering have no layer enabled to read them. */
  assert_int_equal(diag_error_count(f->diag), 0);
  assert_int_equal(diag_count(f->diag), 4);
  assert_true(diag_contains(f->diag, "workload.blobs: warning: workload.blobs is read by the da "
                                     "layer, which this scenario does not enable: it is ignored"));
}

static void test_scenario_defaults(void **state)
{
  struct scenario *sc = load_ok(state, MINIMAL, NULL, 0);
  assert_true(sc->seed == 0 && sc->warmup_s == 0 && sc->sample_interval_s == 10);
  assert_true(sc->efficiency == SCENARIO_DEFAULT_EFFICIENCY);
  assert_true(sc->classes[0].mtbf_s == 0 && sc->classes[0].latency_s == 0);
  assert_true(sc->classes[0].behavior[BEHAVIOR_HONEST] == 1);
  assert_int_equal(sc->n_targets, 0);
  assert_null(sc->sweep.node);
  assert_null(scenario_layer_conf(sc, "ledger"));
  assert_null(sc->platform_file);
  for (size_t i = 0; i < sc->n_calibration; i++) {
    assert_non_null(strstr(sc->calibration[i], "/gpu/profiles/"));
    assert_non_null(strstr(sc->calibration[i], ".yaml"));
  }
}

static void test_scenario_short_run_sample_interval(void **state)
{
  const char *set[] = {"duration=2s"};
  struct scenario *sc = load_ok(state, MINIMAL, set, 1);
  assert_true(sc->duration_s == 2 && sc->sample_interval_s == 2);
}

static void test_scenario_missing_file(void **state)
{
  struct fixture *f = *state;
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load("/nonexistent/s.yaml", NULL, 0, registry_layers(),
                                 f->diag, &sc), DEPIN_ENOENT);
  assert_null(sc);
  assert_int_equal(diag_count(f->diag), 1);
  assert_string_equal(diag_line(f->diag, 0), "/nonexistent/s.yaml: no such scenario file");
}

static void test_scenario_syntax_error(void **state)
{
  const char *lines[] = {"s.yaml:3:1: YAML syntax error: flow sequence without a closing bracket"};
  load_fails(state, "name: t\nregions: [a\n", NULL, 0, DEPIN_EINVAL, 1, lines);
}

static void test_scenario_missing_calibration(void **state)
{
  const char *lines[] = {
    "s.yaml:1:43: calibration[1]: calibration profile 'nope.yaml' not found (tried: "
    "nope.yaml, " DEPINSIM_SOURCE_DIR "/nope.yaml)",
  };
  load_fails(state, "calibration: [gpu/profiles/h100-sxm.yaml, nope.yaml]\n" MINIMAL, NULL, 0,
             DEPIN_EINVAL, 1, lines);
}

static void test_scenario_unknown_gpu(void **state)
{
  const char *lines[] = {
    "s.yaml:12:10: providers[0].gpu: unknown gpu 'H100-SXM' (allowed: RTX-4090)",
  };
  load_fails(state, "calibration: [gpu/profiles/rtx-4090.yaml]\n" MINIMAL, NULL, 0,
             DEPIN_EINVAL, 1, lines);
}

static void test_scenario_unknown_gpu_did_you_mean(void **state)
{
  const char *set[] = {"providers.dc.gpu=H100-SMX"};
  const char *lines[] = {
    "--set providers.dc.gpu=H100-SMX: providers[0].gpu: unknown gpu 'H100-SMX' (did you mean "
    "'H100-SXM'?)",
  };
  load_fails(state, "calibration: [gpu/profiles/h100-sxm.yaml]\n" MINIMAL, set, 1, DEPIN_EINVAL,
             1, lines);
}

static void test_scenario_missing_required(void **state)
{
  const char *lines[] = {
    "s.yaml:1:1: name: missing required key",
    "s.yaml:1:1: duration: missing required key",
    "s.yaml:1:1: regions: missing required key (or `platform`: a SimGrid platform file)",
    "s.yaml:1:1: providers: missing required key",
  };
  load_fails(state, "seed: 1\n", NULL, 0, DEPIN_EINVAL, 4, lines);
}

static void test_scenario_not_a_mapping(void **state)
{
  const char *lines[] = {
    "s.yaml:1:3: expected a mapping of sections (name, duration, providers, ...), got a "
    "sequence",
  };
  load_fails(state, "- a\n- b\n", NULL, 0, DEPIN_EINVAL, 1, lines);
}

static void test_scenario_unknown_keys(void **state)
{
  const char *lines[] = {
    "s.yaml:1:1: ledgr: unknown key 'ledgr' (did you mean 'ledger'?)",
    "s.yaml:2:1: duraton: unknown key 'duraton' (did you mean 'duration'?)",
    "s.yaml:17:5: providers[0].uplnk: unknown key 'uplnk' (did you mean 'uplink'?)",
  };
  load_fails(state, "ledgr: {validators: 3}\nduraton: 2h\n" MINIMAL "    uplnk: 1Gbps\n",
             NULL, 0, DEPIN_EINVAL, 3, lines);
}

static void test_scenario_bad_quantities(void **state)
{
  const char *set[] = {"providers.dc.count=0", "providers.dc.uplink=0Mbps",
                       "providers.dc.downlink=50Mbs", "duration=[1h]",
                       "providers.dc.latency=-1ms"};
  const char *lines[] = {
    "--set duration=[1h]: duration: expected a time such as 250ms, got a sequence",
    "--set providers.dc.count=0: providers[0].count: '0' is out of range (allowed: >= 1)",
    "--set providers.dc.uplink=0Mbps: providers[0].uplink: '0Mbps' is out of range "
    "(allowed: > 0)",
    "--set providers.dc.downlink=50Mbs: providers[0].downlink: '50Mbs': unknown unit "
    "(allowed: bps Kbps Mbps Gbps Tbps B/s KB/s MB/s GB/s TB/s KiB/s MiB/s GiB/s TiB/s Bps "
    "KBps MBps GBps TBps KiBps MiBps GiBps TiBps)",
    "--set providers.dc.latency=-1ms: providers[0].latency: '-1ms' is out of range "
    "(allowed: >= 0 s)",
  };
  load_fails(state, MINIMAL, set, 5, DEPIN_EINVAL, 5, lines);
}

static void test_scenario_wrong_types(void **state)
{
  const char *lines[] = {
    "s.yaml:1:7: seed: expected an integer, got 'many'",
    "s.yaml:2:13: efficiency: '1.5' is out of range (allowed: > 0 and <= 1)",
    "s.yaml:3:19: workload.blobs: expected a mapping or a sequence, got a scalar",
    "s.yaml:4:9: sweep: expected a mapping of key.path: values",
    /* the ledger reads its workload itself, with its section */
    "s.yaml:3:43: workload.transactions.rate: '100': a rate needs a unit (allowed: /s /min /h "
    "/d)",
  };
  load_fails(state,
             "seed: many\nefficiency: 1.5\nworkload: {blobs: 5, transactions: {rate: 100, "
             "size: 250B}}\nsweep: [a]\n" MINIMAL "ledger: {validators: 1}\n",
             NULL, 0, DEPIN_EINVAL, 5, lines);
}

static void test_scenario_times_against_duration(void **state)
{
  const char *lines[] = {
    "s.yaml:1:9: warmup: '2h' must be shorter than duration (1 h)",
    "s.yaml:2:18: sample_interval: '3h' must not exceed duration (1 h)",
  };
  load_fails(state, "warmup: 2h\nsample_interval: 3h\n" MINIMAL, NULL, 0, DEPIN_EINVAL, 2,
             lines);
}

static void test_scenario_duplicates(void **state)
{
  const char *text = "name: t\nduration: 1h\nregions:\n  - {name: us-east, backbone: 1Gbps}\n"
                     "  - {name: us-east, backbone: 1Gbps}\n"
                     "providers:\n"
                     "  - {class: a, count: 1, gpu: V100, region: us-east, uplink: 1Gbps, "
                     "downlink: 1Gbps}\n"
                     "  - {class: a, count: 1, gpu: V100, region: us-east, uplink: 1Gbps, "
                     "downlink: 1Gbps}\n";
  const char *expected[] = {
    "s.yaml:5:12: regions[1].name: duplicate region 'us-east' (first at line 4)",
    "s.yaml:8:13: providers[1].class: duplicate class 'a' (first at line 7)",
  };
  load_fails(state, text, NULL, 0, DEPIN_EINVAL, 2, expected);
}

/* Names become folders and host names: a path, an XML metacharacter or a name too long for
 * the result tables is refused where it is written. */
static void test_scenario_names_are_single_words(void **state)
{
  const char *set[] = {"name=../../x", "providers.dc.class=a&b",
                       "regions.eu-west.name=a-region-name-longer-than-32-bytes"};
  const char *lines[] = {
    "--set name=../../x: name: '../../x' is not a name (allowed: 1 to 32 letters, digits, '.', "
    "'_' or '-', starting with a letter or digit)",
    "--set regions.eu-west.name=a-region-name-longer-than-32-bytes: regions[1].name: "
    "'a-region-name-longer-than-32-bytes' is not a name (allowed: 1 to 32 letters, digits, "
    "'.', '_' or '-', starting with a letter or digit)",
    "s.yaml:7:13: latency.us-east.eu-west: unknown region 'eu-west' (allowed: us-east)",
    "--set providers.dc.class=a&b: providers[0].class: 'a&b' is not a name (allowed: 1 to 32 "
    "letters, digits, '.', '_' or '-', starting with a letter or digit)",
  };
  load_fails(state, MINIMAL, set, 3, DEPIN_EINVAL, 4, lines);
}

static void test_scenario_unknown_region(void **state)
{
  const char *set[] = {"providers.dc.region=[us-east, eu-wset, mars]"};
  const char *lines[] = {
    "--set providers.dc.region=[us-east, eu-wset, mars]: providers[0].region[1]: unknown "
    "region 'eu-wset' (did you mean 'eu-west'?)",
    "--set providers.dc.region=[us-east, eu-wset, mars]: providers[0].region[2]: unknown "
    "region 'mars' (allowed: us-east, eu-west)",
  };
  load_fails(state, MINIMAL, set, 1, DEPIN_EINVAL, 2, lines);
}

static void test_scenario_regions_not_a_list(void **state)
{
  const char *lines[] = {
    "s.yaml:3:11: regions: expected a non-empty sequence of regions (e.g. - {name: us-east, "
    "backbone: 100Gbps})",
    "s.yaml:6:37: providers[0].region: expected a region name or a list of them",
  };
  load_fails(state,
             "name: t\nduration: 1h\nregions: {name: a, backbone: 1Gbps}\nlatency: {a: {b: 1ms}}\n"
             "providers:\n  - {class: x, count: 1, gpu: V100, region: , uplink: 1Gbps, "
             "downlink: 1Gbps}\n",
             NULL, 0, DEPIN_EINVAL, 2, lines);
}

static void test_scenario_latency(void **state)
{
  const char *text = "name: t\nduration: 1h\nregions:\n  - {name: a, backbone: 1Gbps}\n"
                     "  - {name: b, backbone: 1Gbps}\n  - {name: c, backbone: 1Gbps}\n"
                     "latency:\n  a: {b: 10ms, a: 1ms}\n  b: {a: 20ms, d: 5ms}\n"
                     "providers:\n  - {class: x, count: 1, gpu: V100, region: a, uplink: 1Gbps, "
                     "downlink: 1Gbps}\n";
  const char *lines[] = {
    "s.yaml:8:19: latency.a.a: latency within region 'a' is its own `latency` key, not an "
    "entry here",
    "s.yaml:9:10: latency.b.a: latency between 'b' and 'a' is given twice with different values",
    "s.yaml:9:16: latency.b.d: unknown region 'd' (allowed: a, b, c)",
    "s.yaml:8:3: latency: missing latency between 'a' and 'c'",
    "s.yaml:8:3: latency: missing latency between 'b' and 'c'",
  };
  load_fails(state, text, NULL, 0, DEPIN_EINVAL, 5, lines);
}

static void test_scenario_behavior_sum(void **state)
{
  const char *set[] = {"providers.dc.behavior={honest: 0.9, lazy: 0.05, malicous: 0.01}",
                       "providers.0.sybil_fraction=2"};
  const char *lines[] = {
    "--set providers.dc.behavior={honest: 0.9, lazy: 0.05, malicous: 0.01}: "
    "providers[0].behavior.malicous: unknown key 'malicous' (did you mean 'malicious'?)",
    "--set providers.0.sybil_fraction=2: providers[0].sybil_fraction: '2' is out of range "
    "(allowed: 0 to 1)",
  };
  load_fails(state, MINIMAL, set, 2, DEPIN_EINVAL, 2, lines);
}

static void test_scenario_behavior_not_one(void **state)
{
  const char *lines[] = {
    "s.yaml:15:16: providers[0].behavior: the fractions sum to 0.96, not 1",
  };
  load_fails(state, MINIMAL "    behavior: {honest: 0.9, lazy: 0.05, malicious: 0.01}\n", NULL,
             0, DEPIN_EINVAL, 1, lines);
}

static void test_scenario_behavior_rounding(void **state)
{
  struct scenario *sc =
    load_ok(state, MINIMAL "    behavior: {honest: 0.7, lazy: 0.2, malicious: 0.1}\n", NULL, 0);
  assert_true(sc->classes[0].behavior[BEHAVIOR_MALICIOUS] == 0.1);
}

static void test_scenario_targets(void **state)
{
  const char *text = MINIMAL "targets:\n  tsp: \">= 1\"\n  commit_latency_p99: \"~ 2s\"\n"
                             "  tps: \">= 5 apples\"\n  availability: 0.9\n";
  const char *lines[] = {
    "s.yaml:16:3: targets.tsp: unknown metric 'tsp' (did you mean 'tps'?)",
    "s.yaml:17:24: targets.commit_latency_p99: expected \"op value\" such as \">= 11000\" "
    "(allowed ops: >= <= > < ==)",
    "s.yaml:18:9: targets.tps: '5 apples': unknown unit (allowed: /s /min /h /d)",
    "s.yaml:19:17: targets.availability: expected \"op value\" such as \">= 11000\" (allowed "
    "ops: >= <= > < ==)",
  };
  load_fails(state, text, NULL, 0, DEPIN_EINVAL, 4, lines);
}

static void test_scenario_target_units(void **state)
{
  struct scenario *sc = load_ok(
    state, MINIMAL "targets:\n  commit_latency_p99: \"<= 250ms\"\n  tps: \"== 2/s\"\n"
                   "  providers: \">= 10\"\n",
    NULL, 0);
  assert_int_equal(sc->n_targets, 3);
  assert_true(sc->targets[0].value == 0.25 && sc->targets[0].op == TARGET_LE);
  assert_true(sc->targets[1].value == 2 && sc->targets[1].op == TARGET_EQ);
  assert_true(sc->targets[2].value == 10 && sc->targets[2].op == TARGET_GE);
}

static void test_scenario_over_machine_memory(void **state)
{
  struct fixture *f = *state;
  const char *set[] = {"providers.dc.count=1000000000000"};
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", MINIMAL, set, 1, registry_layers(),
                                        f->diag, &sc), DEPIN_ENOMEM);
  assert_null(sc);
  assert_int_equal(diag_count(f->diag), 1);
  const char *line = diag_line(f->diag, 0);
  const char *prefix = "s.yaml:9:5: providers: 1000000000000 provider hosts need about "
                       "6144 TB of memory, more than this machine's ";
  assert_memory_equal(line, prefix, strlen(prefix));
}

static void test_scenario_platform(void **state)
{
  struct fixture *f = *state;
  char xml[128], text[512];
  snprintf(xml, sizeof(xml), "%s/p.xml", f->dir);
  write_file(xml, "<?xml version='1.0'?>\n<platform version=\"4.1\"/>\n");
  snprintf(text, sizeof(text),
           "name: t\nduration: 1h\nplatform: %s\nproviders:\n  - {class: a, count: 2, gpu: V100, "
           "region: anything, uplink: 1Gbps, downlink: 1Gbps}\n  - {class: b, count: 3, gpu: V100, "
           "uplink: 1Gbps, downlink: 1Gbps}\n",
           xml);
  struct scenario *sc = load_ok(state, text, NULL, 0);
  assert_string_equal(sc->platform_file, xml);
  assert_int_equal(sc->n_regions, 0);
  assert_int_equal(sc->n_providers, 5);
  assert_int_equal(sc->classes[1].first_provider, 2);
}

static void test_scenario_platform_errors(void **state)
{
  const char *lines[] = {
    "s.yaml:3:11: platform: platform file 'no.xml' not found (tried: no.xml, " DEPINSIM_SOURCE_DIR
    "/no.xml)",
    "s.yaml:5:6: regions: give either `platform` or `regions`, not both",
  };
  load_fails(state,
             "name: t\nduration: 1h\nplatform: no.xml\nregions:\n  - {name: a, backbone: 1Gbps}\n"
             "providers:\n  - {class: a, count: 2, gpu: V100, uplink: 1Gbps, downlink: 1Gbps}\n",
             NULL, 0, DEPIN_EINVAL, 2, lines);
}

static void test_scenario_every_error_reported(void **state)
{
  const char *text = "name: t\n"
                     "duration: 0s\n"
                     "regions:\n"
                     "  - {name: a, backbone: fast}\n"
                     "providers:\n"
                     "  - class: x\n"
                     "    count: -5\n"
                     "    gpu: V100\n"
                     "    region: b\n"
                     "    uplink: 1Gbps\n"
                     "    dwnlink: 1Gbps\n"
                     "targets: {tps: \">= 1\", bogus_metric_xyz: \"<= 1s\"}\n"
                     "extra: 1\n";
  const char *lines[] = {
    "s.yaml:13:1: extra: unknown key 'extra' (allowed: name, seed, duration, warmup, "
    "sample_interval, efficiency, calibration, regions, latency, platform, providers, "
    "workload, network, targets, sweep, ledger", /* then the other layers, if any */
    "s.yaml:2:11: duration: '0s' is out of range (allowed: > 0)",
    "s.yaml:4:25: regions[0].backbone: 'fast': not a number (allowed: bps Kbps Mbps Gbps Tbps "
    "B/s KB/s MB/s GB/s TB/s KiB/s MiB/s GiB/s TiB/s Bps KBps MBps GBps TBps KiBps MiBps "
    "GiBps TiBps)",
    "s.yaml:11:5: providers[0].dwnlink: unknown key 'dwnlink' (did you mean 'downlink'?)",
    "s.yaml:7:12: providers[0].count: '-5' is out of range (allowed: >= 1)",
    "s.yaml:9:13: providers[0].region: unknown region 'b' (allowed: a)",
    "s.yaml:6:5: providers[0].downlink: missing required key",
    "s.yaml:12:24: targets.bogus_metric_xyz: unknown metric 'bogus_metric_xyz' (allowed: "
    "providers, availability, ", /* then the layers' metrics */
  };
  struct fixture *f = *state;
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        f->diag, &sc), DEPIN_EINVAL);
  if (diag_count(f->diag) != 8)
    print_diag(f->diag);
  assert_int_equal(diag_count(f->diag), 8);
  for (size_t i = 1; i < 7; i++)
    assert_string_equal(diag_line(f->diag, i), lines[i]);
  assert_memory_equal(diag_line(f->diag, 0), lines[0], strlen(lines[0]));
  assert_memory_equal(diag_line(f->diag, 7), lines[7], strlen(lines[7]));
}

/* The ledger layer's own cross-check runs once the core sections are valid (its wording is
 * the layer's; that it names its section is the loader's contract). */
static void test_scenario_layer_validate(void **state)
{
  struct fixture *f = *state;
  const char *text = MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                             "ledger: {validators: 100}\n";
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        f->diag, &sc), DEPIN_EINVAL);
  assert_null(sc);
  assert_int_equal(diag_error_count(f->diag), 1);
  assert_non_null(strstr(diag_line(f->diag, 0), "s.yaml:16:10: ledger: "));
}

static void test_scenario_layer_validate_waits_for_core(void **state)
{
  const char *lines[] = {"s.yaml:1:9: warmup: '2h' must be shorter than duration (1 h)"};
  load_fails(state,
             "warmup: 2h\n" MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
             "ledger: {validators: 100}\n",
             NULL, 0, DEPIN_EINVAL, 1, lines);
}


/* The network section's bad values, each with its place and what is allowed. */
static void test_scenario_network_bad_input(void **state)
{
  const char *lines[] = {
    "s.yaml:16:15: network.tcp_window: '0B' is out of range (allowed: 1 B to 1000 TB)",
    "s.yaml:17:56: network.overlay.region_bias: '2' is out of range (allowed: 0 to 1)",
    "s.yaml:17:13: network.overlay: max_inbound 8 is below the outbound degree 12 (allowed: at "
    "least as many inbound as outbound peers, or most nodes could not find peers)",
  };
  load_fails(state, MINIMAL "network:\n  tcp_window: 0B\n"
                            "  overlay: {outbound: 12, max_inbound: 8, region_bias: 2}\n",
             NULL, 0, DEPIN_EINVAL, 3, lines);
}

static void test_scenario_network_degree_distribution(void **state)
{
  struct fixture *f = *state;
  const char *lines[] = {"s.yaml:15:43: network.overlay.outbound.cdf[1]: 0.4 is below the 0.5 "
                         "before it (allowed: a non-decreasing cumulative distribution)"};
  load_fails(state, MINIMAL "network: {overlay: {outbound: {cdf: [0.5, 0.4, 1]}}}\n", NULL, 0,
             DEPIN_EINVAL, 1, lines);
  fresh_diag(f);
  struct scenario *sc =
    load_ok(state, MINIMAL "network: {overlay: {outbound: {cdf: [0.5, 1]}}}\n", NULL, 0);
  assert_int_equal(sc->network.n_outbound_cdf, 2);
  assert_int_equal(network_max_outbound(&sc->network), 2);
  assert_true(network_mean_outbound(&sc->network) == 1.5);
}

/* The ledger refuses a written degree its shard cannot hold, the old kind name and keys of
 * other kinds. */
static void test_scenario_ledger_mesh_bad_input(void **state)
{
  struct fixture *f = *state;
  const char *degree[] = {
    "s.yaml:15:31: network.overlay.outbound: an outbound degree of 12 needs more nodes than "
    "that in each shard, the ledger has 10 (validators + full_nodes; allowed: outbound below "
    "the nodes)"};
  load_fails(state, MINIMAL "network: {overlay: {outbound: 12}}\n"
                            "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                            "ledger: {validators: 10, dissemination: {kind: parts}}\n",
             NULL, 0, DEPIN_EINVAL, 1, degree);
  fresh_diag(f);
  const char *gossip[] = {
    "s.yaml:16:48: ledger.dissemination.kind: 'gossip' is now 'tree' (the gossip tree of "
    "SimGrid flows); the mesh protocols over the overlay are flood, announce, compact and "
    "parts"};
  load_fails(state, MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                            "ledger: {validators: 10, dissemination: {kind: gossip}}\n",
             NULL, 0, DEPIN_EINVAL, 1, gossip);
  fresh_diag(f);
  const char *mixed[] = {
    "s.yaml:16:63: ledger.dissemination.uplink: parts go out on every peer connection at once "
    "(allowed: shared); serial applies to flood, announce and compact",
    "s.yaml:16:79: ledger.dissemination.fanout: fanout is the gossip tree's (kind: tree); the "
    "mesh protocols gossip to the overlay's peers (network.overlay.outbound)"};
  load_fails(state, MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                            "ledger: {validators: 10, dissemination: {kind: parts, uplink: serial, "
                            "fanout: 3}}\n",
             NULL, 0, DEPIN_EINVAL, 2, mixed);
  fresh_diag(f);
  const char *votes[] = {
    "s.yaml:16:10: ledger: votes: gossip spreads prevotes and precommits over the overlay: give "
    "dissemination.kind flood, announce, compact or parts"};
  load_fails(state, MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                            "ledger: {validators: 10, votes: gossip}\n",
             NULL, 0, DEPIN_EINVAL, 1, votes);
  fresh_diag(f);
  const char *mempool[] = {
    "s.yaml:16:10: ledger: mempool.gossip floods transactions over the overlay: give "
    "dissemination.kind flood, announce, compact or parts"};
  load_fails(state, MINIMAL "workload: {transactions: {rate: 10/s, size: 250B}}\n"
                            "ledger: {validators: 10, mempool: {gossip: true}}\n",
             NULL, 0, DEPIN_EINVAL, 1, mempool);
}

static void test_scenario_overrides(void **state)
{
  const char *set[] = {"duration=2h", "providers.dc.count=1234", "warmup=1min",
                       "latency.us-east.eu-west=5ms", "providers.dc.availability={mtbf: 10h, "
                       "mttr: 1h}", "providers.dc.availability.mttr=30min",
                       "workload={transactions: {rate: 5/min, size: 32MiB}}",
                       "ledger={validators: 4, max_block_bytes: 64MiB}"};
  struct scenario *sc = load_ok(state, MINIMAL, set, 8);
  const struct ledger_conf *ledger = scenario_layer_conf(sc, "ledger");
  assert_true(ledger->tx_bytes == 33554432);
  assert_true(ledger->tx_rate_per_s == 5.0 / 60);
  assert_true(sc->duration_s == 7200);
  assert_int_equal(sc->n_providers, 1234);
  assert_true(sc->warmup_s == 60);
  assert_true(sc->latency_s[1] == 0.005 && sc->latency_s[2] == 0.005);
  assert_true(sc->classes[0].mtbf_s == 36000 && sc->classes[0].mttr_s == 1800);
  assert_non_null(strstr(sc->text, "count: 1234"));
  assert_non_null(strstr(sc->text, "warmup: 1min"));
}

static void test_scenario_override_bad_path(void **state)
{
  const char *set[] = {"providers.gpu-farm.count=3", "durration.x=1"};
  const char *lines[] = {
    "--set providers.gpu-farm.count=3: no item 'gpu-farm' in 'providers' (an index below 1, "
    "or a class or name)",
    "--set durration.x=1: durration: unknown key 'durration' (did you mean 'duration'?)",
  };
  load_fails(state, MINIMAL, set, 2, DEPIN_EINVAL, 2, lines);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
    T(test_scenario_full_in_base_units),     T(test_scenario_defaults),
    T(test_scenario_short_run_sample_interval), T(test_scenario_missing_file),
    T(test_scenario_syntax_error),           T(test_scenario_missing_calibration),
    T(test_scenario_unknown_gpu),            T(test_scenario_unknown_gpu_did_you_mean),
    T(test_scenario_missing_required),       T(test_scenario_not_a_mapping),
    T(test_scenario_unknown_keys),           T(test_scenario_bad_quantities),
    T(test_scenario_wrong_types),            T(test_scenario_times_against_duration),
    T(test_scenario_duplicates),             T(test_scenario_unknown_region),
    T(test_scenario_names_are_single_words),
    T(test_scenario_latency),                T(test_scenario_behavior_sum),
    T(test_scenario_behavior_not_one),       T(test_scenario_behavior_rounding),
    T(test_scenario_targets),                T(test_scenario_target_units),
    T(test_scenario_over_machine_memory),    T(test_scenario_platform),
    T(test_scenario_platform_errors),        T(test_scenario_every_error_reported),
    T(test_scenario_network_bad_input),      T(test_scenario_network_degree_distribution),
    T(test_scenario_ledger_mesh_bad_input),
    T(test_scenario_overrides),              T(test_scenario_override_bad_path),
    T(test_scenario_regions_not_a_list),     T(test_scenario_layer_validate),         T(test_scenario_layer_validate_waits_for_core),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
