/* run.c: the path of one run through the program (run.h). */
#include "sim/run/run.h"

#include "sim/run/estimate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xbt/asserts.h>

#include "sim/base/diag.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/engine/platform_check.h"
#include "sim/engine/world.h"
#include "sim/results/results.h"
#include "sim/results/targets.h"
#include "sim/run/sweep_spec.h"
#include "sim/scenario/scenario.h"

const char **run_overrides(const struct run_opts *opts, char seed_text[64], size_t *n)
{
  const char **overrides = calloc(opts->n_overrides + 1, sizeof(char *));
  xbt_assert(overrides, "out of memory");
  for (size_t i = 0; i < opts->n_overrides; i++)
    overrides[i] = opts->overrides[i];
  *n = opts->n_overrides;
  if (opts->seed_given) {
    snprintf(seed_text, 64, "seed=%llu", (unsigned long long)opts->seed);
    overrides[(*n)++] = seed_text;
  }
  return overrides;
}

/* Loads the scenario with the command line's overrides, --seed applied last. */
static struct scenario *load(const struct run_opts *opts, FILE *err)
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  char seed_text[64];
  size_t n;
  const char **overrides = run_overrides(opts, seed_text, &n);
  xbt_assert(diag, "out of memory");
  scenario_load(opts->scenario, overrides, n, opts->layers, diag, &sc);
  diag_print(diag, err);
  free(overrides);
  diag_free(diag);
  return sc;
}

static double peak_rss_bytes(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024.0;
}

static char *results_path(const struct run_opts *opts, const struct scenario *sc)
{
  return opts->outdir ? strfmt("%s/run.h5", opts->outdir)
                      : strfmt("results/%s%s/run.h5", sc->name,
                               opts->outdir_suffix ? opts->outdir_suffix : "");
}

static bool same_file(const char *a, const char *b)
{
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* Before the run: the run file's folder can be made and written, and the run file is not the
 * file to keep. Returns 0, or the exit status after a message. */
static int check_output(const char *path, const char *keep, FILE *err)
{
  if (keep && same_file(path, keep)) {
    fprintf(err, "%s: the run would write over %s, the baseline it is compared with (choose "
            "another folder with -o)\n", path, keep);
    return RUN_EXIT_BAD_INPUT;
  }
  char *dir = strfmt("%.*s", (int)(strrchr(path, '/') - path), path);
  int rc = 0;
  struct stat st;
  if (paths_make_dirs(dir) < 0 || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
      access(dir, W_OK | X_OK) < 0) {
    fprintf(err, "%s: cannot write the run file there: %s\n", dir,
            errno ? strerror(errno) : "not a folder");
    rc = RUN_EXIT_ERROR;
  }
  free(dir);
  return rc;
}

/* The headline metrics beside their bounds. */
static void print_summary(const struct scenario *sc, const metrics_t *m, FILE *out)
{
  fprintf(out, "\n%s: %zu providers, %.0f s simulated (warm-up %.0f s), seed %llu\n\n",
          sc->name, sc->n_providers, sc->duration_s, sc->warmup_s,
          (unsigned long long)sc->seed);
  fprintf(out, "  %-26s %14s %14s %11s  %s\n", "metric", "measured", "bound", "of bound",
          "unit");
  for (size_t i = 0; i < metrics_summary_count(m); i++) {
    const char *name, *unit;
    double value, bound;
    metrics_summary_at(m, i, &name, &value, &unit);
    bool has_bound = metrics_bound_get(m, name, &bound);
    char bound_text[32] = "";
    if (has_bound)
      snprintf(bound_text, sizeof(bound_text), "%.6g", bound);
    if (isnan(value))
      fprintf(out, "  %-26s %14s %14s %11s  %s\n", name, "no value", bound_text, "", unit);
    else if (has_bound && metrics_bound_kind(m, name) == BOUND_FLOOR)
      fprintf(out, "  %-26s %14.6g %14.6g %11s  %s\n", name, value, bound, "lower bound", unit);
    else if (has_bound)
      fprintf(out, "  %-26s %14.6g %14.6g %10.1f%%  %s\n", name, value, bound,
              bound != 0 ? 100 * value / bound : 0, unit);
    else
      fprintf(out, "  %-26s %14.6g %14s %11s  %s\n", name, value, "", "", unit);
  }
  fputc('\n', out);
}

int run_scenario(const struct run_opts *opts, FILE *out, FILE *err, struct run_result *result)
{
  struct scenario *sc = load(opts, err);
  if (!sc)
    return RUN_EXIT_BAD_INPUT;
  char *path = results_path(opts, sc);
  errno = 0;
  int refused = check_output(path, opts->keep, err);
  if (refused) {
    free(path);
    scenario_free(sc);
    return refused;
  }
  diag_t *diag = diag_new();
  int engine_argc = opts->engine_argc;
  struct world *w = world_new(sc, &engine_argc, opts->engine_argv, diag);
  if (!w) {
    diag_print(diag, err);
    diag_free(diag);
    scenario_free(sc);
    free(path);
    return RUN_EXIT_BAD_INPUT;
  }
  w->progress_mode = opts->progress;
  world_run(w);
  world_finish(w);

  struct target_outcome *outcomes = NULL;
  size_t n = targets_evaluate(sc, w->metrics, &outcomes);
  bool pass = targets_all_pass(outcomes, n);
  struct run_info info = {w->wall_s, w->activities, peak_rss_bytes()};
  enum depin_status written = results_write(path, sc, w->metrics, outcomes, n, &info, diag);

  print_summary(sc, w->metrics, out);
  if (n > 0)
    targets_print(outcomes, n, out);
  diag_print(diag, err);
  if (written == DEPIN_OK)
    fprintf(out, "results: %s (wall %.1f s, peak RSS %.0f MiB)\n", path, w->wall_s,
            info.peak_rss_bytes / 1048576);
  int code = written != DEPIN_OK ? RUN_EXIT_ERROR : pass ? RUN_EXIT_PASS : RUN_EXIT_FAIL;
  if (result)
    *result = (struct run_result){path, pass};
  else
    free(path);
  free(outcomes);
  world_free(w);
  scenario_free(sc);
  diag_free(diag);
  return code;
}

/* Whether sc's sweep section, if any, expands and every one of its values loads after the
 * run's overrides; *points is how many runs it makes. Problems go to the scenario's diag. */
static bool sweep_valid(const struct scenario *sc, const char *const overrides[], size_t n,
                        size_t *points)
{
  *points = 0;
  if (!sc->sweep.node)
    return true;
  struct sweep_spec *spec = NULL;
  if (sweep_spec_read(sc, &spec) != DEPIN_OK)
    return false;
  bool ok = sweep_spec_check_values(sc, spec, overrides, n) == DEPIN_OK;
  *points = spec->n_points;
  sweep_spec_free(spec);
  return ok;
}

int run_validate(const struct run_opts *opts, FILE *out, FILE *err)
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  char seed_text[64];
  size_t n, points = 0;
  const char **overrides = run_overrides(opts, seed_text, &n);
  xbt_assert(diag, "out of memory");
  bool ok = scenario_load(opts->scenario, overrides, n, opts->layers, diag, &sc) == DEPIN_OK &&
            sweep_valid(sc, overrides, n, &points) &&
            platform_check_user_file(sc, diag) == DEPIN_OK;
  diag_print(diag, err);
  if (ok) {
    fprintf(out, "%s: ok (%s: %zu provider%s in %zu class%s; layers", opts->scenario, sc->name,
            sc->n_providers, sc->n_providers == 1 ? "" : "s", sc->n_classes,
            sc->n_classes == 1 ? "" : "es");
    const char *sep = " ";
    for (size_t i = 0; i < sc->layers->n; i++)
      if (sc->layer_conf[i]) {
        fprintf(out, "%s%s", sep, sc->layers->layers[i]->name);
        sep = ", ";
      }
    fprintf(out, "%s; %zu target%s", *sep == ' ' ? " none" : "", sc->n_targets,
            sc->n_targets == 1 ? "" : "s");
    if (points)
      fprintf(out, "; a sweep of %zu runs", points);
    fprintf(out, ")\n");
    estimate_print(sc, out); /* for a sweep: its base point's, each point's roughly */
  }
  scenario_free(sc);
  free(overrides);
  diag_free(diag);
  return ok ? RUN_EXIT_PASS : RUN_EXIT_BAD_INPUT;
}
