/* gossip.c: block propagation at scale (issue 14): scenarios/simblock-bitcoin.yaml, SimBlock's
 * default network of 10,000 nodes and 100 blocks, and the same network at other sizes (every
 * class's count scaled, every node a miner).
 *
 * Each size runs the depinsim binary in a child process. Prints wall and CPU time, peak RSS
 * (the child's), the gossip engine's events per wall second, and the median over blocks of
 * the time until 50%, 90% and 100% of the nodes held the block. A benchmark prints figures;
 * it passes or fails on nothing. SimBlock itself (dsg-titech/simblock) reaches 50% / 90% of
 * 10,000 nodes in 1.14 s / 2.23 s and runs 100 blocks in 39-51 s on the development machine
 * (docs/models/network.md).
 *
 *   build/perf/gossip [NODES ...]        (default 10000 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/perf/perf_child.h"
#include "tests/testutil.h"

/* SimBlock's 2019 shares of 10,000 nodes, as the scenario's classes have them. */
static const char *const classes[] = {"na", "eu", "sa", "ap", "jp", "au"};
static const long counts[] = {3316, 4998, 90, 1177, 224, 195};

static void run_size(const char *bin, long nodes)
{
  char dir[] = "/tmp/depinsim-gossip-XXXXXX";
  if (!mkdtemp(dir))
    return;
  char scenario[512], h5[512], sets[6][64], validators[64];
  snprintf(scenario, sizeof(scenario), "%s/scenarios/simblock-bitcoin.yaml",
           DEPINSIM_SOURCE_DIR);
  snprintf(h5, sizeof(h5), "%s/run.h5", dir);
  long total = 0;
  for (int c = 0; c < 6; c++) {
    long n = c < 5 ? counts[c] * nodes / 10000 : nodes - total;
    total += n;
    snprintf(sets[c], sizeof(sets[c]), "providers.%s.count=%ld", classes[c], n);
  }
  snprintf(validators, sizeof(validators), "ledger.validators=%ld", nodes);
  char *argv[] = {(char *)bin, "run", "-q", scenario, "-o", dir, "--set", sets[0], "--set",
                  sets[1], "--set", sets[2], "--set", sets[3], "--set", sets[4], "--set", sets[5],
                  "--set", validators, NULL};
  struct perf_child run = perf_run_child(argv, "/dev/null");
  double events = -1, r50 = -1, r90 = -1, r100 = -1, blocks = -1;
  test_read_summary(h5, "gossip_events", &events);
  test_read_summary(h5, "block_reach_50_p50", &r50);
  test_read_summary(h5, "block_reach_90_p50", &r90);
  test_read_summary(h5, "block_reach_100_p50", &r100);
  test_read_summary(h5, "blocks", &blocks);
  printf("%8ld %7.0f %8.1f %8.1f %9.0f %12.3g %9.3f %9.3f %9.3f %5d\n", nodes, blocks,
         run.wall_s, run.cpu_s, run.peak_rss_mib, events / run.wall_s, r50, r90, r100, run.exit);
  fflush(stdout);
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
  const char *bin = getenv("DEPINSIM_BIN") ? getenv("DEPINSIM_BIN") : DEPINSIM_BINARY_GUESS;
  long sizes[16];
  int n = 0;
  for (int i = 1; i < argc && n < 16; i++)
    sizes[n++] = atol(argv[i]);
  if (n == 0) {
    sizes[0] = 10000, sizes[1] = 100000;
    n = 2;
  }
  printf("depinsim gossip benchmark: SimBlock's default network, 100 blocks, binary %s\n", bin);
  printf("%8s %7s %8s %8s %9s %12s %9s %9s %9s %5s\n", "nodes", "blocks", "wall_s", "cpu_s",
         "peak_MiB", "events/s", "reach50_s", "reach90_s", "reach100_s", "exit");
  for (int i = 0; i < n; i++)
    run_size(bin, sizes[i]);
  return 0;
}
