/* test_scenarios.c: end to end through the depinsim binary: every shipped scenario validates,
 * runs (shortened to two simulated minutes) and plots; the same seed gives identical result datasets; exit codes follow the
 * README. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static bool has_program(const char *name)
{
  char *cmd = NULL;
  if (asprintf(&cmd, "command -v %s >/dev/null 2>&1", name) < 0)
    abort();
  int status = system(cmd);
  free(cmd);
  return status == 0;
}

static bool file_nonempty(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && st.st_size > 0;
}

static void run_one_scenario(const char *file)
{
  char *dir = test_tmpdir(), *args = NULL, *h5 = NULL, *log = NULL;
  assert_true(asprintf(&args, "validate scenarios/%s", file) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  free(args);
  assert_true(asprintf(&log, "%s/log", dir) > 0);
  /* Shortened: the whole path runs in CI time; full-length runs are benchmarks. */
  assert_true(asprintf(&args, "run -q scenarios/%s -o %s --set duration=2min --set warmup=20s "
                              "--set sample_interval=10s", file, dir) > 0);
  int code = test_run_depinsim(args, log);
  printf("scenarios/%s: exit %d\n", file, code);
  assert_in_range(code, 0, 1); /* ran; 1 means a target was missed, which a scenario may show */
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  double providers;
  assert_int_equal(test_read_summary(h5, "providers", &providers), 0);
  assert_true(providers > 0);
  free(args);
  if (has_program("gnuplot")) {
    assert_true(asprintf(&args, "plot %s -o %s/plots", h5, dir) > 0);
    assert_in_range(test_run_depinsim(args, NULL), 0, 1); /* 1: nothing to draw (bittensor) */
    free(args);
  }
  free(h5);
  free(log);
  free(dir);
}

static void test_scenarios_every_shipped_file_runs(void **state)
{
  (void)state;
  DIR *d = opendir("scenarios");
  assert_non_null(d);
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) {
      run_one_scenario(e->d_name);
      count++;
    }
  }
  closedir(d);
  assert_true(count >= 1);
}

/* Runs the default scenario shortened to two minutes into dir with a seed. */
static char *short_run(const char *dir, int seed)
{
  char *args = NULL, *h5 = NULL;
  assert_true(asprintf(&args, "run -q scenarios/default.yaml --seed %d --set duration=2min "
                              "--set warmup=10s -o %s", seed, dir) > 0);
  assert_in_range(test_run_depinsim(args, NULL), 0, 1);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  free(args);
  return h5;
}

static void test_scenarios_same_seed_gives_identical_datasets(void **state)
{
  (void)state;
  if (!has_program("h5diff")) {
    printf("h5diff (hdf5-tools) is not installed: cannot compare datasets\n");
    skip();
  }
  char *d1 = test_tmpdir(), *d2 = test_tmpdir(), *d3 = test_tmpdir();
  char *a = short_run(d1, 3), *b = short_run(d2, 3), *c = short_run(d3, 4);
  char *cmd = NULL;
  /* /meta carries the wall time and date as attributes; datasets and /summary must match. */
  assert_true(asprintf(&cmd, "h5diff %s %s /summary /summary >/dev/null && "
                             "h5diff %s %s /blocks /blocks >/dev/null && "
                             "h5diff %s %s /timeseries /timeseries >/dev/null", a, b, a, b, a, b) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  assert_true(asprintf(&cmd, "h5diff %s %s /blocks /blocks >/dev/null", a, c) > 0);
  assert_int_not_equal(system(cmd), 0); /* another seed draws other arrivals */
  free(cmd);
  free(a); free(b); free(c);
  free(d1); free(d2); free(d3);
}

static void test_scenarios_exit_codes(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *args = NULL;
  char *bad = test_write_file(dir, "bad.yaml", "name: bad\nduration: -5s\n");
  assert_true(asprintf(&args, "validate %s", bad) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 2);
  free(args);
  assert_true(asprintf(&args, "run -q %s", bad) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 2);
  free(args);
  /* An unreachable target makes run exit 1 but still write its results. */
  assert_true(asprintf(&args, "run -q scenarios/default.yaml --set duration=1min --set "
                              "warmup=10s --set 'targets.tps=\">= 1e9\"' -o %s", dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 1);
  free(args);
  assert_true(asprintf(&args, "%s/run.h5", dir) > 0);
  assert_true(file_nonempty(args));
  free(args);
  assert_int_equal(test_run_depinsim("no-such-command", NULL), 2);
  assert_int_equal(test_run_depinsim("run --help", NULL), 0);
  free(bad);
  free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scenarios_exit_codes),
    cmocka_unit_test(test_scenarios_same_seed_gives_identical_datasets),
    cmocka_unit_test(test_scenarios_every_shipped_file_runs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
