/* verify_bench.c: Gensyn-style verification at scale: 100,000 verified training tasks over
 * 5,000 providers.
 *
 * Tasks arrive at 100/s for the time 100,000 of them take to arrive; 8% of the providers
 * train lazily, 4% return garbage and 4% collude, so disputes run too. Each task is a few
 * short-lived actors (its contract, the solver, each filled verifier slot, each dispute
 * round's two parties), not an actor per provider: idle providers cost nothing but their
 * host. Tasks are small (a 1M-parameter model on 1M tokens, 2 MB checkpoints) so that many
 * run in a short simulated time; the model's cost per task does not depend on the task's
 * size. Prints wall time, peak RSS and the counts, so a regression in any path shows.
 *
 *   build/perf/verify_bench [TASKS] [PROVIDERS] [RATE_PER_S] [--cfg=...] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sim/progress.h"
#include "sim/scenario.h"
#include "sim/world.h"

static double summary(const struct world *w, const char *name)
{
  double v = 0;
  metrics_summary_get(w->metrics, name, &v);
  return v;
}

int main(int argc, char **argv)
{
  double tasks = argc > 1 ? atof(argv[1]) : 1e5;
  long n = argc > 2 ? atol(argv[2]) : 5000;
  double rate = argc > 3 ? atof(argv[3]) : 100;
  char *text = NULL;
  if (asprintf(&text,
               "name: verify-scale\nduration: %.17gs\nsample_interval: 1min\nseed: 1\n"
               "calibration: [%s/gpu/profiles/rtx-4090.yaml]\n"
               "regions: [{name: a, backbone: 100Gbps}, {name: b, backbone: 100Gbps}]\n"
               "latency: {a: {b: 40ms}}\n"
               "providers: [{class: p, count: %ld, gpu: RTX-4090, region: [a, b],\n"
               "             uplink: 100Mbps, downlink: 500Mbps, latency: 15ms,\n"
               "             cost_per_hour: 0.28,\n"
               "             behavior: {honest: 0.84, lazy: 0.08, malicious: 0.04,\n"
               "                        colluding: 0.04}}]\n"
               "verify:\n"
               "  verify_prob: 0.5\n"
               "  verifiers: 3\n"
               "  whistleblower_prob: 0.1\n"
               "  tasks: {rate: %.17g/s, model: {params: 1e6}, tokens: 1e6, steps: 1000,\n"
               "          checkpoint_interval: 30ms}\n",
               tasks / rate, DEPINSIM_SOURCE_DIR, n, rate) < 0)
    return 1;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load_string("verify-scale", text, NULL, 0, diag, &sc) != DEPIN_OK) {
    diag_print(diag, stderr);
    return 1;
  }
  int engine_argc = 1;
  char **engine_argv = calloc((size_t)argc + 1, sizeof(char *));
  engine_argv[0] = argv[0];
  for (int i = 4; i < argc; i++)
    engine_argv[engine_argc++] = argv[i];
  double start = progress_wall_now();
  struct world *w = world_new(sc, &engine_argc, engine_argv, diag);
  if (!w) {
    diag_print(diag, stderr);
    return 1;
  }
  double loaded = progress_wall_now();
  w->progress_mode = PROGRESS_QUIET;
  world_run(w);
  world_finish(w);
  double end = progress_wall_now();
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("providers %ld, tasks %.0f submitted, %.0f settled, %.0f disputes, detection %.3f, "
         "overhead %.3f, %.3g activities: platform %.1f s, run %.1f s, peak RSS %.0f MiB\n", n,
         summary(w, "verify_tasks_submitted"), summary(w, "verify_tasks_completed"),
         summary(w, "disputes"), summary(w, "detection_prob"),
         summary(w, "verification_overhead"), w->activities, loaded - start, end - loaded,
         usage.ru_maxrss / 1024.0);
  world_free(w);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  free(engine_argv);
  return 0;
}
