/* test_plot.c: figures from a small run file through gnuplot and the scripts in plots/. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <hdf5.h>

#include "plots/compare.h"
#include "plots/plot.h"
#include "plots/plot_sweep.h"
#include "sim/results/h5.h"
#include "sim/results/results.h"
#include "testutil.h"

struct fixture {
  char dir[64], run[128], out[128];
};

/* A run file with a tps series, its target, and a latency distribution with a p99 target. */
static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/depinsim-plot-test-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->run, sizeof(f->run), "%s/run.h5", f->dir);
  snprintf(f->out, sizeof(f->out), "%s/figures", f->dir);
  struct target targets[] = {
    {.metric = "tps", .op = TARGET_GE, .value = 11000, .text = ">= 11000/s"},
    {.metric = "commit_latency_p99", .op = TARGET_LE, .value = 0.5, .text = "<= 500ms"}};
  struct scenario sc = {.name = "plot", .seed = 1, .duration_s = 20, .targets = targets,
                        .n_targets = 2};
  metrics_t *m = metrics_new(0, 1);
  for (int t = 1; t <= 20; t++)
    metrics_series_push(m, "tps", "/s", t, 10000 + 100 * t);
  hist_t *h = metrics_hist(m, "commit_latency", "s");
  for (int i = 1; i <= 1000; i++)
    hist_add(h, 0.05 + 0.0005 * i, 1);
  metrics_summary_set(m, "tps", 11000, "/s");
  metrics_summary_set(m, "commit_latency_p99", hist_quantile(h, 0.99), "s");
  struct target_outcome *o;
  size_t n = targets_evaluate(&sc, m, &o);
  diag_t *d = diag_new();
  enum depin_status st = results_write(f->run, &sc, m, o, n, NULL, d);
  diag_print(d, stderr);
  diag_free(d);
  free(o);
  metrics_free(m);
  *state = f;
  return st == DEPIN_OK ? 0 : -1;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[160];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
  int rc = system(cmd);
  free(f);
  return rc == 0 ? 0 : -1;
}

static bool have_gnuplot(void)
{
  return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static long file_size(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static bool file_contains(const char *path, const char *needle)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof(line), f))
    found = strstr(line, needle) != NULL;
  fclose(f);
  return found;
}

static void test_plot_png_and_svg_written(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot()) {
    printf("# SKIP: gnuplot is not installed (apt-get install gnuplot-nox)\n");
    skip();
  }
  char **written;
  size_t n;
  diag_t *d = diag_new();
  enum depin_status st = plot_run(f->run, f->out, &written, &n, d);
  diag_print(d, stdout);
  assert_int_equal(st, DEPIN_OK);
  /* PNG and SVG always; PDF too when gnuplot has cairo */
  bool pdf = system("echo 'print GPVAL_TERMINALS' | gnuplot 2>&1 | grep -q pdfcairo") == 0;
  size_t per = pdf ? 3 : 2;
  assert_int_equal(n, 2 * per);
  static const char *const expected[] = {"timeseries-tps.png", "timeseries-tps.svg",
                                         "timeseries-tps.pdf",
                                         "distribution-commit_latency.png",
                                         "distribution-commit_latency.svg",
                                         "distribution-commit_latency.pdf"};
  for (size_t i = 0, k = 0; i < 6; i++) {
    if (!pdf && i % 3 == 2)
      continue;
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", f->out, expected[i]);
    assert_string_equal(written[k++], path);
    assert_true(file_size(path) > 1000);
  }
  /* the targets are drawn: their labels are text in the SVGs; the time axis is in seconds
   * for 20 s and the legend names the unit */
  assert_true(file_contains(written[1], "target 11000 /s"));
  assert_true(file_contains(written[1], "simulated time (s)"));
  assert_true(file_contains(written[1], "tps (/s)"));
  assert_true(file_contains(written[per + 1], "target p99 0.5"));
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  diag_free(d);
}

static void test_plot_missing_run_file(void **state)
{
  struct fixture *f = *state;
  char path[160], **written;
  size_t n;
  snprintf(path, sizeof(path), "%s/none.h5", f->dir);
  diag_t *d = diag_new();
  assert_int_equal(plot_run(path, f->out, &written, &n, d), DEPIN_ENOENT);
  assert_null(written);
  assert_int_equal(n, 0);
  assert_true(diag_contains(d, "none.h5"));
  diag_free(d);
}

static void test_plot_without_gnuplot(void **state)
{
  struct fixture *f = *state;
  char *old = strdup(getenv("PATH") ? getenv("PATH") : "");
  setenv("PATH", f->dir, 1); /* a folder without gnuplot */
  char **written;
  size_t n;
  diag_t *d = diag_new();
  enum depin_status st = plot_run(f->run, f->out, &written, &n, d);
  setenv("PATH", old, 1);
  free(old);
  assert_int_equal(st, DEPIN_EIO);
  assert_true(diag_contains(d, "gnuplot-nox"));
  diag_free(d);
}

static void test_plot_scripts_missing(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot()) {
    printf("# SKIP: gnuplot is not installed (apt-get install gnuplot-nox)\n");
    skip();
  }
  setenv("DEPINSIM_PLOTS", f->dir, 1); /* no scripts there */
  char **written;
  size_t n;
  diag_t *d = diag_new();
  enum depin_status st = plot_run(f->run, f->out, &written, &n, d);
  unsetenv("DEPINSIM_PLOTS");
  assert_int_equal(st, DEPIN_EIO);
  assert_true(diag_contains(d, "DEPINSIM_PLOTS"));
  diag_free(d);
}

/* A sweep file of one swept value x and one metric m over four points, with `unit` as the unit
 * of both: what a hostile sweep file may hold. */
static void write_sweep(const char *path, const char *unit)
{
  struct row {
    int64_t pass;
    double x, m;
  } rows[4] = {{1, 1, 10}, {1, 2, 20}, {1, 3, 15}, {0, 4, 30}};
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t meta = H5Gcreate2(file, H5_GROUP_META, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  test_h5_string_attr(meta, "parameters", "x");
  H5Gclose(meta);
  hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(struct row));
  H5Tinsert(type, "pass", HOFFSET(struct row, pass), H5T_NATIVE_INT64);
  H5Tinsert(type, "x", HOFFSET(struct row, x), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "m", HOFFSET(struct row, m), H5T_NATIVE_DOUBLE);
  hsize_t n = 4;
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t set = H5Dcreate2(file, H5_DATASET_POINTS, type, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
  assert_true(set >= 0 && H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
  test_h5_string_attr(set, "x.unit", unit);
  test_h5_string_attr(set, "m.unit", unit);
  H5Dclose(set), H5Sclose(space), H5Tclose(type), H5Fclose(file);
}

/* A run file with nothing to draw says so and exits 1 (it exited 0 without a word). */
static void test_plot_says_when_there_is_nothing_to_draw(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot())
    skip();
  char path[160], log[160], *args = NULL;
  snprintf(path, sizeof(path), "%s/empty.h5", f->dir);
  struct scenario sc = {.name = "empty", .seed = 1, .duration_s = 1};
  metrics_t *m = metrics_new(0, 1);
  metrics_summary_set(m, "tps", 1, "/s");
  diag_t *d = diag_new();
  assert_int_equal(results_write(path, &sc, m, NULL, 0, NULL, d), DEPIN_OK);
  diag_free(d);
  metrics_free(m);
  assert_true(asprintf(&args, "plot %s -o %s/empty-figures", path, f->dir) > 0);
  snprintf(log, sizeof(log), "%s/plot.log", f->dir);
  assert_int_equal(test_run_depinsim(args, log), 1);
  assert_true(file_contains(log, "nothing to draw"));
  free(args);
}

/* Units from a sweep file reach gnuplot as text, never as code: a unit that closes gnuplot's
 * quote and calls system() draws a figure and runs nothing. */
static void test_plot_sweep_units_are_not_code(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot())
    skip();
  char sweep[160], marker[160], unit[400], **written = NULL;
  snprintf(sweep, sizeof(sweep), "%s/sweep.h5", f->dir);
  snprintf(marker, sizeof(marker), "%s/pwned", f->dir);
  snprintf(unit, sizeof(unit), "s'; system('touch %s'); x='`touch %s`\\", marker, marker);
  write_sweep(sweep, unit);
  size_t n = 0;
  diag_t *d = diag_new();
  assert_int_equal(plot_sweep(sweep, f->out, NULL, &written, &n, d), DEPIN_OK);
  diag_print(d, stderr);
  diag_free(d);
  assert_true(n >= 2); /* m against x, as PNG and SVG */
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  assert_int_equal(access(marker, F_OK), -1);
}

/* --metrics draws the metrics named; a name the sweep lacks is refused with the ones it has,
 * before anything is written. */
static void test_plot_sweep_named_metrics(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot())
    skip();
  char sweep[160], out[160], **written = NULL;
  snprintf(sweep, sizeof(sweep), "%s/named.h5", f->dir);
  snprintf(out, sizeof(out), "%s/named-figures", f->dir);
  write_sweep(sweep, "s");
  size_t n = 0;
  diag_t *d = diag_new();
  assert_int_equal(plot_sweep(sweep, out, "nope", &written, &n, d), DEPIN_EINVAL);
  assert_true(diag_contains(d, "no metric 'nope' in the sweep (allowed: m)"));
  assert_int_equal(access(out, F_OK), -1);
  assert_int_equal(plot_sweep(sweep, out, "m", &written, &n, d), DEPIN_OK);
  assert_true(n >= 2);
  assert_true(file_contains(written[1], "95% confidence interval"));
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  diag_free(d);
}

/* A series of 100,000 points (ten years of hourly epochs) is drawn from each bucket's extremes
 * without markers: the figure stays small enough to send (it was 1.2 MB an SVG, 20 MB a
 * report), and the extremes stay in it. */
static void test_plot_long_series_stay_small(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot())
    skip();
  char path[160], out[160], **written = NULL;
  snprintf(path, sizeof(path), "%s/long.h5", f->dir);
  snprintf(out, sizeof(out), "%s/long-figures", f->dir);
  struct scenario sc = {.name = "long", .seed = 1, .duration_s = 3.6e8};
  metrics_t *m = metrics_new(0, 3600);
  for (int i = 1; i <= 100000; i++)
    metrics_series_push(m, "price", "USD", 3600.0 * i, i == 77777 ? 1e6 : 1 + (i % 7));
  metrics_summary_set(m, "price_final", 1, "USD");
  diag_t *d = diag_new();
  assert_int_equal(results_write(path, &sc, m, NULL, 0, NULL, d), DEPIN_OK);
  metrics_free(m);
  size_t n = 0;
  assert_int_equal(plot_run(path, out, &written, &n, d), DEPIN_OK);
  assert_true(n >= 2);
  assert_true(file_size(written[1]) < 300000);
  assert_true(file_contains(written[1], "simulated time (years)"));
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  diag_free(d);
}

/* A run of scenario `name` with its overrides and a tps series scaled by k. */
static void write_variant(const char *path, const char *name, const char *overrides, double k)
{
  struct scenario sc = {.name = (char *)name, .seed = 1, .duration_s = 20,
                        .overrides = (char *)overrides};
  metrics_t *m = metrics_new(0, 1);
  for (int t = 1; t <= 20; t++)
    metrics_series_push(m, "tps", "/s", t, k * (10000 + 100 * t));
  metrics_summary_set(m, "tps", k * 11000, "/s");
  diag_t *d = diag_new();
  assert_int_equal(results_write(path, &sc, m, NULL, 0, NULL, d), DEPIN_OK);
  diag_free(d);
  metrics_free(m);
}

/* Runs on one figure, each labelled by the overrides that tell it apart (a label with quotes
 * and a system() call is data, not code); runs of two scenarios are labelled by their names. */
static void test_plot_compare_runs(void **state)
{
  struct fixture *f = *state;
  if (!have_gnuplot())
    skip();
  char a[160], b[160], c[160], out[160], marker[160], hostile[400], **written = NULL;
  snprintf(a, sizeof(a), "%s/a.h5", f->dir);
  snprintf(b, sizeof(b), "%s/b.h5", f->dir);
  snprintf(c, sizeof(c), "%s/c.h5", f->dir);
  snprintf(out, sizeof(out), "%s/compared", f->dir);
  snprintf(marker, sizeof(marker), "%s/pwned", f->dir);
  snprintf(hostile, sizeof(hostile), "duration=20s\nname=x\"; system('touch %s'); \"", marker);
  write_variant(a, "base", "duration=20s\nworkload.transactions.rate=9000/s", 1);
  write_variant(b, "base", hostile, 0.8);
  write_variant(c, "other", "", 1);
  size_t n = 0;
  diag_t *d = diag_new();
  const char *two[] = {a, c};
  assert_int_equal(plot_compare(two, 2, out, &written, &n, d), DEPIN_OK);
  assert_true(n >= 2);
  assert_true(file_contains(written[1], "base; duration=20s; workload.transactions.rate=9000/s"));
  assert_true(file_contains(written[1], "other"));
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  written = NULL;
  const char *pair[] = {a, b};
  assert_int_equal(plot_compare(pair, 2, out, &written, &n, d), DEPIN_OK);
  assert_true(n >= 2);
  assert_true(file_contains(written[1], "workload.transactions.rate=9000/s"));
  assert_false(file_contains(written[1], "duration=20s")); /* common to both: not a label */
  assert_int_equal(access(marker, F_OK), -1);
  for (size_t i = 0; i < n; i++)
    free(written[i]);
  free(written);
  diag_free(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_plot_png_and_svg_written, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_missing_run_file, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_without_gnuplot, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_scripts_missing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_sweep_units_are_not_code, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_says_when_there_is_nothing_to_draw, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_plot_sweep_named_metrics, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_compare_runs, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_long_series_stay_small, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
