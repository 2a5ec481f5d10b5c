/* token_coupled.c: the coupled token economy at scale, and the multi-rate scheme's error.
 *
 * 1. Scale: scenarios/tokenomics-coupled.yaml (two years of daily epochs, the network simulated
 *    one minute per day) grown to 10,000 launch providers (home RTX 4090s up to 9,446, their
 *    spares to twice that). Prints wall and CPU time, peak RSS and the run's headline figures.
 * 2. Error: the same network at a quarter of the size over 96 hourly epochs, with a shallow
 *    pool and operators who sell everything, so that the price falls 99% and a third of the
 *    operators leave (all the H100s): run in full (each epoch simulated for its whole hour)
 *    and with the multi-rate scheme (windows of 15 and 5 minutes per epoch, and a window of 5
 *    minutes standing for 2 epochs). Prints each scheme's operators and price (at the end and
 *    averaged over the epochs) and served GPU-hours, with their relative error against the
 *    full run.
 *
 * Each run is a child process (one SimGrid engine per process) of the depinsim binary.
 *
 * With --seeds N each scheme runs with seeds 1..N and the table shows the means.
 *
 *   build/perf/token_coupled [--skip-scale] [--skip-error] [--seeds N] */
#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf_child.h"
#include "sim/results/runfile.h"

#define SCENARIO DEPINSIM_SOURCE_DIR "/scenarios/tokenomics-coupled.yaml"
#define ERROR_EPOCHS 96

static double summary(const char *h5, const char *name)
{
  double v = NAN;
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t g = f >= 0 ? H5Gopen2(f, "/summary", H5P_DEFAULT) : -1;
  if (g >= 0) {
    runfile_attr_double(g, name, &v);
    H5Gclose(g);
  }
  if (f >= 0)
    H5Fclose(f);
  return v;
}

/* The values of series `name`, n of them at most; returns how many were read. */
static size_t series(const char *h5, const char *name, double *values, size_t n)
{
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  double *time = NULL, *value = NULL;
  long got = f >= 0 ? runfile_series(f, name, &time, &value) : -1;
  size_t k = 0;
  for (; got > 0 && k < (size_t)got && k < n; k++)
    values[k] = value[k];
  free(time);
  free(value);
  if (f >= 0)
    H5Fclose(f);
  return k;
}

/* Runs depinsim on the coupled scenario with the overrides, into dir; prints its cost. */
static struct perf_child run(const char *label, const char *dir, const char *const *sets)
{
  char *argv[64];
  int n = 0;
  argv[n++] = DEPINSIM_BINARY_GUESS;
  argv[n++] = "run";
  argv[n++] = "-q";
  argv[n++] = SCENARIO;
  argv[n++] = "-o";
  argv[n++] = (char *)dir;
  for (size_t i = 0; sets[i] && n < 60; i++) {
    argv[n++] = "--set";
    argv[n++] = (char *)sets[i];
  }
  argv[n] = NULL;
  char log[512];
  snprintf(log, sizeof log, "%s.log", dir);
  struct perf_child c = perf_run_child(argv, log);
  printf("%-34s exit %d  wall %7.1f s  cpu %7.1f s  peak RSS %6.0f MiB\n", label, c.exit,
         c.wall_s, c.cpu_s, c.peak_rss_mib);
  return c;
}

static void scale(const char *base)
{
  static const char *const sets[] = {
    "providers.home-4090.count=9446", "providers.home-4090.max_count=18892", NULL};
  char dir[512], h5[600];
  snprintf(dir, sizeof dir, "%s/scale", base);
  printf("1. two years of daily epochs, 10,000 launch providers (19,446 hosts)\n");
  run("tokenomics-coupled x 10,000", dir, sets);
  snprintf(h5, sizeof h5, "%s/run.h5", dir);
  printf("   operators at the end %.0f, price %.4g USD, served %.4g GPU-h, inference p99 %.3g s,"
         " conserved %.0f\n\n", summary(h5, "operators_final"), summary(h5, "token_price_final"),
         summary(h5, "token_served_gpu_hours"), summary(h5, "inference_latency_p99"),
         summary(h5, "token_conserved"));
}

/* The error case: a quarter of the network, hourly epochs, patience and entries in hours. */
static const char *const error_case[] = {
  "providers.dc-h100.count=40", "providers.dc-h100.max_count=100",
  "providers.cloud-a100.count=100", "providers.cloud-a100.max_count=250",
  "providers.home-4090.count=750", "providers.home-4090.max_count=1500",
  "workload.inference=[{rate: 10/s, model: {params: 8e9, precision: bf16}, prompt_tokens: 512, "
  "output_tokens: 256, replicas: 375, service: exponential}]",
  "workload.training=[]", "token.epoch=1h", "token.operators.patience=3h",
  "token.operators.entry_rate=4/h", "token.sell_fraction=1", "token.price.pool_depth_usd=1e5",
  NULL};

struct scheme {
  const char *label, *window, *every, *duration;
};

static double rel(double got, double want)
{
  return want != 0 ? fabs(got - want) / fabs(want) : fabs(got);
}

/* What one run of a scheme gives: operators and price at the end and averaged over the epochs,
 * and the GPU-hours served. */
struct outcome {
  double ops_end, ops_mean, price_end, price_mean, served;
};

static struct outcome read_outcome(const char *h5)
{
  double ops[ERROR_EPOCHS], price[ERROR_EPOCHS];
  size_t got_ops = series(h5, "token_operators", ops, ERROR_EPOCHS);
  size_t got_price = series(h5, "token_price", price, ERROR_EPOCHS);
  struct outcome o = {summary(h5, "operators_final"), 0, summary(h5, "token_price_final"), 0,
                      summary(h5, "token_served_gpu_hours")};
  for (size_t e = 0; e < ERROR_EPOCHS; e++) {
    o.ops_mean += (e < got_ops ? ops[e] : NAN) / ERROR_EPOCHS;
    o.price_mean += (e < got_price ? price[e] : NAN) / ERROR_EPOCHS;
  }
  return o;
}

/* Runs scheme s with seed `seed` into base/error-<s>-<seed> and reads what it gave. */
static struct outcome run_scheme(const char *base, const struct scheme *s, size_t index,
                                 unsigned seed)
{
  const char *sets[32];
  size_t n = 0;
  char window[64], every[64], duration[64], seed_set[64], label[96], dir[512], h5[600];
  for (; error_case[n]; n++)
    sets[n] = error_case[n];
  snprintf(window, sizeof window, "token.coupling.window=%s", s->window);
  snprintf(every, sizeof every, "token.coupling.every=%s", s->every);
  snprintf(duration, sizeof duration, "duration=%s", s->duration);
  snprintf(seed_set, sizeof seed_set, "seed=%u", seed);
  sets[n++] = window;
  sets[n++] = every;
  sets[n++] = duration;
  sets[n++] = seed_set;
  sets[n++] = "sample_interval=5min";
  sets[n] = NULL;
  snprintf(dir, sizeof dir, "%s/error-%zu-%u", base, index, seed);
  snprintf(label, sizeof label, "%s, seed %u", s->label, seed);
  run(label, dir, sets);
  snprintf(h5, sizeof h5, "%s/run.h5", dir);
  return read_outcome(h5);
}

static void error(const char *base, unsigned seeds)
{
  static const struct scheme schemes[] = {
    {"full: window = epoch (1h)", "1h", "1", "96h"},
    {"multi-rate: 15min per epoch", "15min", "1", "1440min"},
    {"multi-rate: 5min per epoch", "5min", "1", "480min"},
    {"multi-rate: 5min per 2 epochs", "5min", "2", "240min"},
  };
  size_t n_schemes = sizeof schemes / sizeof schemes[0];
  struct outcome mean[4] = {{0}};
  printf("2. the multi-rate scheme against the full simulation: %d hourly epochs, 894 launch "
         "providers, the mean of %u seed%s\n", ERROR_EPOCHS, seeds, seeds == 1 ? "" : "s");
  for (size_t s = 0; s < n_schemes; s++)
    for (unsigned seed = 1; seed <= seeds; seed++) {
      struct outcome o = run_scheme(base, &schemes[s], s, seed);
      mean[s].ops_end += o.ops_end / seeds;
      mean[s].ops_mean += o.ops_mean / seeds;
      mean[s].price_end += o.price_end / seeds;
      mean[s].price_mean += o.price_mean / seeds;
      mean[s].served += o.served / seeds;
    }
  printf("\n   %-30s %18s %18s %18s %18s %20s\n", "scheme (error vs full)", "operators at end",
         "operators, mean", "price at end", "price, mean", "served GPU-h");
  const struct outcome *f = &mean[0];
  for (size_t s = 0; s < n_schemes; s++) {
    const struct outcome *m = &mean[s];
    printf("   %-30s %9.0f (%5.2f%%) %9.1f (%5.2f%%) %9.4g (%5.2f%%) %9.4g (%5.2f%%) "
           "%11.6g (%5.2f%%)\n",
           schemes[s].label, m->ops_end, 100 * rel(m->ops_end, f->ops_end), m->ops_mean,
           100 * rel(m->ops_mean, f->ops_mean), m->price_end,
           100 * rel(m->price_end, f->price_end), m->price_mean,
           100 * rel(m->price_mean, f->price_mean), m->served, 100 * rel(m->served, f->served));
  }
}

int main(int argc, char **argv)
{
  bool do_scale = true, do_error = true;
  unsigned seeds = 1;
  for (int i = 1; i < argc; i++) {
    do_scale &= strcmp(argv[i], "--skip-scale") != 0;
    do_error &= strcmp(argv[i], "--skip-error") != 0;
    if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
      seeds = (unsigned)fmax(1, atof(argv[++i]));
  }
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* a run that failed reads as NaN, quietly */
  char base[] = "/tmp/depinsim-token-coupled-XXXXXX";
  if (!mkdtemp(base))
    return 1;
  printf("runs in %s\n\n", base);
  if (do_scale)
    scale(base);
  if (do_error)
    error(base, seeds);
  return 0;
}
