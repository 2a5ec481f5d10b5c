/* test_check.c: `depinsim check`: regression rules, exit codes, JUnit XML that a CI system's
 * parser (xmllint here) accepts with one test case per target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <sys/stat.h>

#include "sim/run/check.h"
#include "testutil.h"

/* Two simulated seconds of the default scenario: enough for blocks and both targets. */
#define SHORT "-q scenarios/default.yaml --set duration=3s --set warmup=1s --set sample_interval=1s"

static void test_check_regression_rules(void **state)
{
  (void)state;
  assert_int_equal(check_direction(">="), 1);
  assert_int_equal(check_direction("<"), -1);
  assert_int_equal(check_direction("=="), 0);
  /* higher is better: a drop beyond 5% regresses, a rise never does */
  assert_false(check_regressed(100, 95.5, 0.05, 1));
  assert_true(check_regressed(100, 94.9, 0.05, 1));
  assert_false(check_regressed(100, 500, 0.05, 1));
  /* lower is better */
  assert_true(check_regressed(2.0, 2.2, 0.05, -1));
  assert_false(check_regressed(2.0, 0.1, 0.05, -1));
  /* no target: any change beyond the tolerance */
  assert_true(check_regressed(10, 11, 0.05, 0));
  assert_true(check_regressed(10, 9, 0.05, 0));
  assert_false(check_regressed(10, 10, 0, 0));
  assert_true(check_regressed(0, 1e-9, 0.05, 0));
  /* a metric the new run does not report */
  assert_true(check_regressed(1, NAN, 0.05, 1));
}

static void test_check_junit_escapes_and_counts(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *path = NULL;
  assert_true(asprintf(&path, "%s/j.xml", dir) > 0);
  struct check_case cases[] = {
    {"targets", "tps >= 11000", true, "measured 11400 tx/s"},
    {"targets", "lat <= 2s", false, "measured 3 s & <more> \"quoted\" 'x'\x01"},
    {"baseline", "tps", true, "ok"},
  };
  assert_int_equal(check_write_junit(path, "a<b", cases, 3, 1.5), 0);
  FILE *f = fopen(path, "r");
  char buf[4096];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  assert_non_null(strstr(buf, "tests=\"3\" failures=\"1\""));
  assert_non_null(strstr(buf, "name=\"targets\" tests=\"2\" failures=\"1\""));
  assert_non_null(strstr(buf, "name=\"lat &lt;= 2s\""));
  assert_non_null(strstr(buf, "&amp; &lt;more&gt; &quot;quoted&quot; &apos;x&apos; "));
  assert_non_null(strstr(buf, "classname=\"a&lt;b.baseline\""));
  if (system("command -v xmllint >/dev/null 2>&1") == 0) {
    char *cmd = NULL;
    assert_true(asprintf(&cmd, "xmllint --noout %s", path) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
  }
  assert_int_equal(check_write_junit("/nonexistent-dir/j.xml", "x", cases, 3, 0), -1);
  free(path);
  free(dir);
}

/* Counts occurrences of needle in the file. */
static int count_in_file(const char *path, const char *needle)
{
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  int count = 0;
  for (const char *p = buf; (p = strstr(p, needle)); p++)
    count++;
  return count;
}

static void test_check_exit_codes_and_junit(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *args = NULL, *junit = NULL;
  assert_true(asprintf(&junit, "%s/base.xml", dir) > 0);
  /* every target met: 0, and one test case per target (default.yaml has two) */
  assert_true(asprintf(&args, "check " SHORT " -o %s/base --junit %s", dir, junit) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  free(args);
  assert_int_equal(count_in_file(junit, "<testcase "), 2);
  assert_int_equal(count_in_file(junit, "<failure "), 0);
  if (system("command -v xmllint >/dev/null 2>&1") == 0) {
    assert_true(asprintf(&args, "xmllint --noout %s", junit) > 0);
    assert_int_equal(system(args), 0);
    free(args);
  }
  /* the same run against itself as baseline, tolerance 0: identical, so 0 */
  assert_true(asprintf(&args, "check " SHORT " -o %s/same --baseline %s/base/run.h5 "
                              "--tolerance 0 --junit %s", dir, dir, junit) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  free(args);
  assert_true(count_in_file(junit, "<testcase ") > 2); /* targets and baseline metrics */
  assert_int_equal(count_in_file(junit, "<failure "), 0);
  /* a lower offered load: tps falls below the target and regresses from the baseline */
  assert_true(asprintf(&args, "check " SHORT " -o %s/low --set workload.transactions.rate=9000/s "
                              "--baseline %s/base/run.h5 --junit %s", dir, dir, junit) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 1);
  free(args);
  assert_true(count_in_file(junit, "type=\"regression\"") >= 1);
  assert_int_equal(count_in_file(junit, "type=\"target\""), 1);
  /* targets met but a regression beyond 1%: still 1 */
  assert_true(asprintf(&args, "check " SHORT " -o %s/reg --set 'targets.tps=\">= 100\"' "
                              "--set workload.transactions.rate=9000/s --baseline %s/base/run.h5 "
                              "--tolerance 1%%", dir, dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 1);
  free(args);
  /* ... and passes with a tolerance that covers it */
  assert_true(asprintf(&args, "check " SHORT " -o %s/reg --set 'targets.tps=\">= 100\"' "
                              "--set workload.transactions.rate=9000/s --baseline %s/base/run.h5 "
                              "--tolerance 90%%", dir, dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  free(args);
  /* a check that would write over its baseline is refused before it runs, the baseline kept */
  struct stat before, after;
  char *base = NULL;
  assert_true(asprintf(&base, "%s/base/run.h5", dir) > 0);
  assert_int_equal(stat(base, &before), 0);
  assert_true(asprintf(&args, "check " SHORT " -o %s/base --set workload.transactions.rate=9000/s"
                              " --baseline %s", dir, base) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 2);
  free(args);
  assert_int_equal(stat(base, &after), 0);
  assert_true(before.st_mtime == after.st_mtime && before.st_size == after.st_size);
  free(base);
  /* an output folder that cannot be written is found before the run: 3 */
  assert_true(asprintf(&args, "check " SHORT " -o %s/base/run.h5", dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 3);
  free(args);
  /* bad input: 2 */
  assert_int_equal(test_run_depinsim("check " SHORT " --baseline /nonexistent/run.h5", NULL), 2);
  assert_int_equal(test_run_depinsim("check " SHORT " --tolerance -5%", NULL), 2);
  assert_int_equal(test_run_depinsim("check " SHORT " --set duration=-1s", NULL), 2);
  assert_int_equal(test_run_depinsim("check " SHORT " -j 2", NULL), 2);
  assert_int_equal(test_run_depinsim("check --help", NULL), 0);
  free(junit);
  free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_check_regression_rules),
    cmocka_unit_test(test_check_junit_escapes_and_counts),
    cmocka_unit_test(test_check_exit_codes_and_junit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
