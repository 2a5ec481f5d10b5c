/* test_results.c: writing a run file and reading it back with the HDF5 API. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/results/results.h"
#include "sim/results/runfile.h"

#include "testutil.h"

struct fixture {
  char dir[64];
  struct scenario sc;
  struct target targets[2];
  char *calibration[2];
  metrics_t *m;
  double committed;
  struct target_outcome *outcomes;
  size_t n_outcomes;
};

static double probe(void *ctx)
{
  return *(double *)ctx;
}

/* A hand-built scenario and a registry with one of everything. */
static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/depinsim-results-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  f->targets[0] = (struct target){.metric = "tps", .op = TARGET_GE, .value = 11000,
                                  .text = ">= 11000/s", .line = 30, .col = 8};
  f->targets[1] = (struct target){.metric = "commit_latency_p99", .op = TARGET_LE, .value = 0.2,
                                  .text = "<= 200ms", .line = 31, .col = 8};
  f->calibration[0] = "gpu/profiles/h100.yaml";
  f->calibration[1] = "gpu/profiles/rtx4090.yaml";
  f->sc = (struct scenario){.file = "scenarios/small.yaml", .text = "name: small\nseed: 7\n",
                            .name = "small", .seed = 7, .duration_s = 60, .warmup_s = 5,
                            .sample_interval_s = 1, .calibration = f->calibration,
                            .n_calibration = 2, .targets = f->targets, .n_targets = 2};
  f->m = metrics_new(5, 1);
  metrics_series_add(f->m, "tps", "/s", SERIES_RATE, probe, &f->committed);
  for (int t = 1; t <= 10; t++) {
    f->committed += 12000.0 * t;
    metrics_sample(f->m, t);
  }
  metrics_summary_set(f->m, "tps", 12345, "/s");
  metrics_summary_set(f->m, "commit_latency_p99", 0.25, "s");
  metrics_bound_set(f->m, "tps", 20000, "/s", BOUND_LIMIT,
                    "validator uplink / (copies x tx size)");
  hist_t *h = metrics_hist(f->m, "commit_latency", "s");
  for (int i = 1; i <= 100; i++)
    hist_add(h, 0.001 * i, 2);
  const struct table_column cols[] = {
    {"height", COL_INT64, ""}, {"size", COL_DOUBLE, "B"}, {"producer", COL_STRING, ""}};
  table_t *blocks = metrics_table(f->m, "blocks", 3, cols);
  for (int i = 0; i < 5; i++)
    table_append(blocks, (union table_cell[]){{.i = i}, {.d = 1e6 + i}, {.s = "validator-3"}});
  f->n_outcomes = targets_evaluate(&f->sc, f->m, &f->outcomes);
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "chmod -R u+w %s; rm -rf %s", f->dir, f->dir);
  int rc = system(cmd);
  free(f->outcomes);
  metrics_free(f->m);
  free(f);
  return rc == 0 ? 0 : -1;
}

static enum depin_status write_run(struct fixture *f, const char *path, diag_t *d)
{
  struct run_info info = {.wall_s = 1.5, .activities = 1000, .peak_rss_bytes = 1e8};
  return results_write(path, &f->sc, f->m, f->outcomes, f->n_outcomes, &info, d);
}

static void test_results_write_read_back(void **state)
{
  struct fixture *f = *state;
  char path[256];
  snprintf(path, sizeof(path), "%s/nested/folder/run.h5", f->dir); /* folders created */
  diag_t *d = diag_new();
  assert_int_equal(write_run(f, path, d), DEPIN_OK);
  assert_int_equal(diag_count(d), 0);
  hid_t file;
  assert_int_equal(runfile_open(path, &file, d), DEPIN_OK);

  hid_t meta = H5Gopen2(file, "meta", H5P_DEFAULT);
  double v;
  assert_true(runfile_attr_double(meta, "seed", &v));
  assert_double_equal(v, 7, 0);
  char *s = runfile_attr_string(meta, "scenario_text");
  assert_string_equal(s, "name: small\nseed: 7\n");
  free(s);
  s = runfile_attr_string(meta, "calibration");
  assert_string_equal(s, "gpu/profiles/h100.yaml\ngpu/profiles/rtx4090.yaml");
  free(s);
  s = runfile_attr_string(meta, "created");
  assert_string_equal(s, "2023-11-14T22:13:20Z"); /* SOURCE_DATE_EPOCH */
  free(s);
  assert_true(runfile_attr_double(meta, "wall_s", &v));
  assert_double_equal(v, 1.5, 0);
  H5Gclose(meta);

  hid_t summary = H5Gopen2(file, "summary", H5P_DEFAULT);
  assert_true(runfile_attr_double(summary, "tps", &v));
  assert_double_equal(v, 12345, 0);
  s = runfile_attr_string(summary, "commit_latency_p99.unit");
  assert_string_equal(s, "s");
  free(s);
  H5Gclose(summary);

  char **str;
  double *col;
  assert_int_equal(runfile_column_string(file, "bounds", "formula", &str), 1);
  assert_string_equal(str[0], "validator uplink / (copies x tx size)");
  runfile_strings_free(str, 1);
  assert_int_equal(runfile_column_double(file, "bounds", "value", &col), 1);
  assert_double_equal(col[0], 20000, 0);
  free(col);

  assert_int_equal(runfile_column_string(file, "targets", "text", &str), 2);
  assert_string_equal(str[1], "<= 200ms");
  runfile_strings_free(str, 2);
  assert_int_equal(runfile_column_double(file, "targets", "pass", &col), 2);
  assert_double_equal(col[0], 1, 0);
  assert_double_equal(col[1], 0, 0);
  free(col);
  assert_int_equal(runfile_column_double(file, "targets", "bound", &col), 2);
  assert_double_equal(col[0], 20000, 0);
  assert_true(isnan(col[1]));
  free(col);

  double *t, *val;
  assert_int_equal(runfile_series(file, "tps", &t, &val), 10);
  assert_double_equal(t[9], 10, 0);
  assert_double_equal(val[9], 120000, 1e-6);
  free(t), free(val);

  hid_t dist = H5Dopen2(file, "distributions/commit_latency", H5P_DEFAULT);
  assert_true(runfile_attr_double(dist, "count", &v));
  assert_double_equal(v, 200, 0);
  assert_true(runfile_attr_double(dist, "p99", &v));
  assert_double_equal(v, 0.099, 0.099 * 0.01);
  assert_true(runfile_attr_double(dist, "max", &v));
  assert_double_equal(v, 0.1, 0);
  H5Dclose(dist);
  long nb = runfile_column_double(file, "distributions/commit_latency", "weight", &col);
  assert_true(nb > 0 && nb <= 100);
  double total = 0;
  for (long i = 0; i < nb; i++)
    total += col[i];
  assert_double_equal(total, 200, 0);
  free(col);

  assert_int_equal(runfile_column_double(file, "blocks", "height", &col), 5);
  assert_double_equal(col[4], 4, 0);
  free(col);
  assert_int_equal(runfile_column_string(file, "blocks", "producer", &str), 5);
  assert_string_equal(str[2], "validator-3");
  runfile_strings_free(str, 5);
  hid_t blocks = H5Dopen2(file, "blocks", H5P_DEFAULT);
  s = runfile_attr_string(blocks, "size.unit");
  assert_string_equal(s, "B");
  free(s);
  H5Dclose(blocks);
  H5Fclose(file);
  diag_free(d);
}

/* Compares every listed dataset of two files through the API (when h5diff is absent). */
static void assert_same_datasets(const char *a, const char *b)
{
  static const char *const sets[][2] = {
    {"bounds", "value"}, {"targets", "measured"}, {"blocks", "size"},
    {"distributions/commit_latency", "weight"}, {"distributions/commit_latency", "upper"}};
  hid_t fa, fb;
  diag_t *d = diag_new();
  assert_int_equal(runfile_open(a, &fa, d), DEPIN_OK);
  assert_int_equal(runfile_open(b, &fb, d), DEPIN_OK);
  for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
    double *x, *y;
    long n = runfile_column_double(fa, sets[i][0], sets[i][1], &x);
    assert_int_equal(runfile_column_double(fb, sets[i][0], sets[i][1], &y), n);
    assert_memory_equal(x, y, (size_t)n * sizeof(double));
    free(x), free(y);
  }
  H5Fclose(fa);
  H5Fclose(fb);
  diag_free(d);
}

static void test_results_identical_datasets(void **state)
{
  struct fixture *f = *state;
  char a[256], b[256], cmd[1024];
  snprintf(a, sizeof(a), "%s/a.h5", f->dir);
  snprintf(b, sizeof(b), "%s/b.h5", f->dir);
  diag_t *d = diag_new();
  assert_int_equal(write_run(f, a, d), DEPIN_OK);
  assert_int_equal(write_run(f, b, d), DEPIN_OK);
  assert_same_datasets(a, b);
  if (system("command -v h5diff >/dev/null 2>&1") == 0) {
    snprintf(cmd, sizeof(cmd), "h5diff %s %s", a, b);
    assert_int_equal(system(cmd), 0);
    /* and h5diff does see a difference when there is one */
    metrics_summary_set(f->m, "tps", 1, "/s");
    assert_int_equal(write_run(f, b, d), DEPIN_OK);
    snprintf(cmd, sizeof(cmd), "h5diff -q %s %s", a, b);
    assert_int_not_equal(system(cmd), 0);
  } else {
    printf("# h5diff not installed (hdf5-tools): compared the datasets through the API only\n");
  }
  diag_free(d);
}

/* How many entries the folder holding path has, "." and ".." aside. */
static int entries_beside(const char *path)
{
  char dir[256];
  snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (d)
    closedir(d);
  return n;
}

static void test_results_failed_write_keeps_old_file(void **state)
{
  struct fixture *f = *state;
  char path[256], blocker[320];
  snprintf(path, sizeof(path), "%s/keep/run.h5", f->dir);
  diag_t *d = diag_new();
  assert_int_equal(write_run(f, path, d), DEPIN_OK);
  metrics_summary_set(f->m, "tps", 999, "/s");

  /* A write that fails halfway (a summary metric HDF5 cannot name; also as root): the old
   * file stays whole and nothing is left beside it */
  metrics_t *unnamed = metrics_new(5, 1);
  metrics_summary_set(unnamed, "", 1, "");
  assert_int_equal(results_write(path, &f->sc, unnamed, NULL, 0, NULL, d), DEPIN_EIO);
  metrics_free(unnamed);
  assert_true(diag_error_count(d) >= 1);
  assert_true(diag_contains(d, path));
  assert_double_equal(test_summary(path, "tps"), 12345, 0);
  assert_int_equal(entries_beside(path), 1);

  /* An unwritable folder (root writes anywhere, so only as another user) */
  if (geteuid() != 0) {
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/keep", f->dir);
    assert_int_equal(chmod(dir, 0555), 0);
    assert_int_equal(write_run(f, path, d), DEPIN_EIO);
    assert_double_equal(test_summary(path, "tps"), 12345, 0);
    assert_int_equal(chmod(dir, 0755), 0);
  }

  /* A folder that cannot be created: a file stands where it should be */
  char file_as_dir[320];
  snprintf(file_as_dir, sizeof(file_as_dir), "%s/run.h5/sub/x.h5", f->dir);
  snprintf(blocker, sizeof(blocker), "%s/run.h5", f->dir);
  FILE *fp = fopen(blocker, "w");
  fclose(fp);
  size_t before = diag_count(d);
  assert_int_equal(write_run(f, file_as_dir, d), DEPIN_EIO);
  assert_true(diag_count(d) > before);
  assert_true(diag_contains(d, "cannot create its folder"));

  /* and a successful write afterwards replaces the file and leaves no temporary behind */
  assert_int_equal(write_run(f, path, d), DEPIN_OK);
  assert_double_equal(test_summary(path, "tps"), 999, 0);
  assert_int_equal(entries_beside(path), 1);
  diag_free(d);
}

/* Others who can write the output folder cannot make depinsim write elsewhere: a link at the
 * run file's path is replaced, not followed; a link at the old predictable temporary name
 * is ignored; and the private folder a killed writer left behind is removed. */
static void test_results_write_follows_no_link(void **state)
{
  struct fixture *f = *state;
  char path[256], victim[256], lure[320], stale[320], stale_file[400];
  snprintf(path, sizeof(path), "%s/run.h5", f->dir);
  snprintf(victim, sizeof(victim), "%s/victim", f->dir);
  FILE *v = fopen(victim, "w");
  fputs("keep", v);
  fclose(v);
  assert_int_equal(symlink(victim, path), 0);
  snprintf(lure, sizeof(lure), "%s.tmp-%ld", path, (long)getpid());
  assert_int_equal(symlink(victim, lure), 0);
  pid_t gone = fork();
  if (gone == 0)
    _exit(0);
  waitpid(gone, NULL, 0);
  snprintf(stale, sizeof(stale), "%s/.run.h5.tmp-%ld-AbCdEf", f->dir, (long)gone);
  snprintf(stale_file, sizeof(stale_file), "%s/run.h5", stale);
  assert_int_equal(mkdir(stale, 0700), 0);
  fclose(fopen(stale_file, "w"));
  diag_t *d = diag_new();
  assert_int_equal(write_run(f, path, d), DEPIN_OK);
  struct stat st;
  assert_int_equal(lstat(path, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(stat(victim, &st), 0);
  assert_int_equal(st.st_size, 4);
  assert_int_equal(access(stale, F_OK), -1);
  diag_free(d);
}

/* Series are (time, value) tables; the N x 2 arrays of older run files still read. */
static void test_results_series_layouts(void **state)
{
  struct fixture *f = *state;
  char path[256];
  snprintf(path, sizeof(path), "%s/series.h5", f->dir);
  diag_t *d = diag_new();
  assert_int_equal(write_run(f, path, d), DEPIN_OK);
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  double *t = NULL, *v = NULL;
  long n = runfile_series(file, "tps", &t, &v);
  assert_int_equal(n, 10);
  assert_double_equal(t[0], 1, 0);
  free(t), free(v);
  double old[3][2] = {{1, 10}, {2, 20}, {3, 30}};
  hsize_t dims[2] = {3, 2};
  hid_t space = H5Screate_simple(2, dims, NULL);
  hid_t set = H5Dcreate2(file, H5_GROUP_TIMESERIES "/old", H5T_NATIVE_DOUBLE, space,
                         H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, old);
  H5Dclose(set), H5Sclose(space);
  n = runfile_series(file, "old", &t, &v);
  assert_int_equal(n, 3);
  assert_true(t[2] == 3 && v[2] == 30);
  free(t), free(v);
  H5Fclose(file);
  diag_free(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_results_write_read_back, setup, teardown),
    cmocka_unit_test_setup_teardown(test_results_identical_datasets, setup, teardown),
    cmocka_unit_test_setup_teardown(test_results_failed_write_keeps_old_file, setup, teardown),
    cmocka_unit_test_setup_teardown(test_results_write_follows_no_link, setup, teardown),
    cmocka_unit_test_setup_teardown(test_results_series_layouts, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
