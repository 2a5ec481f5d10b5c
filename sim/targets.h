/* targets.h: checking a run's summary metrics against the scenario's `targets`. */
#ifndef DEPINSIM_SIM_TARGETS_H
#define DEPINSIM_SIM_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/metrics.h"
#include "sim/scenario.h"

struct target_outcome {
  const struct target *target; /* borrowed from the scenario */
  bool measured_present;       /* false when the run did not report the metric: a failure */
  double measured;
  bool bound_present;
  double bound;
  const char *unit;            /* the metric's unit, borrowed from the registry, or "" */
  bool pass;
};

/* Whether `measured` meets target t; and an operator's spelling (">=" ...). */
bool targets_met(const struct target *t, double measured);
const char *targets_op_name(enum target_op op);

/* One outcome per target of sc, in order; the array is owned by the caller (free()).
 * Returns the count. Cannot fail but for memory (asserts). */
size_t targets_evaluate(const struct scenario *sc, const metrics_t *m,
                        struct target_outcome **out);
/* True when every outcome passes (also when there are none). */
bool targets_all_pass(const struct target_outcome *o, size_t n);
/* The table a user reads: metric, target, measured, bound, pass; values in readable units. */
void targets_print(const struct target_outcome *o, size_t n, FILE *out);

#endif
