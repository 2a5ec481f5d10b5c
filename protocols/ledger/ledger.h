/* ledger.h: the ledger layer: transactions batched into blocks, consensus rounds, TPS.
 *
 * Model (a CometBFT-style chain at batch granularity; see docs/models/ledger.md):
 * clients' transactions enter a mempool at the workload rate (Poisson counts per tick, not
 * one event per transaction). Each height, a proposer rotating among the validators takes up
 * to max_block_bytes of transactions, sends the block to the validators over the simulated
 * network (directly, whole, or along a gossip tree of the given fan-out in CometBFT's 64 KiB
 * block parts, each part sent on one edge after another and forwarded as soon as it arrives),
 * each validator checks the block's signatures once it holds every part (an exec priced by the calibration profile's Ed25519 rate) and
 * votes back; the block commits when a quorum of validators has voted. The next height
 * starts when the previous one committed and block_time has passed since its proposal. A
 * proposer that is down or misses the quorum within the round's timeout (round_timeout, plus
 * round_timeout_delta for each earlier round of the height) loses the round: its
 * transactions go back to the mempool and the next validator proposes. Shards are
 * independent chains with their own validators, each carrying rate / shards. */
#ifndef DEPINSIM_PROTOCOLS_LEDGER_LEDGER_H
#define DEPINSIM_PROTOCOLS_LEDGER_LEDGER_H

#include <stdbool.h>

#include "sim/engine/gossip.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer ledger_layer;

/* How a block reaches the nodes: whole from the proposer to every validator, down a gossip tree
 * of SimGrid flows, or one of the mesh protocols over the overlay (sim/engine/gossip.h). */
enum ledger_dissemination { LEDGER_DIRECT, LEDGER_TREE, LEDGER_FLOOD, LEDGER_ANNOUNCE,
                            LEDGER_COMPACT, LEDGER_PARTS };

/* Whether blocks spread over the overlay with a gossip protocol. */
static inline bool ledger_uses_mesh(enum ledger_dissemination d)
{
  return d >= LEDGER_FLOOD;
}

/* Who proposes a height: validators in turn (CometBFT's rotation; with equal stakes a plain
 * round robin), or drawn at random in proportion to stake each round (a proof-of-work or
 * lottery chain: SimBlock's miners). */
enum ledger_proposer { LEDGER_ROTATE, LEDGER_LOTTERY };

/* How validators vote over the mesh: one vote each, straight to the proposer; or CometBFT's
 * prevote and precommit, each gossiped to every validator over the overlay. */
enum ledger_votes { LEDGER_VOTES_DIRECT, LEDGER_VOTES_GOSSIP };
/* Votes gossiped in two rounds cost validators x validators vote times per block; beyond this
 * many validators a shard is refused (use votes: direct). */
#define LEDGER_MAX_GOSSIP_VOTERS 2048

/* Where validators check transactions' signatures: when the block arrives, on the block's
 * critical path; or as transactions enter each node's mempool (CometBFT's CheckTx), so that
 * the block needs no check of its own. */
enum ledger_checks { LEDGER_CHECK_BLOCK, LEDGER_CHECK_MEMPOOL };

/* The `ledger` section, in base units. */
struct ledger_conf {
  long validators;             /* per shard; default 50 (0G's 11,000 TPS setup) */
  long full_nodes;             /* per shard: non-validating nodes that relay blocks (mesh) */
  double block_time_s;         /* default 500 ms (0G) */
  double max_block_bytes;      /* default 4 MB */
  enum ledger_dissemination dissemination;
  long fanout;                 /* tree: fan-out, default 8 */
  double part_bytes;           /* tree: blocks travel in parts of this size, default 64 KiB */
  struct gossip_conf gossip;   /* mesh protocols */
  double quorum;               /* fraction of validators, default 2/3 */
  enum ledger_proposer proposer; /* default rotate */
  enum ledger_votes votes;     /* mesh only; default direct */
  bool mempool_gossip;         /* mesh only: transactions flood the overlay from their entry */
  enum ledger_checks checks;   /* default block */
  long shards;                 /* default 1 */
  double round_timeout_s;      /* round 0's; default 3 s (CometBFT's timeout_propose) */
  double round_timeout_delta_s; /* added per round of a height; default 0.5 s (CometBFT's
                                   timeout_propose_delta), so a block too big for the first
                                   timeout commits in a later round instead of never */
  double tx_rate_per_s;        /* workload.transactions, read by the ledger */
  double tx_bytes;
};

/* Size of one vote on the wire: an Ed25519 signature (64 B) plus CometBFT's vote fields
 * (type, height, round, block id, timestamp, validator address and index: about 100 B). */
#define LEDGER_VOTE_BYTES 164.0
/* Block header and commit information carried with every block (CometBFT header ~ 0.6 KiB
 * plus last-commit signatures); a simplification, independent of the validator count. */
#define LEDGER_HEADER_BYTES 1024.0

/* Parses/validates the section (ledger_conf.c); used by the layer table. */
void *ledger_conf_parse(cfg_t *cfg, struct cfg_node section);
bool ledger_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void ledger_conf_free(void *conf);
/* The mempool's tick: fine enough that arrival times are known to a tenth of a block, at most
 * 50 ms (ledger_conf.c). */
double ledger_mempool_tick(const struct ledger_conf *c);
/* The run's cost for `validate` (ledger_conf.c): per block, the SimGrid transfers of direct and
 * tree, or the gossip engine's events over the mesh. */
void ledger_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

/* The TPS the hardware and parameters allow: min(block capacity / block_time, validator
 * uplink / (copies x tx size)) per shard, summed over shards (ledger_report.c). */
double ledger_tps_bound(const struct ledger_conf *c, const double *uplinks_Bps, long n);

/* Where a transaction submitted from outside the workload sits in its shard's FIFO mempool: it
 * commits with the block that brings the shard's committed count to `position`. */
struct ledger_ticket {
  unsigned shard;
  double position;
};

/* Puts one submission of n_tx transactions carrying `bytes` in all (it takes
 * max(n_tx, ceil(bytes / tx size)) transaction slots of block space) into the next shard's
 * mempool, shards taken round-robin, at the current simulated time; call from an actor.
 * ledger_state is world_layer_state(w, "ledger") (borrowed). Used by the DA layer's publishing
 * lane. Cannot fail. */
struct ledger_ticket ledger_submit(void *ledger_state, double n_tx, double bytes);
/* When the submission of ticket t committed, or -1 when it has not (yet). Cannot fail. */
double ledger_ticket_committed_at(void *ledger_state, struct ledger_ticket t);

#endif
