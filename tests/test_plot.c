/* test_plot.c: figures from a small run file through gnuplot and the scripts in plots/. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plots/plot.h"
#include "sim/results/results.h"

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
  assert_int_equal(n, 4);
  static const char *const expected[] = {"timeseries-tps.png", "timeseries-tps.svg",
                                         "distribution-commit_latency.png",
                                         "distribution-commit_latency.svg"};
  for (size_t i = 0; i < 4; i++) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", f->out, expected[i]);
    assert_string_equal(written[i], path);
    assert_true(file_size(path) > 1000);
  }
  /* the targets are drawn: their labels are text in the SVGs */
  assert_true(file_contains(written[1], "target 11000"));
  assert_true(file_contains(written[3], "target p99 0.5"));
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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_plot_png_and_svg_written, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_missing_run_file, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_without_gnuplot, setup, teardown),
    cmocka_unit_test_setup_teardown(test_plot_scripts_missing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
