/* report.c: the HTML report of run and sweep files (report.h). */
#include "plots/report.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots/compare.h"
#include "plots/plot.h"
#include "plots/plot_sweep.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"

static const char page_style[] =
  "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
  "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
  "table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;text-align:left;"
  "border-bottom:1px solid #eee}td.n{text-align:right;font-variant-numeric:tabular-nums}"
  ".pass{color:#2a7d2a;font-weight:bold}.fail{color:#c62828;font-weight:bold}"
  "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}"
  "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}";

static void html_text(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

static void scenario_section(FILE *out, hid_t file, const char *path)
{
  char *name = runfile_meta_string(file, "scenario_name");
  char *rev = runfile_meta_string(file, "git_revision");
  char *text = runfile_meta_string(file, "scenario_text");
  char *created = runfile_meta_string(file, "created");
  fputs("<h2>", out);
  html_text(out, name);
  fputs("</h2>\n<p>", out);
  html_text(out, path);
  fputs(": revision ", out);
  html_text(out, rev);
  fputs(", created ", out);
  html_text(out, created);
  double duration = runfile_meta_double(file, "duration_s");
  double seed = runfile_meta_double(file, "seed");
  if (isfinite(duration))
    fprintf(out, ", %g s simulated", duration);
  if (isfinite(seed))
    fprintf(out, ", seed %.0f", seed);
  fputs("</p>\n", out);
  if (*text) {
    fputs("<details><summary>Scenario, every override applied</summary><pre>", out);
    html_text(out, text);
    fputs("</pre></details>\n", out);
  }
  free(name), free(rev), free(text), free(created);
}

static void targets_section(FILE *out, hid_t file)
{
  char **metric = NULL, **text = NULL, **unit = NULL;
  double *measured = NULL, *pass = NULL;
  long n = runfile_column_string(file, H5_DATASET_TARGETS, "metric", &metric);
  if (n <= 0 || runfile_column_string(file, H5_DATASET_TARGETS, "text", &text) != n ||
      runfile_column_string(file, H5_DATASET_TARGETS, "unit", &unit) != n ||
      runfile_column_double(file, H5_DATASET_TARGETS, "measured", &measured) != n ||
      runfile_column_double(file, H5_DATASET_TARGETS, "pass", &pass) != n)
    goto done;
  fputs("<h3>Targets</h3>\n<table><tr><th>metric</th><th>target</th><th>measured</th>"
        "<th>result</th></tr>\n", out);
  for (long i = 0; i < n; i++) {
    fputs("<tr><td>", out);
    html_text(out, metric[i]);
    fputs("</td><td>", out);
    html_text(out, text[i]);
    if (isnan(measured[i]))
      fputs("</td><td class=n>no value", out);
    else
      fprintf(out, "</td><td class=n>%.6g ", measured[i]);
    html_text(out, isnan(measured[i]) ? "" : unit[i]);
    fprintf(out, "</td><td class=%s>%s</td></tr>\n", pass[i] > 0 ? "pass" : "fail",
            pass[i] > 0 ? "PASS" : "FAIL");
  }
  fputs("</table>\n", out);
done:
  if (n > 0) {
    runfile_strings_free(metric, (size_t)n);
    if (text)
      runfile_strings_free(text, (size_t)n);
    if (unit)
      runfile_strings_free(unit, (size_t)n);
  }
  free(measured), free(pass);
}

/* The bound of metric, from /bounds, or NaN; *floor whether it is a floor. */
static double bound_of(char **names, const double *values, char **kinds, long n,
                       const char *metric, bool *floor)
{
  for (long i = 0; i < n; i++)
    if (!strcmp(names[i], metric)) {
      *floor = kinds && !strcmp(kinds[i], "floor");
      return values[i];
    }
  return NAN;
}

static void summary_section(FILE *out, hid_t file)
{
  char **names = NULL, **units = NULL, **bnames = NULL, **kinds = NULL;
  double *values = NULL, *bvalues = NULL;
  long n = runfile_summary(file, &names, &values, &units);
  long nb = runfile_column_string(file, H5_DATASET_BOUNDS, "metric", &bnames);
  if (nb > 0 && runfile_column_double(file, H5_DATASET_BOUNDS, "value", &bvalues) != nb)
    nb = 0;
  if (nb > 0 && runfile_column_string(file, H5_DATASET_BOUNDS, "kind", &kinds) != nb)
    kinds = NULL; /* a run file from before bounds had kinds */
  if (n > 0) {
    fputs("<h3>Headline metrics</h3>\n<table><tr><th>metric</th><th>measured</th><th>bound</th>"
          "<th>unit</th></tr>\n", out);
    for (long i = 0; i < n; i++) {
      bool floor = false;
      double b = bound_of(bnames, bvalues, kinds, nb > 0 ? nb : 0, names[i], &floor);
      fputs("<tr><td>", out);
      html_text(out, names[i]);
      if (isnan(values[i]))
        fputs("</td><td class=n>no value", out);
      else
        fprintf(out, "</td><td class=n>%.6g", values[i]);
      if (isnan(b))
        fputs("</td><td>", out);
      else
        fprintf(out, "</td><td class=n>%.6g%s", b, floor ? " (lower bound)" : "");
      fputs("</td><td>", out);
      html_text(out, units[i]);
      fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
  }
  if (n >= 0)
    runfile_strings_free(names, (size_t)n), runfile_strings_free(units, (size_t)n);
  if (nb > 0)
    runfile_strings_free(bnames, (size_t)nb);
  if (kinds)
    runfile_strings_free(kinds, (size_t)nb);
  free(values), free(bvalues);
}

/* Copies an SVG file into the page, without its XML declaration and doctype. */
static int inline_svg(FILE *out, const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[8192];
  fputs("<figure>\n", out);
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, "<?xml", 5) != 0 && strncmp(line, "<!DOCTYPE", 9) != 0)
      fputs(line, out);
  fputs("</figure>\n", out);
  fclose(f);
  return 0;
}

/* Inlines the SVGs among the figures written, then removes them all and the folder. */
static enum depin_status inline_figures(FILE *out, char **written, size_t n, const char *dir,
                                        enum depin_status st)
{
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(written[i]);
    if (st == DEPIN_OK && len > 4 && !strcmp(written[i] + len - 4, ".svg") &&
        inline_svg(out, written[i]) < 0)
      st = DEPIN_EIO;
    unlink(written[i]);
    free(written[i]);
  }
  free(written);
  rmdir(dir);
  return st;
}

/* Draws the file's figures in a private folder and inlines each SVG. */
static enum depin_status figures_section(FILE *out, const char *path, bool sweep, diag_t *diag)
{
  char dir[] = "/tmp/depinsim-report-XXXXXX";
  if (!mkdtemp(dir))
    return DEPIN_EIO;
  char **written = NULL;
  size_t n = 0;
  enum depin_status st = sweep ? plot_sweep(path, dir, NULL, &written, &n, diag)
                               : plot_run(path, dir, &written, &n, diag);
  if (st == DEPIN_OK && n > 0)
    fputs("<h3>Figures</h3>\n", out);
  return inline_figures(out, written, n, dir, st);
}

/* Several runs of one scenario: their figures overlaid (compare.h), before the sections. */
static enum depin_status compared_section(FILE *out, const char *const files[], size_t n,
                                          diag_t *diag)
{
  char dir[] = "/tmp/depinsim-report-XXXXXX";
  if (!mkdtemp(dir))
    return DEPIN_EIO;
  char **written = NULL;
  size_t k = 0;
  diag_t *quiet = diag_new(); /* runs of different scenarios: no such section, no error */
  enum depin_status st = plot_compare(files, n, dir, &written, &k, quiet);
  if (st == DEPIN_EIO)
    for (size_t i = 0; i < diag_count(quiet); i++)
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s", diag_line(quiet, i));
  diag_free(quiet);
  if (st == DEPIN_OK && k > 0)
    fputs("<h2>The runs compared</h2>\n", out);
  st = inline_figures(out, written, k, dir, st);
  return st == DEPIN_EINVAL ? DEPIN_OK : st;
}

/* Checks every file before anything is written. */
static enum depin_status check_files(const char *const files[], size_t n, bool *sweep,
                                     diag_t *diag)
{
  for (size_t i = 0; i < n; i++) {
    hid_t file;
    struct h5_quiet quiet = h5_quiet_begin();
    enum depin_status st = runfile_open(files[i], &file, diag);
    h5_quiet_end(quiet);
    if (st != DEPIN_OK)
      return st == DEPIN_ENOENT ? st : DEPIN_EINVAL;
    sweep[i] = plot_sweep_is_sweep(file);
    bool run = h5_exists(file, H5_GROUP_SUMMARY);
    H5Fclose(file);
    if (!sweep[i] && !run) {
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: neither a run file (no /summary) nor a "
               "sweep file (no /points)", files[i]);
      return DEPIN_EINVAL;
    }
  }
  return DEPIN_OK;
}

enum depin_status report_write(const char *const files[], size_t n, const char *html_path,
                               diag_t *diag)
{
  bool *sweep = calloc(n + 1, sizeof(bool));
  enum depin_status st = sweep ? check_files(files, n, sweep, diag) : DEPIN_ENOMEM;
  struct paths_staged staged = {0};
  FILE *out = NULL;
  if (st == DEPIN_OK &&
      (paths_make_parent(html_path) < 0 || !(out = paths_stage_open(html_path, &staged)))) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", html_path,
             strerror(errno));
    st = DEPIN_EIO;
  }
  if (st == DEPIN_OK) {
    fprintf(out, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
                 "<title>depinsim report</title>\n<style>%s</style></head><body>\n"
                 "<h1>depinsim report</h1>\n", page_style);
    bool all_runs = n > 1;
    for (size_t i = 0; i < n; i++)
      all_runs &= !sweep[i];
    if (all_runs)
      st = compared_section(out, files, n, diag);
    for (size_t i = 0; i < n && st == DEPIN_OK; i++) {
      hid_t file = H5Fopen(files[i], H5F_ACC_RDONLY, H5P_DEFAULT);
      scenario_section(out, file, files[i]);
      if (!sweep[i]) {
        targets_section(out, file);
        summary_section(out, file);
      }
      H5Fclose(file);
      st = figures_section(out, files[i], sweep[i], diag);
    }
    fputs("</body></html>\n", out);
  }
  if (out && fclose(out) != 0 && st == DEPIN_OK)
    st = DEPIN_EIO;
  if (st == DEPIN_OK && paths_commit(&staged, html_path) != 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write it: %s", html_path,
             strerror(errno));
    st = DEPIN_EIO;
  }
  paths_discard(&staged);
  free(sweep);
  return st;
}
