/* estimate.h: what a run will cost before it runs, so that `validate` warns before a long one.
 *
 * Each layer adds the SimGrid activities, the flows in flight and the gossip events its part
 * of the run implies (struct run_cost, layer.h). The wall time follows from rates measured on
 * the development machine (docs/benchmarks.md): SimGrid does about 150,000 activities a second
 * with few flows in flight, falling to about 50,000 with 3,000 (its max-min solver), and the
 * gossip engine about 6 million events a second on a small overlay, fewer on a large one
 * (estimate.c). An estimate is good to a factor of two or so: enough to tell seconds from
 * minutes from hours. */
#ifndef DEPINSIM_SIM_RUN_ESTIMATE_H
#define DEPINSIM_SIM_RUN_ESTIMATE_H

#include <stdio.h>

#include "sim/scenario/scenario.h"

/* Above this estimate `validate` prints its line as a warning. */
#define ESTIMATE_WARN_WALL_S 300.0

/* The cost of the scenario's enabled layers. */
struct run_cost estimate_run(const struct scenario *sc);
/* Wall seconds that cost takes at the measured rates. */
double estimate_wall_s(const struct run_cost *c);
/* One line: "cost: ... of wall time"; a warning when over ESTIMATE_WARN_WALL_S. For a sweep
 * `validate` prints its base point's cost: each point's, when the swept values keep the scale. */
void estimate_print(const struct scenario *sc, FILE *out);

#endif
