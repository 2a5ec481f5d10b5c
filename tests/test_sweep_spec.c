/* test_sweep_spec.c: expanding a scenario's sweep section: grid sizes and order, ranges with
 * units, replications and their seeds, random and Latin-hypercube samples (stratification),
 * and bad input reported at its line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run/sweep_spec.h"
#include "sim/cli/registry.h"

#define BASE                                                                                  \
  "name: t\n"                                                                                 \
  "seed: 7\n"                                                                                 \
  "duration: 1h\n"                                                                            \
  "regions: [{name: us-east, backbone: 100Gbps}]\n"                                           \
  "providers:\n"                                                                              \
  "  - {class: dc, count: 10, gpu: H100-SXM, region: us-east, uplink: 10Gbps,\n"              \
  "     downlink: 10Gbps}\n"                                                                  \
  "workload: {transactions: {rate: 100/s, size: 250B}}\n"                                     \
  "ledger: {validators: 4, block_time: 500ms}\n"
/* BASE is 9 lines: a sweep section starts on line 10. */

struct fixture {
  diag_t *diag;
  struct scenario *sc;
  struct sweep_spec *spec;
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  f->diag = diag_new();
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  sweep_spec_free(f->spec);
  scenario_free(f->sc);
  diag_free(f->diag);
  free(f);
  return 0;
}

static enum depin_status expand(struct fixture *f, const char *sweep)
{
  char *text = NULL;
  assert_true(asprintf(&text, "%s%s", BASE, sweep) > 0);
  enum depin_status st = scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                              f->diag, &f->sc);
  free(text);
  if (st != DEPIN_OK) {
    diag_print(f->diag, stdout);
    return st;
  }
  st = sweep_spec_read(f->sc, &f->spec);
  diag_print(f->diag, stdout);
  return st;
}

static void test_sweep_spec_grid_size_and_order(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n"
                             "  providers.dc.count: [10, 20, 40]\n"
                             "  ledger.block_time: {from: 250ms, to: 1s, step: 250ms}\n"
                             "  replications: 2\n"), DEPIN_OK);
  const struct sweep_spec *s = f->spec;
  assert_int_equal(s->method, SWEEP_GRID);
  assert_int_equal(s->n_axes, 2);
  assert_int_equal(s->axes[1].n_values, 4); /* 0.25 0.5 0.75 1: the end is included */
  assert_int_equal(s->n_samples, 12);
  assert_int_equal(s->n_points, 24);
  assert_string_equal(s->axes[1].unit, "s");
  /* the first axis varies slowest, replications innermost */
  const struct sweep_point *p = &s->points[0];
  assert_string_equal(p->texts[0], "10");
  assert_string_equal(p->texts[1], "0.25s");
  assert_true(p->seed == 7 && s->points[1].seed == 8 && s->points[1].replication == 1);
  assert_string_equal(s->points[1].texts[1], "0.25s");
  p = &s->points[2 * 5]; /* sample 5: count 20, block_time 0.5 s */
  assert_int_equal(p->sample, 5);
  assert_int_equal(p->id, 10);
  assert_true(p->values[0] == 20 && p->values[1] == 0.5);
  p = &s->points[23];
  assert_true(p->values[0] == 40 && p->values[1] == 1.0);
  char **set = sweep_spec_assignments(s, p);
  assert_string_equal(set[0], "providers.dc.count=40");
  assert_string_equal(set[1], "ledger.block_time=1s");
  free(set[0]), free(set[1]), free(set);
  /* every combination once per replication */
  for (size_t i = 0; i < s->n_points; i++)
    for (size_t j = i + 1; j < s->n_points; j++)
      if (s->points[i].replication == s->points[j].replication)
        assert_false(s->points[i].values[0] == s->points[j].values[0] &&
                     s->points[i].values[1] == s->points[j].values[1]);
}

static void test_sweep_spec_text_values_and_one_axis(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n  ledger.block_time: [1s, 2s, 500ms, 250ms, 3s]\n"),
                   DEPIN_OK);
  assert_int_equal(f->spec->n_points, 5);
  assert_true(f->spec->axes[0].numeric);
  assert_true(f->spec->points[2].values[0] == 0.5);
  assert_string_equal(f->spec->points[2].texts[0], "500ms"); /* as written */
}

static void test_sweep_spec_lhs_is_stratified(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n"
                             "  method: lhs\n"
                             "  points: 20\n"
                             "  ledger.block_time: {from: 100ms, to: 2.1s}\n"
                             "  workload.transactions.rate: {from: 1000/s, to: 21000/s}\n"),
                   DEPIN_OK);
  const struct sweep_spec *s = f->spec;
  assert_int_equal(s->n_points, 20);
  /* each axis has exactly one point in each of its 20 strata */
  for (size_t a = 0; a < 2; a++) {
    int hits[20] = {0};
    double from = s->axes[a].from, width = (s->axes[a].to - from) / 20;
    for (size_t i = 0; i < 20; i++) {
      double v = s->points[i].values[a];
      assert_true(v >= from && v <= s->axes[a].to);
      hits[(int)floor((v - from) / width)]++;
    }
    for (size_t k = 0; k < 20; k++)
      assert_int_equal(hits[k], 1);
  }
  /* the strata are paired at random, not along the diagonal */
  size_t diagonal = 0;
  for (size_t i = 0; i < 20; i++)
    diagonal += floor((s->points[i].values[0] - 0.1) / 0.1) ==
                floor((s->points[i].values[1] - 1000) / 1000);
  assert_true(diagonal < 20);
  char **set = sweep_spec_assignments(s, &s->points[0]);
  assert_non_null(strstr(set[0], "s")); /* written back in the base unit */
  assert_non_null(strstr(set[1], "/s"));
  free(set[0]), free(set[1]), free(set);
}

static void test_sweep_spec_random_is_reproducible_and_snaps_to_steps(void **state)
{
  struct fixture *f = *state;
  const char *sweep = "sweep:\n"
                      "  method: random\n"
                      "  points: 30\n"
                      "  providers.dc.count: {from: 10, to: 100, step: 10}\n"
                      "  ledger.validators: [2, 4]\n";
  assert_int_equal(expand(f, sweep), DEPIN_OK);
  double first[30];
  for (size_t i = 0; i < 30; i++) {
    double v = f->spec->points[i].values[0];
    assert_true(v >= 10 && v <= 100 && fmod(v, 10) == 0);
    assert_true(f->spec->points[i].values[1] == 2 || f->spec->points[i].values[1] == 4);
    first[i] = v;
  }
  sweep_spec_free(f->spec);
  scenario_free(f->sc);
  f->spec = NULL, f->sc = NULL;
  assert_int_equal(expand(f, sweep), DEPIN_OK);
  for (size_t i = 0; i < 30; i++)
    assert_true(f->spec->points[i].values[0] == first[i]);
}

static void test_sweep_spec_bad_input_with_positions(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n"
                             "  providers.dc.cuont: [1, 2]\n"
                             "  ledger.block_time: {from: 1s, to: 2s, step: 0s}\n"
                             "  workload.transactions.rate: {from: 5/s, to: 1/s, step: 1/s}\n"
                             "  ledger.validators: []\n"
                             "  providers.gpu-farm.count: [1]\n"
                             "  method: grid\n"
                             "  points: 3\n"),
                   DEPIN_EINVAL);
  assert_true(diag_contains(f->diag, "s.yaml:11:3: sweep.providers.dc.cuont: "
                                     "'providers.dc.cuont' is not a key path of the scenario: "
                                     "no 'cuont' in 'providers.dc' (did you mean 'count'?)"));
  assert_true(diag_contains(f->diag, "s.yaml:12:47: sweep.ledger.block_time.step: a step of 0s "
                                     "(allowed: > 0)"));
  assert_true(diag_contains(f->diag, "s.yaml:13:38: sweep.workload.transactions.rate.from: an "
                                     "empty range: from 5/s is above to 1/s"));
  assert_true(diag_contains(f->diag, "sweep.ledger.validators: an empty list of values"));
  assert_true(diag_contains(f->diag, "no item 'gpu-farm' in 'providers' (an index, or a class or name)"));
  assert_true(diag_contains(f->diag, "s.yaml:17:11: sweep.points: points is for random and lhs"));
  assert_null(f->spec);
}

static void test_sweep_spec_refusals(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n  method: lhs\n  ledger.validators: [1, 2]\n"),
                   DEPIN_EINVAL);
  assert_true(diag_contains(f->diag, "sweep.points: missing required key"));
  assert_int_equal(diag_error_count(f->diag), 1);
}

static void test_sweep_spec_grid_range_needs_step(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(expand(f, "sweep:\n  ledger.block_time: {from: 1s, to: 2MB}\n"), DEPIN_EINVAL);
  assert_true(diag_contains(f->diag, "sweep.ledger.block_time.to"));
  scenario_free(f->sc);
  f->sc = NULL;
  assert_int_equal(expand(f, "sweep:\n  ledger.block_time: {from: 1s, to: 2s}\n  seed: [1, 2]\n"),
                   DEPIN_EINVAL);
  assert_true(diag_contains(f->diag, "a grid range needs a step"));
  assert_true(diag_contains(f->diag, "the seed is swept by 'replications'"));
  scenario_free(f->sc);
  f->sc = NULL;
  assert_int_equal(expand(f, ""), DEPIN_EINVAL);
  assert_true(diag_contains(f->diag, "no sweep section"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_sweep_spec_grid_size_and_order, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_text_values_and_one_axis, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_lhs_is_stratified, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_random_is_reproducible_and_snaps_to_steps,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_bad_input_with_positions, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sweep_spec_grid_range_needs_step, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
