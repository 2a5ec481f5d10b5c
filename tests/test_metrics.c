/* test_metrics.c: the registry: summaries, bounds, series sampling, distributions, tables. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


#include "sim/results/metrics.h"
#include "testutil.h"

static double read_double(void *ctx)
{
  return *(double *)ctx;
}

static void test_metrics_rate_series_from_counter(void **state)
{
  (void)state;
  metrics_t *m = metrics_new(0, 1);
  double committed = 0;
  metrics_series_add(m, "tps", "/s", SERIES_RATE, read_double, &committed);
  committed = 1000;
  metrics_sample(m, 1.0);
  committed = 3000;
  metrics_sample(m, 2.0);
  committed = 3000;
  metrics_sample(m, 4.0); /* nothing in two seconds */
  committed = 3500;
  metrics_sample(m, 4.5);
  const char *name, *unit;
  const double *t, *v;
  size_t n;
  metrics_series_at(m, 0, &name, &unit, &t, &v, &n);
  assert_string_equal(name, "tps");
  assert_string_equal(unit, "/s");
  assert_int_equal(n, 4);
  const double want_t[] = {1, 2, 4, 4.5}, want_v[] = {1000, 2000, 0, 1000};
  for (size_t i = 0; i < n; i++) {
    assert_double_equal(t[i], want_t[i], 0);
    assert_double_equal(v[i], want_v[i], 1e-9);
  }
  metrics_free(m);
}

static void test_metrics_gauge_series(void **state)
{
  (void)state;
  metrics_t *m = metrics_new(0, 0.5);
  double queue = 7;
  metrics_series_add(m, "queue", "", SERIES_GAUGE, read_double, &queue);
  metrics_sample(m, 0.5);
  queue = 3;
  metrics_sample(m, 1.0);
  metrics_series_push(m, "price", "USD", 10, 1.25); /* computed after the run */
  metrics_series_push(m, "price", "USD", 20, 1.5);
  metrics_sample(m, 1.5); /* pushed series are not probed */
  assert_int_equal(metrics_series_count(m), 2);
  const double *t, *v;
  size_t n;
  metrics_series_at(m, 0, NULL, NULL, &t, &v, &n);
  assert_int_equal(n, 3);
  assert_double_equal(v[0], 7, 0);
  assert_double_equal(v[1], 3, 0);
  assert_double_equal(t[2], 1.5, 0);
  const char *unit;
  metrics_series_at(m, 1, NULL, &unit, &t, &v, &n);
  assert_string_equal(unit, "USD");
  assert_int_equal(n, 2);
  assert_double_equal(t[1], 20, 0);
  assert_double_equal(v[1], 1.5, 0);
  metrics_free(m);
}

static void test_metrics_summary_overwrite(void **state)
{
  (void)state;
  metrics_t *m = metrics_new(10, 1);
  double v = 0;
  assert_false(metrics_summary_get(m, "tps", &v));
  assert_null(metrics_summary_unit(m, "tps"));
  metrics_summary_set(m, "tps", 9000, "/s");
  metrics_summary_set(m, "da_throughput", 5e10, "B/s");
  metrics_summary_set(m, "tps", 11500, "/s");
  assert_int_equal(metrics_summary_count(m), 2);
  assert_true(metrics_summary_get(m, "tps", &v));
  assert_double_equal(v, 11500, 0);
  assert_string_equal(metrics_summary_unit(m, "da_throughput"), "B/s");
  const char *name, *unit;
  metrics_summary_at(m, 1, &name, &v, &unit);
  assert_string_equal(name, "da_throughput");
  assert_double_equal(v, 5e10, 0);
  assert_false(metrics_in_window(m, 9.9));
  assert_true(metrics_in_window(m, 10));
  assert_double_equal(metrics_warmup(m), 10, 0);
  assert_double_equal(metrics_sample_interval(m), 1, 0);
  metrics_free(m);
}

static void test_metrics_bounds(void **state)
{
  (void)state;
  metrics_t *m = metrics_new(0, 1);
  double v;
  assert_false(metrics_bound_get(m, "tps", &v));
  metrics_bound_set(m, "tps", 20000, "/s", BOUND_LIMIT,
                    "validator uplink / (copies x tx size)");
  metrics_bound_set(m, "tps", 25000, "/s", BOUND_LIMIT, "block size / block time");
  assert_int_equal(metrics_bound_count(m), 1);
  assert_true(metrics_bound_get(m, "tps", &v));
  assert_double_equal(v, 25000, 0);
  const char *metric, *unit, *formula;
  metrics_bound_at(m, 0, &metric, &v, &unit, &formula);
  assert_string_equal(metric, "tps");
  assert_string_equal(unit, "/s");
  assert_string_equal(formula, "block size / block time");
  metrics_free(m);
}

static void test_metrics_hist_and_table_created_once(void **state)
{
  (void)state;
  metrics_t *m = metrics_new(0, 1);
  hist_t *h = metrics_hist(m, "commit_latency", "s");
  hist_add(h, 0.25, 1);
  assert_ptr_equal(metrics_hist(m, "commit_latency", "s"), h);
  assert_int_equal(metrics_hist_count(m), 1);
  const char *name, *unit;
  const hist_t *got;
  metrics_hist_at(m, 0, &name, &got, &unit);
  assert_string_equal(name, "commit_latency");
  assert_string_equal(unit, "s");
  assert_double_equal(hist_count(got), 1, 0);

  const struct table_column cols[] = {
    {"id", COL_INT64, ""}, {"size", COL_DOUBLE, "B"}, {"producer", COL_STRING, ""}};
  table_t *t = metrics_table(m, "blocks", 3, cols);
  assert_ptr_equal(metrics_table(m, "blocks", 3, cols), t);
  char longname[100];
  memset(longname, 'x', sizeof(longname) - 1);
  longname[99] = '\0';
  for (int i = 0; i < 200; i++)
    table_append(t, (union table_cell[]){{.i = i}, {.d = 1e6 * i}, {.s = i ? "h1" : longname}});
  assert_int_equal(metrics_table_count(m), 1);
  const table_t *ct = metrics_table_at(m, 0);
  assert_string_equal(table_name(ct), "blocks");
  assert_int_equal(table_rows(ct), 200);
  assert_int_equal(table_cols(ct), 3);
  assert_string_equal(table_column(ct, 1)->unit, "B");
  assert_int_equal(table_int(ct, 199, 0), 199);
  assert_double_equal(table_double(ct, 150, 1), 1.5e8, 0);
  assert_string_equal(table_string(ct, 1, 2), "h1");
  assert_int_equal(strlen(table_string(ct, 0, 2)), TABLE_STRING_MAX - 1);
  metrics_free(m);
  metrics_free(NULL);
  table_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_metrics_rate_series_from_counter),
    cmocka_unit_test(test_metrics_gauge_series),
    cmocka_unit_test(test_metrics_summary_overwrite),
    cmocka_unit_test(test_metrics_bounds),
    cmocka_unit_test(test_metrics_hist_and_table_created_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
