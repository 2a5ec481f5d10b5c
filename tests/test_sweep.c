/* test_sweep.c: `depinsim sweep` end to end: the /points table with a failed point recorded
 * while the others go on, resume after the sweep is killed, the same /points from mpirun -n 2
 * as from local processes, bad sweep input (a key or a value) refused before anything runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "sim/results/runfile.h"
#include "testutil.h"

/* The default scenario shortened; points of a few simulated seconds. Its blocks go down the
 * gossip tree, where 250 validators (50 of them on home uplinks) commit nothing in 3 s: a point
 * that misses its target. */
#define SHORT                                                                                 \
  "scenarios/default.yaml --set duration=3s --set warmup=1s --set sample_interval=1s "      \
  "--set 'ledger.dissemination={kind: tree, fanout: 8}'"

/* Two home-4090 counts x two validator counts, two replications: 8 points. Every value is
 * valid on its own, but 250 validators among 201 providers is not: that pair's 2 points fail
 * with bad input when they run. */
#define SWEEP_WITH_FAILURES                                                                  \
  "--set 'sweep={providers.home-4090.count: [2000, 1], ledger.validators: [10, 250], " \
  "replications: 2}'"

static bool has_program(const char *name)
{
  char *cmd = NULL;
  assert_true(asprintf(&cmd, "command -v %s >/dev/null 2>&1", name) > 0);
  int status = system(cmd);
  free(cmd);
  return status == 0;
}

/* A column of dir/sweep.h5's /points; returns the row count. */
static long points_double(const char *dir, const char *column, double **out)
{
  char *path = NULL;
  assert_true(asprintf(&path, "%s/sweep.h5", dir) > 0);
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  long n = runfile_column_double(f, "points", column, out);
  H5Fclose(f);
  h5_quiet_end(quiet);
  free(path);
  return n;
}

static long points_string(const char *dir, const char *column, char ***out)
{
  char *path = NULL;
  assert_true(asprintf(&path, "%s/sweep.h5", dir) > 0);
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  long n = runfile_column_string(f, "points", column, out);
  H5Fclose(f);
  h5_quiet_end(quiet);
  free(path);
  return n;
}

static void test_sweep_points_table_records_failures(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *args = NULL;
  assert_true(asprintf(&args, "sweep -q " SHORT " " SWEEP_WITH_FAILURES " -j 2 -o %s", dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 1); /* a point failed; the others ran */
  free(args);
  double *pass, *count, *validators, *tps, *seed, *code;
  assert_int_equal(points_double(dir, "pass", &pass), 8);
  assert_int_equal(points_double(dir, "providers.home-4090.count", &count), 8);
  assert_int_equal(points_double(dir, "ledger.validators", &validators), 8);
  assert_int_equal(points_double(dir, "tps", &tps), 8);
  assert_int_equal(points_double(dir, "seed", &seed), 8);
  assert_int_equal(points_double(dir, "exit_code", &code), 8);
  char **error, **run_file;
  assert_int_equal(points_string(dir, "error", &error), 8);
  assert_int_equal(points_string(dir, "run_file", &run_file), 8);
  for (int i = 0; i < 8; i++) {
    assert_true(count[i] == (i < 4 ? 2000 : 1));
    assert_true(validators[i] == (i % 4 < 2 ? 10 : 250));
    assert_true(seed[i] == 42 + i % 2); /* replications: seed, seed + 1 */
    if (i >= 6) {
      assert_true(pass[i] == -1 && code[i] == 2 && isnan(tps[i]));
      assert_non_null(strstr(error[i], "x shards = 250 needs that many providers"));
      assert_string_equal(run_file[i], "");
    } else {
      /* the default scenario offers 11,500 tx/s against its 11,000 TPS target: 10 validators
       * carry it; 250 commit nothing in 3 s (a first block gossiped over home uplinks) */
      assert_true(pass[i] == (validators[i] == 10 ? 1 : 0));
      assert_true(tps[i] >= 0 && tps[i] < 1.2 * 11500);
      if (validators[i] == 10)
        assert_true(tps[i] > 0.8 * 11500);
      assert_string_equal(error[i], "");
      char *h5 = NULL;
      double v;
      assert_true(asprintf(&h5, "%s/%s", dir, run_file[i]) > 0);
      assert_int_equal(test_read_summary(h5, "tps", &v), 0);
      assert_true(v == tps[i]);
      free(h5);
    }
  }
  assert_true(tps[0] != tps[1]); /* another seed, other arrivals */
  if (has_program("gnuplot")) {
    assert_true(asprintf(&args, "plot %s/sweep.h5 -o %s/plots", dir, dir) > 0);
    assert_int_equal(test_run_depinsim(args, NULL), 0);
    free(args);
    static const char *const figures[] = {
      "sweep-tps-vs-providers.home-4090.count.png", "sweep-tps-vs-ledger.validators.svg",
      "sweep-commit_latency_p99-providers.home-4090.count-ledger.validators.png",
      "sweep-timeseries-tps.svg"}; /* the median and 90% band of two replications */
    for (size_t i = 0; i < 4; i++) {
      struct stat st;
      char *path = NULL;
      assert_true(asprintf(&path, "%s/plots/%s", dir, figures[i]) > 0);
      assert_int_equal(stat(path, &st), 0);
      assert_true(st.st_size > 1000);
      free(path);
    }
  }
  runfile_strings_free(error, 8);
  runfile_strings_free(run_file, 8);
  free(pass), free(count), free(validators), free(tps), free(seed), free(code);
  free(dir);
}

static int count_status_files(const char *dir, int n)
{
  int done = 0;
  for (int i = 0; i < n; i++) {
    char *path = NULL;
    assert_true(asprintf(&path, "%s/points/%05d/status", dir, i) > 0);
    done += access(path, F_OK) == 0;
    free(path);
  }
  return done;
}

static void test_sweep_resumes_after_a_kill(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *cmd = NULL, *log = NULL, *first = NULL;
  const char *spec = "scenarios/default.yaml --set duration=2min --set warmup=1s "
                     "--set sample_interval=10s --set 'sweep={workload.transactions.rate: "
                     "{from: 9000/s, to: 12600/s, step: 400/s}}'"; /* 10 points */
  assert_true(asprintf(&cmd, "exec %s sweep -q %s -j 1 -o %s >/dev/null 2>&1", test_binary(),
                       spec, dir) > 0);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  /* kill it as soon as the first point has finished */
  for (int tries = 0; tries < 3000 && count_status_files(dir, 10) == 0; tries++)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  free(cmd);
  int done = count_status_files(dir, 10);
  printf("killed after %d of 10 points\n", done);
  assert_in_range(done, 1, 9);
  assert_true(asprintf(&first, "%s/points/00000/run.h5", dir) > 0);
  struct stat before, after;
  assert_int_equal(stat(first, &before), 0);

  assert_true(asprintf(&cmd, "sweep -q %s -j 2 -o %s", spec, dir) > 0);
  assert_true(asprintf(&log, "%s/resume.log", dir) > 0);
  assert_int_equal(test_run_depinsim(cmd, log), 0);
  free(cmd);
  /* the finished point was not run again */
  assert_int_equal(stat(first, &after), 0);
  assert_true(before.st_ino == after.st_ino && before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
              before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
  assert_true(asprintf(&cmd, "grep -q 'resuming: %d points finished before are skipped' %s",
                       done, log) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  double *pass, *rate;
  assert_int_equal(points_double(dir, "pass", &pass), 10);
  assert_int_equal(points_double(dir, "workload.transactions.rate", &rate), 10);
  for (int i = 0; i < 10; i++) {
    assert_true(pass[i] == 0 || pass[i] == 1);
    assert_true(fabs(rate[i] - (9000 + 400 * i)) < 1e-6);
  }
  /* a third run has nothing left to do */
  assert_true(asprintf(&cmd, "sweep -q %s -o %s", spec, dir) > 0);
  assert_int_equal(test_run_depinsim(cmd, log), 0);
  free(cmd);
  assert_true(asprintf(&cmd, "grep -q 'resuming: 10 points finished' %s", log) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(pass), free(rate), free(first), free(log), free(dir);
}

static void test_sweep_mpi_gives_the_local_points(void **state)
{
  (void)state;
  if (!has_program("mpirun") || !has_program("h5diff")) {
    printf("mpirun (openmpi-bin) or h5diff (hdf5-tools) is missing\n");
    skip();
  }
  char *local = test_tmpdir(), *mpi = test_tmpdir(), *args = NULL, *cmd = NULL, *log = NULL;
  assert_true(asprintf(&args, "sweep -q " SHORT " " SWEEP_WITH_FAILURES " -j 2 -o %s", local) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 1);
  free(args);
  assert_true(asprintf(&log, "%s/mpirun.log", mpi) > 0);
  assert_true(asprintf(&cmd, "mpirun -n 2 --oversubscribe --allow-run-as-root %s sweep -q " SHORT
                             " " SWEEP_WITH_FAILURES " -o %s/out >%s 2>&1", test_binary(), mpi,
                       log) > 0);
  int status = system(cmd);
  free(cmd);
  assert_true(asprintf(&cmd, "grep -q 'mpi: 2 ranks' %s && grep -q '6 of 8 points ran' %s", log,
                       log) > 0);
  if (system(cmd) != 0) {
    assert_true(asprintf(&args, "cat %s", log) > 0);
    assert_int_equal(system(args), 0);
    free(args);
  }
  assert_int_equal(system(cmd), 0);
  free(cmd);
  assert_int_not_equal(status, 0); /* the failed points: exit 1, which mpirun passes on */
  assert_true(asprintf(&cmd, "h5diff %s/sweep.h5 %s/out/sweep.h5 /points /points", local, mpi) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(log), free(local), free(mpi);
}

static void test_sweep_bad_input(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *args = NULL, *log = NULL, *cmd = NULL;
  assert_true(asprintf(&log, "%s/log", dir) > 0);
  assert_true(asprintf(&args, "sweep -q " SHORT " --set 'sweep={ledger.blok_time: [1s]}' -o %s",
                       dir) > 0);
  assert_int_equal(test_run_depinsim(args, log), 2);
  free(args);
  assert_true(asprintf(&cmd, "grep -q \"no 'blok_time' in 'ledger' (did you mean "
                             "'block_time'?)\" %s", log) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  /* A value the scenario refuses on its own: refused before any point runs, by sweep and by
   * validate alike, at its sweep key. */
  const char *refused = "--set 'sweep={ledger.validators: [10, 0]}'";
  assert_true(asprintf(&args, "sweep -q " SHORT " %s -o %s/refused", refused, dir) > 0);
  assert_int_equal(test_run_depinsim(args, log), 2);
  free(args);
  assert_true(asprintf(&cmd, "grep -q \"sweep.ledger.validators: value '0' is refused: .*"
                             "out of range\" %s && test ! -e %s/refused", log, dir) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  assert_true(asprintf(&args, "validate " SHORT " %s", refused) > 0);
  assert_int_equal(test_run_depinsim(args, log), 2);
  free(args);
  assert_true(asprintf(&cmd, "grep -q \"value '0' is refused\" %s", log) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  assert_true(asprintf(&args, "sweep -q " SHORT " -o %s", dir) > 0); /* no sweep section */
  assert_int_equal(test_run_depinsim(args, NULL), 2);
  free(args);
  assert_int_equal(test_run_depinsim("sweep -q " SHORT " -j 0", NULL), 2);
  assert_int_equal(test_run_depinsim("sweep --help", NULL), 0);
  free(log), free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sweep_bad_input),
    cmocka_unit_test(test_sweep_points_table_records_failures),
    cmocka_unit_test(test_sweep_resumes_after_a_kill),
    cmocka_unit_test(test_sweep_mpi_gives_the_local_points),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
