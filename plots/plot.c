/* plot.c: `depinsim plot`: figures from a run file through the gnuplot scripts in plots/.
 *
 * Each time series and each distribution of the run file is written to a small text data
 * file in the gnuplot session's temporary folder (gnuplot.h), and one script per figure type
 * runs with the data file, the output path and the target values as `-e` parameters; each
 * script writes both a PNG and an SVG. */
#include "plots/plot.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/axes.h"
#include "plots/gnuplot.h"
#include "sim/base/paths.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"

struct plotter {
  hid_t file;
  const char *run_h5;
  gnuplot_t *gp;
  diag_t *diag;
  /* the /targets table: metric names and values */
  char **target_metric;
  double *target_value;
  long n_targets;
};

static int failf(struct plotter *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct plotter *p, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  diag_add(p->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: %s", p->run_h5, msg);
  return -1;
}

static char *unit_of(hid_t file, const char *path)
{
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  char *unit = d >= 0 ? runfile_attr_string(d, "unit") : NULL;
  if (d >= 0)
    H5Dclose(d);
  return unit ? unit : strdup("");
}

/* Beyond this many points a marker per point hides the line. */
#define PLOT_SERIES_MARKED_POINTS 200

/* The target on metric `name`, or NaN. */
static double target_on(const struct plotter *p, const char *name)
{
  for (long i = 0; i < p->n_targets; i++)
    if (strcmp(p->target_metric[i], name) == 0 && isfinite(p->target_value[i]))
      return p->target_value[i];
  return NAN;
}

static int plot_series(struct plotter *p, const char *name)
{
  double *t, *v;
  long n = runfile_series(p->file, name, &t, &v);
  if (n <= 0) /* none: nothing to draw */
    return n < 0 ? failf(p, "cannot read /" H5_GROUP_TIMESERIES "/%s", name) : 0;
  double unit_s, lo = INFINITY, hi = -INFINITY, target = target_on(p, name);
  const char *tunit = axes_time_unit(t[n - 1], &unit_s);
  bool logy = axes_log_worthy(v, (size_t)n) && !(target <= 0);
  char data[128], safe[256], outbase[4400], path[512];
  snprintf(data, sizeof(data), "%s/series.dat", gnuplot_tmpdir(p->gp));
  FILE *f = fopen(data, "w");
  for (long i = 0; i < n; i++)
    if (isfinite(v[i]))
      lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
  if (f)
    gnuplot_write_series(f, t, v, n, unit_s);
  free(t), free(v);
  if (!f || fclose(f) != 0)
    return failf(p, "cannot write %s: %s", data, strerror(errno));
  paths_safe_name(name, safe, sizeof(safe));
  snprintf(outbase, sizeof(outbase), "%s/timeseries-%s", gnuplot_outdir(p->gp), safe);
  snprintf(path, sizeof(path), H5_GROUP_TIMESERIES "/%s", name);
  char *unit = unit_of(p->file, path), label[256], title[256];
  gnuplot_text(unit, label, sizeof(label));
  free(unit);
  gnuplot_text(name, title, sizeof(title));
  char extra[160] = "";
  if (isfinite(target) && isfinite(lo) && (target < lo || target > hi)) {
    axes_include(&lo, &hi, target, logy); /* the target line stays in view */
    snprintf(extra, sizeof(extra), "; target=%.17g; ymin=%.17g; ymax=%.17g", target, lo, hi);
  } else if (isfinite(target)) {
    snprintf(extra, sizeof(extra), "; target=%.17g", target);
  }
  char *params;
  if (asprintf(&params, "datafile='%s'; outbase='%s'; title='%s'; tunit='%s'; "
               "ylabel='%s (%s)'; vunit='%s'; logy=%d; markers=%d%s", data, outbase, title, tunit,
               title, label, label, logy, n <= PLOT_SERIES_MARKED_POINTS, extra) < 0)
    return failf(p, "out of memory");
  int rc = gnuplot_draw(p->gp, "timeseries.gp", params, outbase);
  free(params);
  return rc;
}

/* The CDF's points: (first lower edge, 0) then (upper edge, cumulative fraction) per bin,
 * drawn as steps; *lo and *hi the values' range. */
static int write_cdf(struct plotter *p, const char *path, const char *data, double *lo,
                     double *hi)
{
  double *lower, *upper, *weight;
  long n = runfile_column_double(p->file, path, "lower", &lower);
  if (n <= 0)
    return n < 0 ? failf(p, "cannot read /%s", path) : 1;
  if (runfile_column_double(p->file, path, "upper", &upper) != n ||
      runfile_column_double(p->file, path, "weight", &weight) != n) {
    free(lower);
    return failf(p, "cannot read /%s", path);
  }
  double total = 0, cum = 0;
  for (long i = 0; i < n; i++)
    total += weight[i];
  FILE *f = fopen(data, "w");
  *lo = lower[0] > 0 ? lower[0] : upper[0];
  *hi = upper[n - 1];
  if (f && lower[0] > 0)
    fprintf(f, "%.17g 0\n", lower[0]);
  for (long i = 0; f && i < n; i++) {
    cum += weight[i];
    fprintf(f, "%.17g %.17g\n", upper[i], total > 0 ? cum / total : 0);
  }
  free(lower), free(upper), free(weight);
  if (!f || fclose(f) != 0)
    return failf(p, "cannot write %s: %s", data, strerror(errno));
  return 0;
}

/* The targets on a distribution: those named <name>_p50, _p90, _p99, _max. */
static void distribution_targets(struct plotter *p, const char *name, char *values, size_t nv,
                                 char *names, size_t nn)
{
  static const char *const suffix[] = {"_p50", "_p90", "_p99", "_max"};
  size_t len = strlen(name), uv = 0, un = 0;
  values[0] = names[0] = '\0';
  for (long i = 0; i < p->n_targets; i++) {
    const char *m = p->target_metric[i];
    if (strncmp(m, name, len) != 0 || !isfinite(p->target_value[i]))
      continue;
    for (size_t k = 0; k < 4; k++) {
      if (strcmp(m + len, suffix[k]) != 0)
        continue;
      uv += (size_t)snprintf(values + uv, uv < nv ? nv - uv : 0, "%s%.17g", uv ? " " : "",
                             p->target_value[i]);
      un += (size_t)snprintf(names + un, un < nn ? nn - un : 0, "%s%s", un ? " " : "", suffix[k] + 1);
    }
  }
}

static int plot_distribution(struct plotter *p, const char *name)
{
  char path[512], data[128], safe[256], outbase[4400];
  snprintf(path, sizeof(path), H5_GROUP_DISTRIBUTIONS "/%s", name);
  snprintf(data, sizeof(data), "%s/distribution.dat", gnuplot_tmpdir(p->gp));
  double lo = 0, hi = 0;
  int rc = write_cdf(p, path, data, &lo, &hi);
  if (rc != 0)
    return rc < 0 ? rc : 0; /* an empty distribution has nothing to draw */
  hid_t d = H5Dopen2(p->file, path, H5P_DEFAULT);
  double p50 = 0, p99 = 0, count = 0;
  runfile_attr_double(d, "p50", &p50);
  runfile_attr_double(d, "p99", &p99);
  runfile_attr_double(d, "count", &count);
  H5Dclose(d);
  char *unit = unit_of(p->file, path), label[256], title[256];
  gnuplot_text(unit, label, sizeof(label));
  free(unit);
  gnuplot_text(name, title, sizeof(title));
  paths_safe_name(name, safe, sizeof(safe));
  snprintf(outbase, sizeof(outbase), "%s/distribution-%s", gnuplot_outdir(p->gp), safe);
  char values[1024], names[2048];
  distribution_targets(p, name, values, sizeof(values), names, sizeof(names));
  for (char *w = values, *end; *w; w = end) { /* every target line in view */
    double v = strtod(w, &end);
    if (end == w)
      break;
    if (v > 0)
      axes_include(&lo, &hi, v, true);
  }
  if (!(hi > lo))
    lo /= 1.2, hi *= 1.2; /* one bin: a range around it */
  bool logx = hi / lo > 100; /* within two decades a linear axis has readable ticks */
  if (!logx)
    lo = 0;
  char *params;
  if (asprintf(&params,
               "datafile='%s'; outbase='%s'; title='%s (%.0f samples)'; xlabel='%s (%s)'; "
               "xmin=%.17g; xmax=%.17g; logx=%d; p50=%.17g; p99=%.17g; p50_right=%d; "
               "p99_right=%d; targets='%s'; target_names='%s'",
               data, outbase, title, count, title, label, lo, hi, logx, p50, p99,
               axes_position(p50, lo, hi, logx) > 0.7, axes_position(p99, lo, hi, logx) > 0.7,
               values, names) < 0)
    return failf(p, "out of memory");
  rc = gnuplot_draw(p->gp, "distribution.gp", params, outbase);
  free(params);
  return rc;
}

/* Runs one plotting function over every member of a group of the run file. */
static int plot_group(struct plotter *p, const char *group,
                      int (*one)(struct plotter *, const char *))
{
  char **names;
  long n = runfile_list(p->file, group, &names);
  int rc = 0;
  for (long i = 0; rc == 0 && i < n; i++)
    rc = one(p, names[i]);
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
  return rc;
}

/* The targets, if any: a run without targets has an empty or no /targets. */
static void read_targets(struct plotter *p)
{
  p->n_targets = runfile_column_string(p->file, H5_DATASET_TARGETS, "metric", &p->target_metric);
  if (p->n_targets > 0 && runfile_column_double(p->file, H5_DATASET_TARGETS, "target",
                                                 &p->target_value) != p->n_targets) {
    runfile_strings_free(p->target_metric, (size_t)p->n_targets);
    p->target_metric = NULL;
    p->n_targets = 0;
  }
  if (p->n_targets < 0)
    p->n_targets = 0;
}

enum depin_status plot_run(const char *run_h5, const char *outdir, char ***written,
                           size_t *n_written, diag_t *diag)
{
  *written = NULL;
  *n_written = 0;
  struct h5_quiet quiet = h5_quiet_begin();
  struct plotter p = {.run_h5 = run_h5, .diag = diag, .file = -1};
  enum depin_status st = runfile_open(run_h5, &p.file, diag);
  if (st == DEPIN_OK) {
    p.gp = gnuplot_new(outdir, run_h5, diag);
    read_targets(&p);
    int rc = p.gp ? 0 : -1;
    rc = rc ? rc : plot_group(&p, H5_GROUP_TIMESERIES, plot_series);
    rc = rc ? rc : plot_group(&p, H5_GROUP_DISTRIBUTIONS, plot_distribution);
    st = rc ? DEPIN_EIO : DEPIN_OK;
    H5Fclose(p.file);
  }
  char **drawn = NULL;
  size_t n_drawn = 0;
  if (p.gp)
    drawn = gnuplot_take_written(p.gp, &n_drawn);
  gnuplot_free(p.gp);
  runfile_strings_free(p.target_metric, (size_t)(p.n_targets > 0 ? p.n_targets : 0));
  free(p.target_value);
  h5_quiet_end(quiet);
  if (st != DEPIN_OK) {
    runfile_strings_free(drawn, n_drawn);
    return st;
  }
  *written = drawn;
  *n_written = n_drawn;
  return DEPIN_OK;
}
