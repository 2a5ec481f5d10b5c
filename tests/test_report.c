/* test_report.c: the HTML report: self-contained (nothing fetched), every string escaped, the
 * targets, metrics and figures in it, bad input refused before anything is written; and, where
 * Chromium is installed (./bootstrap.sh test installs it), the page loaded headless without a
 * console error and a screenshot taken. */
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

#include "plots/report.h"
#include "sim/results/results.h"
#include "testutil.h"

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = calloc((size_t)n + 1, 1);
  assert_true(fread(text, 1, (size_t)n, f) == (size_t)n);
  fclose(f);
  return text;
}

/* A run file whose scenario name and text hold HTML, with a series, a distribution and two
 * targets (one met, one missed). */
static char *write_run(const char *dir)
{
  char *h5 = NULL;
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  struct target targets[] = {
    {.metric = "tps", .op = TARGET_GE, .value = 11000, .text = ">= 11000/s"},
    {.metric = "commit_latency_p99", .op = TARGET_LE, .value = 0.1, .text = "<= 100ms"}};
  struct scenario sc = {.name = "rep<b>ort", .seed = 3, .duration_s = 20,
                        .text = "name: rep<b>ort\n# <script>alert(1)</script>\n",
                        .targets = targets, .n_targets = 2};
  metrics_t *m = metrics_new(0, 1);
  for (int t = 1; t <= 20; t++)
    metrics_series_push(m, "tps", "/s", t, 11000 + 50 * t);
  hist_t *h = metrics_hist(m, "commit_latency", "s");
  for (int i = 1; i <= 500; i++)
    hist_add(h, 0.1 + 0.001 * i, 1);
  metrics_summary_set(m, "tps", 11500, "/s");
  metrics_summary_set(m, "commit_latency_p99", hist_quantile(h, 0.99), "s");
  struct target_outcome *o;
  size_t n = targets_evaluate(&sc, m, &o);
  diag_t *d = diag_new();
  assert_int_equal(results_write(h5, &sc, m, o, n, NULL, d), DEPIN_OK);
  diag_free(d);
  free(o);
  metrics_free(m);
  return h5;
}

static bool have(const char *program)
{
  char *cmd = NULL;
  assert_true(asprintf(&cmd, "command -v %s >/dev/null 2>&1", program) > 0);
  bool yes = system(cmd) == 0;
  free(cmd);
  return yes;
}

/* Loads the page in headless Chromium: a screenshot, and no console message of level error. */
static void open_in_browser(const char *dir, const char *html)
{
  const char *browser = have("chromium")           ? "chromium"
                        : have("chromium-browser") ? "chromium-browser"
                                                   : NULL;
  if (!browser) {
    printf("# no Chromium: the page was not opened in a browser (apt-get install chromium)\n");
    return;
  }
  char *cmd = NULL, *shot = NULL, *log = NULL;
  assert_true(asprintf(&shot, "%s/report.png", dir) > 0);
  assert_true(asprintf(&log, "%s/browser.log", dir) > 0);
  assert_true(asprintf(&cmd, "timeout 120 %s --headless=new --no-sandbox --disable-gpu "
                             "--hide-scrollbars --window-size=1200,2000 --enable-logging=stderr "
                             "--v=0 --screenshot=%s file://%s >%s 2>&1", browser, shot, html,
                       log) > 0);
  assert_int_equal(system(cmd), 0);
  struct stat st;
  assert_int_equal(stat(shot, &st), 0);
  assert_true(st.st_size > 10000);
  char *text = slurp(log);
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
    if (strstr(line, "CONSOLE") && (strstr(line, "rror") || strstr(line, "Uncaught")))
      fail_msg("console error in the report: %s", line);
  printf("# opened in %s; screenshot %s (%lld bytes)\n", browser, shot, (long long)st.st_size);
  free(text), free(cmd), free(shot), free(log);
}

static void test_report_page(void **state)
{
  (void)state;
  if (!have("gnuplot"))
    skip();
  char *dir = test_tmpdir(), *h5 = write_run(dir), *html = NULL;
  assert_true(asprintf(&html, "%s/out/report.html", dir) > 0);
  const char *files[] = {h5};
  diag_t *d = diag_new();
  enum depin_status st = report_write(files, 1, html, d);
  diag_print(d, stderr);
  assert_int_equal(st, DEPIN_OK);
  char *page = slurp(html);
  /* self-contained: nothing fetched, no script */
  assert_null(strstr(page, "<script"));
  assert_null(strstr(page, "src="));
  assert_null(strstr(page, "<link"));
  assert_null(strstr(page, "@import"));
  /* every string from the file escaped */
  assert_non_null(strstr(page, "<h2>rep&lt;b&gt;ort</h2>"));
  assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  /* targets, metrics, figures */
  assert_non_null(strstr(page, "<td class=pass>PASS</td>"));
  assert_non_null(strstr(page, "<td class=fail>FAIL</td>"));
  assert_non_null(strstr(page, "<td>tps</td><td class=n>11500"));
  assert_non_null(strstr(page, "<svg"));
  assert_non_null(strstr(page, "target 11000"));
  free(page);
  open_in_browser(dir, html);
  diag_free(d);
  free(h5), free(html), free(dir);
}

/* Two runs of one scenario: their figures overlaid first, then a section each. */
static void test_report_compares_runs(void **state)
{
  (void)state;
  if (!have("gnuplot"))
    skip();
  char *dir = test_tmpdir(), *a = write_run(dir), *b = NULL, *html = NULL, *sub = test_tmpdir();
  b = write_run(sub);
  assert_true(asprintf(&html, "%s/report.html", dir) > 0);
  const char *files[] = {a, b};
  diag_t *d = diag_new();
  assert_int_equal(report_write(files, 2, html, d), DEPIN_OK);
  char *page = slurp(html);
  char *compared = strstr(page, "<h2>The runs compared</h2>");
  assert_non_null(compared);
  assert_true(compared < strstr(page, "<h2>rep&lt;b&gt;ort</h2>"));
  free(page);
  diag_free(d);
  free(a), free(b), free(html), free(dir), free(sub);
}

/* A file that is not a run or sweep file: refused before the page is written. */
static void test_report_refuses_other_files(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *junk = NULL, *html = NULL;
  assert_true(asprintf(&junk, "%s/junk.h5", dir) > 0 && asprintf(&html, "%s/report.html", dir) > 0);
  FILE *f = fopen(junk, "w");
  fputs("not hdf5", f);
  fclose(f);
  const char *files[] = {junk};
  diag_t *d = diag_new();
  assert_int_equal(report_write(files, 1, html, d), DEPIN_EINVAL);
  const char *missing[] = {"/nonexistent/run.h5"};
  assert_int_equal(report_write(missing, 1, html, d), DEPIN_ENOENT);
  assert_int_equal(access(html, F_OK), -1);
  diag_free(d);
  free(junk), free(html), free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_report_page),
    cmocka_unit_test(test_report_compares_runs),
    cmocka_unit_test(test_report_refuses_other_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
