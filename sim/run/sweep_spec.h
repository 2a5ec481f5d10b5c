/* sweep_spec.h: a scenario's `sweep` section expanded into the points of a parameter sweep.
 *
 *   sweep:
 *     method: grid                 # grid (default), random or lhs (Latin hypercube)
 *     points: 20                   # random and lhs only: how many samples
 *     replications: 3              # runs of each point with seeds seed, seed+1, ... (default 1)
 *     providers.home-4090.count: [1000, 2000, 4000]           # a list of values
 *     ledger.block_time: {from: 250ms, to: 1s, step: 250ms}   # a range (step: grid)
 *
 * Any other key is a key path of the scenario, as --set takes it (mapping keys, sequence
 * indices, or the element whose `class` or `name` is the component); it must exist in the
 * scenario. A grid is the cartesian product of its axes (the first axis varies slowest). A
 * random sweep draws each axis uniformly and independently per point; a Latin hypercube cuts
 * each axis into `points` equal strata and puts exactly one point in each, the strata paired at
 * random between axes. Under random and lhs a range without step is continuous; with a step,
 * and for lists, the drawn position is snapped to a value. Draws come from a GSL stream seeded
 * from the scenario seed, so the same scenario always expands to the same points. Each point
 * is run `replications` times; replication r uses seed scenario_seed + r. */
#ifndef DEPINSIM_SIM_RUN_SWEEP_SPEC_H
#define DEPINSIM_SIM_RUN_SWEEP_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

/* More points than this is refused as a mistake (a range with a tiny step). */
#define SWEEP_SPEC_MAX_POINTS 1000000

enum sweep_method { SWEEP_GRID, SWEEP_RANDOM, SWEEP_LHS };
extern const char *const sweep_method_names[]; /* "grid", "random", "lhs", NULL */

struct sweep_axis {
  char *path;          /* the key path as written (owned) */
  bool numeric;        /* every value is a number: values[] holds them in the base unit */
  const char *unit;    /* the base unit's symbol ("s", "B/s", "" ...), static */
  bool continuous;     /* a range without step under random or lhs: any value in [from, to] */
  double from, to;     /* a range's ends (base unit) */
  size_t n_values;     /* a list, or a stepped range's values */
  char **texts;        /* the values as --set takes them (owned) */
  double *values;      /* the values (base unit), NaN for text */
};

struct sweep_point {
  size_t id;           /* the row of /points: sample * replications + replication */
  size_t sample;       /* which combination of axis values */
  size_t replication;
  uint64_t seed;
  char **texts;        /* per axis: the value as --set takes it (owned) */
  double *values;      /* per axis: the value in the base unit, NaN for text (owned) */
};

struct sweep_spec {
  enum sweep_method method;
  size_t replications;
  size_t n_samples;    /* combinations: the grid's size, or `points` */
  struct sweep_axis *axes;
  size_t n_axes;
  struct sweep_point *points; /* n_samples x replications, by id */
  size_t n_points;
};

/* Reads sc->sweep and expands it. sc must come from scenario_load with diag still alive (the
 * scenario's cfg reports into it). On bad input (no sweep section, an unknown method, a key
 * path that is not in the scenario, an empty list or range, a step of 0 or against the
 * range's direction, mixed units, too many points) every problem goes to diag as
 * file:line:col: sweep.key: what is wrong, and DEPIN_EINVAL is returned with *out untouched.
 * On success *out is owned by the caller (sweep_spec_free). */
enum depin_status sweep_spec_read(const struct scenario *sc, struct sweep_spec **out);
void sweep_spec_free(struct sweep_spec *spec);

/* Loads the scenario once for each value of each axis (a continuous axis: its lowest and
 * highest drawn values), the other axes at the scenario's own values, after the base
 * overrides, so that a value the scenario would refuse
 * (a negative time, a count over the machine) is found before anything runs. Each refused
 * value is reported at its sweep key in sc's diag as "value 'V' is refused: <why>".
 * Returns DEPIN_OK or DEPIN_EINVAL. */
enum depin_status sweep_spec_check_values(const struct scenario *sc,
                                          const struct sweep_spec *spec,
                                          const char *const base[], size_t n_base);

/* The point's --set assignments "path=value", one per axis, as owned strings in an owned
 * array (free each and the array). */
char **sweep_spec_assignments(const struct sweep_spec *spec, const struct sweep_point *p);

#endif
