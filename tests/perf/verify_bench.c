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

#include "perf_world.h"

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
  struct scenario *sc = perf_load_text("verify-scale", text, diag);
  struct perf_world p;
  if (!sc || perf_world_new(&p, sc, diag, argc, argv, 4) != 0)
    return 1;
  perf_world_run(&p, true);
  printf("providers %ld, tasks %.0f submitted, %.0f settled, %.0f disputes, detection %.3f, "
         "overhead %.3f, %.3g activities: platform %.1f s, run %.1f s, peak RSS %.0f MiB\n", n,
         perf_summary(&p, "verify_tasks_submitted"), perf_summary(&p, "verify_tasks_completed"),
         perf_summary(&p, "disputes"), perf_summary(&p, "detection_prob"),
         perf_summary(&p, "verification_overhead"), p.w->activities, p.built - p.started,
         p.ended - p.built, perf_peak_rss_mib());
  perf_world_free(&p);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  return 0;
}
