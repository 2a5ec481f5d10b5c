/* layer.h: the one interface every protocol layer exports.
 *
 * A layer is a `const struct depin_layer` in its own folder under protocols/; sim/world.c
 * lists them. The scenario loader hands each its YAML section, the world deploys the enabled
 * ones onto the platform, and after the run each adds its summary metrics, bounds and tables
 * to the metrics registry. Layers talk to each other only through the world and their public
 * headers. */
#ifndef DEPINSIM_SIM_LAYER_H
#define DEPINSIM_SIM_LAYER_H

#include <stdbool.h>

#include "sim/cfg.h"
#include "sim/units.h"

struct scenario;
struct world;

/* A summary metric a layer reports: targets may name it, and its kind says how a target's
 * value is read ("<= 2s" for a time, ">= 50GB/s" for a bandwidth). */
struct metric_def {
  const char *name;      /* "tps", "commit_latency_p99" */
  enum unit_kind kind;
  const char *unit;      /* shown beside values: "tx/s", "s", "B/s" */
  const char *what;      /* one line for `inspect` and the README */
};

struct depin_layer {
  const char *name;                 /* its scenario section and log name: "ledger" */
  const struct metric_def *metrics; /* summary metrics it reports; ends with {NULL} */

  /* Reads and checks its section (section.node is never NULL here). Returns its configuration
   * (owned, free with conf_free) or NULL after reporting every problem to the cfg's diag. */
  void *(*parse)(cfg_t *cfg, struct cfg_node section);
  /* Cross-section checks once the whole scenario is read (e.g. enough providers to pick
   * validators from). Reports to diag and returns false on a problem. May be NULL. */
  bool (*validate)(const struct scenario *sc, const void *conf, cfg_t *cfg);
  void (*conf_free)(void *conf);

  /* Creates its actors in the world (called before the engine runs). Returns its run state,
   * owned by the world until state_free. Only invariant failures abort. */
  void *(*deploy)(struct world *w, const void *conf);
  /* After the run: summary metrics, their analytical bounds and its tables into w->metrics. */
  void (*finish)(void *state, struct world *w);
  void (*state_free)(void *state);
};

#endif
