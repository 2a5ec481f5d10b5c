/* test_export.c: a run or sweep file as CSV files and a LaTeX table, checked against the
 * values written into them and a confidence interval computed by hand. */
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/results/export.h"
#include "sim/results/h5.h"
#include "sim/results/results.h"
#include "testutil.h"

/* The whole of a file as a string (owned). */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char *text = calloc(1 << 20, 1);
  size_t n = fread(text, 1, (1 << 20) - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static void free_paths(char **p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(p[i]);
  free(p);
}

static void test_export_run_file(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *h5 = NULL, *csv = NULL, *tex = NULL;
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  struct scenario sc = {.name = "exported", .seed = 1, .duration_s = 3};
  metrics_t *m = metrics_new(0, 1);
  metrics_summary_set(m, "tps", 12345.5, "tx/s");
  metrics_summary_set(m, "commit_latency_p99", 0.25, "s");
  metrics_series_push(m, "tps", "tx/s", 1, 100);
  metrics_series_push(m, "tps", "tx/s", 2, 200);
  const struct table_column cols[] = {{"height", COL_INT64, ""}, {"bytes", COL_DOUBLE, "B"},
                                      {"producer", COL_STRING, ""}};
  table_t *t = metrics_table(m, "blocks", 3, cols);
  table_append(t, (union table_cell[]){{.i = 7}, {.d = 1.5e6}, {.s = "a,\"b\""}});
  diag_t *d = diag_new();
  assert_int_equal(results_write(h5, &sc, m, NULL, 0, NULL, d), DEPIN_OK);
  metrics_free(m);
  assert_true(asprintf(&csv, "%s/csv", dir) > 0 && asprintf(&tex, "%s/t.tex", dir) > 0);
  char **written = NULL;
  size_t n = 0;
  assert_int_equal(export_csv(h5, csv, &written, &n, d), DEPIN_OK);
  assert_true(n >= 3);
  free_paths(written, n);
  char *path = NULL, *text;
  assert_true(asprintf(&path, "%s/summary.csv", csv) > 0);
  text = slurp(path);
  assert_non_null(strstr(text, "metric,value,unit\ntps,12345.5,tx/s\ncommit_latency_p99,0.25,s\n"));
  free(text), free(path);
  assert_true(asprintf(&path, "%s/blocks.csv", csv) > 0);
  text = slurp(path);
  assert_string_equal(text, "height,bytes,producer\n#,B,\n7,1500000,\"a,\"\"b\"\"\"\n");
  free(text), free(path);
  assert_true(asprintf(&path, "%s/timeseries-tps.csv", csv) > 0);
  text = slurp(path);
  assert_string_equal(text, "time_s,value\n1,100\n2,200\n");
  free(text), free(path);
  assert_int_equal(export_latex(h5, tex, d), DEPIN_OK);
  text = slurp(tex);
  assert_non_null(strstr(text, "\\caption{exported: summary metrics}"));
  assert_non_null(strstr(text, "commit\\_latency\\_p99 & 0.25 & s \\\\"));
  assert_non_null(strstr(text, "\\toprule") && strstr(text, "\\bottomrule"));
  free(text);
  diag_free(d);
  free(h5), free(csv), free(tex), free(dir);
}

/* A sweep of x in {1, 2}, three replications each: m is 10, 12, 14 at x = 1 (mean 12,
 * standard deviation 2: a 95% interval of t(0.975, 2) x 2 / sqrt(3) = 4.968) and 20 three
 * times at x = 2 (an interval of 0). */
static void test_export_sweep_confidence_intervals(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *h5 = NULL, *tex = NULL;
  assert_true(asprintf(&h5, "%s/sweep.h5", dir) > 0 && asprintf(&tex, "%s/t.tex", dir) > 0);
  struct row {
    int64_t replication, pass;
    double x, m;
  } rows[6] = {{0, 1, 1, 10}, {1, 1, 1, 12}, {2, 1, 1, 14},
               {0, 1, 2, 20}, {1, 1, 2, 20}, {2, 1, 2, 20}};
  hid_t file = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t meta = H5Gcreate2(file, H5_GROUP_META, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  test_h5_string_attr(meta, "parameters", "x");
  test_h5_string_attr(meta, "scenario_name", "swept");
  H5Gclose(meta);
  hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(struct row));
  H5Tinsert(type, "replication", HOFFSET(struct row, replication), H5T_NATIVE_INT64);
  H5Tinsert(type, "pass", HOFFSET(struct row, pass), H5T_NATIVE_INT64);
  H5Tinsert(type, "x", HOFFSET(struct row, x), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "m", HOFFSET(struct row, m), H5T_NATIVE_DOUBLE);
  hsize_t n = 6;
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t set = H5Dcreate2(file, H5_DATASET_POINTS, type, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
  H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
  H5Dclose(set), H5Sclose(space), H5Tclose(type), H5Fclose(file);
  diag_t *d = diag_new();
  assert_int_equal(export_latex(h5, tex, d), DEPIN_OK);
  char *text = slurp(tex);
  if (getenv("DEPINSIM_TEST_VERBOSE"))
    fputs(text, stdout);
  assert_non_null(strstr(text, "x & metric & mean & 95\\% CI & n \\\\"));
  assert_non_null(strstr(text, "1 & m & 12 & $\\pm$ 4.97 & 3 \\\\"));
  assert_non_null(strstr(text, "2 & m & 20 & $\\pm$ 0 & 3 \\\\"));
  assert_null(strstr(text, "& replication &")); /* bookkeeping columns are not metrics */
  free(text);
  diag_free(d);
  free(h5), free(tex), free(dir);
}

/* A file that is not a run or sweep file: a clear error, nothing written. */
static void test_export_refuses_other_files(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *junk = NULL, *empty = NULL, *out = NULL;
  assert_true(asprintf(&junk, "%s/junk.h5", dir) > 0 && asprintf(&empty, "%s/empty.h5", dir) > 0 &&
              asprintf(&out, "%s/out", dir) > 0);
  FILE *f = fopen(junk, "w");
  fputs("not hdf5", f);
  fclose(f);
  H5Fclose(H5Fcreate(empty, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  diag_t *d = diag_new();
  char **written = NULL;
  size_t n = 0;
  assert_int_equal(export_csv(junk, out, &written, &n, d), DEPIN_EINVAL);
  assert_int_equal(export_csv(empty, out, &written, &n, d), DEPIN_EINVAL);
  assert_true(diag_contains(d, "neither a run file (no /summary) nor a sweep file"));
  assert_int_equal(export_latex("/nonexistent/run.h5", out, d), DEPIN_ENOENT);
  assert_int_equal(n, 0);
  assert_int_equal(access(out, F_OK), -1);
  diag_free(d);
  free(junk), free(empty), free(out), free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_export_run_file),
    cmocka_unit_test(test_export_sweep_confidence_intervals),
    cmocka_unit_test(test_export_refuses_other_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
