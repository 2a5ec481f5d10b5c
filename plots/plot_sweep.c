/* plot_sweep.c: figures of a sweep file: a metric against a parameter, heat maps over two
 * (plot_sweep.h). The /points columns are read by name; rows are grouped in memory and each
 * figure's data goes to a text file that a plots/ script draws. */
#include "plots/plot_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "plots/axes.h"
#include "plots/gnuplot.h"
#include "sim/base/paths.h"
#include "plots/sweep_bands.h"
#include "sim/base/strfmt.h"
#include "sim/base/units.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/results/stats.h"

/* More combinations of the other parameters than this are drawn as one spread. */
#define PLOT_SWEEP_MAX_LINES 8

struct column {
  char *name, *unit;
  double *v; /* one per row */
};

/* A swept key whose values are text (dissemination kind: parts, compact): no axis, but it
 * tells points apart in the lines' groups. */
struct text_column {
  char *name;
  char **v; /* one per row */
};

struct sweep_table {
  long rows;
  double *pass;
  struct column *params, *metrics;
  size_t n_params, n_metrics;
  struct text_column *texts;
  size_t n_texts;
  char **target_metric;   /* "metric op value" lines split */
  double *target_value;
  size_t n_targets;
};

static void column_fini(struct column *c)
{
  free(c->name), free(c->unit), free(c->v);
}

static void table_fini(struct sweep_table *t)
{
  for (size_t i = 0; i < t->n_texts; i++) {
    free(t->texts[i].name);
    runfile_strings_free(t->texts[i].v, (size_t)t->rows);
  }
  free(t->texts);
  for (size_t i = 0; i < t->n_params; i++)
    column_fini(&t->params[i]);
  for (size_t i = 0; i < t->n_metrics; i++)
    column_fini(&t->metrics[i]);
  for (size_t i = 0; i < t->n_targets; i++)
    free(t->target_metric[i]);
  free(t->params), free(t->metrics), free(t->pass), free(t->target_metric);
  free(t->target_value);
}

bool plot_sweep_is_sweep(hid_t file)
{
  return h5_exists(file, H5_DATASET_POINTS);
}

/* A string attribute of /meta, owned, "" when absent. */
static bool in_lines(const char *lines, const char *name)
{
  size_t len = strlen(name);
  for (const char *p = lines; *p; p += strcspn(p, "\n"), p += *p == '\n')
    if (strncmp(p, name, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
      return true;
  return false;
}

static void read_targets(hid_t file, struct sweep_table *t)
{
  char *lines = runfile_meta_string(file, "targets"), *save = NULL;
  for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char metric[256], op[8], value[64];
    double v;
    int kind;
    if (sscanf(line, "%255s %7s %63s", metric, op, value) != 3 ||
        (kind = units_kind_of(value)) < 0 || units_parse(value, kind, &v, NULL) < 0)
      continue;
    t->target_metric = realloc(t->target_metric, (t->n_targets + 1) * sizeof(char *));
    t->target_value = realloc(t->target_value, (t->n_targets + 1) * sizeof(double));
    xbt_assert(t->target_metric && t->target_value, "out of memory");
    t->target_metric[t->n_targets] = strdup(metric);
    t->target_value[t->n_targets++] = v;
  }
  free(lines);
}

static bool has_target(const struct sweep_table *t, const char *metric, double *value)
{
  for (size_t i = 0; i < t->n_targets; i++)
    if (!strcmp(t->target_metric[i], metric))
      return *value = t->target_value[i], true;
  return false;
}

/* Reads the numeric parameter and metric columns of /points. Returns 0 or -1. */
static int read_table(hid_t file, struct sweep_table *t)
{
  static const char *const fixed[] = {"id", "sample", "replication", "seed", "pass",
                                      "exit_code", "error", "run_file", NULL};
  t->rows = runfile_column_double(file, H5_DATASET_POINTS, "pass", &t->pass);
  if (t->rows < 0)
    return -1;
  char *params = runfile_meta_string(file, "parameters");
  hid_t d = H5Dopen2(file, H5_DATASET_POINTS, H5P_DEFAULT), type = H5Dget_type(d);
  int n = H5Tget_nmembers(type);
  t->params = calloc((size_t)n + 1, sizeof(struct column));
  t->metrics = calloc((size_t)n + 1, sizeof(struct column));
  xbt_assert(t->params && t->metrics, "out of memory");
  t->texts = calloc((size_t)n + 1, sizeof(struct text_column));
  xbt_assert(t->texts, "out of memory");
  for (int i = 0; i < n; i++) {
    char *name = H5Tget_member_name(type, (unsigned)i);
    struct text_column *tc = &t->texts[t->n_texts];
    if (H5Tget_member_class(type, (unsigned)i) == H5T_STRING && in_lines(params, name) &&
        runfile_column_string(file, H5_DATASET_POINTS, name, &tc->v) == t->rows) {
      tc->name = strdup(name);
      t->n_texts++;
    }
    bool skip = H5Tget_member_class(type, (unsigned)i) != H5T_FLOAT;
    for (size_t k = 0; fixed[k] && !skip; k++)
      skip = !strcmp(name, fixed[k]);
    if (skip) {
      H5free_memory(name);
      continue;
    }
    bool param = in_lines(params, name);
    struct column *c = param ? &t->params[t->n_params++] : &t->metrics[t->n_metrics++];
    char unit_attr[512];
    snprintf(unit_attr, sizeof(unit_attr), "%s.unit", name);
    c->name = strdup(name);
    c->unit = runfile_attr_string(d, unit_attr);
    c->unit = c->unit ? c->unit : strdup("");
    runfile_column_double(file, H5_DATASET_POINTS, name, &c->v);
    H5free_memory(name);
  }
  H5Tclose(type);
  H5Dclose(d);
  free(params);
  read_targets(file, t);
  return 0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The sorted distinct values of a column over the usable rows; returns the count. */
static size_t distinct(const struct sweep_table *t, const double *v, const double *metric,
                       double *out)
{
  size_t n = 0;
  for (long r = 0; r < t->rows; r++)
    if (t->pass[r] >= 0 && isfinite(metric[r]) && isfinite(v[r]))
      out[n++] = v[r];
  qsort(out, n, sizeof(double), cmp_double);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || out[i] != out[k - 1])
      out[k++] = out[i];
  return k;
}

static void label(const struct column *c, char *buf, size_t n)
{
  char safe[256], unit[256];
  paths_safe_name(c->name, safe, sizeof(safe));
  gnuplot_text(c->unit, unit, sizeof(unit));
  if (c->unit[0])
    snprintf(buf, n, "%s (%s)", safe, unit);
  else
    snprintf(buf, n, "%s", safe);
}

/* The combination of the parameters other than p in row r, as one word. */
static void group_key(const struct sweep_table *t, size_t p, long r, char *buf, size_t n)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t q = 0; q < t->n_params && used < n; q++)
    if (q != p)
      used += (size_t)snprintf(buf + used, n - used, "%s%s=%g%s", used ? "," : "",
                               t->params[q].name, t->params[q].v[r], t->params[q].unit);
  for (size_t q = 0; q < t->n_texts && used < n; q++)
    used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", used ? "," : "", t->texts[q].name,
                             t->texts[q].v[r]);
  if (!buf[0])
    snprintf(buf, n, "all");
}

static int draw_line(gnuplot_t *g, const struct sweep_table *t, size_t p, const struct column *m)
{
  const struct column *x = &t->params[p];
  double *xs = calloc((size_t)t->rows + 1, sizeof(double));
  char (*groups)[256] = calloc(PLOT_SWEEP_MAX_LINES + 1, 256), key[256];
  xbt_assert(xs && groups, "out of memory");
  size_t nx = distinct(t, x->v, m->v, xs), ng = 0;
  /* swept values over two decades (link speeds from 100 Mbps to 10 Gbps) read on a log axis */
  bool logx = nx > 1 && xs[0] > 0 && xs[nx - 1] / xs[0] >= 50;
  for (long r = 0; r < t->rows && ng <= PLOT_SWEEP_MAX_LINES; r++) {
    if (t->pass[r] < 0 || !isfinite(m->v[r]))
      continue;
    group_key(t, p, r, key, sizeof(key));
    bool seen = false;
    for (size_t k = 0; k < ng && !seen; k++)
      seen = !strcmp(groups[k], key);
    if (!seen && ng <= PLOT_SWEEP_MAX_LINES)
      snprintf(groups[ng++], 256, "%s", key);
  }
  bool lumped = ng > PLOT_SWEEP_MAX_LINES || ng == 0;
  if (lumped) /* the bars then span configurations, not only replications: say so */
    snprintf(groups[0], 256, "%s", ng == 0 ? "all" : "all_other_settings_pooled"), ng = 1;
  char data[128], titles[PLOT_SWEEP_MAX_LINES * 260] = "";
  snprintf(data, sizeof(data), "%s/line.dat", gnuplot_tmpdir(g));
  FILE *f = fopen(data, "w");
  for (size_t k = 0; f && k < ng; k++) {
    char safe[256]; /* one word per group: titles are split at spaces */
    gnuplot_text(groups[k], safe, sizeof(safe));
    for (char *c = safe; *c; c++)
      *c = *c == ' ' ? '_' : *c;
    strcat(strcat(titles, k ? " " : ""), safe);
    for (size_t i = 0; i < nx; i++) {
      double sum = 0, sq = 0;
      int count = 0;
      for (long r = 0; r < t->rows; r++) {
        if (t->pass[r] < 0 || !isfinite(m->v[r]) || x->v[r] != xs[i])
          continue;
        group_key(t, p, r, key, sizeof(key));
        if (!lumped && strcmp(key, groups[k]))
          continue;
        sum += m->v[r], sq += m->v[r] * m->v[r], count++;
      }
      if (count) {
        double mean = sum / count, half = stats_confidence95(sum, sq, (size_t)count);
        fprintf(f, "%.17g %.17g %.17g %.17g %d\n", xs[i], mean, mean - half, mean + half, count);
      }
    }
    fprintf(f, "\n\n");
  }
  free(xs), free(groups);
  if (!f || fclose(f) != 0)
    return -1;
  char xl[520], yl[520], safe_m[256], safe_x[256], outbase[4400], target[400] = "";
  double tv;
  label(x, xl, sizeof(xl)), label(m, yl, sizeof(yl));
  paths_safe_name(m->name, safe_m, sizeof(safe_m));
  paths_safe_name(x->name, safe_x, sizeof(safe_x));
  snprintf(outbase, sizeof(outbase), "%s/sweep-%s-vs-%s", gnuplot_outdir(g), safe_m, safe_x);
  char vunit[256];
  gnuplot_text(m->unit, vunit, sizeof(vunit));
  if (has_target(t, m->name, &tv))
    snprintf(target, sizeof(target), "; target=%.17g; vunit='%s'", tv, vunit);
  char *params = strfmt("datafile='%s'; ngroups=%zu; logx=%d; titles='%s'; outbase='%s'; "
                        "title='%s against %s (mean over replications, 95%% confidence interval)'; "
                        "xlabel='%s'; ylabel='%s'%s",
                        data, ng, logx, titles, outbase, safe_m, safe_x, xl, yl, target);
  int rc = gnuplot_draw(g, "sweep-line.gp", params, outbase);
  free(params);
  return rc;
}

static int draw_heatmap(gnuplot_t *g, const struct sweep_table *t, size_t p, size_t q,
                        const struct column *m)
{
  const struct column *x = &t->params[p], *y = &t->params[q];
  double *xs = calloc((size_t)t->rows + 1, sizeof(double));
  double *ys = calloc((size_t)t->rows + 1, sizeof(double));
  xbt_assert(xs && ys, "out of memory");
  size_t nx = distinct(t, x->v, m->v, xs), ny = distinct(t, y->v, m->v, ys);
  /* a full grid is drawn as cells at the values' ranks, labelled with the values, so unevenly
   * spaced values still give equal cells; samples are drawn at their values */
  size_t cells = 0;
  for (size_t i = 0; i < nx; i++)
    for (size_t j = 0; j < ny; j++)
      for (long r = 0; r < t->rows; r++)
        if (t->pass[r] >= 0 && isfinite(m->v[r]) && x->v[r] == xs[i] && y->v[r] == ys[j]) {
          cells++;
          break;
        }
  bool grid = cells == nx * ny && nx > 1 && ny > 1;
  char data[128];
  snprintf(data, sizeof(data), "%s/heatmap.dat", gnuplot_tmpdir(g));
  FILE *f = fopen(data, "w");
  double zlo = INFINITY, zhi = -INFINITY;
  for (size_t i = 0; f && i < nx; i++)
    for (size_t j = 0; j < ny; j++) {
      double sum = 0;
      int count = 0;
      for (long r = 0; r < t->rows; r++)
        if (t->pass[r] >= 0 && isfinite(m->v[r]) && x->v[r] == xs[i] && y->v[r] == ys[j])
          sum += m->v[r], count++;
      if (count)
        zlo = fmin(zlo, sum / count), zhi = fmax(zhi, sum / count);
      if (count && grid)
        fprintf(f, "%zu %zu %.17g %g %g\n", i, j, sum / count, xs[i], ys[j]);
      else if (count)
        fprintf(f, "%.17g %.17g %.17g %g %g\n", xs[i], ys[j], sum / count, xs[i], ys[j]);
    }
  free(xs), free(ys);
  if (!f || fclose(f) != 0)
    return -1;
  if (cells == 0)
    return 0;
  char xl[520], yl[520], zl[520], sm[256], sx[256], sy[256], outbase[4400];
  label(x, xl, sizeof(xl)), label(y, yl, sizeof(yl)), label(m, zl, sizeof(zl));
  paths_safe_name(m->name, sm, sizeof(sm));
  paths_safe_name(x->name, sx, sizeof(sx));
  paths_safe_name(y->name, sy, sizeof(sy));
  snprintf(outbase, sizeof(outbase), "%s/sweep-%s-%s-%s", gnuplot_outdir(g), sm, sx, sy);
  /* Differences under 1% of the value get a colour scale of +-1% around it: a palette
   * stretched over a one-in-a-million difference paints noise as a strong effect. */
  char range[128] = "";
  double mid = (zlo + zhi) / 2, floor_half = 0.01 * fabs(mid);
  if (isfinite(mid) && mid != 0 && (zhi - zlo) / 2 < floor_half)
    snprintf(range, sizeof(range), "; cbmin=%.17g; cbmax=%.17g", mid - floor_half,
             mid + floor_half);
  char *params = strfmt("datafile='%s'; style='%s'; outbase='%s'; title='%s (mean over "
                        "replications%s)'; xlabel='%s'; ylabel='%s'; zlabel='%s'%s",
                        data, grid ? "boxes" : "points", outbase, sm,
                        range[0] ? ", all within 1%" : "", xl, yl, zl, range);
  int rc = gnuplot_draw(g, "sweep-heatmap.gp", params, outbase);
  free(params);
  return rc;
}

/* Whether name is one of the comma-separated words of list. */
static bool in_list(const char *list, const char *name)
{
  size_t len = strlen(name);
  for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
    if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
      return true;
  return false;
}

/* Each name of list is a metric of t; otherwise each one that is not is reported. */
static bool metrics_known(const struct sweep_table *t, const char *list, const char *sweep_h5,
                          diag_t *diag)
{
  bool ok = true;
  char *copy = strdup(list), *save = NULL;
  for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
    bool found = false;
    for (size_t m = 0; m < t->n_metrics && !found; m++)
      found = !strcmp(t->metrics[m].name, w);
    if (found)
      continue;
    char *allowed = strdup("");
    for (size_t m = 0; m < t->n_metrics; m++) {
      char *more = strfmt("%s%s%s", allowed, m ? ", " : "", t->metrics[m].name);
      free(allowed);
      allowed = more;
    }
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: no metric '%s' in the sweep (allowed: %s)",
             sweep_h5, w, allowed);
    free(allowed);
    ok = false;
  }
  free(copy);
  return ok;
}

enum depin_status plot_sweep(const char *sweep_h5, const char *outdir, const char *metrics,
                             char ***written, size_t *n_written, diag_t *diag)
{
  *written = NULL;
  *n_written = 0;
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t file;
  struct sweep_table t = {0};
  gnuplot_t *g = NULL;
  enum depin_status st = runfile_open(sweep_h5, &file, diag);
  if (st != DEPIN_OK)
    goto done;
  if (read_table(file, &t) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot read /" H5_DATASET_POINTS, sweep_h5);
    st = DEPIN_EIO;
  } else if (metrics && !metrics_known(&t, metrics, sweep_h5, diag)) {
    st = DEPIN_EINVAL; /* before gnuplot_new makes the output folder: nothing written */
  } else if (!(g = gnuplot_new(outdir, sweep_h5, diag))) {
    st = DEPIN_EIO;
  }
  H5Fclose(file);
  double unused;
  bool any_target = false;
  for (size_t m = 0; m < t.n_metrics; m++)
    any_target |= has_target(&t, t.metrics[m].name, &unused);
  for (size_t m = 0; g && st == DEPIN_OK && m < t.n_metrics; m++) {
    if (metrics ? !in_list(metrics, t.metrics[m].name)
                : any_target && !has_target(&t, t.metrics[m].name, &unused))
      continue;
    for (size_t p = 0; st == DEPIN_OK && p < t.n_params; p++) {
      if (draw_line(g, &t, p, &t.metrics[m]) < 0)
        st = DEPIN_EIO;
      for (size_t q = p + 1; st == DEPIN_OK && q < t.n_params; q++)
        if (draw_heatmap(g, &t, p, q, &t.metrics[m]) < 0)
          st = DEPIN_EIO;
    }
  }
  if (g && st == DEPIN_OK && !metrics && sweep_bands_draw(g, sweep_h5) != 0)
    st = DEPIN_EIO;
  if (g && st == DEPIN_OK)
    *written = gnuplot_take_written(g, n_written);
done:
  gnuplot_free(g);
  table_fini(&t);
  h5_quiet_end(quiet);
  return st;
}
