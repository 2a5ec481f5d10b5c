/* da_bench.c: scenarios/0g-da.yaml at scale: by default one simulated hour at the 50 GB/s
 * blob rate (1,538 blobs of 32,505,852 B a second) on one quorum of 3,072 nodes.
 *
 * Warm-up 30 s (the first blobs' ramp), samples every 10 s. Prints wall time, peak RSS, the DA
 * layer's flows (uploads, notices, shares) per second of wall time and per simulated second, and what the run measured, so a regression in the
 * aggregate dispersal path shows.
 *
 *   build/perf/da_bench [DURATION] [BLOB_RATE] [--cfg=...]     (defaults: 1h 1538/s) */
#include <stdio.h>
#include <stdlib.h>

#include "perf_world.h"
#include "sim/cli/registry.h"

int main(int argc, char **argv)
{
  const char *duration = argc > 1 ? argv[1] : "1h";
  const char *rate = argc > 2 ? argv[2] : "1538/s";
  char *path = NULL, *o_duration = NULL, *o_rate = NULL;
  if (asprintf(&path, "%s/scenarios/0g-da.yaml", DEPINSIM_SOURCE_DIR) < 0 ||
      asprintf(&o_duration, "duration=%s", duration) < 0 ||
      asprintf(&o_rate, "workload.blobs.rate=%s", rate) < 0)
    return 1;
  const char *overrides[] = {o_duration, o_rate, "warmup=30s", "sample_interval=10s",
                             "targets.da_throughput=\">= 50GB/s\""};
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load(path, overrides, 5, registry_layers(), diag, &sc) != DEPIN_OK) {
    diag_print(diag, stderr);
    return 1;
  }
  struct perf_world p;
  if (perf_world_new(&p, sc, diag, argc, argv, 3) != 0)
    return 1;
  perf_world_run(&p, true);
  double wall = p.ended - p.started, flows = perf_summary(&p, "da_flows");
  printf("0g-da %s at %s: wall %.1f s, peak RSS %.0f MiB, %.0f DA flows (%.0f per wall s, "
         "%.0f per simulated s), %.0f SimGrid activities (%.0f per wall s)\n", duration, rate,
         wall, perf_peak_rss_mib(), flows, flows / wall, flows / sc->duration_s,
         p.w->activities, p.w->activities / wall);
  printf("da_throughput %.4g GB/s (bound %.4g), acceptance p50 %.3f s p99 %.3f s, write per "
         "node %.4g MB/s, blobs accepted %.0f, retried %.0f\n",
         perf_summary(&p, "da_throughput") / 1e9, perf_summary(&p, "da_limit_submitters") / 1e9,
         perf_summary(&p, "blob_acceptance_p50"), perf_summary(&p, "blob_acceptance_p99"),
         perf_summary(&p, "da_write_per_node") / 1e6, perf_summary(&p, "blobs_accepted"),
         perf_summary(&p, "blobs_retried"));
  perf_world_free(&p);
  scenario_free(sc);
  diag_free(diag);
  free(path);
  free(o_duration);
  free(o_rate);
  return 0;
}
