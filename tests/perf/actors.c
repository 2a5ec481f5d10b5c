/* actors.c: can the engine start one actor per provider, and what does it cost?
 *
 * DESIGN.md gives the pitfall: 8 MiB stacks with guard pages exhaust the kernel's 65,536
 * mappings at tens of thousands of actors. depinsim's layers keep actors few (a provider with
 * nothing to do has none), but the engine options of sim/world.c must still let every
 * provider have one. This builds a world of N providers through the normal path, gives each an
 * actor doing ROUNDS rounds of (one second of compute, a 1 MB message to its neighbour, a
 * receive), runs it and prints wall time, peak RSS and actors per second.
 *
 *   build/perf/actors [N] [ROUNDS] [--cfg=...]   (default 100000 actors, 10 rounds) */
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sim/progress.h"
#include "sim/scenario.h"
#include "sim/world.h"

struct peer {
  struct world *w;
  size_t index;
  int rounds;
  sg_mailbox_t inbox, next;
};

static void peer_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct peer *p = sg_actor_self_get_data();
  const struct provider *me = &p->w->providers[p->index];
  for (int r = 0; r < p->rounds; r++) {
    sg_actor_execute(world_exec_amount_for_seconds(p->w, me, 1.0));
    sg_comm_t send = sg_mailbox_put_async(p->next, p, 1000000);
    sg_mailbox_get(p->inbox);
    sg_comm_wait(send);
  }
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 100000;
  int rounds = argc > 2 ? atoi(argv[2]) : 10;
  char *text = NULL;
  if (asprintf(&text,
               "name: actors\nduration: 1h\n"
               "calibration: [%s/gpu/profiles/rtx-4090.yaml]\n"
               "regions: [{name: r, backbone: 100Gbps}]\n"
               "providers: [{class: p, count: %ld, gpu: RTX-4090, region: r, uplink: 100Mbps,\n"
               "             downlink: 1Gbps, latency: 5ms}]\n",
               DEPINSIM_SOURCE_DIR, n) < 0)
    return 1;
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load_string("actors", text, NULL, 0, diag, &sc) != DEPIN_OK) {
    diag_print(diag, stderr);
    return 1;
  }
  int engine_argc = 1;
  char **engine_argv = calloc((size_t)argc + 1, sizeof(char *));
  engine_argv[0] = argv[0];
  for (int i = 3; i < argc; i++)
    engine_argv[engine_argc++] = argv[i]; /* SimGrid options, e.g. --cfg=contexts/stack-size:16 */
  double start = progress_wall_now();
  struct world *w = world_new(sc, &engine_argc, engine_argv, diag);
  if (!w) {
    diag_print(diag, stderr);
    return 1;
  }
  double loaded = progress_wall_now();
  struct peer *peers = calloc((size_t)n, sizeof(*peers));
  char name[64];
  for (long i = 0; i < n; i++) {
    snprintf(name, sizeof(name), "inbox-%ld", i);
    peers[i] = (struct peer){w, (size_t)i, rounds, sg_mailbox_by_name(name), NULL};
  }
  for (long i = 0; i < n; i++) {
    peers[i].next = peers[(i + 1) % n].inbox;
    sg_actor_t a = sg_actor_init("peer", w->providers[i].host);
    sg_actor_set_data(a, &peers[i]);
    sg_actor_start(a, peer_actor, 0, NULL);
  }
  w->progress_mode = PROGRESS_QUIET;
  world_run(w);
  double end = progress_wall_now();
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("actors %ld, rounds %d: platform %.1f s, run %.1f s, peak RSS %.0f MiB, "
         "%.3g actor-rounds/s\n", n, rounds, loaded - start, end - loaded,
         usage.ru_maxrss / 1024.0, n * rounds / (end - loaded));
  world_free(w);
  free(peers);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  free(engine_argv);
  return 0;
}
