/* check.h: `depinsim check`: a run judged as CI judges it: every target, and with a baseline
 * run file every summary metric within a tolerance, reported as a table and as JUnit XML. */
#ifndef DEPINSIM_SIM_RUN_CHECK_H
#define DEPINSIM_SIM_RUN_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/run/run.h"

/* Relative change of a summary metric that check tolerates by default (--tolerance 5%). */
#define CHECK_DEFAULT_TOLERANCE 0.05

struct check_opts {
  const char *baseline; /* a run file to compare the summary with, or NULL */
  double tolerance;     /* relative, >= 0 */
  const char *junit;    /* where to write JUnit XML, or NULL */
};

/* One verdict: a target, or a summary metric against the baseline. */
struct check_case {
  char *suite;    /* "targets" or "baseline" (owned) */
  char *name;     /* "tps >= 11000" or the metric (owned) */
  bool pass;
  char *message;  /* what was measured against what (owned) */
};

/* The direction a summary metric should move in, from the op of the target on it: +1 when
 * higher is better (>=, >), -1 when lower is (<=, <), 0 when either way is a change (==, or no
 * target). */
int check_direction(const char *op);

/* Whether value is a regression from base under tolerance and direction (check_direction):
 * it moved the wrong way by more than tolerance x |base| (either way when direction is 0). A
 * NaN value where base is a number is one. Cannot fail. */
bool check_regressed(double base, double value, double tolerance, int direction);

/* Writes cases as JUnit XML to path (a <testsuites> holding one <testsuite> per distinct
 * suite, a <testcase> per case with a <failure> when it failed; text escaped). scenario names
 * the test cases' classname. Returns 0, or -1 with errno set when the file cannot be
 * written (the file is then incomplete). */
int check_write_junit(const char *path, const char *scenario, const struct check_case *cases,
                      size_t n, double wall_s);

/* Runs the scenario (run_scenario: summary and target table to out, diagnostics to err),
 * then compares it with the baseline when one is given and prints the comparison, and writes
 * the JUnit file when asked. A baseline that cannot be read is bad input, refused before the
 * run. Returns RUN_EXIT_PASS when every target is met and nothing regressed, RUN_EXIT_FAIL
 * when a target is missed or a metric regressed, RUN_EXIT_BAD_INPUT for a bad scenario,
 * override or baseline, RUN_EXIT_ERROR when the run file or the JUnit file cannot be
 * written or read back. */
int check_scenario(const struct run_opts *run, const struct check_opts *opts, FILE *out,
                   FILE *err);

#endif
