/* perf_world.h: what the benchmarks that run a whole world share (actors, market, verify_bench,
 * da_bench): building it with the command line's SimGrid options, running it quietly, timing
 * the platform and the run, and reading back summary metrics and peak memory. */
#ifndef DEPINSIM_TESTS_PERF_PERF_WORLD_H
#define DEPINSIM_TESTS_PERF_PERF_WORLD_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sim/engine/progress.h"
#include "sim/engine/world.h"
#include "sim/scenario/scenario.h"
#include "sim/cli/registry.h"

struct perf_world {
  struct world *w;
  char **engine_argv;
  double started, built, ended; /* wall clock: world_new called, returned, run over */
};

/* Loads a scenario given as text; prints its problems and returns NULL when refused. */
static inline struct scenario *perf_load_text(const char *name, const char *text, diag_t *diag)
{
  struct scenario *sc = NULL;
  if (scenario_load_string(name, text, NULL, 0, registry_layers(), diag, &sc) != DEPIN_OK) {
    diag_print(diag, stderr);
    return NULL;
  }
  return sc;
}

/* Builds sc's world with argv[first..argc) passed to SimGrid (--cfg=...). Returns 0, or prints
 * diag's problems and returns 1. */
static inline int perf_world_new(struct perf_world *p, const struct scenario *sc, diag_t *diag,
                                 int argc, char **argv, int first)
{
  int engine_argc = 1;
  *p = (struct perf_world){.engine_argv = calloc((size_t)argc + 1, sizeof(char *))};
  if (!p->engine_argv)
    return 1;
  p->engine_argv[0] = argv[0];
  for (int i = first; i < argc; i++)
    p->engine_argv[engine_argc++] = argv[i];
  p->started = progress_wall_now();
  p->w = world_new(sc, &engine_argc, p->engine_argv, diag);
  if (!p->w) {
    diag_print(diag, stderr);
    return 1;
  }
  p->built = progress_wall_now();
  return 0;
}

/* Runs the world to its end without progress lines; with finish, the layers then report
 * (their summary metrics). */
static inline void perf_world_run(struct perf_world *p, bool finish)
{
  p->w->progress_mode = PROGRESS_QUIET;
  world_run(p->w);
  if (finish)
    world_finish(p->w);
  p->ended = progress_wall_now();
}

static inline double perf_summary(const struct perf_world *p, const char *name)
{
  double v = 0;
  metrics_summary_get(p->w->metrics, name, &v);
  return v;
}

static inline double perf_peak_rss_mib(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static inline void perf_world_free(struct perf_world *p)
{
  world_free(p->w);
  free(p->engine_argv);
}

#endif
