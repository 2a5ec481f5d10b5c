/* da_state.h: the DA layer's run state, shared by its actors (da.c, dispersal.c), sampling
 * (sampling.c) and report (da_report.c). Private to protocols/da/. */
#ifndef DEPINSIM_PROTOCOLS_DA_DA_STATE_H
#define DEPINSIM_PROTOCOLS_DA_DA_STATE_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/da/da.h"
#include "protocols/da/frontier.h"
#include "protocols/da/quorum.h"
#include "protocols/ledger/ledger.h"
#include "sim/base/pacer.h"
#include "sim/base/pqueue.h"
#include "sim/base/ring.h"
#include "sim/engine/actors.h"
#include "sim/engine/arrivals.h"
#include "sim/engine/world.h"

struct da;

/* One signer's place in one quorum: the slots it holds there. */
struct da_node {
  struct da *da;
  unsigned quorum;
  size_t signer;          /* index into da.signer_provider */
  size_t provider;
  long slots;
  bool stores;            /* false: lazy or malicious, signs without storing */
  sg_mailbox_t mailbox;   /* its actor's current one (actors_open_mailbox) */
  unsigned starts;
  double listening_since; /* when its actor last opened it */
  double rows_owed;       /* rows sent to it (delivered or not) */
  double rows_stored;
  double bytes_written_in_window;
  size_t next_blob;       /* aggregate grain: first blob of its quorum not yet sent to it */
  double hub_Bps;         /* aggregate grain: bottleneck bandwidth of the hub's route to it */
  double hub_latency_s;   /* aggregate grain: latency of that route */
  double rows_dropped;    /* rows it signed without storing (lazy or malicious) */
  double rows_lost;       /* rows sent while it was down or not yet written when it went down */
  bool started;           /* its actor ran before: a start is a restart after a failure */
  /* sampling */
  double samples, failed_samples, paid;
  double first_failed_at; /* < 0: never failed */
};

/* Rows a node should hold and does not: lost to failures or never stored. Rows still on
 * their way or in its write queue are neither held nor missing. */
static inline double da_node_missing(const struct da_node *n)
{
  return n->rows_lost + n->rows_dropped;
}

/* A provider's DA servers, each a FIFO: when the last queued piece of work ends. Every quorum
 * a provider serves shares them. */
struct da_host {
  double down_free_at;    /* aggregate grain: its downlink has taken every row sent */
  double cpu_free_at;     /* aggregate grain: it has verified them */
  double disk_free_at;    /* it has written them */
  unsigned downs;         /* aggregate grain: the provider's downs when last used */
};

/* Aggregate grain: the rows of blobs [a, b) on their way to one node and its share back. */
struct da_batch {
  size_t node, a, b;
  double written_at;      /* rows on disk (verified, for a node that does not store) */
  size_t provider;        /* the node's provider when the rows left the hub */
  unsigned downs;         /* that provider's downs then (world.h) */
  size_t next_free;       /* in the quorum's pool of free batches */
};

/* Blob arrivals are drawn per tick: a tenth of a lane's mean gap, at most 10 ms. */
static inline double da_lane_tick_s(const struct da *d);

/* A blob stream from one submitter to one quorum (pairs taken round-robin). */
struct da_lane {
  struct da *da;
  unsigned id, quorum;
  size_t submitter;       /* provider index */
  arrivals_t *arrivals;    /* blobs as Poisson counts per tick */
  gsl_rng *rng;
};

/* A submitting host and its lanes. */
struct da_submitter {
  struct da *da;
  size_t provider;
  unsigned *lanes;
  unsigned n_lanes, next_lane;
  unsigned streams;       /* parallel flows of an upload (dispersal.c: upload_streams) */
  struct arrival_batch *taken; /* scratch for arrivals_take */
  size_t cap_taken;
};

/* What a submitter uploads to the hub in the aggregate grain (dispersal.c, hub.c). */
struct da_upload {
  unsigned lane;
  struct arrival_batch *batches;
  size_t n_batches;
};

/* Aggregate grain: blobs [first, first + count) of a quorum, arrived at `arrival`. */
struct da_entry {
  size_t first;
  double count;
  double arrival, uploaded_at;
  unsigned lane;
};

/* Per-slice grain: one blob, one attempt. */
struct da_blob {
  unsigned quorum, lane;
  double arrival, dispersed_at, aggregated_at;
  double delivered_at;    /* when its last row reached its node */
  long shares, rows_received;
  bool decided, accepted;
  struct ledger_ticket ticket;
  bool has_ticket;
};

/* Accepted blobs waiting for (or done with) their ledger transaction. */
struct da_accept {
  double arrival, count, aggregated_at;
  struct ledger_ticket ticket;
  bool has_ticket;
};

/* Per-slice grain: shares arrive in several mailboxes, node i's in box i % DA_SHARE_BOXES,
 * each with its own receiving actor: SimGrid finds a mailbox's comms by a linear search, so
 * thousands of shares at once in one mailbox cost quadratic time. */
#define DA_SHARE_BOXES 64

struct da_share_box {
  struct da_quorum *q;
  sg_mailbox_t mailbox;
};

struct da_quorum {
  struct da *da;
  unsigned id;
  size_t *nodes;          /* indices into da->nodes */
  size_t n_nodes;
  size_t *slot_node;      /* slot -> index into da->nodes */
  sg_mailbox_t uploads;
  struct da_share_box *boxes; /* per-slice: DA_SHARE_BOXES mailboxes for the nodes' shares */
  /* aggregate grain */
  frontier_t *frontier;
  pqueue_t *shares;       /* (time a share reaches the hub, batch) */
  struct da_batch *batches; /* pool; free ones chained from free_batch */
  size_t n_batches, free_batch;
  unsigned long spare_changes_seen; /* world.spare_changes when its signers were last checked */
  size_t dispersed;       /* blobs uploaded to the hub so far */
  struct ring entries;    /* struct da_entry: the uploaded batches not yet decided, in order */
  struct pacer dispatches, publications; /* at most one a dispersal_interval on average */
  bool waiting;           /* uploads the pacer kept from being dispatched */
  double unpublished;
  /* acceptances, in order; those from first_unpublished on have no ledger ticket yet */
  struct da_accept *accepts;
  size_t n_accepts, cap_accepts, first_unpublished;
  /* per-slice grain: blobs dispersed and not decided, in order (indices into da->blobs) */
  struct ring pending;
};

struct da {
  struct world *world;
  const struct da_conf *conf;
  void *ledger;           /* the ledger layer's state, or NULL */
  da_quorums_t *assignment;
  size_t *signer_provider; /* signer index -> provider */
  size_t n_signers;
  size_t *ranked;         /* providers of the signer classes by stake (da_signers_follow) */
  size_t n_ranked;
  unsigned char *is_signer; /* per provider */
  double signer_changes;  /* signers whose slots passed to a successor */
  struct da_node *nodes;
  size_t n_nodes;
  struct da_quorum *quorums;
  unsigned n_quorums;
  struct da_lane *lanes;
  unsigned n_lanes;
  struct da_submitter *submitters;
  size_t n_submitters;
  long threshold;
  double row_bytes, encoded_bytes;
  /* per-slice blobs */
  struct da_blob *blobs;
  size_t n_blobs, cap_blobs;
  /* counters */
  struct da_host *hosts;  /* per provider */
  double blobs_encoded, blobs_aggregated, blobs_retried, encode_s_total;
  double bytes_dispersed;
  double flows;           /* messages the layer put on the network (rows, uploads, notices,
                             shares) */
  hist_t *aggregation_latency; /* arrival -> 2/3 of shares, owned by metrics */
  /* sampling (sampling.c) */
  gsl_rng *sampling_rng;
  double pool, paid_total, target_prob, rounds, valid_submits;
  double fees_unrecorded;   /* blob fees into the pool not yet recorded with the token layer */
  double *sampling_scratch; /* owned */
};

/* succession.c: signers whose operators left pass their slots on (see there). init after the
 * quorums are formed; follow at each of a quorum's dispatches. */
void da_signers_init(struct da *d);
void da_signers_follow(struct da *d, struct da_quorum *q);
/* da.c: puts node n on provider: whether it stores the rows it signs (its behaviour: lazy and
 * malicious nodes sign without storing) and its route from the hub. */
void da_node_bind(struct da_node *n, size_t provider);

static inline double da_lane_tick_s(const struct da *d)
{
  return fmin(0.01, 0.1 / d->conf->blob_rate_per_s * (double)d->n_lanes);
}

/* dispersal.c: submitters (both grains), and the per-slice grain's nodes, aggregators and
 * quorum clock */
void da_submitter_actor(int argc, char **argv);
void da_node_actor(int argc, char **argv);
/* Sets a node's lost rows after a failure (every row sent to it and not written). */
void da_node_account_loss(struct da_node *n);
void da_aggregator_actor(int argc, char **argv);
void da_ticker_actor(int argc, char **argv);
/* Verification of `bytes` of rows on p: their commitment recomputed, one signature. */
double da_verify_seconds(const struct provider *p, double bytes);
/* Gives a blob up and queues it again at its lane, with its first arrival time. */
void da_retry(struct da *d, unsigned lane, double arrival);
void da_upload_free(void *upload);
/* Whether an upload message is one of its extra parallel streams (they carry no batch). */
bool da_upload_is_extra_stream(const void *msg);
/* hub.c: the aggregate grain's hub: dispatcher and quorum clock */
void da_dispatcher_actor(int argc, char **argv);
void da_hub_clock_actor(int argc, char **argv);
/* Settles every share that reached the hub by `now` (at the end of the run: da_report). */
void da_hub_settle(struct da_quorum *q, double now);
/* da_report.c */
void da_report(void *state, struct world *w);
double da_accepted_bytes(void *state);
/* sampling.c: the PoDAS driver */
void da_sampling_actor(int argc, char **argv);
/* Records the blob fees paid into the pool since the last call with the token layer (a no-op
 * without a token section). */
void da_sampling_record_fees(struct da *d);
/* dispersal.c: records `count` blobs that arrived at `arrival` as aggregated at time `at` (their
 * fee goes to the pool), and publishes every unpublished acceptance of q as one ledger
 * transaction. */
void da_record_acceptance(struct da_quorum *q, double arrival, double count, double at);
void da_publish(struct da_quorum *q);

#endif
