/* layer.h: the one interface every protocol layer exports, and the ordered set of layers a
 * build runs.
 *
 * A layer is a `const struct depin_layer` in its own folder under protocols/; the command
 * line's registry (sim/cli/registry.c) names them and builds a layer_set, which it hands to
 * the scenario loader. Nothing else in sim/ names a layer: the scenario gives each layer its
 * YAML section, the world deploys the enabled ones onto the platform in the set's order, and
 * after the run each adds its summary metrics, bounds and tables to the metrics registry.
 * Layers talk to each other only through the world and their public headers.
 *
 * Two contracts are declared, not implied by list order:
 * - `consumes`: the layers whose state or events this one uses. The set orders layers so that
 *   each is deployed and finished after those it consumes (the token layer settles after the
 *   layers that record rewards with it; DA deploys after the ledger it publishes to), and
 *   refuses a cycle or an unknown name.
 * - `workload_keys`: the keys of the scenario's `workload` section this layer reads. A key
 *   claimed by two layers is refused when the set is built. */
#ifndef DEPINSIM_SIM_SCENARIO_LAYER_H
#define DEPINSIM_SIM_SCENARIO_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/base/cfg.h"
#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/base/units.h"

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

/* What a run will cost the engine, roughly (sim/run/estimate.h): SimGrid activities started,
 * the most flows in flight at once, events of the gossip engine and the nodes of its largest
 * overlay (a larger one is slower per event: its state no longer fits the caches). */
struct run_cost {
  double activities, flows, gossip_events, gossip_nodes;
  double timeline_events; /* closed-form events besides gossip (DA nodes' batches) */
};

struct depin_layer {
  const char *name;                 /* its scenario section and log name: "ledger" */
  const struct metric_def *metrics; /* summary metrics it reports; ends with {NULL} */
  const char *const *consumes;      /* layers it runs after (see above); NULL-terminated or NULL */
  const char *const *workload_keys; /* workload.<key> sections it reads; NULL-terminated or NULL */

  /* Reads and checks its section (section.node is never NULL here). Returns its configuration
   * (owned, free with conf_free) or NULL after reporting every problem to the cfg's diag. */
  void *(*parse)(cfg_t *cfg, struct cfg_node section);
  /* Cross-section checks once the whole scenario is read (e.g. enough providers to pick
   * validators from). Reports to diag and returns false on a problem. May be NULL. */
  bool (*validate)(const struct scenario *sc, const void *conf, cfg_t *cfg);
  void (*conf_free)(void *conf);
  /* Adds what its part of the run will cost over the scenario's duration into *cost, for
   * `validate`'s estimate (docs/benchmarks.md). May be NULL: the layer costs little. */
  void (*estimate)(const struct scenario *sc, const void *conf, struct run_cost *cost);

  /* Creates its actors in the world (called before the engine runs). Returns its run state,
   * owned by the world until state_free. Only invariant failures abort. */
  void *(*deploy)(struct world *w, const void *conf);
  /* After the run: summary metrics, their analytical bounds and its tables into w->metrics. */
  void (*finish)(void *state, struct world *w);
  void (*state_free)(void *state);
};

/* The layers of a build in run order (each after the layers it consumes), with the summary
 * metrics the engine itself reports, so that targets can name any of them. */
struct layer_set {
  const struct depin_layer **layers; /* owned array of borrowed layers */
  size_t n;
  const struct metric_def *core_metrics; /* borrowed; ends with {NULL} */
};

/* Orders the n layers of list (registry order breaks ties, so a list that already respects
 * every `consumes` keeps its order) and checks the contracts: unique names, every consumed
 * layer known, no cycle, no workload key claimed twice. On success returns DEPIN_OK with the
 * set in *out (release with layer_set_fini). On a broken contract returns DEPIN_EINVAL with
 * every problem in diag and *out empty. */
enum depin_status layer_set_init(struct layer_set *out, const struct depin_layer *const *list,
                                 size_t n, const struct metric_def *core_metrics, diag_t *diag);
void layer_set_fini(struct layer_set *set);

/* Position of the layer of that name in the set, or -1. */
long layer_set_index(const struct layer_set *set, const char *name);
/* The layer that reads workload.<key>, or NULL when none does. */
const struct depin_layer *layer_set_workload_owner(const struct layer_set *set,
                                                   const char *key);

#endif
