/* bench.c: every benchmark under tests/perf/ in one command, into results/bench.h5 and a plot.
 *
 * Runs scale (the whole simulator at each provider count: one simulated hour of ledger
 * traffic at 11,000 TPS by default), actors (the engine with one actor per provider) and
 * calibrate (the compute kernels, CPU unless a GPU answers), each as a child process measured
 * with wait4 (wall time, peak RSS of the child), and parses scale's table for the per-size
 * figures. Writes:
 *   /meta      attributes depinsim_version, git_revision, created (UTC), host, cpus, duration
 *   /scale     compound: providers, wall_s, peak_rss_mib, sim_s_per_wall_s, activities_per_s,
 *              tps, exit
 *   /programs  compound: name, args, wall_s, peak_rss_mib, exit (one row per program run)
 * and results/bench.png/.svg (plots/bench.gp): wall time and memory against provider count.
 * A benchmark reports; it passes or fails on nothing but a program that did not run.
 *
 *   build/perf/bench [--sizes 1000,10000,100000] [--duration 1h] [--actors N] [--quick]
 *                    [-o results/bench.h5] */
#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "depinsim_revision.h"
#include "plots/gnuplot.h"
#include "sim/engine/progress.h"
#include "sim/results/h5.h"
#include "tests/perf/perf_child.h"

#define BENCH_MAX_SIZES 16

struct scale_row {
  double providers, wall_s, peak_rss_mib, sim_s_per_wall_s, activities_per_s, tps;
  int64_t exit;
};

struct program_row {
  char name[32], args[128];
  double wall_s, peak_rss_mib;
  int64_t exit;
};

struct bench {
  const char *perf_dir, *output, *duration;
  long sizes[BENCH_MAX_SIZES];
  int n_sizes;
  long actors, rounds;
  int quick;                        /* --quick: the layers' benchmarks at a tenth of their size */
  struct scale_row scale[BENCH_MAX_SIZES];
  int n_scale;
  struct program_row programs[16];
  int n_programs;
};

/* Runs perf_dir/name with args (NULL-terminated), its stdout into out_path; records a row. */
static int run_program(struct bench *b, const char *name, char *const args[], const char *out_path)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", b->perf_dir, name);
  char *argv[16] = {path};
  struct program_row *row = &b->programs[b->n_programs++];
  snprintf(row->name, sizeof(row->name), "%s", name);
  for (int i = 0; args[i] && i < 14; i++) {
    argv[i + 1] = args[i];
    size_t used = strlen(row->args);
    snprintf(row->args + used, sizeof(row->args) - used, "%s%s", used ? " " : "", args[i]);
  }
  printf("bench: %s %s\n", name, row->args);
  struct perf_child run = perf_run_child(argv, out_path);
  row->wall_s = run.wall_s;
  row->peak_rss_mib = run.peak_rss_mib;
  row->exit = run.exit;
  printf("bench: %s: exit %ld, wall %.1f s, peak RSS %.0f MiB\n", name, (long)row->exit,
         row->wall_s, row->peak_rss_mib);
  return row->exit == 0 ? 0 : -1;
}

/* scale's table: "providers wall_s peak_MiB sim_s/wall_s activities/s tps exit" rows. */
static void parse_scale(struct bench *b, const char *path)
{
  FILE *f = fopen(path, "r");
  char line[512];
  while (f && fgets(line, sizeof(line), f) && b->n_scale < BENCH_MAX_SIZES) {
    struct scale_row r;
    long code;
    if (sscanf(line, "%lf %lf %lf %lf %lf %lf %ld", &r.providers, &r.wall_s, &r.peak_rss_mib,
               &r.sim_s_per_wall_s, &r.activities_per_s, &r.tps, &code) == 7) {
      r.exit = code;
      b->scale[b->n_scale++] = r;
      fputs(line, stdout);
    }
  }
  if (f)
    fclose(f);
}

static void attr_string(hid_t obj, const char *name, const char *value)
{
  hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, strlen(value) + 1);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, value);
  H5Aclose(attr), H5Sclose(space), H5Tclose(type);
}

static int write_h5(const struct bench *b)
{
  hid_t f = H5Fcreate(b->output, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    return -1;
  hid_t meta = H5Gcreate2(f, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  struct utsname u;
  uname(&u);
  char created[32], cpus[16];
  time_t now = time(NULL);
  strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  snprintf(cpus, sizeof(cpus), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
  attr_string(meta, "depinsim_version", DEPINSIM_VERSION);
  attr_string(meta, "git_revision", DEPINSIM_GIT_REVISION);
  attr_string(meta, "created", created);
  attr_string(meta, "host", u.nodename);
  attr_string(meta, "cpus", cpus);
  attr_string(meta, "duration", b->duration);
  H5Gclose(meta);

  const char *scale_names[] = {"providers", "wall_s", "peak_rss_mib", "sim_s_per_wall_s",
                               "activities_per_s", "tps", "exit"};
  size_t scale_off[] = {HOFFSET(struct scale_row, providers), HOFFSET(struct scale_row, wall_s),
                        HOFFSET(struct scale_row, peak_rss_mib),
                        HOFFSET(struct scale_row, sim_s_per_wall_s),
                        HOFFSET(struct scale_row, activities_per_s),
                        HOFFSET(struct scale_row, tps), HOFFSET(struct scale_row, exit)};
  hid_t scale_types[] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE,
                         H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE,
                         H5T_NATIVE_INT64};
  herr_t rc = H5TBmake_table("scale", f, "scale", 7, (hsize_t)b->n_scale,
                             sizeof(struct scale_row), scale_names, scale_off, scale_types,
                             BENCH_MAX_SIZES, NULL, 0, b->scale);
  hid_t name_t = H5Tcopy(H5T_C_S1), args_t = H5Tcopy(H5T_C_S1);
  H5Tset_size(name_t, 32), H5Tset_size(args_t, 128);
  const char *prog_names[] = {"name", "args", "wall_s", "peak_rss_mib", "exit"};
  size_t prog_off[] = {HOFFSET(struct program_row, name), HOFFSET(struct program_row, args),
                       HOFFSET(struct program_row, wall_s),
                       HOFFSET(struct program_row, peak_rss_mib),
                       HOFFSET(struct program_row, exit)};
  hid_t prog_types[] = {name_t, args_t, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_INT64};
  rc |= H5TBmake_table("programs", f, "programs", 5, (hsize_t)b->n_programs,
                       sizeof(struct program_row), prog_names, prog_off, prog_types, 8, NULL, 0,
                       b->programs);
  H5Tclose(name_t), H5Tclose(args_t);
  return H5Fclose(f) < 0 || rc < 0 ? -1 : 0;
}

static int draw(const struct bench *b)
{
  char *copy = strdup(b->output), *dir = dirname(copy), outbase[4096], data[256];
  diag_t *diag = diag_new();
  gnuplot_t *g = gnuplot_new(dir, b->output, diag);
  int rc = -1;
  if (g) {
    snprintf(data, sizeof(data), "%s/bench.dat", gnuplot_tmpdir(g));
    FILE *f = fopen(data, "w");
    for (int i = 0; f && i < b->n_scale; i++)
      if (b->scale[i].exit <= 1) /* 1: a target missed, the run itself complete */
        fprintf(f, "%.0f %.6g %.6g %.6g\n", b->scale[i].providers, b->scale[i].wall_s,
                b->scale[i].peak_rss_mib, b->scale[i].sim_s_per_wall_s);
    char *params = NULL;
    size_t len = strlen(b->output);
    snprintf(outbase, sizeof(outbase), "%.*s", (int)(len > 3 && !strcmp(b->output + len - 3, ".h5")
                                                   ? len - 3 : len), b->output);
    if (f && fclose(f) == 0 &&
        asprintf(&params, "datafile='%s'; outbase='%s'; title='depinsim %s (%s): %s simulated, "
                          "ledger at 11,000 TPS, %ld CPUs'", data, outbase, DEPINSIM_VERSION,
                 DEPINSIM_GIT_REVISION, b->duration, sysconf(_SC_NPROCESSORS_ONLN)) >= 0) {
      rc = gnuplot_draw(g, "bench.gp", params, outbase);
      free(params);
    }
    size_t n;
    char **written = gnuplot_take_written(g, &n);
    for (size_t i = 0; i < n; i++)
      printf("%s\n", written[i]), free(written[i]);
    free(written);
  }
  diag_print(diag, stderr);
  gnuplot_free(g);
  diag_free(diag);
  free(copy);
  return rc;
}

/* Each protocol layer's own benchmark at its default size (their header comments say what each
 * runs), or a tenth of it under --quick, its output echoed. Returns how many failed. */
static int run_layer_benchmarks(struct bench *b, const char *out)
{
  static char *const none[] = {NULL};
  static char *const tasks_10k[] = {"10000", NULL}, *const ten_minutes[] = {"10min", NULL};
  static char *const nodes_10k[] = {"10000", NULL}, *const scale_only[] = {"--skip-error", NULL};
  static const struct {
    const char *name;
    char *const *quick_args;
  } layers[] = {{"market", none}, {"token_bench", none}, {"verify_bench", tasks_10k},
                {"da_bench", ten_minutes}, {"da_signers", ten_minutes}, {"gossip", nodes_10k},
                {"token_coupled", scale_only}};
  int failed = 0;
  for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
    failed += run_program(b, layers[i].name, b->quick ? layers[i].quick_args : none, out) < 0;
    FILE *f = fopen(out, "r"); /* their own figures, shown as they printed them */
    char line[512];
    while (f && fgets(line, sizeof line, f))
      printf("  %s", line);
    if (f)
      fclose(f);
  }
  return failed;
}

int main(int argc, char **argv)
{
  static char perf_dir[4096];
  struct bench b = {.output = "results/bench.h5", .duration = "1h", .actors = 10000,
                    .rounds = 10, .sizes = {1000, 10000, 100000}, .n_sizes = 3};
  char *self = strdup(argv[0]);
  snprintf(perf_dir, sizeof(perf_dir), "%s", dirname(self));
  free(self);
  b.perf_dir = perf_dir;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) {
      b.duration = "10min", b.actors = 2000, b.rounds = 2, b.quick = 1;
      b.sizes[0] = 1000, b.sizes[1] = 10000, b.n_sizes = 2;
    } else if (!strcmp(argv[i], "--duration") && i + 1 < argc) {
      b.duration = argv[++i];
    } else if (!strcmp(argv[i], "--actors") && i + 1 < argc) {
      b.actors = atol(argv[++i]);
    } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      b.output = argv[++i];
    } else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
      b.n_sizes = 0;
      for (char *s = strtok(argv[++i], ","); s && b.n_sizes < BENCH_MAX_SIZES; s = strtok(NULL, ","))
        b.sizes[b.n_sizes++] = atol(s);
    } else {
      fprintf(stderr, "usage: %s [--sizes 1000,10000,100000] [--duration 1h] [--actors N] "
                      "[--quick] [-o results/bench.h5]\n", argv[0]);
      return 2;
    }
  }
  char out[256], sizes[BENCH_MAX_SIZES][24], actors[24], rounds[24];
  snprintf(out, sizeof(out), "%s/depinsim-bench-%ld.txt", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
           (long)getpid());
  char *scale_args[BENCH_MAX_SIZES + 3] = {"--duration", (char *)b.duration};
  for (int i = 0; i < b.n_sizes; i++) {
    snprintf(sizes[i], sizeof(sizes[i]), "%ld", b.sizes[i]);
    scale_args[2 + i] = sizes[i];
  }
  int failed = 0;
  failed += run_program(&b, "scale", scale_args, out) < 0;
  parse_scale(&b, out);
  snprintf(actors, sizeof(actors), "%ld", b.actors);
  snprintf(rounds, sizeof(rounds), "%ld", b.rounds);
  char *actor_args[] = {actors, rounds, NULL};
  failed += run_program(&b, "actors", actor_args, out) < 0;
  char *calibrate_args[] = {"--quick", "-o", "/dev/null", NULL};
  failed += run_program(&b, "calibrate", calibrate_args, out) < 0;
  failed += run_layer_benchmarks(&b, out);
  unlink(out);

  char *copy = strdup(b.output);
  mkdir(dirname(copy), 0777);
  free(copy);
  struct h5_quiet quiet = h5_quiet_begin();
  int written = write_h5(&b);
  h5_quiet_end(quiet);
  if (written < 0) {
    fprintf(stderr, "bench: cannot write %s\n", b.output);
    return 1;
  }
  printf("%s\n", b.output);
  if (draw(&b) < 0)
    return 1;
  return failed ? 1 : 0;
}
