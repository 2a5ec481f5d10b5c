/* actors.c: can the engine start one actor per provider, and what does it cost?
 *
 * The pitfall, found when the engine was first designed: 8 MiB stacks with guard pages exhaust
 * the kernel's 65,536 mappings at tens of thousands of actors. depinsim's layers keep actors
 * few (a provider with nothing to do has none), but the engine options of sim/engine/world.c
 * must still let every
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

#include "perf_world.h"

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
  struct scenario *sc = perf_load_text("actors", text, diag);
  struct perf_world p; /* SimGrid options from argv[3], e.g. --cfg=contexts/stack-size:16 */
  if (!sc || perf_world_new(&p, sc, diag, argc, argv, 3) != 0)
    return 1;
  struct world *w = p.w;
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
  perf_world_run(&p, false);
  printf("actors %ld, rounds %d: platform %.1f s, run %.1f s, peak RSS %.0f MiB, "
         "%.3g actor-rounds/s\n", n, rounds, p.built - p.started, p.ended - p.built,
         perf_peak_rss_mib(), n * rounds / (p.ended - p.built));
  perf_world_free(&p);
  free(peers);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  return 0;
}
