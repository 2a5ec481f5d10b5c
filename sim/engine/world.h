/* world.h: one simulation run: the scenario, the platform's providers, the enabled layers and
 * the metrics registry, passed explicitly to everything (there is no global state but the
 * SimGrid engine).
 *
 * world_new builds the SimGrid platform from the scenario (platform.h) and creates the
 * availability driver and the metrics sampler; world_run deploys every enabled layer of the
 * scenario's layer set, in the set's order, and runs the engine in slices until the scenario's
 * duration, reporting progress; world_finish lets each layer write its summary and tables, in
 * the same order. The world names no layer: it knows them only through the set. SimGrid
 * allows one engine per process, so one process runs one world. */
#ifndef DEPINSIM_SIM_ENGINE_WORLD_H
#define DEPINSIM_SIM_ENGINE_WORLD_H

#include <simgrid/forward.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/device/profile.h"
#include "sim/results/metrics.h"
#include "sim/scenario/layer.h"
#include "sim/scenario/scenario.h"

/* Summary metrics the engine itself reports (availability, run facts), for the layer set's
 * core_metrics. Ends with {NULL}. */
extern const struct metric_def world_metrics[];

/* One provider node: a SimGrid host of its class. Its host is on when its availability
 * schedule says up and it is not a spare. */
struct provider {
  sg_host_t host;
  unsigned class_index;
  unsigned region_index;
  const struct device_profile *device;
  double uptime_s;      /* accumulated time up within the window, for /providers */
  double active_s;      /* accumulated time not a spare within the window */
  double up_since;      /* when it last came up; negative while down */
  double down_since;    /* when it last went down; negative if it never did */
  double active_since;  /* when it last stopped being a spare; negative while a spare */
  unsigned failures;     /* the availability schedule's */
  unsigned downs;        /* times its host went off: failures and leaving the network alike */
  bool spare;           /* provisioned (a class's max_count) but holding no operator: off */
  bool scheduled_up;    /* what the availability schedule says, spare or not */
};

/* A function the world calls between engine slices every `period` seconds (at period,
 * 2 period, ...), from maestro: it may switch hosts (world_provider_set_spare) but not block. */
typedef void (*world_tick_fn)(struct world *w, double now, void *ctx);

struct world {
  const struct scenario *sc;       /* borrowed */
  const profile_set_t *profiles;   /* borrowed from the scenario */
  metrics_t *metrics;              /* owned */
  struct provider *providers;      /* owned, sc->n_providers of them */
  size_t n_providers;
  void **layer_state;              /* one per layer of sc->layers, NULL when disabled */
  double activities;               /* SimGrid activities started by layers (comms, execs) */
  int progress_mode;               /* enum progress_mode, set before world_run */
  struct availability *availability; /* owned */
  double wall_s;                   /* wall time world_run took */
  struct world_tick *ticks;        /* owned; registered with world_every */
  size_t n_ticks;
  size_t n_active;                 /* providers that are not spares */
  unsigned long spare_changes;     /* times a host joined or left the network: layers that
                                      hand slots on look again only when it moved */
};

/* Initialises SimGrid (argc/argv pass engine options such as --cfg=...), loads the calibration
 * profiles, writes and loads the platform, and binds providers to hosts. On bad input returns
 * NULL with the reasons in diag. The scenario must outlive the world. */
struct world *world_new(const struct scenario *sc, int *argc, char **argv, diag_t *diag);
/* Deploys the layers and runs the engine to the scenario's duration. */
void world_run(struct world *w);
/* Each layer adds its results to w->metrics; the core adds its own. */
void world_finish(struct world *w);
void world_free(struct world *w);

/* The run state of the layer of that name, or NULL when it is not enabled: how layers find
 * each other (the token layer's event API, the ledger for on-chain transactions). */
void *world_layer_state(const struct world *w, const char *name);

/* Counts one started SimGrid activity (for events/s in progress and benchmarks). */
static inline void world_count_activity(struct world *w, double n)
{
  w->activities += n;
}

/* FLOPs to pass to sg_actor_execute on provider p's host so that `seconds` of its time go by
 * (host speed x seconds). Used to charge costs measured in time (signature checks, encoding). */
double world_exec_amount_for_seconds(const struct world *w, const struct provider *p,
                                     double seconds);
/* The same for F FLOPs of a job at precision prec, following profile_compute_seconds. */
double world_exec_amount_for_flops(const struct world *w, const struct provider *p,
                                   enum precision prec, double flops);

/* Calls fn(w, now, ctx) every period seconds between engine slices, until the run ends; ticks
 * due at the same time run in registration order, after availability changes and before the
 * sample. Call from a layer's deploy. Out of memory asserts. */
void world_every(struct world *w, double period, world_tick_fn fn, void *ctx);

/* Makes provider i a spare (its host goes off, as a host that is down: actors on it die) or
 * brings it back (its host comes on if its availability schedule says up). Leaving or joining
 * the network is not a failure. Call between slices (a tick) or before the run. */
void world_provider_set_spare(struct world *w, size_t i, bool spare);

/* Sorts the provider indices idx[0..n) by their class's stake, highest first (ties: lower
 * index first): how validators, DA signers and their successors are chosen. */
void world_rank_by_stake(const struct world *w, size_t *idx, size_t n);
/* The first of ranked[0..n) that is in the network (not a spare), up and not `taken`
 * (a flag per provider), or SIZE_MAX: the successor to a slot whose operator left. */
size_t world_successor(const struct world *w, const size_t *ranked, size_t n,
                       const unsigned char *taken);

/* Whether a provider's host is up now. */
int world_provider_is_up(const struct world *w, size_t i);

/* A host that never fails, for actors that orchestrate rather than compute or send (the
 * ledger's height driver): the gateway of the first provider's region, or in a user's
 * platform the host "depinsim-control" if there is one, else the first provider's host. */
sg_host_t world_control_host(const struct world *w);

#endif
