/* run.h: one scenario from file to results: load, build the world, run, report, write. */
#ifndef DEPINSIM_SIM_RUN_RUN_H
#define DEPINSIM_SIM_RUN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/engine/progress.h"
#include "sim/scenario/layer.h"

/* Exit codes of run, validate and check (README): */
enum run_exit {
  RUN_EXIT_PASS = 0,      /* every target met */
  RUN_EXIT_FAIL = 1,      /* a target missed (or, for check, a regression) */
  RUN_EXIT_BAD_INPUT = 2, /* the scenario, an override or an option was refused */
  RUN_EXIT_ERROR = 3,     /* the run could not write its results */
};

struct run_opts {
  const struct layer_set *layers; /* the build's layers (sim/cli/registry.h), borrowed */
  const char *scenario;           /* path */
  const char *outdir;             /* NULL: results/<scenario name><outdir_suffix> */
  const char *outdir_suffix;      /* check: "-check", so that it never writes where run does */
  const char *keep;               /* a file the run must not write over (check's baseline) */
  const char *const *overrides;   /* --set key.path=value */
  size_t n_overrides;
  bool seed_given;
  uint64_t seed;                  /* --seed */
  enum progress_mode progress;
  int engine_argc;                /* SimGrid options (--cfg=...) passed through */
  char **engine_argv;
};

/* What a finished run leaves for the caller (check compares it with a baseline). */
struct run_result {
  char *h5_path;                  /* owned */
  bool all_pass;
};

/* The overrides a run applies, in order: the --set ones, then --seed as "seed=N" (written
 * into seed_text, which must outlive the array). Returns an owned array of *n borrowed
 * strings (free the array only). */
const char **run_overrides(const struct run_opts *opts, char seed_text[64], size_t *n);

/* Runs the scenario, writes <outdir>/run.h5, prints the summary and the target table to out
 * and diagnostics to err. Returns a run_exit code; fills result when not NULL (free its
 * h5_path). */
int run_scenario(const struct run_opts *opts, FILE *out, FILE *err, struct run_result *result);

/* Loads and validates only (`depinsim validate`), and the values of its sweep section when it
 * has one (as `depinsim sweep` would refuse them): prints "ok" and a one-line description or
 * every problem. Returns RUN_EXIT_PASS or RUN_EXIT_BAD_INPUT. */
int run_validate(const struct run_opts *opts, FILE *out, FILE *err);

#endif
