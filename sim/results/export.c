/* export.c: CSV files and a LaTeX table from a run or sweep file (export.h). */
#include "sim/results/export.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/mem.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/results/stats.h"

/* Columns of the sweep's /points that are not swept values or metrics. */
static const char *const point_fixed[] = {"id", "sample", "replication", "seed", "pass",
                                          "exit_code", "error", "run_file", NULL};

/* ---------------------------------------------------------------- text */

/* s as a CSV field: quoted when it holds a comma, a quote or a line end (quotes doubled). */
static void csv_field(FILE *out, const char *s)
{
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

/* s with LaTeX's special characters escaped. */
static void latex_text(FILE *out, const char *s)
{
  for (; *s; s++) {
    if (strchr("&%$#_{}", *s))
      fprintf(out, "\\%c", *s);
    else if (*s == '\\')
      fputs("\\textbackslash{}", out);
    else if (*s == '~' || *s == '^')
      fprintf(out, "\\%c{}", *s);
    else
      fputc(*s, out);
  }
}

/* prefix + name + ".csv", name made a safe file name. */
static char *file_name(const char *prefix, const char *name)
{
  char safe[256];
  paths_safe_name(name, safe, sizeof(safe));
  return strfmt("%s%s.csv", prefix, safe);
}

/* ---------------------------------------------------------------- output files */

struct outputs {
  char *dir;
  char **paths;
  size_t n, cap;
  diag_t *diag;
  int failed;
};

/* A staged file in the output folder; NULL (reported) when it cannot be made. */
static FILE *output_open(struct outputs *o, const char *name, struct paths_staged *s)
{
  char *path = strfmt("%s/%s", o->dir, name);
  FILE *f = paths_stage_open(path, s);
  if (!f) {
    diag_add(o->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", path,
             strerror(errno));
    o->failed = 1;
  }
  free(path);
  return f;
}

static void output_close(struct outputs *o, const char *name, FILE *f, struct paths_staged *s)
{
  char *path = strfmt("%s/%s", o->dir, name);
  if (fclose(f) != 0 || paths_commit(s, path) != 0) {
    diag_add(o->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", path,
             strerror(errno));
    o->failed = 1;
    paths_discard(s);
    free(path);
    return;
  }
  if (o->n == o->cap) {
    o->cap = o->cap ? 2 * o->cap : 16;
    o->paths = realloc(o->paths, o->cap * sizeof(char *));
  }
  o->paths[o->n++] = path;
}

/* ---------------------------------------------------------------- tables */

/* A compound dataset read into memory as doubles, int64s and strings, member by member. */
struct table {
  size_t rows, cols;
  char **names, **units;
  char *kinds;      /* 'd' double, 'i' int64, 's' string, per column */
  size_t *offset, row_size;
  unsigned char *data;
};

static void table_free(struct table *t)
{
  for (size_t c = 0; c < t->cols; c++)
    free(t->names[c]), free(t->units[c]);
  free(t->names), free(t->units), free(t->kinds), free(t->offset), free(t->data);
}

/* Reads the compound 1-D dataset `path` of loc; false when it is not one. Members of other
 * classes (arrays, nested compounds) are left out. */
static bool table_read(hid_t loc, const char *path, struct table *t)
{
  *t = (struct table){0};
  if (!h5_exists(loc, path))
    return false;
  hid_t d = H5Dopen2(loc, path, H5P_DEFAULT), type = H5Dget_type(d), space = H5Dget_space(d);
  bool ok = H5Tget_class(type) == H5T_COMPOUND && H5Sget_simple_extent_ndims(space) == 1;
  hsize_t rows = 0;
  if (ok)
    H5Sget_simple_extent_dims(space, &rows, NULL);
  int members = ok ? H5Tget_nmembers(type) : 0;
  t->names = mem_calloc((size_t)members + 1, sizeof(char *));
  t->units = mem_calloc((size_t)members + 1, sizeof(char *));
  t->kinds = mem_calloc((size_t)members + 1, 1);
  t->offset = mem_calloc((size_t)members + 1, sizeof(size_t));
  hid_t mem = H5Tcreate(H5T_COMPOUND, 1 + 64 * ((size_t)members + 1));
  for (int i = 0; ok && i < members; i++) {
    hid_t mt = H5Tget_member_type(type, (unsigned)i);
    H5T_class_t cls = H5Tget_class(mt);
    char *name = H5Tget_member_name(type, (unsigned)i);
    size_t size = 0;
    hid_t as = -1;
    if (cls == H5T_FLOAT)
      as = H5Tcopy(H5T_NATIVE_DOUBLE), t->kinds[t->cols] = 'd', size = sizeof(double);
    else if (cls == H5T_INTEGER)
      as = H5Tcopy(H5T_NATIVE_INT64), t->kinds[t->cols] = 'i', size = sizeof(int64_t);
    else if (cls == H5T_STRING && !H5Tis_variable_str(mt) && H5Tget_size(mt) <= 4096)
      as = H5Tcopy(H5T_C_S1), H5Tset_size(as, H5Tget_size(mt) + 1), t->kinds[t->cols] = 's',
      size = H5Tget_size(mt) + 1;
    if (as >= 0) {
      t->offset[t->cols] = t->row_size;
      t->row_size += size;
      H5Tset_size(mem, t->row_size + 1);
      H5Tinsert(mem, name, t->offset[t->cols], as);
      H5Tclose(as);
      char *unit_attr = strfmt("%s.unit", name);
      t->units[t->cols] = runfile_attr_string(d, unit_attr);
      free(unit_attr);
      t->names[t->cols++] = strdup(name);
    }
    H5free_memory(name);
    H5Tclose(mt);
  }
  t->rows = (size_t)rows;
  if (ok && t->cols > 0) {
    H5Tset_size(mem, t->row_size);
    t->data = mem_calloc(t->rows ? t->rows : 1, t->row_size);
    ok = t->rows == 0 || H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->data) >= 0;
  }
  H5Tclose(mem), H5Sclose(space), H5Tclose(type), H5Dclose(d);
  if (!ok || t->cols == 0)
    table_free(t);
  return ok && t->cols > 0;
}

static void *table_cell(const struct table *t, size_t row, size_t col)
{
  return t->data + row * t->row_size + t->offset[col];
}

static double table_double(const struct table *t, size_t row, size_t col)
{
  if (t->kinds[col] == 'd')
    return *(double *)table_cell(t, row, col);
  if (t->kinds[col] == 'i')
    return (double)*(int64_t *)table_cell(t, row, col);
  return NAN;
}

static void table_csv(const struct table *t, FILE *out)
{
  for (size_t c = 0; c < t->cols; c++)
    fputs(c ? "," : "", out), csv_field(out, t->names[c]);
  fputs("\n#", out);
  for (size_t c = 0; c < t->cols; c++)
    fputs(c ? "," : "", out), csv_field(out, t->units[c] ? t->units[c] : "");
  fputc('\n', out);
  for (size_t r = 0; r < t->rows; r++) {
    for (size_t c = 0; c < t->cols; c++) {
      fputs(c ? "," : "", out);
      if (t->kinds[c] == 's')
        csv_field(out, (const char *)table_cell(t, r, c));
      else if (t->kinds[c] == 'i')
        fprintf(out, "%lld", (long long)*(int64_t *)table_cell(t, r, c));
      else
        fprintf(out, "%.17g", table_double(t, r, c));
    }
    fputc('\n', out);
  }
}

/* ---------------------------------------------------------------- CSV */

static void export_table(struct outputs *o, hid_t loc, const char *path, const char *prefix,
                         const char *name)
{
  struct table t;
  if (!table_read(loc, path, &t))
    return;
  char *file = file_name(prefix, name);
  struct paths_staged s;
  FILE *f = output_open(o, file, &s);
  if (f) {
    table_csv(&t, f);
    output_close(o, file, f, &s);
  }
  free(file);
  table_free(&t);
}

static void export_summary(struct outputs *o, hid_t file)
{
  char **names = NULL, **units = NULL;
  double *values = NULL;
  long n = runfile_summary(file, &names, &values, &units);
  struct paths_staged s;
  FILE *f = n >= 0 ? output_open(o, "summary.csv", &s) : NULL;
  if (f) {
    fputs("metric,value,unit\n", f);
    for (long i = 0; i < n; i++) {
      csv_field(f, names[i]);
      fprintf(f, ",%.17g,", values[i]);
      csv_field(f, units[i]);
      fputc('\n', f);
    }
    output_close(o, "summary.csv", f, &s);
  }
  if (n >= 0)
    runfile_strings_free(names, (size_t)n), runfile_strings_free(units, (size_t)n);
  free(values);
}

static void export_series(struct outputs *o, hid_t file, const char *name)
{
  double *t = NULL, *v = NULL;
  long n = runfile_series(file, name, &t, &v);
  char *fname = file_name("timeseries-", name);
  struct paths_staged s;
  FILE *f = n >= 0 ? output_open(o, fname, &s) : NULL;
  if (f) {
    fputs("time_s,value\n", f);
    for (long i = 0; i < n; i++)
      fprintf(f, "%.17g,%.17g\n", t[i], v[i]);
    output_close(o, fname, f, &s);
  }
  free(fname), free(t), free(v);
}

/* Each member of group `group` through fn. */
static void each_in_group(struct outputs *o, hid_t file, const char *group,
                          void (*fn)(struct outputs *, hid_t, const char *))
{
  char **names = NULL;
  long n = runfile_list(file, group, &names);
  for (long i = 0; i < n; i++)
    fn(o, file, names[i]);
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
}

static void export_distribution(struct outputs *o, hid_t file, const char *name)
{
  char *path = strfmt("%s/%s", H5_GROUP_DISTRIBUTIONS, name);
  export_table(o, file, path, "distribution-", name);
  free(path);
}

static void export_root_table(struct outputs *o, hid_t file, const char *name)
{
  H5O_info_t info;
  if (H5Oget_info_by_name(file, name, &info, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_DATASET)
    export_table(o, file, name, "", name);
}

/* Opens h5 and says whether it is a sweep file; DEPIN_EINVAL when it is neither kind. */
static enum depin_status open_results(const char *h5, hid_t *file, bool *sweep, diag_t *diag)
{
  struct h5_quiet quiet = h5_quiet_begin();
  enum depin_status st = runfile_open(h5, file, diag);
  h5_quiet_end(quiet);
  if (st != DEPIN_OK)
    return st == DEPIN_ENOENT ? st : DEPIN_EINVAL;
  *sweep = h5_exists(*file, H5_DATASET_POINTS);
  if (!*sweep && !h5_exists(*file, H5_GROUP_SUMMARY)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: neither a run file (no /summary) nor a "
             "sweep file (no /points)", h5);
    H5Fclose(*file);
    return DEPIN_EINVAL;
  }
  return DEPIN_OK;
}

enum depin_status export_csv(const char *h5, const char *dir, char ***written, size_t *n,
                             diag_t *diag)
{
  *written = NULL;
  *n = 0;
  hid_t file;
  bool sweep;
  enum depin_status st = open_results(h5, &file, &sweep, diag);
  if (st != DEPIN_OK)
    return st;
  struct outputs o = {.dir = strfmt("%s", dir), .diag = diag};
  if (paths_make_dirs(dir) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create it: %s", dir, strerror(errno));
    o.failed = 1;
  } else if (sweep) {
    export_root_table(&o, file, H5_DATASET_POINTS);
  } else {
    export_summary(&o, file);
    each_in_group(&o, file, ".", export_root_table);
    each_in_group(&o, file, H5_GROUP_TIMESERIES, export_series);
    each_in_group(&o, file, H5_GROUP_DISTRIBUTIONS, export_distribution);
  }
  H5Fclose(file);
  free(o.dir);
  *written = o.paths;
  *n = o.n;
  return o.failed ? DEPIN_EIO : DEPIN_OK;
}

/* ---------------------------------------------------------------- LaTeX */

static void latex_begin(FILE *f, const char *columns, const char *caption)
{
  fprintf(f, "%% depinsim export: needs \\usepackage{booktabs}\n\\begin{table}\n\\centering\n"
             "\\caption{");
  latex_text(f, caption);
  fprintf(f, "}\n\\begin{tabular}{%s}\n\\toprule\n", columns);
}

static void latex_end(FILE *f)
{
  fputs("\\bottomrule\n\\end{tabular}\n\\end{table}\n", f);
}

/* The scenario's name from /meta, or the file's path (owned). */
static char *scenario_name(hid_t file, const char *h5)
{
  char *name = runfile_meta_string(file, "scenario_name");
  if (!*name) {
    free(name);
    name = strfmt("%s", h5);
  }
  return name;
}

static void latex_run(hid_t file, FILE *f, const char *h5)
{
  char **names = NULL, **units = NULL, *name = scenario_name(file, h5);
  double *values = NULL;
  long n = runfile_summary(file, &names, &values, &units);
  char *caption = strfmt("%s: summary metrics", name);
  latex_begin(f, "lrl", caption);
  free(caption), free(name);
  fputs("metric & value & unit \\\\\n\\midrule\n", f);
  for (long i = 0; i < n; i++) {
    latex_text(f, names[i]);
    if (isnan(values[i]))
      fputs(" & no value & ", f);
    else
      fprintf(f, " & %.6g & ", values[i]);
    latex_text(f, units[i]);
    fputs(" \\\\\n", f);
  }
  latex_end(f);
  if (n >= 0)
    runfile_strings_free(names, (size_t)n), runfile_strings_free(units, (size_t)n);
  free(values);
}

static bool is_fixed_point_column(const char *name)
{
  for (size_t i = 0; point_fixed[i]; i++)
    if (!strcmp(name, point_fixed[i]))
      return true;
  return false;
}

/* Whether rows a and b have the same value in every parameter column. */
static bool same_point(const struct table *t, const bool *param, size_t a, size_t b)
{
  for (size_t c = 0; c < t->cols; c++)
    if (param[c] && table_double(t, a, c) != table_double(t, b, c))
      return false;
  return true;
}

/* One row per (point, metric): the parameters, the metric, its mean, the half-width of its 95%
 * confidence interval and the replications. */
static void latex_point_metric(FILE *f, const struct table *t, const bool *param, size_t first,
                               const bool *member, size_t c)
{
  double sum = 0, sq = 0;
  size_t n = 0;
  for (size_t r = first; r < t->rows; r++) {
    double v = table_double(t, r, c);
    if (member[r] && isfinite(v))
      sum += v, sq += v * v, n++;
  }
  if (n == 0)
    return;
  for (size_t p = 0; p < t->cols; p++)
    if (param[p])
      fprintf(f, "%.6g & ", table_double(t, first, p));
  latex_text(f, t->names[c]);
  double mean = sum / (double)n;
  fprintf(f, " & %.6g & ", mean);
  if (n > 1)
    fprintf(f, "$\\pm$ %.3g", stats_confidence95(sum, sq, n));
  fprintf(f, " & %zu \\\\\n", n);
}

static void latex_sweep(hid_t file, FILE *f, const char *h5)
{
  struct table t;
  if (!table_read(file, H5_DATASET_POINTS, &t))
    return;
  char *params = runfile_meta_string(file, "parameters");
  bool *param = mem_calloc(t.cols + 1, sizeof(bool));
  size_t n_params = 0;
  for (size_t c = 0; c < t.cols; c++) {
    size_t len = strlen(t.names[c]);
    for (const char *p = params ? params : ""; *p; p += strcspn(p, "\n"), p += *p == '\n')
      if (!strncmp(p, t.names[c], len) && (p[len] == '\n' || p[len] == '\0') && t.kinds[c] != 's')
        param[c] = true;
    n_params += param[c];
  }
  char *columns = strfmt("%.*slrrr", (int)n_params, "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr");
  char *name = scenario_name(file, h5);
  char *caption = strfmt("%s: each metric's mean over replications, with its 95%% confidence "
                         "interval (Student's t)", name);
  latex_begin(f, columns, caption);
  free(caption), free(name);
  for (size_t c = 0; c < t.cols; c++)
    if (param[c])
      latex_text(f, t.names[c]), fputs(" & ", f);
  fputs("metric & mean & 95\\% CI & n \\\\\n\\midrule\n", f);
  bool *done = mem_calloc(t.rows + 1, sizeof(bool)), *member = mem_calloc(t.rows + 1, sizeof(bool));
  for (size_t r = 0; r < t.rows; r++) {
    if (done[r])
      continue;
    for (size_t k = r; k < t.rows; k++)
      if (!done[k] && same_point(&t, param, r, k))
        member[k] = done[k] = true;
    for (size_t c = 0; c < t.cols; c++)
      if (!param[c] && t.kinds[c] == 'd' && !is_fixed_point_column(t.names[c]))
        latex_point_metric(f, &t, param, r, member, c);
    memset(member, 0, t.rows * sizeof(bool));
  }
  latex_end(f);
  free(done), free(member), free(param), free(columns), free(params);
  table_free(&t);
}

enum depin_status export_latex(const char *h5, const char *path, diag_t *diag)
{
  hid_t file;
  bool sweep;
  enum depin_status st = open_results(h5, &file, &sweep, diag);
  if (st != DEPIN_OK)
    return st;
  struct paths_staged s;
  FILE *f = paths_make_parent(path) == 0 ? paths_stage_open(path, &s) : NULL;
  if (!f) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", path,
             strerror(errno));
    H5Fclose(file);
    return DEPIN_EIO;
  }
  if (sweep)
    latex_sweep(file, f, h5);
  else
    latex_run(file, f, h5);
  H5Fclose(file);
  if (fclose(f) != 0 || paths_commit(&s, path) != 0) {
    paths_discard(&s);
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", path,
             strerror(errno));
    return DEPIN_EIO;
  }
  return DEPIN_OK;
}
