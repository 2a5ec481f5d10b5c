/* test_inspect.c: the text summary of a run file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <hdf5.h>

#include "sim/cli/inspect.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/results/results.h"

static void test_inspect_lists_every_part(void **state)
{
  (void)state;
  char dir[] = "/tmp/depinsim-inspect-XXXXXX", path[64], cmd[96];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/run.h5", dir);
  struct target targets[] = {{.metric = "tps", .op = TARGET_GE, .value = 11000, .text = ">= 11000/s"}};
  struct scenario sc = {.name = "inspected", .seed = 18446744073709551615ull,
                        .text = "name: inspected\nseed: 1\n", .targets = targets, .n_targets = 1};
  metrics_t *m = metrics_new(0, 1);
  metrics_summary_set(m, "tps", 9000, "/s");
  metrics_bound_set(m, "tps", 20000, "/s", BOUND_LIMIT, "uplink / tx size");
  metrics_series_push(m, "tps", "/s", 1, 9000);
  metrics_series_push(m, "tps", "/s", 2, 9100);
  hist_add(metrics_hist(m, "commit_latency", "s"), 0.3, 10);
  const struct table_column cols[] = {{"height", COL_INT64, ""}, {"size", COL_DOUBLE, "B"}};
  table_t *t = metrics_table(m, "blocks", 2, cols);
  for (int i = 0; i < 3; i++)
    table_append(t, (union table_cell[]){{.i = i}, {.d = 1e6}});
  struct target_outcome *o;
  size_t n = targets_evaluate(&sc, m, &o);
  diag_t *d = diag_new();
  assert_int_equal(results_write(path, &sc, m, o, n, NULL, d), DEPIN_OK);

  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_int_equal(inspect_print(path, f, d), DEPIN_OK);
  fclose(f);
  static const char *const expected[] = {
    "scenario_name", "inspected", "18446744073709551615", "(2 lines)", "summary:", "tps",
    "uplink / tx size", ">= 11000/s", "FAIL", "2 points, t = 1 .. 2 s", "10 samples",
    "blocks", "3 rows x 2 columns: height size"};
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
    if (!strstr(text, expected[i]))
      fail_msg("'%s' missing from:\n%s", expected[i], text);
  if (getenv("DEPINSIM_TEST_VERBOSE"))
    fputs(text, stdout);
  free(text);

  snprintf(path, sizeof(path), "%s/none.h5", dir);
  assert_int_equal(inspect_print(path, stdout, d), DEPIN_ENOENT);
  assert_true(diag_contains(d, "none.h5"));
  snprintf(path, sizeof(path), "%s/junk.h5", dir);
  f = fopen(path, "w");
  fputs("not hdf5", f);
  fclose(f);
  assert_int_equal(inspect_print(path, stdout, d), DEPIN_EIO);
  assert_true(diag_contains(d, "not an HDF5 file"));

  diag_free(d);
  free(o);
  metrics_free(m);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* An attribute of 1,000 elements where the readers expect one. */
static void array_attr(hid_t obj, const char *name, hid_t type)
{
  static char buf[1000 * 64];
  hsize_t n = 1000;
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  memset(buf, 'x', sizeof(buf));
  assert_true(attr >= 0 && H5Awrite(attr, type, buf) >= 0);
  H5Aclose(attr), H5Sclose(space);
}

/* A hostile run file: arrays where scalars belong (a string in /meta, a metric and its unit in
 * /summary) and a dataset of rank 3. The readers skip what is not a single value and say so;
 * nothing is read past a buffer (this crashed `inspect` and `check --baseline` with SIGSEGV). */
static void test_inspect_survives_arrays_and_ranks(void **state)
{
  (void)state;
  char dir[] = "/tmp/depinsim-inspect-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/hostile.h5", dir);
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 64);
  hid_t meta = H5Gcreate2(file, H5_GROUP_META, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  array_attr(meta, "scenario_name", str);
  array_attr(meta, "seed", H5T_NATIVE_UINT64);
  H5Gclose(meta);
  hid_t summary = H5Gcreate2(file, H5_GROUP_SUMMARY, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  array_attr(summary, "tps", H5T_NATIVE_DOUBLE);
  array_attr(summary, "tps.unit", str);
  H5Gclose(summary);
  hsize_t dims[3] = {4, 4, 4};
  hid_t space = H5Screate_simple(3, dims, NULL);
  hid_t cube = H5Dcreate2(file, "cube", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
  H5Dclose(cube), H5Sclose(space), H5Tclose(str), H5Fclose(file);

  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  diag_t *d = diag_new();
  assert_int_equal(inspect_print(path, f, d), DEPIN_OK);
  fclose(f);
  assert_non_null(strstr(text, "(not a single value)"));
  assert_non_null(strstr(text, "cube"));
  assert_non_null(strstr(text, "rank 3"));
  free(text);
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  char **names, **units;
  double *values;
  assert_int_equal(runfile_summary(file, &names, &values, &units), 0);
  free(names), free(values), free(units);
  H5Fclose(file);
  diag_free(d);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_inspect_lists_every_part),
    cmocka_unit_test(test_inspect_survives_arrays_and_ranks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
