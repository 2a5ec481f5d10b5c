/* check.c: `depinsim check`: targets and baseline comparison of one run, JUnit XML (check.h).
 *
 * The run goes through run_scenario like `depinsim run`; the verdicts are then read back from
 * the run file it wrote (its /targets and /summary), so check judges exactly what a later
 * reader of the file sees. */
#include "sim/run/check.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/diag.h"
#include "sim/base/strfmt.h"
#include "sim/engine/progress.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/results/targets.h"

/* A run file's summary, read whole. */
struct summary {
  char **names, **units;
  double *values;
  long n;
  double duration_s; /* /meta duration_s, NaN when absent */
};

static void summary_fini(struct summary *s)
{
  if (s->n > 0) {
    runfile_strings_free(s->names, (size_t)s->n);
    runfile_strings_free(s->units, (size_t)s->n);
  }
  free(s->values);
  *s = (struct summary){0};
}

/* Reads path's /summary; returns a run_exit code (diagnostics to err). */
static int summary_read(const char *path, struct summary *s, FILE *err)
{
  diag_t *diag = diag_new();
  hid_t file;
  enum depin_status st = runfile_open(path, &file, diag);
  diag_print(diag, err);
  diag_free(diag);
  if (st != DEPIN_OK)
    return RUN_EXIT_BAD_INPUT;
  s->n = runfile_summary(file, &s->names, &s->values, &s->units);
  hid_t meta = h5_exists(file, H5_GROUP_META) ? H5Gopen2(file, H5_GROUP_META, H5P_DEFAULT) : -1;
  if (meta < 0 || !runfile_attr_double(meta, "duration_s", &s->duration_s))
    s->duration_s = NAN;
  if (meta >= 0)
    H5Gclose(meta);
  H5Fclose(file);
  if (s->n <= 0) {
    fprintf(err, "%s: no metric in /" H5_GROUP_SUMMARY ": not a depinsim run file\n", path);
    return RUN_EXIT_BAD_INPUT;
  }
  return RUN_EXIT_PASS;
}

int check_direction(const char *op)
{
  if (!strcmp(op, ">=") || !strcmp(op, ">"))
    return 1;
  if (!strcmp(op, "<=") || !strcmp(op, "<"))
    return -1;
  return 0;
}

bool check_regressed(double base, double value, double tolerance, int direction)
{
  if (isnan(base))
    return false;
  if (isnan(value))
    return true;
  double allowed = tolerance * fabs(base), change = value - base;
  if (direction > 0)
    return change < -allowed;
  if (direction < 0)
    return change > allowed;
  return fabs(change) > allowed;
}

static void xml_escaped(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default:
      /* XML 1.0 allows no control characters but tab and newlines */
      fputc((unsigned char)*s < 32 && *s != '\t' && *s != '\n' ? ' ' : *s, f);
    }
  }
}

int check_write_junit(const char *path, const char *scenario, const struct check_case *cases,
                      size_t n, double wall_s)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  size_t failures = 0;
  for (size_t i = 0; i < n; i++)
    failures += !cases[i].pass;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(f, "<testsuites name=\"depinsim check ");
  xml_escaped(f, scenario);
  fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", n, failures,
          wall_s);
  for (size_t i = 0; i < n; i++) {
    bool first = true; /* the first case of its suite opens it */
    for (size_t j = 0; j < i && first; j++)
      first = strcmp(cases[j].suite, cases[i].suite) != 0;
    if (!first)
      continue;
    size_t tests = 0, failed = 0;
    for (size_t j = i; j < n; j++)
      if (!strcmp(cases[j].suite, cases[i].suite))
        tests++, failed += !cases[j].pass;
    fprintf(f, "  <testsuite name=\"");
    xml_escaped(f, cases[i].suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", tests, failed);
    for (size_t j = i; j < n; j++) {
      if (strcmp(cases[j].suite, cases[i].suite))
        continue;
      fprintf(f, "    <testcase classname=\"");
      xml_escaped(f, scenario);
      fputc('.', f);
      xml_escaped(f, cases[j].suite);
      fprintf(f, "\" name=\"");
      xml_escaped(f, cases[j].name);
      fprintf(f, "\" time=\"0\">\n");
      if (!cases[j].pass) {
        fprintf(f, "      <failure type=\"%s\" message=\"",
                !strcmp(cases[j].suite, "baseline") ? "regression" : "target");
        xml_escaped(f, cases[j].message);
        fprintf(f, "\">");
        xml_escaped(f, cases[j].message);
        fprintf(f, "</failure>\n");
      } else {
        fprintf(f, "      <system-out>");
        xml_escaped(f, cases[j].message);
        fprintf(f, "</system-out>\n");
      }
      fprintf(f, "    </testcase>\n");
    }
    fprintf(f, "  </testsuite>\n");
  }
  fprintf(f, "</testsuites>\n");
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return -1;
  return 0;
}

/* A growing list of cases. */
struct cases {
  struct check_case *v;
  size_t n;
};

static void cases_add(struct cases *c, const char *suite, const char *name, bool pass,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void cases_add(struct cases *c, const char *suite, const char *name, bool pass,
                      const char *fmt, ...)
{
  struct check_case *grown = realloc(c->v, (c->n + 1) * sizeof(*grown));
  xbt_assert(grown, "out of memory");
  c->v = grown;
  struct check_case *k = &c->v[c->n++];
  va_list ap;
  va_start(ap, fmt);
  k->message = strfmt_v(fmt, ap);
  va_end(ap);
  k->suite = strdup(suite);
  k->name = strdup(name);
  k->pass = pass;
  xbt_assert(k->suite && k->name, "out of memory");
}

static void cases_fini(struct cases *c)
{
  for (size_t i = 0; i < c->n; i++)
    free(c->v[i].suite), free(c->v[i].name), free(c->v[i].message);
  free(c->v);
}

/* The run file's targets as cases; fills the ops for the baseline's directions. Returns the
 * number of targets, or -1 when /targets cannot be read. */
static long target_cases(hid_t file, struct cases *c, char ***metric, char ***op)
{
  char **text = NULL, **unit = NULL;
  double *measured = NULL, *pass = NULL;
  long n = runfile_column_string(file, H5_DATASET_TARGETS, "metric", metric);
  if (n <= 0)
    return n < 0 && h5_exists(file, H5_DATASET_TARGETS) ? -1 : 0;
  bool ok = runfile_column_string(file, H5_DATASET_TARGETS, "op", op) == n &&
            runfile_column_string(file, H5_DATASET_TARGETS, "text", &text) == n &&
            runfile_column_string(file, H5_DATASET_TARGETS, "unit", &unit) == n &&
            runfile_column_double(file, H5_DATASET_TARGETS, "measured", &measured) == n &&
            runfile_column_double(file, H5_DATASET_TARGETS, "pass", &pass) == n;
  for (long i = 0; ok && i < n; i++) {
    char name[512], value[64];
    snprintf(name, sizeof(name), "%s %s", (*metric)[i], text[i]);
    if (isnan(measured[i]))
      snprintf(value, sizeof(value), "not reported");
    else
      targets_format_value(measured[i], unit[i], value, sizeof(value));
    cases_add(c, "targets", name, pass[i] != 0, "measured %s, target %s", value, text[i]);
  }
  runfile_strings_free(text, (size_t)n);
  runfile_strings_free(unit, (size_t)n);
  free(measured), free(pass);
  if (ok)
    return n;
  runfile_strings_free(*metric, (size_t)n);
  runfile_strings_free(*op, (size_t)n);
  *metric = *op = NULL;
  return -1;
}

/* Compares cur with base; prints the table and adds one case per baseline metric. Returns the
 * number of regressions. */
static size_t compare(const struct summary *base, const struct summary *cur, char **metric,
                      char **op, long n_targets, const struct check_opts *opts,
                      struct cases *c, FILE *out)
{
  size_t regressions = 0;
  fprintf(out, "\nagainst baseline %s (tolerance %g%%):\n", opts->baseline,
          100 * opts->tolerance);
  fprintf(out, "  %-26s %14s %14s %9s  %s\n", "metric", "baseline", "measured", "change",
          "verdict");
  for (long i = 0; i < base->n; i++) {
    double value = NAN, b = base->values[i];
    for (long j = 0; j < cur->n; j++)
      if (!strcmp(cur->names[j], base->names[i]))
        value = cur->values[j];
    int direction = 0;
    for (long t = 0; t < n_targets; t++)
      if (!strcmp(metric[t], base->names[i])) {
        direction = check_direction(op[t]);
        break;
      }
    bool bad = check_regressed(b, value, opts->tolerance, direction);
    double change = b != 0 ? 100 * (value - b) / fabs(b) : value == b ? 0 : INFINITY;
    const char *verdict = bad ? (direction ? "REGRESSED" : "CHANGED")
                          : fabs(value - b) > opts->tolerance * fabs(b) ? "improved" : "ok";
    regressions += bad;
    fprintf(out, "  %-26s %14.6g %14.6g %8.1f%%  %s\n", base->names[i], b, value, change,
            verdict);
    cases_add(c, "baseline", base->names[i], !bad,
              "%.6g %s against baseline %.6g (%+.1f%%, tolerance %g%%, %s)", value,
              base->units[i], b, change, 100 * opts->tolerance,
              direction > 0 ? "higher is better" : direction < 0 ? "lower is better"
                                                                 : "no target: any change counts");
  }
  fprintf(out, "%zu of %ld metrics within tolerance\n", (size_t)base->n - regressions, base->n);
  return regressions;
}

int check_scenario(const struct run_opts *run, const struct check_opts *opts, FILE *out,
                   FILE *err)
{
  struct summary base = {0}, cur = {0};
  struct cases c = {0};
  struct run_result result = {0};
  char **metric = NULL, **op = NULL, *name = NULL;
  long n_targets = 0;
  hid_t file = -1;
  double start = progress_wall_now();
  struct h5_quiet quiet = h5_quiet_begin();
  int code = opts->baseline ? summary_read(opts->baseline, &base, err) : RUN_EXIT_PASS;
  if (code != RUN_EXIT_PASS)
    goto done;
  struct run_opts checked = *run; /* its own folder, and never over its baseline */
  checked.outdir_suffix = "-check";
  checked.keep = opts->baseline;
  code = run_scenario(&checked, out, err, &result);
  if (code == RUN_EXIT_BAD_INPUT || code == RUN_EXIT_ERROR) {
    cases_add(&c, "run", run->scenario, false, "the run failed with exit status %d (%s)", code,
              code == RUN_EXIT_BAD_INPUT ? "bad input" : "results not written");
    goto junit;
  }
  diag_t *diag = diag_new();
  if (runfile_open(result.h5_path, &file, diag) != DEPIN_OK ||
      (n_targets = target_cases(file, &c, &metric, &op)) < 0 ||
      (opts->baseline && (cur.n = runfile_summary(file, &cur.names, &cur.values, &cur.units)) < 0)) {
    diag_print(diag, err);
    fprintf(err, "%s: cannot read the run file back\n", result.h5_path);
    diag_free(diag);
    code = RUN_EXIT_ERROR;
    goto junit;
  }
  diag_free(diag);
  hid_t meta = h5_exists(file, H5_GROUP_META) ? H5Gopen2(file, H5_GROUP_META, H5P_DEFAULT) : -1;
  name = meta >= 0 ? runfile_attr_string(meta, "scenario_name") : NULL;
  double duration = NAN;
  if (meta >= 0 && !runfile_attr_double(meta, "duration_s", &duration))
    duration = NAN;
  if (meta >= 0)
    H5Gclose(meta);
  if (opts->baseline && base.duration_s != duration)
    fprintf(err, "warning: %s ran %g s, this run %g s: metrics that depend on the duration "
            "(counts, backlogs, tails) differ for that reason alone\n", opts->baseline,
            base.duration_s, duration);
  if (opts->baseline && compare(&base, &cur, metric, op, n_targets, opts, &c, out) > 0)
    code = RUN_EXIT_FAIL;
junit:
  if (opts->junit) {
    if (check_write_junit(opts->junit, name ? name : run->scenario, c.v, c.n, progress_wall_now() - start) < 0) {
      fprintf(err, "depinsim check: cannot write %s: %s\n", opts->junit, strerror(errno));
      code = code == RUN_EXIT_BAD_INPUT ? code : RUN_EXIT_ERROR;
    } else {
      fprintf(out, "junit: %s\n", opts->junit);
    }
  }
done:
  if (file >= 0)
    H5Fclose(file);
  if (n_targets > 0) {
    runfile_strings_free(metric, (size_t)n_targets);
    runfile_strings_free(op, (size_t)n_targets);
  }
  free(result.h5_path);
  free(name);
  summary_fini(&base);
  summary_fini(&cur);
  cases_fini(&c);
  h5_quiet_end(quiet);
  return code;
}
