/* inspect.c: `depinsim inspect RUN.h5`: a run file's meta, summary, bounds, targets, series,
 * distributions and tables, as text. */
#include "sim/cli/inspect.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/results/targets.h"

/* One attribute as "value": strings (multi-line ones as their line count), integers, floats. */
static void print_attr(hid_t obj, const char *name, FILE *out)
{
  char *s = runfile_attr_string(obj, name);
  if (s) {
    size_t len = strlen(s), lines = len > 0 && s[len - 1] != '\n';
    for (const char *p = s; *p; p++)
      lines += *p == '\n';
    if (lines > 1)
      fprintf(out, "(%zu lines)\n", lines);
    else
      fprintf(out, "%.*s\n", (int)(len && s[len - 1] == '\n' ? len - 1 : len), s);
    free(s);
    return;
  }
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t type = H5Aget_type(attr);
  if (!runfile_attr_is_single(attr)) {
    fprintf(out, "(not a single value)\n");
  } else if (H5Tget_class(type) == H5T_INTEGER) {
    unsigned long long u = 0;
    H5Aread(attr, H5T_NATIVE_ULLONG, &u);
    fprintf(out, "%llu\n", u);
  } else {
    double v = NAN;
    runfile_attr_double(obj, name, &v);
    fprintf(out, "%g\n", v);
  }
  H5Tclose(type);
  H5Aclose(attr);
}

static void print_meta(hid_t file, FILE *out)
{
  char **names;
  long n = h5_exists(file, H5_GROUP_META) ? 0 : -1;
  hid_t g = n == 0 ? H5Gopen2(file, H5_GROUP_META, H5P_DEFAULT) : -1;
  n = g >= 0 ? runfile_attr_names(g, &names) : -1;
  fprintf(out, "meta:\n");
  for (long i = 0; i < n; i++) {
    fprintf(out, "  %-20s ", names[i]);
    print_attr(g, names[i], out);
  }
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
  if (g >= 0)
    H5Gclose(g);
}

static void print_summary(hid_t file, FILE *out)
{
  char **names;
  hid_t g = h5_exists(file, H5_GROUP_SUMMARY) ? H5Gopen2(file, H5_GROUP_SUMMARY, H5P_DEFAULT) : -1;
  long n = g >= 0 ? runfile_attr_names(g, &names) : -1;
  fprintf(out, "summary:\n");
  for (long i = 0; i < n; i++) {
    size_t len = strlen(names[i]);
    double v;
    if ((len > 5 && strcmp(names[i] + len - 5, ".unit") == 0) ||
        !runfile_attr_double(g, names[i], &v))
      continue;
    char unit_name[512], buf[64];
    snprintf(unit_name, sizeof(unit_name), "%s.unit", names[i]);
    char *unit = runfile_attr_string(g, unit_name);
    fprintf(out, "  %-28s %-16s (%.9g %s)\n", names[i],
            targets_format_value(v, unit ? unit : "", buf, sizeof(buf)), v, unit ? unit : "");
    free(unit);
  }
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
  if (g >= 0)
    H5Gclose(g);
}

static void print_bounds(hid_t file, FILE *out)
{
  char **metric = NULL, **unit = NULL, **formula = NULL;
  double *value = NULL;
  long n = runfile_column_string(file, H5_DATASET_BOUNDS, "metric", &metric);
  fprintf(out, "bounds:\n");
  if (n > 0 && runfile_column_double(file, H5_DATASET_BOUNDS, "value", &value) == n &&
      runfile_column_string(file, H5_DATASET_BOUNDS, "unit", &unit) == n &&
      runfile_column_string(file, H5_DATASET_BOUNDS, "formula", &formula) == n) {
    for (long i = 0; i < n; i++) {
      char buf[64];
      fprintf(out, "  %-28s %-16s %s\n", metric[i],
              targets_format_value(value[i], unit[i], buf, sizeof(buf)), formula[i]);
    }
  }
  free(value);
  runfile_strings_free(metric, n > 0 ? (size_t)n : 0);
  runfile_strings_free(unit, unit ? (size_t)n : 0);
  runfile_strings_free(formula, formula ? (size_t)n : 0);
}

static void print_targets(hid_t file, FILE *out)
{
  char **metric = NULL, **text = NULL, **unit = NULL;
  double *measured = NULL, *pass = NULL;
  long n = runfile_column_string(file, H5_DATASET_TARGETS, "metric", &metric);
  fprintf(out, "targets:\n");
  if (n > 0 && runfile_column_string(file, H5_DATASET_TARGETS, "text", &text) == n &&
      runfile_column_string(file, H5_DATASET_TARGETS, "unit", &unit) == n &&
      runfile_column_double(file, H5_DATASET_TARGETS, "measured", &measured) == n &&
      runfile_column_double(file, H5_DATASET_TARGETS, "pass", &pass) == n) {
    for (long i = 0; i < n; i++) {
      char buf[64] = "not reported";
      if (!isnan(measured[i]))
        targets_format_value(measured[i], unit[i], buf, sizeof(buf));
      fprintf(out, "  %-28s %-16s %-16s %s\n", metric[i], text[i], buf,
              pass[i] != 0 ? "PASS" : "FAIL");
    }
  }
  free(measured);
  free(pass);
  runfile_strings_free(metric, n > 0 ? (size_t)n : 0);
  runfile_strings_free(text, text ? (size_t)n : 0);
  runfile_strings_free(unit, unit ? (size_t)n : 0);
}

static void print_series(hid_t file, FILE *out)
{
  char **names;
  long n = runfile_list(file, H5_GROUP_TIMESERIES, &names);
  fprintf(out, "timeseries:\n");
  for (long i = 0; i < n; i++) {
    double *t, *v;
    long points = runfile_series(file, names[i], &t, &v);
    char path[512];
    snprintf(path, sizeof(path), H5_GROUP_TIMESERIES "/%s", names[i]);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    char *unit = d >= 0 ? runfile_attr_string(d, "unit") : NULL;
    fprintf(out, "  %-28s %ld points", names[i], points);
    if (points > 0)
      fprintf(out, ", t = %g .. %g s", t[0], t[points - 1]);
    fprintf(out, " (%s)\n", unit ? unit : "");
    free(unit);
    free(t), free(v);
    if (d >= 0)
      H5Dclose(d);
  }
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
}

static void print_distributions(hid_t file, FILE *out)
{
  char **names;
  long n = runfile_list(file, H5_GROUP_DISTRIBUTIONS, &names);
  fprintf(out, "distributions:\n");
  for (long i = 0; i < n; i++) {
    char path[512], p50[64], p99[64], max[64];
    snprintf(path, sizeof(path), H5_GROUP_DISTRIBUTIONS "/%s", names[i]);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0)
      continue;
    char *unit = runfile_attr_string(d, "unit");
    double count = 0, q50 = 0, q99 = 0, qmax = 0;
    runfile_attr_double(d, "count", &count);
    runfile_attr_double(d, "p50", &q50);
    runfile_attr_double(d, "p99", &q99);
    runfile_attr_double(d, "max", &qmax);
    const char *u = unit ? unit : "";
    fprintf(out, "  %-28s %g samples, p50 %s, p99 %s, max %s\n", names[i], count,
            targets_format_value(q50, u, p50, sizeof(p50)),
            targets_format_value(q99, u, p99, sizeof(p99)),
            targets_format_value(qmax, u, max, sizeof(max)));
    free(unit);
    H5Dclose(d);
  }
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
}

/* The datasets at the root other than /bounds and /targets: the layers' tables. */
static void print_tables(hid_t file, FILE *out)
{
  char **names;
  long n = runfile_list(file, ".", &names);
  fprintf(out, "tables:\n");
  for (long i = 0; i < n; i++) {
    H5O_info_t info;
    if (strcmp(names[i], H5_DATASET_BOUNDS) == 0 || strcmp(names[i], H5_DATASET_TARGETS) == 0 ||
        H5Oget_info_by_name(file, names[i], &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
      continue;
    hid_t d = H5Dopen2(file, names[i], H5P_DEFAULT);
    hid_t type = H5Dget_type(d), space = H5Dget_space(d);
    hsize_t rows = 0;
    if (H5Sget_simple_extent_ndims(space) != 1) { /* none of ours: say so, read nothing */
      fprintf(out, "  %-28s a dataset of rank %d, not a table\n", names[i],
              H5Sget_simple_extent_ndims(space));
      H5Sclose(space), H5Tclose(type), H5Dclose(d);
      continue;
    }
    H5Sget_simple_extent_dims(space, &rows, NULL);
    int cols = H5Tget_class(type) == H5T_COMPOUND ? H5Tget_nmembers(type) : 1;
    fprintf(out, "  %-28s %llu rows x %d columns:", names[i], (unsigned long long)rows, cols);
    for (int c = 0; H5Tget_class(type) == H5T_COMPOUND && c < cols; c++) {
      char *member = H5Tget_member_name(type, (unsigned)c);
      fprintf(out, " %s", member);
      H5free_memory(member);
    }
    fprintf(out, "\n");
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(d);
  }
  if (n > 0)
    runfile_strings_free(names, (size_t)n);
}

enum depin_status inspect_print(const char *run_h5, FILE *out, diag_t *diag)
{
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t file;
  enum depin_status st = runfile_open(run_h5, &file, diag);
  if (st == DEPIN_OK) {
    if (!h5_exists(file, H5_GROUP_META)) {
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL,
               "%s: not a depinsim run file (no /" H5_GROUP_META ")", run_h5);
      st = DEPIN_EIO;
    } else {
      fprintf(out, "run: %s\n", run_h5);
      print_meta(file, out);
      print_summary(file, out);
      print_bounds(file, out);
      print_targets(file, out);
      print_series(file, out);
      print_distributions(file, out);
      print_tables(file, out);
    }
    H5Fclose(file);
  }
  h5_quiet_end(quiet);
  return st;
}
