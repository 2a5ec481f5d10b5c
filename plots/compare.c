/* compare.c: several runs on one figure (compare.h). */
#include "plots/compare.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/axes.h"
#include "plots/gnuplot.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"

struct run {
  const char *path;
  hid_t file;
  char *name, *label;
};

/* A run's label: its scenario's name when the runs are of several scenarios (a shipped
 * variant file), then its overrides, items separated by ';'; with neither, the folder of its
 * file. */
static char *run_label(hid_t file, const char *path, const char *name, bool by_name)
{
  char *overrides = runfile_meta_string(file, "overrides");
  for (char *c = overrides; *c; c++)
    *c = *c == '\n' ? ';' : *c;
  if (by_name) {
    char *label = strfmt("%s%s%s", name, *overrides ? ";" : "", overrides);
    free(overrides);
    return label;
  }
  if (*overrides)
    return overrides;
  free(overrides);
  const char *slash = strrchr(path, '/');
  return slash ? strfmt("%.*s", (int)(slash - path), path) : strfmt("%s", ".");
}

/* Whether override `item` (one of "a;b;c") is in every run's label. */
static bool in_every_label(const struct run *runs, size_t n, const char *item, size_t len)
{
  for (size_t r = 0; r < n; r++) {
    bool found = false;
    for (const char *p = runs[r].label; *p && !found; p += strcspn(p, ";"), p += *p == ';')
      found = strncmp(p, item, len) == 0 && (p[len] == ';' || p[len] == '\0');
    if (!found)
      return false;
  }
  return true;
}

/* Labels keep only the overrides that tell the runs apart ("as written" when none is left). */
static void distinguish_labels(struct run *runs, size_t n)
{
  char **kept = calloc(n, sizeof(char *));
  for (size_t r = 0; r < n; r++) {
    kept[r] = strfmt("%s", "");
    for (const char *p = runs[r].label; *p; p += strcspn(p, ";"), p += *p == ';') {
      size_t len = strcspn(p, ";");
      if (in_every_label(runs, n, p, len))
        continue;
      char *more = strfmt("%s%s%.*s", kept[r], *kept[r] ? "; " : "", (int)len, p);
      free(kept[r]);
      kept[r] = more;
    }
  }
  for (size_t r = 0; r < n; r++) {
    free(runs[r].label);
    runs[r].label = *kept[r] ? kept[r] : (free(kept[r]), strfmt("%s", "as written"));
  }
  free(kept);
}

static enum depin_status open_runs(struct run *runs, size_t n, diag_t *diag)
{
  for (size_t i = 0; i < n; i++) {
    struct h5_quiet quiet = h5_quiet_begin();
    enum depin_status st = runfile_open(runs[i].path, &runs[i].file, diag);
    h5_quiet_end(quiet);
    if (st != DEPIN_OK)
      return st == DEPIN_ENOENT ? st : DEPIN_EINVAL;
    if (!h5_exists(runs[i].file, H5_GROUP_SUMMARY)) {
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: not a run file (no /summary): compare "
               "takes run files", runs[i].path);
      return DEPIN_EINVAL;
    }
    runs[i].name = runfile_meta_string(runs[i].file, "scenario_name");
  }
  bool by_name = false;
  for (size_t i = 1; i < n; i++)
    by_name |= strcmp(runs[i].name, runs[0].name) != 0;
  for (size_t i = 0; i < n; i++)
    runs[i].label = run_label(runs[i].file, runs[i].path, runs[i].name, by_name);
  return DEPIN_OK;
}

/* The title and the unit label of the dataset `path` of the first run (gnuplot-safe), and the
 * outbase of its figure, compare-<kind>-<name>. */
static void figure_labels(gnuplot_t *g, const struct run *runs, const char *path,
                          const char *name, const char *kind, char title[256], char label[256],
                          char outbase[4400])
{
  char safe[256];
  hid_t d = H5Dopen2(runs[0].file, path, H5P_DEFAULT);
  char *unit = d >= 0 ? runfile_attr_string(d, "unit") : NULL;
  if (d >= 0)
    H5Dclose(d);
  gnuplot_text(unit ? unit : "", label, 256);
  free(unit);
  gnuplot_text(name, title, 256);
  paths_safe_name(name, safe, sizeof(safe));
  snprintf(outbase, 4400, "%s/compare-%s-%s", gnuplot_outdir(g), kind, safe);
}

/* One series of every run that has it. */
static int compare_series(gnuplot_t *g, struct run *runs, size_t n, const char *name)
{
  char data[160], title[256], label[256], outbase[4400];
  snprintf(data, sizeof(data), "%s/compare.dat", gnuplot_tmpdir(g));
  FILE *f = fopen(data, "w");
  if (!f)
    return -1;
  double span = 0;
  size_t drawn = 0, points = 0;
  double *all = NULL;
  for (size_t r = 0; r < n; r++) {
    double *t = NULL, *v = NULL;
    long k = runfile_series(runs[r].file, name, &t, &v);
    if (k > 0)
      span = fmax(span, t[k - 1]);
    free(t), free(v);
  }
  double unit_s;
  const char *tunit = axes_time_unit(span, &unit_s);
  for (size_t r = 0; r < n; r++) {
    double *t = NULL, *v = NULL;
    long k = runfile_series(runs[r].file, name, &t, &v);
    if (k > 0) {
      gnuplot_data_label(f, runs[r].label);
      all = realloc(all, (points + (size_t)k) * sizeof(double));
      memcpy(all + points, v, (size_t)k * sizeof(double));
      points += (size_t)k;
      gnuplot_write_series(f, t, v, k, unit_s);
      fputs("\n\n", f);
      drawn++;
    }
    free(t), free(v);
  }
  bool logy = all && axes_log_worthy(all, points);
  free(all);
  if (fclose(f) != 0 || drawn < 2)
    return 0; /* a series only one run has is not a comparison */
  char path[512];
  snprintf(path, sizeof(path), H5_GROUP_TIMESERIES "/%s", name);
  figure_labels(g, runs, path, name, "timeseries", title, label, outbase);
  char *params = strfmt("datafile='%s'; nruns=%zu; outbase='%s'; title='%s'; ylabel='%s (%s)'; "
                        "tunit='%s'; logy=%d", data, drawn, outbase, title, title, label, tunit,
                        logy);
  int rc = gnuplot_draw(g, "compare-series.gp", params, outbase);
  free(params);
  return rc;
}

/* One distribution of every run that has it, as CDFs. */
static int compare_distribution(gnuplot_t *g, struct run *runs, size_t n, const char *name)
{
  char data[160], path[512], title[256], label[256], outbase[4400];
  snprintf(data, sizeof(data), "%s/compare.dat", gnuplot_tmpdir(g));
  snprintf(path, sizeof(path), H5_GROUP_DISTRIBUTIONS "/%s", name);
  FILE *f = fopen(data, "w");
  if (!f)
    return -1;
  size_t drawn = 0;
  double lo = INFINITY, hi = 0;
  for (size_t r = 0; r < n; r++) {
    double *upper = NULL, *weight = NULL, total = 0, cum = 0;
    long k = runfile_column_double(runs[r].file, path, "upper", &upper);
    if (k > 0 && runfile_column_double(runs[r].file, path, "weight", &weight) == k) {
      gnuplot_data_label(f, runs[r].label);
      for (long i = 0; i < k; i++)
        total += weight[i];
      for (long i = 0; i < k; i++) {
        cum += weight[i];
        fprintf(f, "%.17g %.17g\n", upper[i], total > 0 ? cum / total : 0);
      }
      fputs("\n\n", f);
      lo = fmin(lo, upper[0]), hi = fmax(hi, upper[k - 1]);
      drawn++;
    }
    free(upper), free(weight);
  }
  if (fclose(f) != 0 || drawn < 2)
    return 0;
  figure_labels(g, runs, path, name, "distribution", title, label, outbase);
  char *params = strfmt("datafile='%s'; nruns=%zu; outbase='%s'; title='%s'; xlabel='%s (%s)'; "
                        "logx=%d", data, drawn, outbase, title, title, label,
                        lo > 0 && hi / lo > 100);
  int rc = gnuplot_draw(g, "compare-distribution.gp", params, outbase);
  free(params);
  return rc;
}

/* fn over each member of the first run's group. */
static int each_name(gnuplot_t *g, struct run *runs, size_t n, const char *group,
                     int (*fn)(gnuplot_t *, struct run *, size_t, const char *))
{
  char **names = NULL;
  long k = runfile_list(runs[0].file, group, &names);
  int rc = 0;
  for (long i = 0; i < k && rc == 0; i++)
    rc = fn(g, runs, n, names[i]);
  if (k > 0)
    runfile_strings_free(names, (size_t)k);
  return rc;
}

enum depin_status plot_compare(const char *const files[], size_t n, const char *outdir,
                               char ***written, size_t *n_written, diag_t *diag)
{
  *written = NULL;
  *n_written = 0;
  struct run *runs = calloc(n + 1, sizeof(*runs));
  for (size_t i = 0; i < n; i++)
    runs[i] = (struct run){.path = files[i], .file = -1};
  enum depin_status st = open_runs(runs, n, diag);
  if (st == DEPIN_OK)
    distinguish_labels(runs, n);
  gnuplot_t *g = st == DEPIN_OK ? gnuplot_new(outdir, files[0], diag) : NULL;
  if (st == DEPIN_OK && !g)
    st = DEPIN_EIO;
  if (g && (each_name(g, runs, n, H5_GROUP_TIMESERIES, compare_series) != 0 ||
            each_name(g, runs, n, H5_GROUP_DISTRIBUTIONS, compare_distribution) != 0))
    st = DEPIN_EIO;
  if (g && st == DEPIN_OK)
    *written = gnuplot_take_written(g, n_written);
  gnuplot_free(g);
  for (size_t i = 0; i < n; i++) {
    if (runs[i].file >= 0)
      H5Fclose(runs[i].file);
    free(runs[i].name), free(runs[i].label);
  }
  free(runs);
  return st;
}
