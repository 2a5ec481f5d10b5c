/* test_estimate.c: validate's cost estimate: it grows with what the run does, tells the
 * mesh from SimGrid flows, and warns about a run of hours before it starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/registry.h"
#include "sim/run/estimate.h"

static struct scenario *load(const char *file, const char *const set[], size_t n)
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load(file, set, n, registry_layers(), diag, &sc) != DEPIN_OK)
    diag_print(diag, stderr);
  assert_non_null(sc);
  diag_free(diag);
  return sc;
}

static void test_estimate_scales_with_duration(void **state)
{
  (void)state;
  const char *longer[] = {"duration=20min"};
  struct scenario *a = load("scenarios/default.yaml", NULL, 0);
  struct scenario *b = load("scenarios/default.yaml", longer, 1);
  struct run_cost ca = estimate_run(a), cb = estimate_run(b);
  assert_true(ca.gossip_events > 0);
  assert_true(fabs(cb.gossip_events / ca.gossip_events - 2) < 1e-9);
  assert_true(fabs(estimate_wall_s(&cb) / estimate_wall_s(&ca) - 2) < 1e-6);
  scenario_free(a);
  scenario_free(b);
}

/* The tree's blocks are SimGrid flows, the mesh's are gossip events. */
static void test_estimate_tells_tree_from_mesh(void **state)
{
  (void)state;
  const char *tree[] = {"ledger.dissemination={kind: tree}"};
  struct scenario *mesh = load("scenarios/default.yaml", NULL, 0);
  struct scenario *flows = load("scenarios/default.yaml", tree, 1);
  struct run_cost cm = estimate_run(mesh), cf = estimate_run(flows);
  assert_true(cf.activities > 100 * cm.activities);
  assert_true(cf.gossip_events == 0 && cm.gossip_events > 0);
  scenario_free(mesh);
  scenario_free(flows);
}

/* DA dispersed slice by slice: hundreds of millions of flows, hours; validate says so. */
static void test_estimate_warns_about_hours(void **state)
{
  (void)state;
  const char *per_slice[] = {"da.dispersal_grain=per-slice"};
  struct scenario *sc = load("scenarios/0g-da.yaml", per_slice, 1);
  struct run_cost c = estimate_run(sc);
  assert_true(estimate_wall_s(&c) > ESTIMATE_WARN_WALL_S);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  estimate_print(sc, out);
  fclose(out);
  assert_non_null(strstr(text, "warning: cost: "));
  assert_non_null(strstr(text, " h of wall time"));
  free(text);
  scenario_free(sc);
}

/* Aggregated DA nodes are closed-form batches: one a node a dispatch, and dispatches follow the
 * blob rate up to one a dispersal interval (2 s in 0g-da; auto: 3,072 slots / 100,000 s). */
static void test_estimate_counts_da_batches(void **state)
{
  (void)state;
  const char *set_auto[] = {"da.dispersal_interval=auto"};
  struct scenario *fixed = load("scenarios/0g-da.yaml", NULL, 0);
  struct scenario *automatic = load("scenarios/0g-da.yaml", set_auto, 1);
  struct run_cost cf = estimate_run(fixed), ca = estimate_run(automatic);
  assert_true(fabs(cf.timeline_events - 600 * 0.5 * 3072) < 1e-6);
  assert_true(fabs(ca.timeline_events - 600 * (100000.0 / 3072) * 3072) < 1e-3);
  assert_true(cf.activities < 1e6);
  scenario_free(fixed);
  scenario_free(automatic);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_estimate_scales_with_duration),
    cmocka_unit_test(test_estimate_tells_tree_from_mesh),
    cmocka_unit_test(test_estimate_warns_about_hours),
    cmocka_unit_test(test_estimate_counts_da_batches),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
