/* sweep_bands.c: a sweep's time series across replications (sweep_bands.h). */
#include "plots/sweep_bands.h"

#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/axes.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"

/* Points of a sweep: each row's run file, whether it ran, and its swept values. */
struct points {
  long rows;
  char **run_file;
  double *pass;
  double **param; /* per swept key, per row */
  char **param_name;
  size_t n_params;
  char *dir;      /* the sweep file's folder: run files are relative to it */
};

static void points_free(struct points *p)
{
  if (p->run_file)
    runfile_strings_free(p->run_file, (size_t)p->rows);
  for (size_t i = 0; i < p->n_params; i++)
    free(p->param[i]), free(p->param_name[i]);
  free(p->param), free(p->param_name), free(p->pass), free(p->dir);
}

static bool points_read(const char *sweep_h5, struct points *p)
{
  *p = (struct points){0};
  hid_t file = H5Fopen(sweep_h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return false;
  p->rows = runfile_column_string(file, H5_DATASET_POINTS, "run_file", &p->run_file);
  bool ok = p->rows > 0 &&
            runfile_column_double(file, H5_DATASET_POINTS, "pass", &p->pass) == p->rows;
  char *params = runfile_meta_string(file, "parameters"), *save = NULL;
  for (char *w = strtok_r(params, "\n", &save); ok && w; w = strtok_r(NULL, "\n", &save)) {
    double *v = NULL;
    if (runfile_column_double(file, H5_DATASET_POINTS, w, &v) != p->rows) {
      free(v);
      continue; /* a text value: not a numeric parameter */
    }
    p->param = realloc(p->param, (p->n_params + 1) * sizeof(double *));
    p->param_name = realloc(p->param_name, (p->n_params + 1) * sizeof(char *));
    p->param[p->n_params] = v;
    p->param_name[p->n_params++] = strdup(w);
  }
  free(params);
  H5Fclose(file);
  const char *slash = strrchr(sweep_h5, '/');
  p->dir = slash ? strfmt("%.*s", (int)(slash - sweep_h5), sweep_h5) : strfmt(".");
  return ok;
}

static bool same_point(const struct points *p, long a, long b)
{
  for (size_t i = 0; i < p->n_params; i++)
    if (p->param[i][a] != p->param[i][b])
      return false;
  return true;
}

/* "key=value, key=value" of row r: the label of its point. */
static char *point_label(const struct points *p, long r)
{
  char *s = strfmt("%s", p->n_params ? "" : "all");
  for (size_t i = 0; i < p->n_params; i++) {
    char *more = strfmt("%s%s%s=%g", s, i ? ", " : "", p->param_name[i], p->param[i][r]);
    free(s);
    s = more;
  }
  return s;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The q-quantile of v[0 .. n) (sorted in place), interpolated. */
static double quantile(double *v, size_t n, double q)
{
  qsort(v, n, sizeof(double), cmp_double);
  double at = q * (double)(n - 1);
  size_t i = (size_t)floor(at);
  return i + 1 < n ? v[i] + (at - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* One block: the point's label, then time, median, 5th and 95th percentile across the
 * replications' series (cut to the shortest). Returns whether it wrote one. */
static bool write_band(FILE *f, const struct points *p, const char *series, long first,
                       double unit_s, double *span)
{
  double **t = NULL, **v = NULL;
  long *len = NULL, shortest = -1;
  size_t reps = 0;
  for (long r = first; r < p->rows; r++) {
    if (p->pass[r] < 0 || !same_point(p, first, r))
      continue;
    char *path = strfmt("%s/%s", p->dir, p->run_file[r]);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    free(path);
    if (file < 0)
      continue;
    t = realloc(t, (reps + 1) * sizeof(double *));
    v = realloc(v, (reps + 1) * sizeof(double *));
    len = realloc(len, (reps + 1) * sizeof(long));
    t[reps] = v[reps] = NULL;
    len[reps] = runfile_series(file, series, &t[reps], &v[reps]);
    H5Fclose(file);
    if (len[reps] > 0) {
      shortest = shortest < 0 ? len[reps] : (len[reps] < shortest ? len[reps] : shortest);
      reps++;
    } else {
      free(t[reps]), free(v[reps]);
    }
  }
  bool wrote = reps >= 2 && shortest > 0;
  if (wrote) {
    char *label = point_label(p, first);
    gnuplot_data_label(f, label);
    free(label);
    double *at = malloc(reps * sizeof(double));
    for (long i = 0; i < shortest; i++) {
      for (size_t k = 0; k < reps; k++)
        at[k] = v[k][i];
      double median = quantile(at, reps, 0.5), lo = quantile(at, reps, 0.05);
      double hi = quantile(at, reps, 0.95);
      fprintf(f, "%.17g %.17g %.17g %.17g\n", t[0][i] / unit_s, median, lo, hi);
    }
    fputs("\n\n", f);
    *span = fmax(*span, t[0][shortest - 1]);
    free(at);
  }
  for (size_t k = 0; k < reps; k++)
    free(t[k]), free(v[k]);
  free(t), free(v), free(len);
  return wrote;
}

/* The span of the first point's series, for the time unit, and its unit (owned). */
static double first_span(const struct points *p, const char *series, char **unit)
{
  *unit = NULL;
  for (long r = 0; r < p->rows; r++) {
    if (p->pass[r] < 0)
      continue;
    char *path = strfmt("%s/%s", p->dir, p->run_file[r]);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    free(path);
    double *t = NULL, *v = NULL, span = 0;
    long n = file >= 0 ? runfile_series(file, series, &t, &v) : -1;
    if (n > 0) {
      span = t[n - 1];
      char *set = strfmt(H5_GROUP_TIMESERIES "/%s", series);
      hid_t d = H5Dopen2(file, set, H5P_DEFAULT);
      *unit = d >= 0 ? runfile_attr_string(d, "unit") : NULL;
      if (d >= 0)
        H5Dclose(d);
      free(set);
    }
    if (file >= 0)
      H5Fclose(file);
    free(t), free(v);
    if (n > 0)
      return span;
  }
  return 0;
}

static int draw_series(gnuplot_t *g, const struct points *p, const char *series)
{
  double unit_s, span = 0;
  char *unit = NULL, label[256];
  const char *tunit = axes_time_unit(first_span(p, series, &unit), &unit_s);
  gnuplot_text(unit ? unit : "", label, sizeof(label));
  free(unit);
  char data[160], title[256], safe[256], outbase[4400];
  snprintf(data, sizeof(data), "%s/bands.dat", gnuplot_tmpdir(g));
  FILE *f = fopen(data, "w");
  if (!f)
    return -1;
  bool *done = calloc((size_t)p->rows + 1, sizeof(bool));
  size_t blocks = 0;
  for (long r = 0; r < p->rows && blocks < 8; r++) {
    if (done[r] || p->pass[r] < 0)
      continue;
    for (long k = r; k < p->rows; k++)
      done[k] = done[k] || same_point(p, r, k);
    blocks += write_band(f, p, series, r, unit_s, &span);
  }
  free(done);
  if (fclose(f) != 0 || blocks == 0)
    return 0; /* no point ran twice: no band to draw */
  gnuplot_text(series, title, sizeof(title));
  paths_safe_name(series, safe, sizeof(safe));
  snprintf(outbase, sizeof(outbase), "%s/sweep-timeseries-%s", gnuplot_outdir(g), safe);
  char *params = strfmt("datafile='%s'; npoints=%zu; outbase='%s'; title='%s (median and "
                        "90%% band over replications)'; ylabel='%s (%s)'; tunit='%s'", data,
                        blocks, outbase, title, title, label, tunit);
  int rc = gnuplot_draw(g, "sweep-bands.gp", params, outbase);
  free(params);
  return rc;
}

int sweep_bands_draw(gnuplot_t *g, const char *sweep_h5)
{
  struct points p;
  if (!points_read(sweep_h5, &p)) {
    points_free(&p);
    return 0;
  }
  char **names = NULL;
  long n = -1;
  for (long r = 0; r < p.rows && n < 0; r++) { /* the series the first run that ran has */
    if (p.pass[r] < 0)
      continue;
    char *path = strfmt("%s/%s", p.dir, p.run_file[r]);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    free(path);
    if (file >= 0) {
      n = runfile_list(file, H5_GROUP_TIMESERIES, &names);
      H5Fclose(file);
    }
  }
  int rc = 0;
  for (long i = 0; i < n && rc == 0; i++)
    rc = draw_series(g, &p, names[i]);
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
  points_free(&p);
  return rc;
}
