/* estimate.c: the run's cost from its layers' estimates (see estimate.h). */
#include "sim/run/estimate.h"

#include <math.h>


/* Measured on the 2-core development machine (docs/benchmarks.md): SimGrid activities a second
 * with at most FEW flows in flight (scenarios/default.yaml with the gossip tree: 782,000 in 6.3
 * s), and with MANY (scenarios/0g-da.yaml: 1.9 million with 3,072 dispersal flows in 33 s;
 * 0g-shards: 1.2 million with 6,144 in 18 s); gossip events a second on a small overlay
 * (scenarios/default.yaml: 5.6 million with 50 nodes), slower as the overlay outgrows the
 * caches (tests/perf/gossip: 4.0 million at 10,000 nodes, 1.6 million at 100,000). */
#define ESTIMATE_FEW_FLOWS 100.0
#define ESTIMATE_FEW_FLOWS_RATE 150000.0
#define ESTIMATE_MANY_FLOWS 3000.0
#define ESTIMATE_MANY_FLOWS_RATE 50000.0
#define ESTIMATE_GOSSIP_EVENTS_RATE 6e6
#define ESTIMATE_GOSSIP_CACHE_NODES 20000.0
/* DA nodes' batches as closed-form events (hub.c) a second: tests/perf/da_signers, 93 million
 * in 17 s with 5,000 signers in three quorums. */
#define ESTIMATE_TIMELINE_EVENTS_RATE 5e6

struct run_cost estimate_run(const struct scenario *sc)
{
  struct run_cost c = {0};
  for (size_t i = 0; i < sc->layers->n; i++)
    if (sc->layer_conf[i] && sc->layers->layers[i]->estimate)
      sc->layers->layers[i]->estimate(sc, sc->layer_conf[i], &c);
  return c;
}

/* Activities a second with `flows` in flight: log-linear between the two measured points. */
static double activity_rate(double flows)
{
  if (flows <= ESTIMATE_FEW_FLOWS)
    return ESTIMATE_FEW_FLOWS_RATE;
  if (flows >= ESTIMATE_MANY_FLOWS)
    return ESTIMATE_MANY_FLOWS_RATE;
  double x = log(flows / ESTIMATE_FEW_FLOWS) / log(ESTIMATE_MANY_FLOWS / ESTIMATE_FEW_FLOWS);
  return exp(log(ESTIMATE_FEW_FLOWS_RATE) +
             x * (log(ESTIMATE_MANY_FLOWS_RATE) - log(ESTIMATE_FEW_FLOWS_RATE)));
}

double estimate_wall_s(const struct run_cost *c)
{
  double gossip_rate =
    ESTIMATE_GOSSIP_EVENTS_RATE / (1 + c->gossip_nodes / ESTIMATE_GOSSIP_CACHE_NODES);
  return c->activities / activity_rate(c->flows) + c->gossip_events / gossip_rate +
         c->timeline_events / ESTIMATE_TIMELINE_EVENTS_RATE;
}

/* "3 s", "12 min", "1.5 h": as precise as an estimate is. */
static void format_wall(double s, char *buf, size_t n)
{
  if (s < 1)
    snprintf(buf, n, "under a second");
  else if (s < 90)
    snprintf(buf, n, "about %.0f s", s);
  else if (s < 5400)
    snprintf(buf, n, "about %.0f min", s / 60);
  else
    snprintf(buf, n, "about %.1f h", s / 3600);
}

void estimate_print(const struct scenario *sc, FILE *out)
{
  struct run_cost c = estimate_run(sc);
  double wall = estimate_wall_s(&c);
  char time[64];
  format_wall(wall, time, sizeof(time));
  fprintf(out, "%scost: %.2g SimGrid activities (up to %.0f flows at once) and %.2g "
          "closed-form events: %s of wall time on a machine like the development one%s\n",
          wall > ESTIMATE_WARN_WALL_S ? "warning: " : "", c.activities, c.flows,
          c.gossip_events + c.timeline_events, time,
          wall > ESTIMATE_WARN_WALL_S ? " (shorten the duration or coarsen the layers' grain: "
                                        "docs/benchmarks.md)" : "");
}
