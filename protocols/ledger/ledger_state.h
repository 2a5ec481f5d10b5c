/* ledger_state.h: the ledger layer's run state, shared by its actors (ledger.c) and its
 * report (ledger_report.c). Private to protocols/ledger/. */
#ifndef DEPINSIM_PROTOCOLS_LEDGER_LEDGER_STATE_H
#define DEPINSIM_PROTOCOLS_LEDGER_LEDGER_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/ledger/ledger.h"
#include "sim/base/ring.h"
#include "sim/engine/arrivals.h"
#include "sim/engine/world.h"

struct shard;

/* One part of a block on the wire (the message validators exchange). */
struct block_part {
  struct block *block;
  double bytes;
};

struct block {
  struct shard *shard;
  long height;
  int round;
  unsigned proposer;        /* validator index in the shard */
  double n_tx, bytes;
  double proposed_at, committed_at; /* committed_at < 0: not committed */
  double last_received_at;
  unsigned received, votes;
  bool decided;             /* committed or abandoned: late messages are ignored */
  struct arrival_batch *batches; /* the transactions it carries, by arrival batch */
  size_t n_batches, cap_batches;
  unsigned *order;          /* gossip order: order[0] is the proposer */
  unsigned *position;       /* inverse of order */
  struct block_part *parts; /* one whole-block part when dissemination is direct */
  unsigned n_parts;
  unsigned *parts_held;     /* per validator */
};

struct validator {
  struct shard *shard;
  unsigned index;
  size_t provider;
  sg_mailbox_t mailbox;     /* its actor's current one (actors_open_mailbox) */
  unsigned starts;
  double listening_since;   /* when its actor last opened it */
};

/* A shard's overlay when blocks spread over the mesh: its nodes are the validators (nodes
 * 0 .. n_validators - 1) then the full nodes. */
struct shard_mesh {
  size_t *members;          /* provider index of each node */
  unsigned n;
  struct overlay *overlay;
  gossip_t *gossip;
  gsl_rng *overlay_rng, *gossip_rng;
  bool *up;                 /* scratch: who is up at a proposal */
  double *hold, *sorted;    /* scratch: when each node holds the block */
  double *vote_at;          /* scratch: when each validator's vote reaches the proposer */
  double *vote_delay;       /* votes: gossip: V x V, [u x V + x] a vote from u to x */
  double *check_s;          /* scratch: each node's CheckTx time for a batch */
  gsl_rng *entry_rng;       /* mempool.gossip: the node each batch enters at */
  struct gossip_totals block_totals, tx_totals; /* what blocks and transactions cost */
  double tx_gossiped;
  double *prevote, *polka;  /* scratch: a validator's prevote; when it saw 2/3 of them */
};

/* A batch of transactions gossiped to a shard's nodes (mempool.gossip): where it ends in the
 * mempool's order (cumulative items arrived), its size, and when each validator had it
 * (hold NULL: every one from `at`, for transactions other layers submit). */
struct tx_record {
  double end, count, at;
  double *hold;
};

struct shard {
  struct ledger *ledger;
  unsigned id;
  struct validator *validators;
  unsigned n_validators, quorum_count;
  struct shard_mesh *mesh;  /* NULL unless the dissemination is a mesh protocol */
  struct ring records;      /* mempool.gossip: the batches (struct tx_record) not yet
                               committed, in order */
  arrivals_t *mempool;
  gsl_rng *mempool_rng, *gossip_rng, *proposer_rng;
  double *stake_cumulative; /* lottery: running sum of the validators' stakes */
  sg_mailbox_t votes;
  struct block **blocks;
  size_t n_blocks, cap_blocks;
  double committed, committed_in_window;
  long failed_rounds;
  unsigned long spare_changes_seen; /* world.spare_changes when its validators were checked */
  double *cumulative;       /* committed count after each committed block (ledger_submit.c) */
  double *cumulative_at;    /* and when it committed */
  size_t n_cumulative, cumulative_upto; /* entries; blocks scanned so far */
};

struct ledger {
  struct world *world;
  const struct ledger_conf *conf;
  struct shard *shards;
  unsigned n_shards;
  hist_t *commit_latency; /* owned by the metrics registry */
  hist_t *reach[3];       /* block_reach_50, _90, _100 (mesh only); owned by the registry */
  unsigned next_submit_shard; /* ledger_submit's round-robin */
  size_t *ranked;         /* providers by stake, highest first (ledger_valset.c) */
  size_t n_ranked;
  unsigned char *has_role; /* per provider: a validator or full node of some shard */
  double validator_changes; /* slots passed to a successor */
};

/* ledger_valset.c: the validator set follows stake (see there). init takes the providers
 * ranked by stake, all of them; update, called at each height, gives the slots of validators
 * whose operators left to the next in the ranking. */
void ledger_valset_init(struct ledger *l, const size_t *ranked, size_t n);
void ledger_valset_update(struct shard *s);
/* The running sum of the shard's validators' stakes, for the lottery proposer (at launch and
 * after the set changed). */
void ledger_restake(struct shard *s);
/* ledger.c: makes provider the shard's validator i (its actor, unless the mesh computes it). */
void ledger_start_validator(struct shard *s, unsigned i, size_t provider);

/* The mesh (ledger_mesh.c): builds a shard's overlay over its validators and the providers
 * full_nodes[0 .. n_full - 1]; spreads a block and collects its votes, returning when the
 * block committed at the proposer (b->committed_at) or the deadline passed; frees. */
void ledger_mesh_deploy(struct shard *s, const size_t *full_nodes, unsigned n_full);
void ledger_mesh_round(struct block *b, double deadline);
void ledger_mesh_free(struct shard_mesh *m);
/* Adds what a spread cost (the instance's totals after it less those before) into sum. */
void ledger_mesh_count(struct gossip_totals *sum, const struct gossip_totals *after,
                       const struct gossip_totals *before);

/* Seconds validator provider p spends checking n_tx transactions' signatures (ledger.c); the
 * same for a block's checks, 0 when transactions were checked entering the mempool. */
double ledger_check_seconds(const struct world *w, const struct provider *p, double n_tx);
double ledger_block_check_seconds(const struct world *w, const struct ledger_conf *c,
                                  const struct provider *p, double n_tx);

/* The mempool (ledger_mempool.c). Fill draws the arrivals due by now and, with mempool.gossip,
 * floods each new batch over the overlay from a random node; push adds another layer's
 * transactions, there at once; includable is how many transactions from the mempool's front
 * the proposer holds at now (+infinity without gossip, or when it holds `capacity` of them);
 * forget drops committed batches. A validator that is down when a batch floods never gets it:
 * it can propose only what comes before that batch until another proposer commits it. */
void ledger_mempool_fill(struct shard *s, double now);
void ledger_mempool_push(struct shard *s, double now, double count);
double ledger_mempool_includable(const struct shard *s, unsigned proposer, double now,
                                 double capacity);
void ledger_mempool_forget(struct shard *s);
void ledger_mempool_free(struct shard *s);

/* Both defined in ledger.c / ledger_report.c. */
void ledger_report(void *state, struct world *w);
double ledger_committed(void *state);
double ledger_backlog(void *state);

#endif
