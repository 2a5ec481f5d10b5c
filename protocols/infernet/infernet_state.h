/* infernet_state.h: the infernet layer's run state, shared by its actors (infernet_actors.c),
 * its deployment (infernet.c) and its report (infernet_report.c). Private to
 * protocols/infernet/. */
#ifndef DEPINSIM_PROTOCOLS_INFERNET_INFERNET_STATE_H
#define DEPINSIM_PROTOCOLS_INFERNET_INFERNET_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>

#include "protocols/infernet/infernet.h"
#include "protocols/ledger/ledger.h"
#include "sim/base/pqueue.h"
#include "sim/engine/actors.h"
#include "sim/engine/arrivals.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"

struct infernet;

/* A subscription on the Coordinator: submitted, then committed (created_at >= 0). */
struct infernet_sub {
  size_t cls;                  /* index into conf->subs */
  size_t first_node;           /* its serving window starts here */
  double submitted_at;
  double created_at;           /* commit of its request; -1 before */
  struct ledger_ticket ticket;
  long interval;               /* the interval `accepted` counts */
  long accepted;               /* deliveries accepted in that interval */
  bool counted;                /* that interval was counted as a served request */
};

/* A delivery on its way to the chain. */
struct infernet_callback {
  size_t sub, node;
  long interval;
  double submitted_at;
  struct ledger_ticket ticket;
  double committed_at;         /* -1 until found */
};

/* A container running on a node for one interval. Owned by the node's running list. */
struct infernet_job {
  struct infernet_node *node;
  size_t sub, slot;            /* slot: its place in node->running */
  long interval;
};

struct infernet_node {
  struct infernet *in;
  size_t provider;
  double watch_phase, process_phase; /* its loops' offsets */
  pqueue_t *jobs;              /* due intervals: (ready time, subscription << 24 | interval) */
  struct infernet_job **running; /* containers running now */
  size_t n_jobs, cap_jobs;
  size_t n_running;            /* of them, still computing or proving */
  double busy_since;           /* when the device last became busy */
  double busy_s;               /* with at least one container running, inside the window */
  double computed, accepted, reverted, skipped, earned_usd, faults;
};

/* What one consumer class saw, inside the window. */
struct infernet_class_stats {
  hist_t *latency;             /* owned by metrics */
  double accepted, no_queue_s; /* deliveries and the sum of their latencies alone */
};

struct infernet {
  struct world *world;
  const struct infernet_conf *conf;
  void *ledger;                /* world_layer_state(w, "ledger"), borrowed */
  struct infernet_node *nodes;
  size_t n_nodes;
  arrivals_t **arrivals;       /* per consumer class */
  double *created;             /* per consumer class: subscriptions submitted */
  gsl_rng *rng_arrivals, *rng_nodes, *rng_proofs;
  struct arrival_batch *taken; /* scratch for arrivals_take */
  size_t cap_taken;

  struct infernet_sub *subs;   /* every subscription, in submission order */
  size_t n_subs, cap_subs;
  size_t *waiting;             /* subscriptions not yet committed */
  size_t n_waiting, cap_waiting;
  struct infernet_callback *callbacks; /* deliveries not yet committed */
  size_t n_callbacks, cap_callbacks;

  hist_t *latency, *request_inclusion, *callback_inclusion; /* owned by metrics */
  hist_t *no_queue;            /* each accepted delivery's latency alone on its node */
  struct infernet_class_stats *classes; /* per consumer class */
  /* inside the window */
  double requests;             /* intervals with a first accepted delivery */
  double accepted, reverted, skipped, invalid_proofs;
  double request_tx, request_bytes, callback_tx, callback_bytes;
  double fees_usd;             /* paid by consumers for accepted deliveries */
  double no_queue_s;           /* accepted deliveries' latencies alone on their node */
};

/* Job ids: subscription index and interval in one 64-bit key. */
static inline uint64_t infernet_job_id(size_t sub, long interval)
{
  return ((uint64_t)sub << 24) | (uint64_t)interval;
}

void infernet_consumer_actor(int argc, char **argv);
void infernet_chain_actor(int argc, char **argv);
void infernet_node_actor(int argc, char **argv);
void infernet_job_actor(int argc, char **argv);
void infernet_report(void *state, struct world *w);
/* Seconds the container of class s takes on provider p (compute, without the proof). */
double infernet_compute_seconds(const struct infernet *in, size_t provider,
                                const struct infernet_sub_conf *s);

#endif
