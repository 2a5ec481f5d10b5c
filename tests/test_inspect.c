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

#include "sim/cli/inspect.h"
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
  metrics_bound_set(m, "tps", 20000, "/s", "uplink / tx size");
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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_inspect_lists_every_part),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
