/* token_bench.c: how fast the token epoch loop runs: a 10-year hourly simulation of 100,000
 * operators (87,600 epochs), and OutlierVentures' DePINSimulator default for comparison
 * (50,000 nodes, 10 years daily, one run). Prints wall time, peak RSS and ns per epoch per
 * operator; it does not pass or fail. Usage: token_bench [operators] [years] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "protocols/token/token_sim.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench(const char *what, long operators, double years, double epoch_s)
{
  struct token_class classes[] = {
    {.name = "dc-h100", .count = operators / 10, .gpus_per_node = 8, .cost_per_gpu_hour = 2.10,
     .stake_per_node = 16000, .sybil_fraction = 0, .availability = 720.0 / 722.0,
     .multiplier = 10},
    {.name = "home-4090", .count = operators - operators / 10, .gpus_per_node = 1,
     .cost_per_gpu_hour = 0.28, .stake_per_node = 200, .sybil_fraction = 0.02,
     .availability = 36.0 / 44.0, .multiplier = 1},
  };
  struct token_config c;
  token_config_default(&c, EMISSION_IONET);
  c.classes = classes;
  c.n_classes = 2;
  c.epoch_s = epoch_s;
  c.horizon_s = years * EMISSION_YEAR_S;
  double t0 = now_s();
  token_sim_t *s = token_sim_new(&c);
  if (!s) {
    fprintf(stderr, "token_bench: cannot create the simulation\n");
    return 1;
  }
  token_sim_run(s, NULL, NULL);
  struct token_summary sum;
  if (!token_sim_summary(s, &sum)) {
    token_sim_free(s);
    return 1;
  }
  double wall = now_s() - t0;
  const struct token_epoch *e = token_sim_last(s);
  size_t epochs = token_sim_epoch_count(s);
  printf("%s: %ld operators, %zu epochs of %.0f s: %.3f s wall, %.3f ns/epoch/operator\n",
         what, operators, epochs, epoch_s, wall, 1e9 * wall / (double)epochs / (double)operators);
  printf("  final: price %.4g USD, supply %.4g, operators %ld (%ld sybil), staked %.3g, "
         "gini %.3f, nakamoto %zu, conserved %s\n",
         e->price, e->supply, e->operators, e->sybils, e->staked, sum.gini_rewards,
         sum.nakamoto_rewards, e->conserved ? "yes" : "NO");
  token_sim_free(s);
  return 0;
}

int main(int argc, char **argv)
{
  long operators = argc > 1 ? atol(argv[1]) : 100000;
  double years = argc > 2 ? atof(argv[2]) : 10;
  int rc = bench("hourly", operators, years, EMISSION_HOUR_S);
  rc |= bench("DePINSimulator default (daily)", 50000, 10, EMISSION_DAY_S);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
  return rc;
}
