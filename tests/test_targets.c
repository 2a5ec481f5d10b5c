/* test_targets.c: target operators, missing metrics, and the printed pass/fail table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/results/targets.h"

static struct target make(const char *metric, enum target_op op, double value, const char *text)
{
  return (struct target){.metric = (char *)metric, .op = op, .value = value, .text = (char *)text};
}

static void test_targets_each_operator(void **state)
{
  (void)state;
  struct target ge = make("x", TARGET_GE, 10, ">= 10"), le = make("x", TARGET_LE, 10, "<= 10");
  struct target gt = make("x", TARGET_GT, 10, "> 10"), lt = make("x", TARGET_LT, 10, "< 10");
  struct target eq = make("x", TARGET_EQ, 10, "== 10");
  assert_true(targets_met(&ge, 10));
  assert_true(targets_met(&ge, 11));
  assert_false(targets_met(&ge, 9.999));
  assert_true(targets_met(&le, 10));
  assert_false(targets_met(&le, 10.001));
  assert_false(targets_met(&gt, 10));
  assert_true(targets_met(&gt, 10.001));
  assert_false(targets_met(&lt, 10));
  assert_true(targets_met(&lt, 9));
  assert_true(targets_met(&eq, 10));
  assert_false(targets_met(&eq, 10.5));
  assert_false(targets_met(&ge, NAN));
  assert_string_equal(targets_op_name(TARGET_GE), ">=");
  assert_string_equal(targets_op_name(TARGET_LE), "<=");
  assert_string_equal(targets_op_name(TARGET_GT), ">");
  assert_string_equal(targets_op_name(TARGET_LT), "<");
  assert_string_equal(targets_op_name(TARGET_EQ), "==");
}

/* A scenario with three targets: one met, one missed, one whose metric is never reported. */
static struct target three[3];
static struct scenario *scenario_with_targets(struct scenario *sc)
{
  three[0] = make("tps", TARGET_GE, 11000, ">= 11000/s");
  three[1] = make("commit_latency_p99", TARGET_LE, 2, "<= 2s");
  three[2] = make("da_throughput", TARGET_GE, 5e10, ">= 50GB/s");
  memset(sc, 0, sizeof(*sc));
  sc->targets = three;
  sc->n_targets = 3;
  return sc;
}

static void test_targets_missing_metric_fails(void **state)
{
  (void)state;
  struct scenario sc;
  metrics_t *m = metrics_new(0, 1);
  metrics_summary_set(m, "tps", 11500, "/s");
  metrics_summary_set(m, "commit_latency_p99", 2.5, "s");
  metrics_bound_set(m, "tps", 20000, "/s", BOUND_LIMIT, "uplink / tx size");
  struct target_outcome *o;
  size_t n = targets_evaluate(scenario_with_targets(&sc), m, &o);
  assert_int_equal(n, 3);
  assert_true(o[0].measured_present);
  assert_true(o[0].pass);
  assert_true(o[0].bound_present);
  assert_float_equal(o[0].bound, 20000, 0);
  assert_string_equal(o[0].unit, "/s");
  assert_true(o[1].measured_present);
  assert_false(o[1].pass);
  assert_false(o[1].bound_present);
  assert_false(o[2].measured_present);
  assert_false(o[2].pass);
  assert_string_equal(o[2].unit, "");
  assert_ptr_equal(o[2].target, &three[2]);
  assert_false(targets_all_pass(o, n));
  assert_true(targets_all_pass(o, 1));
  assert_true(targets_all_pass(NULL, 0));
  free(o);
  metrics_free(m);
}

/* A percentile of a distribution without samples is no value, and a target on it fails
 * (with 1 bps links no block commits: commit_latency_p99 read 0 and its target passed). */
static void test_targets_on_an_empty_distribution_fail(void **state)
{
  (void)state;
  struct scenario sc;
  metrics_t *m = metrics_new(0, 1);
  hist_t *latency = metrics_hist(m, "commit_latency", "s");
  metrics_summary_set(m, "commit_latency_p99", hist_quantile(latency, 0.99), "s");
  struct target_outcome *o;
  size_t n = targets_evaluate(scenario_with_targets(&sc), m, &o);
  assert_int_equal(n, 3);
  assert_true(o[1].measured_present);
  assert_true(isnan(o[1].measured));
  assert_false(o[1].pass);
  char buf[64];
  assert_string_equal(targets_format_value(o[1].measured, "s", buf, sizeof(buf)), "no value");
  free(o);
  metrics_free(m);
}

static void test_targets_print_rows(void **state)
{
  (void)state;
  struct scenario sc;
  metrics_t *m = metrics_new(0, 1);
  metrics_summary_set(m, "tps", 11500, "/s");
  metrics_summary_set(m, "commit_latency_p99", 2.5, "s");
  struct target_outcome *o;
  size_t n = targets_evaluate(scenario_with_targets(&sc), m, &o);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  targets_print(o, n, f);
  fclose(f);
  /* header, three rows, the count */
  char *line[6] = {0};
  size_t k = 0;
  for (char *save, *l = strtok_r(text, "\n", &save); l && k < 6; l = strtok_r(NULL, "\n", &save))
    line[k++] = l;
  assert_int_equal(k, 5);
  assert_non_null(strstr(line[0], "metric"));
  assert_non_null(strstr(line[1], "tps"));
  assert_non_null(strstr(line[1], ">= 11000/s"));
  assert_non_null(strstr(line[1], "PASS"));
  assert_non_null(strstr(line[2], "commit_latency_p99"));
  assert_non_null(strstr(line[2], "FAIL"));
  assert_non_null(strstr(line[3], "da_throughput"));
  assert_non_null(strstr(line[3], "not reported"));
  assert_non_null(strstr(line[3], "FAIL"));
  assert_string_equal(line[4], "1 of 3 targets met");
  /* aligned: the result column starts at the same offset on every row */
  size_t col = (size_t)(strstr(line[1], "PASS") - line[1]);
  assert_int_equal((size_t)(strstr(line[2], "FAIL") - line[2]), col);
  assert_int_equal((size_t)(strstr(line[3], "FAIL") - line[3]), col);
  assert_int_equal((size_t)(strstr(line[0], "result") - line[0]), col);
  free(text);
  free(o);
  metrics_free(m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_targets_each_operator),
    cmocka_unit_test(test_targets_missing_metric_fails),
    cmocka_unit_test(test_targets_on_an_empty_distribution_fail),
    cmocka_unit_test(test_targets_print_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
