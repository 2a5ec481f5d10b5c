/* scale.c: the simulator's own speed at 1,000, 10,000 and 100,000 providers (issue: core).
 *
 * Each size is a generated scenario (10% datacenter H100 nodes, 90% home RTX 4090s over three
 * regions, failures on) carrying one simulated hour of ledger traffic at 11,000 TPS, run by
 * the depinsim binary in a child process so each gets a fresh engine. Prints wall time, peak
 * RSS (the child's), simulated seconds per wall second and SimGrid activities per second.
 * A benchmark prints figures; it passes or fails on nothing.
 *
 *   build/perf/scale [PROVIDERS ...] [--duration 1h]      (default 1000 10000 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/perf/perf_child.h"
#include "tests/testutil.h"

static const char scenario_template[] =
  "name: scale-%ld\n"
  "seed: 1\n"
  "duration: %s\n"
  "warmup: 1min\n"
  "sample_interval: 10s\n"
  "calibration: [%s/gpu/profiles/h100-sxm.yaml, %s/gpu/profiles/rtx-4090.yaml]\n"
  "regions:\n"
  "  - {name: us-east, backbone: 100Gbps}\n"
  "  - {name: eu-west, backbone: 100Gbps}\n"
  "  - {name: ap-south, backbone: 40Gbps}\n"
  "latency:\n"
  "  us-east: {eu-west: 40ms, ap-south: 110ms}\n"
  "  eu-west: {ap-south: 75ms}\n"
  "providers:\n"
  "  - {class: dc-h100, count: %ld, gpu: H100-SXM, gpus_per_node: 8, region: [us-east, eu-west],\n"
  "     uplink: 25Gbps, downlink: 25Gbps, latency: 1ms, availability: {mtbf: 720h, mttr: 2h},\n"
  "     stake: 16000}\n"
  "  - {class: home-4090, count: %ld, gpu: RTX-4090, gpus_per_node: 1,\n"
  "     region: [us-east, eu-west, ap-south], uplink: 50Mbps, downlink: 500Mbps, latency: 15ms,\n"
  "     availability: {mtbf: 36h, mttr: 8h}, stake: 200}\n"
  "workload: {transactions: {rate: 11000/s, size: 250B}}\n"
  "ledger: {validators: 50, block_time: 500ms, dissemination: {kind: parts}}\n";

static int run_size(const char *bin, long providers, const char *duration, double duration_s)
{
  char dir[] = "/tmp/depinsim-scale-XXXXXX";
  if (!mkdtemp(dir))
    return -1;
  char path[512], h5[512];
  snprintf(path, sizeof(path), "%s/scale.yaml", dir);
  snprintf(h5, sizeof(h5), "%s/run.h5", dir);
  FILE *f = fopen(path, "w");
  long dc = providers / 10;
  fprintf(f, scenario_template, providers, duration, DEPINSIM_SOURCE_DIR, DEPINSIM_SOURCE_DIR,
          dc, providers - dc);
  fclose(f);

  char *argv[] = {(char *)bin, "run", "-q", path, "-o", dir, NULL};
  struct perf_child run = perf_run_child(argv, "/dev/null");
  double activities = -1, tps = -1; /* -1: the run wrote no such metric */
  test_read_summary(h5, "simgrid_activities", &activities);
  test_read_summary(h5, "tps", &tps);
  printf("%9ld %10.1f %10.0f %12.1f %14.3g %10.0f %6d\n", providers, run.wall_s,
         run.peak_rss_mib, duration_s / run.wall_s, activities / run.wall_s, tps, run.exit);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv)
{
  const char *bin = getenv("DEPINSIM_BIN") ? getenv("DEPINSIM_BIN") : DEPINSIM_BINARY_GUESS;
  const char *duration = "1h";
  long sizes[16];
  int n = 0;
  for (int i = 1; i < argc && n < 16; i++) {
    if (!strcmp(argv[i], "--duration") && i + 1 < argc)
      duration = argv[++i];
    else
      sizes[n++] = atol(argv[i]);
  }
  if (n == 0) {
    sizes[0] = 1000, sizes[1] = 10000, sizes[2] = 100000;
    n = 3;
  }
  double duration_s = strtod(duration, NULL) * (strchr(duration, 'h') ? 3600 : strchr(duration, 'm') ? 60 : 1);
  printf("depinsim scale benchmark: %s simulated, ledger at 11,000 TPS, binary %s\n", duration, bin);
  printf("%9s %10s %10s %12s %14s %10s %6s\n", "providers", "wall_s", "peak_MiB", "sim_s/wall_s",
         "activities/s", "tps", "exit");
  for (int i = 0; i < n; i++)
    run_size(bin, sizes[i], duration, duration_s);
  return 0;
}
