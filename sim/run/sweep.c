/* sweep.c: `depinsim sweep`: expansion, resume, the local pool of point processes (sweep.h).
 *
 * SimGrid allows one engine per process, so each point is `depinsim run` in a child process
 * (fork, then exec of /proc/self/exe), with the point's seed and --set assignments and its
 * output in points/<id>/. When a child ends, the parent writes points/<id>/status (the
 * assignments' fingerprint, the exit status, the error) under a temporary name and renames it:
 * a status file exists only for a point that really ended, which is what a resumed sweep
 * trusts. sweep.h5 is rebuilt from the outcomes, so a sweep killed at any moment loses at most
 * the points that were running. */
#include "sim/run/sweep_private.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xbt/asserts.h>

#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/engine/progress.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"
#include "sim/scenario/scenario.h"

/* The longest error kept for a failed point (its first line of diagnostics). */
#define SWEEP_ERROR_MAX 240

static unsigned long long fnv1a(const char *text)
{
  unsigned long long h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return h;
}

static char *point_dir(const struct sweep *s, size_t i)
{
  return strfmt("%s/points/%05zu", s->dir, i);
}

/* What identifies a point's run: the scenario text's hash, its seed and assignments. */
static char *fingerprint(const struct sweep *s, size_t i)
{
  const struct sweep_point *p = &s->spec->points[i];
  char *fp = strfmt("%016llx seed=%llu", s->text_hash, (unsigned long long)p->seed);
  for (size_t a = 0; a < s->spec->n_axes; a++) {
    char *longer = strfmt("%s %s=%s", fp, s->spec->axes[a].path, p->texts[a]);
    free(fp);
    fp = longer;
  }
  return fp;
}

static void outcome_clear(struct sweep_outcome *o)
{
  free(o->error);
  if (o->n_metrics > 0) {
    runfile_strings_free(o->names, (size_t)o->n_metrics);
    runfile_strings_free(o->units, (size_t)o->n_metrics);
  }
  free(o->values);
  *o = (struct sweep_outcome){0};
}

/* The point's summary from its run file, when it wrote one. */
static void read_summary(struct sweep *s, size_t i)
{
  struct sweep_outcome *o = &s->outcomes[i];
  char *path = strfmt("%s/points/%05zu/run.h5", s->dir, i);
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t file = access(path, R_OK) == 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  if (file >= 0) {
    o->n_metrics = runfile_summary(file, &o->names, &o->values, &o->units);
    H5Fclose(file);
  }
  h5_quiet_end(quiet);
  if (o->n_metrics <= 0 && (o->code == 0 || o->code == 1) && !o->error)
    o->error = strfmt("the run exited %d but its run file %s cannot be read", o->code, path);
  free(path);
}

pid_t sweep_point_start(struct sweep *s, size_t i)
{
  const struct run_opts *run = s->opts->run;
  const struct sweep_point *p = &s->spec->points[i];
  char *dir = point_dir(s, i), *status = strfmt("%s/status", dir);
  char *out = strfmt("%s/stdout.txt", dir), *errf = strfmt("%s/stderr.txt", dir);
  char seed[32];
  snprintf(seed, sizeof(seed), "%llu", (unsigned long long)p->seed);
  unlink(status); /* a stale status must not outlive the run that replaces it */
  char **sets = sweep_spec_assignments(s->spec, p);
  size_t n = 0, cap = 8 + 2 * (run->n_overrides + s->spec->n_axes) + (size_t)run->engine_argc;
  char **argv = calloc(cap, sizeof(char *));
  xbt_assert(argv, "out of memory");
  argv[n++] = "depinsim", argv[n++] = "run", argv[n++] = "-q";
  argv[n++] = (char *)run->scenario, argv[n++] = "-o", argv[n++] = dir;
  argv[n++] = "--seed", argv[n++] = seed;
  for (size_t k = 0; k < run->n_overrides; k++)
    argv[n++] = "--set", argv[n++] = (char *)run->overrides[k];
  for (size_t a = 0; a < s->spec->n_axes; a++)
    argv[n++] = "--set", argv[n++] = sets[a];
  for (int k = 1; k < run->engine_argc; k++)
    argv[n++] = run->engine_argv[k];
  pid_t parent = getpid(), pid = -1;
  if (paths_make_dirs(dir) == 0) {
    fflush(NULL);
    pid = fork();
  }
  if (pid == 0) {
    /* the point dies with the sweep: a killed sweep leaves no run behind to race a resume */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    int in = open("/dev/null", O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644),
        e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
      _exit(127);
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  if (pid < 0) {
    struct sweep_outcome *oc = &s->outcomes[i];
    outcome_clear(oc);
    oc->done = true;
    oc->code = -1;
    oc->error = strfmt("cannot start the point in %s: %s", dir, strerror(errno));
  }
  for (size_t a = 0; a < s->spec->n_axes; a++)
    free(sets[a]);
  free(sets), free(argv), free(dir), free(status), free(out), free(errf);
  return pid;
}

/* The first non-empty line of the point's stderr, or NULL. */
static char *first_error_line(const struct sweep *s, size_t i)
{
  char *path = strfmt("%s/points/%05zu/stderr.txt", s->dir, i), *line = NULL, *found = NULL;
  size_t cap = 0;
  FILE *f = fopen(path, "r");
  while (f && !found && getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[strspn(line, " \t")])
      found = strndup(line, SWEEP_ERROR_MAX);
  }
  if (f)
    fclose(f);
  free(line);
  free(path);
  return found;
}

void sweep_point_finish(struct sweep *s, size_t i, int wait_status)
{
  struct sweep_outcome *o = &s->outcomes[i];
  outcome_clear(o);
  o->done = true;
  o->code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (o->code == 127)
    o->error = strfmt("cannot run /proc/self/exe for the point");
  else if (WIFSIGNALED(wait_status))
    o->error = strfmt("killed by signal %d (%s)", WTERMSIG(wait_status),
                      strsignal(WTERMSIG(wait_status)));
  else if (o->code != 0 && o->code != 1) {
    char *line = first_error_line(s, i);
    o->error = strfmt("exit %d: %s", o->code, line ? line : "no diagnostics");
    free(line);
  }
  read_summary(s, i);
  char *fp = fingerprint(s, i), *path = strfmt("%s/points/%05zu/status", s->dir, i);
  struct paths_staged staged;
  FILE *f = paths_stage_open(path, &staged);
  if (f) {
    fprintf(f, "key %s\ncode %d\nerror %s\n", fp, o->code, o->error ? o->error : "");
    if (fclose(f) == 0)
      paths_commit(&staged, path);
  }
  paths_discard(&staged);
  free(fp), free(path);
}

bool sweep_point_load(struct sweep *s, size_t i)
{
  struct sweep_outcome *o = &s->outcomes[i];
  char *path = strfmt("%s/points/%05zu/status", s->dir, i), *line = NULL;
  char *fp = fingerprint(s, i);
  size_t cap = 0;
  bool key_ok = false, code_ok = false;
  FILE *f = fopen(path, "r");
  outcome_clear(o);
  while (f && getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "key ", 4))
      key_ok = !strcmp(line + 4, fp);
    else if (!strncmp(line, "code ", 5))
      code_ok = sscanf(line + 5, "%d", &o->code) == 1;
    else if (!strncmp(line, "error ", 6) && line[6])
      o->error = strdup(line + 6);
  }
  if (f)
    fclose(f);
  free(line), free(path), free(fp);
  if (!key_ok || !code_ok) {
    outcome_clear(o);
    return false;
  }
  o->done = true;
  read_summary(s, i);
  return true;
}

static void write_now(struct sweep *s)
{
  diag_t *diag = diag_new();
  char *path = strfmt("%s/sweep.h5", s->dir);
  if (sweep_file_write(s, path, diag) != DEPIN_OK)
    diag_print(diag, s->err);
  s->last_write = progress_wall_now();
  diag_free(diag);
  free(path);
}

void sweep_point_report(struct sweep *s, size_t i)
{
  const struct sweep_outcome *o = &s->outcomes[i];
  s->n_ran++;
  if (!s->quiet && s->opts->run->progress != PROGRESS_QUIET) {
    char **sets = sweep_spec_assignments(s->spec, &s->spec->points[i]);
    fprintf(s->out, "[%zu/%zu] point %zu (seed %llu", s->n_ran, s->spec->n_points, i,
            (unsigned long long)s->spec->points[i].seed);
    for (size_t a = 0; a < s->spec->n_axes; a++)
      fprintf(s->out, ", %s", sets[a]), free(sets[a]);
    free(sets);
    fprintf(s->out, "): %s\n",
            o->error ? o->error : o->code == 0 ? "targets met" : "target missed");
    fflush(s->out);
  }
  if (!s->quiet && progress_wall_now() - s->last_write >= SWEEP_WRITE_INTERVAL_S)
    write_now(s);
}

/* Runs the pending points jobs at a time in child processes. */
static void run_local(struct sweep *s, const size_t *pending, size_t n_pending)
{
  size_t jobs = (size_t)s->opts->jobs, next = 0, running = 0;
  pid_t *pids = calloc(jobs, sizeof(pid_t));
  size_t *which = calloc(jobs, sizeof(size_t));
  xbt_assert(pids && which, "out of memory");
  while (next < n_pending || running > 0) {
    for (size_t slot = 0; slot < jobs && next < n_pending; slot++) {
      if (pids[slot] > 0)
        continue;
      size_t i = pending[next++];
      pid_t pid = sweep_point_start(s, i);
      if (pid < 0) {
        sweep_point_report(s, i);
        continue;
      }
      pids[slot] = pid, which[slot] = i, running++;
    }
    if (running == 0)
      continue;
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR)
      continue;
    xbt_assert(pid > 0, "waitpid: %s", strerror(errno));
    for (size_t slot = 0; slot < jobs; slot++)
      if (pids[slot] == pid) {
        sweep_point_finish(s, which[slot], status);
        sweep_point_report(s, which[slot]);
        pids[slot] = 0, running--;
      }
  }
  free(pids);
  free(which);
}

/* Loads the scenario and the sweep; returns a run_exit code. */
static int prepare(struct sweep *s, FILE *err)
{
  const struct run_opts *run = s->opts->run;
  diag_t *diag = diag_new();
  char seed_text[64];
  size_t n;
  const char **overrides = run_overrides(run, seed_text, &n);
  xbt_assert(diag, "out of memory");
  int code = RUN_EXIT_PASS;
  if (scenario_load(run->scenario, overrides, n, run->layers, diag, &s->sc) != DEPIN_OK ||
      sweep_spec_read(s->sc, &s->spec) != DEPIN_OK ||
      sweep_spec_check_values(s->sc, s->spec, overrides, n) != DEPIN_OK)
    code = RUN_EXIT_BAD_INPUT;
  if (!s->quiet)
    diag_print(diag, err);
  free(overrides);
  diag_free(diag);
  if (code != RUN_EXIT_PASS)
    return code;
  s->dir = run->outdir ? strdup(run->outdir) : strfmt("results/%s-sweep", s->sc->name);
  s->text_hash = fnv1a(s->sc->text);
  s->outcomes = calloc(s->spec->n_points, sizeof(struct sweep_outcome));
  xbt_assert(s->dir && s->outcomes, "out of memory");
  return code;
}

int sweep_main(const struct sweep_opts *opts, FILE *out, FILE *err)
{
  struct sweep s = {.opts = opts, .out = out, .err = err, .quiet = sweep_mpi_rank_hint() != 0};
  size_t *pending = NULL, n_pending = 0;
  int code = prepare(&s, err);
  if (code != RUN_EXIT_PASS)
    goto done;
  char *points = strfmt("%s/points", s.dir);
  int made = paths_make_dirs(points);
  free(points);
  if (made < 0) {
    fprintf(err, "depinsim sweep: cannot create %s/points: %s\n", s.dir, strerror(errno));
    code = RUN_EXIT_ERROR;
    goto done;
  }
  pending = calloc(s.spec->n_points, sizeof(size_t));
  xbt_assert(pending, "out of memory");
  size_t finished = 0;
  for (size_t i = 0; i < s.spec->n_points; i++) {
    if (sweep_point_load(&s, i) && !s.outcomes[i].error)
      finished++;
    else
      pending[n_pending++] = i;
  }
  if (!s.quiet) {
    fprintf(out, "sweep %s: %zu points (%zu samples x %zu replications, %s) into %s\n",
            s.sc->name, s.spec->n_points, s.spec->n_samples, s.spec->replications,
            sweep_method_names[s.spec->method], s.dir);
    if (finished)
      fprintf(out, "resuming: %zu points finished before are skipped\n", finished);
  }
  s.n_ran = finished;
  s.last_write = progress_wall_now();
  if (sweep_mpi_launched()) {
    code = sweep_mpi_run(&s, pending, n_pending);
  } else {
    run_local(&s, pending, n_pending);
    code = RUN_EXIT_PASS;
  }
  if (s.quiet)
    goto done;
  diag_t *diag = diag_new();
  char *path = strfmt("%s/sweep.h5", s.dir);
  size_t failed = 0;
  for (size_t i = 0; i < s.spec->n_points; i++)
    failed += !s.outcomes[i].done || s.outcomes[i].error;
  if (sweep_file_write(&s, path, diag) != DEPIN_OK) {
    diag_print(diag, err);
    code = RUN_EXIT_ERROR;
  } else {
    fprintf(out, "sweep: %zu of %zu points ran, %zu failed; results: %s\n",
            s.spec->n_points - failed, s.spec->n_points, failed, path);
    code = code != RUN_EXIT_PASS ? code : failed ? RUN_EXIT_FAIL : RUN_EXIT_PASS;
  }
  free(path);
  diag_free(diag);
done:
  for (size_t i = 0; s.outcomes && i < s.spec->n_points; i++)
    outcome_clear(&s.outcomes[i]);
  free(s.outcomes);
  free(pending);
  free(s.dir);
  sweep_spec_free(s.spec);
  scenario_free(s.sc);
  return code;
}
