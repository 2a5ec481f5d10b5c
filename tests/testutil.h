/* testutil.h: helpers the test programs share: double comparisons, temporary files, running
 * the depinsim binary, reading a run file's summary. Header-only so each test program stays
 * one file. The assertions (assert_double_equal, assert_rel, test_summary) need cmocka.h
 * included first; the rest serves the benchmarks under perf/ too. */
#ifndef DEPINSIM_TESTS_TESTUTIL_H
#define DEPINSIM_TESTS_TESTUTIL_H

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/results/h5.h"

/* cmocka 1.1 has no double comparison: |a - b| <= eps, with both values in the message.
 * Include after cmocka.h. */
#define assert_double_equal(a, b, eps)                                                        \
  do {                                                                                        \
    double a_ = (a), b_ = (b);                                                                \
    if (!(fabs(a_ - b_) <= (eps)))                                                            \
      fail_msg("%s = %.17g, expected %.17g (within %g)", #a, a_, b_, (double)(eps));          \
  } while (0)

/* |got - want| / |want| <= tol (|want| taken as at least 1e-300), with both values and the
 * relative error in the message. Include after cmocka.h. */
#define assert_rel(got, want, tol)                                                            \
  do {                                                                                        \
    double got_ = (got), want_ = (want), tol_ = (tol);                                        \
    double err_ = fabs(got_ - want_) / fmax(fabs(want_), 1e-300);                             \
    if (err_ > tol_)                                                                          \
      fail_msg("got %.12g, want %.12g (relative error %.3g > %.3g)", got_, want_, err_, tol_); \
  } while (0)

/* A new empty folder under TMPDIR; owned by the caller (free()). */
static inline char *test_tmpdir(void)
{
  const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *path = NULL;
  if (asprintf(&path, "%s/depinsim-test-XXXXXX", base) < 0 || !mkdtemp(path))
    abort();
  return path;
}

/* Writes text to dir/name and returns the path (owned). */
static inline char *test_write_file(const char *dir, const char *name, const char *text)
{
  char *path = NULL;
  if (asprintf(&path, "%s/%s", dir, name) < 0)
    abort();
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0)
    abort();
  return path;
}

/* The depinsim binary under test (set by ctest), or build/depinsim. */
static inline const char *test_binary(void)
{
  const char *bin = getenv("DEPINSIM_BIN");
  return bin ? bin : "build/depinsim";
}

/* Runs "depinsim ARGS" through the shell with output to log (or /dev/null); returns the exit
 * status, or -1 when it did not exit normally. */
static inline int test_run_depinsim(const char *args, const char *log)
{
  char *cmd = NULL;
  if (asprintf(&cmd, "%s %s >%s 2>&1", test_binary(), args, log ? log : "/dev/null") < 0)
    abort();
  int status = system(cmd);
  free(cmd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs "depinsim run" on a scenario given as text (plus extra arguments) in a fresh folder and
 * returns its run file's path (owned); aborts the test unless the run exited 0 or 1 (targets
 * met or missed). */
static inline char *test_run_text(const char *text, const char *extra)
{
  char *dir = test_tmpdir();
  char *scenario = test_write_file(dir, "scenario.yaml", text);
  char *args = NULL, *h5 = NULL;
  if (asprintf(&args, "run -q %s -o %s %s", scenario, dir, extra) < 0 ||
      asprintf(&h5, "%s/run.h5", dir) < 0)
    abort();
  int code = test_run_depinsim(args, NULL);
  if (code != 0 && code != 1) {
    fprintf(stderr, "depinsim %s: exit %d\n", args, code);
    abort();
  }
  free(args);
  free(scenario);
  free(dir);
  return h5;
}

/* Reads the /summary attribute `name` of a run file; returns 0 on success, else -1 (a missing
 * file or metric leaves *value as it was). HDF5 prints nothing. */
static inline int test_read_summary(const char *h5, const char *name, double *value)
{
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    h5_quiet_end(quiet);
    return -1;
  }
  int rc = -1;
  hid_t group = H5Gopen2(file, "/summary", H5P_DEFAULT);
  if (group >= 0) {
    hid_t attr = H5Aopen(group, name, H5P_DEFAULT);
    if (attr >= 0) {
      rc = H5Aread(attr, H5T_NATIVE_DOUBLE, value) < 0 ? -1 : 0;
      H5Aclose(attr);
    }
    H5Gclose(group);
  }
  H5Fclose(file);
  h5_quiet_end(quiet);
  return rc;
}

#ifdef CMOCKA_H_
#include "sim/cli/registry.h"
#include "sim/scenario/scenario.h"

/* Writes text to dir/name, runs it with extra arguments into dir and returns the run file's
 * path (owned); the test fails, after printing the run's output, unless it exited 0 or 1
 * (targets met or missed). For scenarios that need files beside them (a platform). */
static inline char *test_run_in(const char *dir, const char *name, const char *text,
                                const char *extra)
{
  char *scenario = test_write_file(dir, name, text);
  char *args = NULL, *h5 = NULL, *log = NULL;
  assert_true(asprintf(&args, "run -q %s -o %s %s", scenario, dir, extra) > 0);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  assert_true(asprintf(&log, "%s/log", dir) > 0);
  int code = test_run_depinsim(args, log);
  if (code != 0 && code != 1) {
    char *cat = NULL;
    assert_true(asprintf(&cat, "cat %s", log) > 0);
    assert_true(system(cat) >= 0);
    free(cat);
  }
  assert_in_range(code, 0, 1);
  free(args);
  free(log);
  free(scenario);
  return h5;
}

/* Loads a scenario given as text (named `name` in messages) with --set overrides and checks
 * that it is refused with exactly the messages `want`, in order (printing what came). */
static inline void test_expect_errors(const char *name, const char *text,
                                      const char *const *set, size_t n_set,
                                      const char *const *want, size_t n_want)
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string(name, text, set, n_set, registry_layers(), diag, &sc),
                   DEPIN_EINVAL);
  for (size_t i = 0; i < diag_count(diag); i++)
    print_message("%s\n", diag_line(diag, i));
  assert_int_equal(diag_count(diag), n_want);
  for (size_t i = 0; i < n_want; i++)
    assert_string_equal(diag_line(diag, i), want[i]);
  diag_free(diag);
}

/* The /summary metric `name` of run file h5; the test fails when it cannot be read. Defined
 * when cmocka.h is included first. */
/* A scalar fixed-length string attribute, as depinsim writes them (for hand-built files). */
static inline void test_h5_string_attr(hid_t obj, const char *name, const char *value)
{
  hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, strlen(value) + 1);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, value);
  H5Aclose(attr), H5Sclose(space), H5Tclose(type);
}

static inline double test_summary(const char *h5, const char *name)
{
  double v = NAN;
  assert_int_equal(test_read_summary(h5, name, &v), 0);
  return v;
}
#endif

#endif
