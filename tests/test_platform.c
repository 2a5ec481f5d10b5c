/* test_platform.c: the generated SimGrid platform: hosts, speeds, private links, inter-region
 * routes, a user's own platform XML, and the refusal of an unknown GPU. SimGrid allows one
 * engine per process, so each case that builds a world runs in a child process and reports
 * through its exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <simgrid/host.h>

#include "sim/engine/platform.h"
#include "sim/engine/platform_check.h"
#include "sim/engine/world.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

static const char two_regions[] =
  "name: two-regions\n"
  "duration: 1min\n"
  "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"
  "regions: [{name: a, backbone: 10Gbps}, {name: b, backbone: 1Gbps}]\n"
  "latency: {a: {b: 30ms}}\n"
  "providers:\n"
  "  - {class: x, count: 3, gpu: H100-SXM, gpus_per_node: 8, region: a,\n"
  "     uplink: 100Mbps, downlink: 1Gbps, latency: 2ms}\n"
  "  - {class: y, count: 2, gpu: RTX-4090, gpus_per_node: 1, region: [a, b],\n"
  "     uplink: 50Mbps, downlink: 500Mbps, latency: 10ms}\n";

static struct scenario *load(const char *name, const char *text)
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load_string(name, text, NULL, 0, registry_layers(), diag, &sc) != DEPIN_OK)
    diag_print(diag, stderr);
  diag_free(diag);
  return sc;
}

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

static bool near(double a, double b)
{
  return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* In a child: the generated platform's hosts, speeds and routes. */
static int check_generated(void)
{
  struct scenario *sc = load("two-regions", two_regions);
  CHECK(sc);
  diag_t *diag = diag_new();
  char *argv[] = {"test", NULL};
  int argc = 1;
  struct world *w = world_new(sc, &argc, argv, diag);
  CHECK(w);
  CHECK(sg_host_count() == 5 + 2); /* five providers and two region gateways */
  sg_host_t x0 = sg_host_by_name("x-0"), y0 = sg_host_by_name("y-0"), y1 = sg_host_by_name("y-1");
  CHECK(x0 && y0 && y1);
  const struct device_profile *h100 = profile_set_find(w->profiles, "H100-SXM");
  CHECK(near(sg_host_get_speed(x0), 8 * profile_gemm_rate(h100, PREC_BF16)));
  /* y-0 is in region a (round-robin), y-1 in b. Same region: up + down latencies. */
  CHECK(near(sg_host_get_route_latency(x0, y0), 0.002 + 0.010));
  /* Across regions: x's 2 ms, the 30 ms WAN link, y's 10 ms. */
  CHECK(near(sg_host_get_route_latency(x0, y1), 0.002 + 0.030 + 0.010));
  /* x-0 -> y-1 is limited by x's 100 Mbps uplink, y-1 -> x-0 by y's 50 Mbps uplink. */
  CHECK(near(sg_host_get_route_bandwidth(x0, y1), 100e6 / 8));
  CHECK(near(sg_host_get_route_bandwidth(y1, x0), 50e6 / 8));
  CHECK(w->providers[3].host == y0 && w->providers[4].host == y1);
  world_free(w);
  diag_free(diag);
  scenario_free(sc);
  return 0;
}

/* In a child: a user's platform XML, with hosts named <class>-<n>. */
static int check_user_platform(const char *dir)
{
  char *xml = test_write_file(dir, "mine.xml",
    "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">\n"
    " <host id=\"n-0\" speed=\"1e12f\"/><host id=\"n-1\" speed=\"2e12f\"/>\n"
    " <link id=\"l\" bandwidth=\"1e8Bps\" latency=\"5ms\"/>\n"
    " <route src=\"n-0\" dst=\"n-1\"><link_ctn id=\"l\"/></route>\n"
    "</zone></platform>\n");
  char *text = NULL;
  CHECK(asprintf(&text, "name: mine\nduration: 1min\nplatform: %s\n"
                        "calibration: [gpu/profiles/h100-sxm.yaml]\n"
                        "providers: [{class: n, count: 2, gpu: H100-SXM, gpus_per_node: 1,\n"
                        "             uplink: 1Gbps, downlink: 1Gbps, latency: 1ms}]\n", xml) > 0);
  struct scenario *sc = load("mine", text);
  CHECK(sc);
  diag_t *diag = diag_new();
  char *argv[] = {"test", NULL};
  int argc = 1;
  struct world *w = world_new(sc, &argc, argv, diag);
  CHECK(w);
  CHECK(near(sg_host_get_speed(w->providers[1].host), 2e12)); /* the user's speed stands */
  CHECK(near(sg_host_get_route_latency(w->providers[0].host, w->providers[1].host), 0.005));
  world_free(w);
  diag_free(diag);
  scenario_free(sc);
  free(text);
  free(xml);
  return 0;
}

static int in_child(int (*check)(const char *), const char *arg)
{
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0)
    _exit(check(arg));
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int generated(const char *unused)
{
  (void)unused;
  return check_generated();
}

static void test_platform_generated_hosts_and_routes(void **state)
{
  (void)state;
  assert_int_equal(in_child(generated, NULL), 0);
}

static void test_platform_user_xml(void **state)
{
  (void)state;
  char *dir = test_tmpdir();
  assert_int_equal(in_child(check_user_platform, dir), 0);
  free(dir);
}

static void test_platform_unknown_gpu_names_the_available_ones(void **state)
{
  (void)state;
  struct scenario *sc = load("two-regions", two_regions);
  assert_non_null(sc);
  free(sc->classes[1].gpu);
  sc->classes[1].gpu = strdup("RTX-9090");
  diag_t *diag = diag_new();
  const char *paths[] = {"gpu/profiles/h100-sxm.yaml"};
  profile_set_t *profiles = profile_set_load(paths, 1, diag);
  assert_non_null(profiles);
  FILE *out = fopen("/dev/null", "w");
  assert_int_equal(platform_write(sc, profiles, out, diag), DEPIN_ENOENT);
  fclose(out);
  assert_true(diag_contains(diag, "gpu 'RTX-9090' is in no calibration profile (available: "
                                  "H100-SXM)"));
  profile_set_free(profiles);
  diag_free(diag);
  scenario_free(sc);
}

static void test_platform_host_names_and_regions(void **state)
{
  (void)state;
  size_t regions[] = {4, 7};
  struct provider_class c = {.name = "gpu", .count = 5, .max_count = 5, .regions = regions, .n_regions = 2};
  char buf[32];
  assert_string_equal(platform_host_name(&c, 3, buf, sizeof(buf)), "gpu-3");
  assert_int_equal(platform_host_region(&c, 0), 4);
  assert_int_equal(platform_host_region(&c, 3), 7);
}

/* A user's platform that SimGrid cannot load, or that lacks hosts, is a message before the run
 * (SimGrid aborted the run on the first, and the second was found only when the run began). */
static void test_platform_user_file_checked_before_the_run(void **state)
{
  (void)state;
  char *dir = test_tmpdir();
  char *bad = test_write_file(dir, "bad.xml", "not xml at all\n");
  char *one = test_write_file(dir, "one.xml",
    "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">\n"
    " <host id=\"n-0\" speed=\"1e12f\"/>\n</zone></platform>\n");
  const char *files[] = {bad, one};
  const char *expect[] = {"SimGrid cannot load it as a platform: Parse error at",
                          "no host named 'n-1' for class 'n'"};
  for (size_t i = 0; i < 2; i++) {
    char *text = NULL;
    assert_true(asprintf(&text, "name: mine\nduration: 1min\nplatform: %s\n"
                                "calibration: [gpu/profiles/h100-sxm.yaml]\n"
                                "providers: [{class: n, count: 2, gpu: H100-SXM, uplink: 1Gbps,"
                                " downlink: 1Gbps}]\n", files[i]) > 0);
    struct scenario *sc = load("mine", text);
    assert_non_null(sc);
    diag_t *diag = diag_new();
    assert_int_equal(platform_check_user_file(sc, diag), DEPIN_EINVAL);
    if (!diag_contains(diag, expect[i]))
      diag_print(diag, stderr);
    assert_true(diag_contains(diag, expect[i]));
    diag_free(diag);
    scenario_free(sc);
    free(text);
  }
  free(bad), free(one), free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_platform_host_names_and_regions),
    cmocka_unit_test(test_platform_unknown_gpu_names_the_available_ones),
    cmocka_unit_test(test_platform_generated_hosts_and_routes),
    cmocka_unit_test(test_platform_user_xml),
    cmocka_unit_test(test_platform_user_file_checked_before_the_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
