/* plot.c: `depinsim plot`: figures from a run file through the gnuplot scripts in plots/.
 *
 * Each time series and each distribution of the run file is written to a small text data
 * file in a private temporary folder, and gnuplot runs one script per figure type with the
 * data file, the output path and the target values as `-e` parameters; each script writes
 * both a PNG and an SVG. gnuplot's output goes to a log in the temporary folder, and its
 * first lines become the diagnostic when it fails. */
#include "sim/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/runfile.h"

extern char **environ;

struct plotter {
  hid_t file;
  const char *run_h5, *outdir;
  char gnuplot[4096], scripts[4096], tmpdir[64];
  diag_t *diag;
  char **written;
  size_t n_written;
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

/* The first executable called name in $PATH, into buf. Returns 0 or -1. */
static int find_on_path(const char *name, char *buf, size_t n)
{
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t len = strcspn(path, ":");
    snprintf(buf, n, "%.*s/%s", (int)len, len ? path : ".", name);
    if (access(buf, X_OK) == 0)
      return 0;
    path += len + (path[len] == ':');
  }
  return -1;
}

static int make_dirs(const char *dir)
{
  char *d = strdup(dir);
  if (!d)
    return -1;
  int rc = 0;
  for (char *s = d + 1; rc == 0; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(d, 0777) < 0 && errno != EEXIST)
      rc = -1;
    *s = c;
    if (c == '\0')
      break;
  }
  int saved = errno;
  free(d);
  errno = saved;
  return rc;
}

/* name with every character outside [A-Za-z0-9._-] replaced, for file names and gnuplot
 * strings (which are single-quoted, so a quote must not get through). */
static void sanitize(const char *name, char *buf, size_t n)
{
  size_t k = 0;
  for (; name[k] && k + 1 < n; k++) {
    char c = name[k];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    buf[k] = ok ? c : '_';
  }
  buf[k] = '\0';
}

/* text made safe inside a single-quoted gnuplot string: quotes and control characters become
 * spaces. */
static void gp_text(const char *text, char *buf, size_t n)
{
  size_t k = 0;
  for (; text[k] && k + 1 < n; k++)
    buf[k] = text[k] == '\'' || text[k] == '\\' || (unsigned char)text[k] < 32 ? ' ' : text[k];
  buf[k] = '\0';
}

/* Runs gnuplot -e params script; its output goes to the log. Returns 0 or -1 (reported). */
static int run_gnuplot(struct plotter *p, const char *script, const char *params)
{
  char script_path[4200], log_path[128];
  snprintf(script_path, sizeof(script_path), "%s/%s", p->scripts, script);
  snprintf(log_path, sizeof(log_path), "%s/gnuplot.log", p->tmpdir);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  char *argv[] = {"gnuplot", "-e", (char *)params, script_path, NULL};
  pid_t pid;
  int err = posix_spawn(&pid, p->gnuplot, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0)
    return failf(p, "cannot run %s: %s", p->gnuplot, strerror(err));
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  char log[600] = "";
  FILE *f = fopen(log_path, "r");
  if (f) {
    size_t n = fread(log, 1, sizeof(log) - 1, f);
    log[n] = '\0';
    fclose(f);
    for (char *c = log; *c; c++)
      if (*c == '\n')
        *c = ' ';
  }
  return failf(p, "gnuplot failed on %s: %s", script_path, log);
}

/* Records outbase.png and outbase.svg, which must exist and be non-empty. */
static int collect_outputs(struct plotter *p, const char *outbase)
{
  static const char *const ext[] = {"png", "svg"};
  for (int i = 0; i < 2; i++) {
    char *path;
    struct stat st;
    if (asprintf(&path, "%s.%s", outbase, ext[i]) < 0)
      return failf(p, "out of memory");
    if (stat(path, &st) < 0 || st.st_size == 0) {
      failf(p, "gnuplot did not write %s", path);
      free(path);
      return -1;
    }
    char **w = realloc(p->written, (p->n_written + 1) * sizeof(char *));
    if (!w) {
      free(path);
      return failf(p, "out of memory");
    }
    p->written = w;
    p->written[p->n_written++] = path;
  }
  return 0;
}

static char *unit_of(hid_t file, const char *path)
{
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  char *unit = d >= 0 ? runfile_attr_string(d, "unit") : NULL;
  if (d >= 0)
    H5Dclose(d);
  return unit ? unit : strdup("");
}

static int plot_series(struct plotter *p, const char *name)
{
  double *t, *v;
  long n = runfile_series(p->file, name, &t, &v);
  if (n <= 0)
    return n < 0 ? failf(p, "cannot read /timeseries/%s", name) : 0; /* nothing to draw */
  char data[128], safe[256], outbase[4400], path[512];
  snprintf(data, sizeof(data), "%s/series.dat", p->tmpdir);
  FILE *f = fopen(data, "w");
  for (long i = 0; f && i < n; i++)
    fprintf(f, "%.17g %.17g\n", t[i], v[i]);
  free(t), free(v);
  if (!f || fclose(f) != 0)
    return failf(p, "cannot write %s: %s", data, strerror(errno));
  sanitize(name, safe, sizeof(safe));
  snprintf(outbase, sizeof(outbase), "%s/timeseries-%s", p->outdir, safe);
  snprintf(path, sizeof(path), "timeseries/%s", name);
  char *unit = unit_of(p->file, path), label[256], title[256];
  gp_text(unit, label, sizeof(label));
  free(unit);
  gp_text(name, title, sizeof(title));
  char target[64] = "";
  for (long i = 0; i < p->n_targets; i++)
    if (strcmp(p->target_metric[i], name) == 0 && isfinite(p->target_value[i]))
      snprintf(target, sizeof(target), "; target=%.17g", p->target_value[i]);
  char *params;
  if (asprintf(&params, "datafile='%s'; outbase='%s'; title='%s'; ylabel='%s (%s)'%s", data,
               outbase, title, title, label, target) < 0)
    return failf(p, "out of memory");
  int rc = run_gnuplot(p, "timeseries.gp", params);
  free(params);
  return rc ? rc : collect_outputs(p, outbase);
}

/* The CDF's points: (first lower edge, 0) then (upper edge, cumulative fraction) per bin. */
static int write_cdf(struct plotter *p, const char *path, const char *data)
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
  snprintf(path, sizeof(path), "distributions/%s", name);
  snprintf(data, sizeof(data), "%s/distribution.dat", p->tmpdir);
  int rc = write_cdf(p, path, data);
  if (rc != 0)
    return rc < 0 ? rc : 0; /* an empty distribution has nothing to draw */
  hid_t d = H5Dopen2(p->file, path, H5P_DEFAULT);
  double p50 = 0, p99 = 0, count = 0;
  runfile_attr_double(d, "p50", &p50);
  runfile_attr_double(d, "p99", &p99);
  runfile_attr_double(d, "count", &count);
  H5Dclose(d);
  char *unit = unit_of(p->file, path), label[256], title[256];
  gp_text(unit, label, sizeof(label));
  free(unit);
  gp_text(name, title, sizeof(title));
  sanitize(name, safe, sizeof(safe));
  snprintf(outbase, sizeof(outbase), "%s/distribution-%s", p->outdir, safe);
  char values[1024], names[2048];
  distribution_targets(p, name, values, sizeof(values), names, sizeof(names));
  char *params;
  if (asprintf(&params,
               "datafile='%s'; outbase='%s'; title='%s (%.0f samples)'; xlabel='%s (%s)'; "
               "p50=%.17g; p99=%.17g; targets='%s'; target_names='%s'",
               data, outbase, title, count, title, label, p50, p99, values, names) < 0)
    return failf(p, "out of memory");
  rc = run_gnuplot(p, "distribution.gp", params);
  free(params);
  return rc ? rc : collect_outputs(p, outbase);
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

/* Where the scripts are, the gnuplot program, the output and temporary folders. */
static int prepare(struct plotter *p)
{
  const char *scripts = getenv("DEPINSIM_PLOTS");
  snprintf(p->scripts, sizeof(p->scripts), "%s",
           scripts && *scripts ? scripts : DEPINSIM_SOURCE_DIR "/plots");
  if (find_on_path("gnuplot", p->gnuplot, sizeof(p->gnuplot)) < 0)
    return failf(p, "gnuplot was not found on PATH: install gnuplot-nox "
                    "(apt-get install gnuplot-nox) to draw figures");
  static const char *const needed[] = {"timeseries.gp", "distribution.gp"};
  for (size_t i = 0; i < 2; i++) {
    char script[4200];
    snprintf(script, sizeof(script), "%s/%s", p->scripts, needed[i]);
    if (access(script, R_OK) < 0)
      return failf(p, "plot script %s: %s (set DEPINSIM_PLOTS to the plots/ folder)", script,
                   strerror(errno));
  }
  if (strchr(p->outdir, '\'') || make_dirs(p->outdir) < 0)
    return failf(p, "cannot create the output folder %s: %s", p->outdir,
                 strchr(p->outdir, '\'') ? "a quote in its name" : strerror(errno));
  const char *tmp = getenv("TMPDIR");
  snprintf(p->tmpdir, sizeof(p->tmpdir), "%s/depinsim-plot-XXXXXX",
           tmp && *tmp && strlen(tmp) < 32 && !strchr(tmp, '\'') ? tmp : "/tmp");
  if (!mkdtemp(p->tmpdir)) {
    p->tmpdir[0] = '\0';
    return failf(p, "cannot create a temporary folder: %s", strerror(errno));
  }
  /* the targets, if any: a run without targets has an empty or no /targets */
  p->n_targets = runfile_column_string(p->file, "targets", "metric", &p->target_metric);
  if (p->n_targets > 0 &&
      runfile_column_double(p->file, "targets", "target", &p->target_value) != p->n_targets) {
    runfile_strings_free(p->target_metric, (size_t)p->n_targets);
    p->target_metric = NULL;
    p->n_targets = 0;
  }
  if (p->n_targets < 0)
    p->n_targets = 0;
  return 0;
}

static void remove_tmpdir(const char *dir)
{
  static const char *const files[] = {"series.dat", "distribution.dat", "gnuplot.log"};
  for (size_t i = 0; i < 3; i++) {
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

enum depin_status plot_run(const char *run_h5, const char *outdir, char ***written,
                           size_t *n_written, diag_t *diag)
{
  *written = NULL;
  *n_written = 0;
  H5E_auto2_t old_func;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  struct plotter p = {.run_h5 = run_h5, .outdir = outdir, .diag = diag, .file = -1};
  enum depin_status st = runfile_open(run_h5, &p.file, diag);
  if (st == DEPIN_OK) {
    int rc = prepare(&p);
    rc = rc ? rc : plot_group(&p, "timeseries", plot_series);
    rc = rc ? rc : plot_group(&p, "distributions", plot_distribution);
    st = rc ? DEPIN_EIO : DEPIN_OK;
    H5Fclose(p.file);
  }
  if (p.tmpdir[0])
    remove_tmpdir(p.tmpdir);
  runfile_strings_free(p.target_metric, (size_t)(p.n_targets > 0 ? p.n_targets : 0));
  free(p.target_value);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (st != DEPIN_OK) {
    runfile_strings_free(p.written, p.n_written);
    return st;
  }
  *written = p.written;
  *n_written = p.n_written;
  return DEPIN_OK;
}
