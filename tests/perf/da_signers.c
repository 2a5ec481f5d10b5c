/* da_signers.c: DA at the scale of thousands of signers: 5,000 DA nodes of two votes each
 * (three quorums of 3,072 slots), 10 blobs/s of 4 MB from 8 submitters, acceptance through a
 * 50-validator ledger over the overlay, one simulated hour by default.
 *
 * Prints wall and CPU time, peak RSS, SimGrid activities per wall second and the DA nodes'
 * closed-form batches per wall second (hub.c), and what the run measured, so a regression that
 * gives nodes actors or flows again shows.
 *
 *   build/perf/da_signers [DURATION] [SIGNERS] [--cfg=...]     (defaults: 1h 5000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "perf_world.h"

static const char scenario_format[] =
  "name: da-signers\n"
  "seed: 3\n"
  "duration: %s\n"
  "warmup: 30s\n"
  "sample_interval: 1min\n"
  "calibration: [%s/gpu/profiles/h100-sxm.yaml, %s/gpu/profiles/rtx-4090.yaml]\n"
  "regions:\n"
  "  - {name: us-east, backbone: 4Tbps}\n"
  "  - {name: eu-west, backbone: 4Tbps}\n"
  "latency:\n"
  "  us-east: {eu-west: 40ms}\n"
  "providers:\n"
  "  - {class: submitter, count: 8, gpu: H100-SXM, region: us-east, uplink: 25Gbps,\n"
  "     downlink: 25Gbps, latency: 1ms, stake: 0}\n"
  "  - {class: validator, count: 50, gpu: H100-SXM, region: [us-east, eu-west], uplink: 1Gbps,\n"
  "     downlink: 1Gbps, latency: 1ms, stake: 16000}\n"
  "  - {class: da-node, count: %s, gpu: RTX-4090, region: [us-east, eu-west], uplink: 1Gbps,\n"
  "     downlink: 1Gbps, latency: 5ms, stake: 20}\n"
  "workload:\n"
  "  transactions: {rate: 100/s, size: 250B}\n"
  "  blobs: {rate: 10/s, size: 4MB}\n"
  "ledger:\n"
  "  validators: 50\n"
  "  dissemination: {kind: parts}\n"
  "da:\n"
  "  submitters: submitter\n"
  "  signers: [da-node]\n";

static double cpu_seconds(void)
{
  return (double)clock() / CLOCKS_PER_SEC;
}

int main(int argc, char **argv)
{
  const char *duration = argc > 1 ? argv[1] : "1h", *signers = argc > 2 ? argv[2] : "5000";
  char *text = NULL;
  if (asprintf(&text, scenario_format, duration, DEPINSIM_SOURCE_DIR, DEPINSIM_SOURCE_DIR,
               signers) < 0)
    return 1;
  diag_t *diag = diag_new();
  struct scenario *sc = perf_load_text("da-signers", text, diag);
  struct perf_world p;
  if (!sc || perf_world_new(&p, sc, diag, argc, argv, 3) != 0)
    return 1;
  double cpu0 = cpu_seconds();
  perf_world_run(&p, true);
  double wall = p.ended - p.started, cpu = cpu_seconds() - cpu0;
  double batches = perf_summary(&p, "da_flows") / 2; /* each: the rows and the share */
  printf("%s DA signers, %s: wall %.1f s (CPU %.1f s), peak RSS %.0f MiB, %.0f SimGrid "
         "activities (%.0f per wall s), %.3g node batches (%.3g per wall s), %.0f quorums\n",
         signers, duration, wall, cpu, perf_peak_rss_mib(), p.w->activities,
         p.w->activities / wall, batches, batches / wall, perf_summary(&p, "da_quorums"));
  printf("da_throughput %.4g MB/s (offered %.4g), acceptance p50 %.3f s p99 %.3f s, "
         "aggregation p50 %.3f s, blobs accepted %.0f, retried %.0f, blocks %.0f\n",
         perf_summary(&p, "da_throughput") / 1e6, perf_summary(&p, "da_throughput_offered") / 1e6,
         perf_summary(&p, "blob_acceptance_p50"), perf_summary(&p, "blob_acceptance_p99"),
         perf_summary(&p, "blob_aggregation_p50"), perf_summary(&p, "blobs_accepted"),
         perf_summary(&p, "blobs_retried"), perf_summary(&p, "blocks"));
  perf_world_free(&p);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  return 0;
}
