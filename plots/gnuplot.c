/* gnuplot.c: a figure-drawing session over the plots/ scripts (gnuplot.h). */
#include "plots/gnuplot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xbt/asserts.h>

#include "sim/base/paths.h"
#include "sim/base/strfmt.h"

extern char **environ;

struct gnuplot {
  char program[4096], scripts[4096], tmpdir[64];
  char *outdir, *source;
  diag_t *diag;
  char **written;
  size_t n_written;
};

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

gnuplot_t *gnuplot_new(const char *outdir, const char *source, diag_t *diag)
{
  gnuplot_t *g = calloc(1, sizeof(*g));
  xbt_assert(g, "out of memory");
  g->diag = diag;
  g->outdir = strdup(outdir);
  g->source = strdup(source);
  xbt_assert(g->outdir && g->source, "out of memory");
  const char *scripts = getenv("DEPINSIM_PLOTS"), *data = paths_data_dir();
  if (scripts && *scripts)
    snprintf(g->scripts, sizeof(g->scripts), "%s", scripts);
  else
    snprintf(g->scripts, sizeof(g->scripts), "%s/plots", data ? data : ".");
  if (find_on_path("gnuplot", g->program, sizeof(g->program)) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: gnuplot was not found on PATH: install "
             "gnuplot-nox (apt-get install gnuplot-nox) to draw figures", source);
    goto fail;
  }
  if (strchr(outdir, '\'') || paths_make_dirs(outdir) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create the output folder %s: %s",
             source, outdir, strchr(outdir, '\'') ? "a quote in its name" : strerror(errno));
    goto fail;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(g->tmpdir, sizeof(g->tmpdir), "%s/depinsim-plot-XXXXXX",
           tmp && *tmp && strlen(tmp) < 32 && !strchr(tmp, '\'') ? tmp : "/tmp");
  if (!mkdtemp(g->tmpdir)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create a temporary folder: %s",
             source, strerror(errno));
    g->tmpdir[0] = '\0';
    goto fail;
  }
  return g;
fail:
  gnuplot_free(g);
  return NULL;
}

void gnuplot_free(gnuplot_t *g)
{
  if (!g)
    return;
  DIR *d = g->tmpdir[0] ? opendir(g->tmpdir) : NULL;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", g->tmpdir, e->d_name);
    if (e->d_name[0] != '.')
      unlink(path);
  }
  if (d)
    closedir(d);
  if (g->tmpdir[0])
    rmdir(g->tmpdir);
  for (size_t i = 0; i < g->n_written; i++)
    free(g->written[i]);
  free(g->written);
  free(g->outdir);
  free(g->source);
  free(g);
}

const char *gnuplot_tmpdir(const gnuplot_t *g) { return g->tmpdir; }
const char *gnuplot_outdir(const gnuplot_t *g) { return g->outdir; }

int gnuplot_draw(gnuplot_t *g, const char *script, const char *params, const char *outbase)
{
  char script_path[4200], log_path[128];
  snprintf(script_path, sizeof(script_path), "%s/%s", g->scripts, script);
  snprintf(log_path, sizeof(log_path), "%s/gnuplot.log", g->tmpdir);
  if (access(script_path, R_OK) < 0) {
    diag_add(g->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: plot script %s: %s (set DEPINSIM_PLOTS "
             "to the plots/ folder)", g->source, script_path, strerror(errno));
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  char *argv[] = {"gnuplot", "-e", (char *)params, script_path, NULL};
  pid_t pid;
  int err = posix_spawn(&pid, g->program, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) {
    diag_add(g->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot run %s: %s", g->source,
             g->program, strerror(err));
    return -1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char log[600] = "";
    FILE *f = fopen(log_path, "r");
    if (f) {
      log[fread(log, 1, sizeof(log) - 1, f)] = '\0';
      fclose(f);
    }
    for (char *c = log; *c; c++)
      *c = *c == '\n' ? ' ' : *c;
    diag_add(g->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: gnuplot failed on %s: %s", g->source,
             script_path, log);
    return -1;
  }
  static const char *const ext[] = {"png", "svg", "pdf"}; /* PDF only with pdfcairo */
  for (int i = 0; i < 3; i++) {
    char *path = strfmt("%s.%s", outbase, ext[i]);
    struct stat st;
    if (i == 2 && stat(path, &st) < 0) {
      free(path);
      continue;
    }
    if (stat(path, &st) < 0 || st.st_size == 0) {
      diag_add(g->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: gnuplot did not write %s", g->source,
               path);
      free(path);
      return -1;
    }
    char **grown = realloc(g->written, (g->n_written + 1) * sizeof(char *));
    xbt_assert(grown, "out of memory");
    g->written = grown;
    g->written[g->n_written++] = path;
  }
  return 0;
}

char **gnuplot_take_written(gnuplot_t *g, size_t *n)
{
  char **w = g->written;
  *n = g->n_written;
  g->written = NULL;
  g->n_written = 0;
  return w;
}

void gnuplot_text(const char *text, char *buf, size_t n)
{
  size_t k = 0;
  for (; text[k] && k + 1 < n; k++) {
    unsigned char c = (unsigned char)text[k];
    buf[k] = c == '\'' || c == '\\' || c < 32 || c == 127 ? ' ' : (char)c;
  }
  buf[k] = '\0';
}

void gnuplot_data_label(FILE *f, const char *label)
{
  fputc('"', f);
  for (const char *c = label; *c; c++)
    if (*c != '"' && *c != '\\' && (unsigned char)*c >= 32)
      fputc(*c, f);
  fputs("\"\n", f);
}

void gnuplot_write_series(FILE *f, const double *t, const double *v, long n, double unit_s)
{
  if (n <= GNUPLOT_SERIES_MAX_POINTS) {
    for (long i = 0; i < n; i++)
      fprintf(f, "%.17g %.17g\n", t[i] / unit_s, v[i]);
    return;
  }
  for (long b = 0; b < GNUPLOT_SERIES_BUCKETS; b++) {
    long from = n * b / GNUPLOT_SERIES_BUCKETS, to = n * (b + 1) / GNUPLOT_SERIES_BUCKETS;
    long lo = from, hi = from;
    for (long i = from; i < to; i++) {
      if (v[i] < v[lo])
        lo = i;
      if (v[i] > v[hi])
        hi = i;
    }
    long first = lo < hi ? lo : hi, second = lo < hi ? hi : lo;
    fprintf(f, "%.17g %.17g\n", t[first] / unit_s, v[first]);
    if (second != first)
      fprintf(f, "%.17g %.17g\n", t[second] / unit_s, v[second]);
  }
}
