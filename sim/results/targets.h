/* targets.h: checking a run's summary metrics against the scenario's `targets`. */
#ifndef DEPINSIM_SIM_RESULTS_TARGETS_H
#define DEPINSIM_SIM_RESULTS_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/results/metrics.h"
#include "sim/scenario/scenario.h"

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
/* value, in the unit a metric was registered with, written readably to buf (size n, always
 * NUL-terminated): through units_format when unit is one of units.h's base symbols ("s",
 * "B", "B/s", "/s", ""), e.g. "2.75 MB/s"; else as "%g unit" ("3.2 USD"). Returns buf. */
char *targets_format_value(double value, const char *unit, char *buf, size_t n);
/* The table a user reads: metric, target (as written), measured, bound, PASS/FAIL, columns
 * aligned, values in readable units, then "N of M targets met". Writes to out only. */
void targets_print(const struct target_outcome *o, size_t n, FILE *out);

#endif
