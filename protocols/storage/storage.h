/* storage.h: the storage layer: 0G Storage's log layer, sharded 256 KiB chunks and PoRA mining
 * paid from an endowment released linearly over the storage lifetime.
 *
 * Model (every number a scenario parameter; defaults from docs/reference/0g.md, "Storage"):
 *  - Writes arrive at the section's rate (Poisson counts per tick) and are appended to one log:
 *    each is cut into chunk_bytes (256 KiB) chunks taking consecutive log positions. Nodes hold
 *    sharded positions: with N nodes, chunk p lives on node p mod N and, for `replicas` r > 1,
 *    also on nodes p + k N / r mod N (0G shards by position / 2^n; replication is inferred).
 *  - A log writer on the control host sends, at most every `interval`, one flow to each node
 *    carrying the chunks it is owed; the node writes them to its disk, a FIFO at
 *    write_bandwidth (default 35 MB/s, 0G's claimed per-node rate, which is a target to test).
 *    Measured: aggregate write throughput against its bound N x min(write_bandwidth, downlink).
 *  - Reads: at the read rate a reader on the control host fetches one random written chunk from
 *    a node holding it (a 64 B request, a chunk back); read latency is request to last byte.
 *  - Fees: a write pays price_per_sector per 256 B sector into its pricing segment's endowment
 *    (8 GiB of log); a segment's endowment is released linearly over `lifetime`.
 *  - PoRA: every mining period each node that is up tries recall positions drawn over the
 *    written log; it can answer those it holds (its shard), and an answer is a valid
 *    submission when its quality hash is below the difficulty target. The node's valid
 *    submissions are Poisson with mean (its share of the log) x target, the target being the
 *    expected valid submissions per period of one full copy of the log. A valid submission
 *    claims half of its segment's released, unclaimed endowment. After each period the target
 *    follows 0G's rule target' = (19 target + target x target_submissions / actual) / 20,
 *    clamped to x0.5..x2 (a period without submissions doubles it).
 * Simplifications: no sealing/scratchpad work is charged (an exec of 64 Blake2b hashes per try
 * is noise beside the disk); the KV layer is not modelled; nodes never fill (no shard
 * halving); a node that was down catches up on what it missed with its next flush after it is
 * back (0G nodes sync from peers; here the log writer resends); the writer's own uplink is the control host's (unbounded): the bound is the
 * nodes' side. */
#ifndef DEPINSIM_PROTOCOLS_STORAGE_STORAGE_H
#define DEPINSIM_PROTOCOLS_STORAGE_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/scenario/layer.h"

extern const struct depin_layer storage_layer;

/* 0G Storage: a sector (entry) is 256 B; a chunk, segment and PoRA load 256 KiB; a pricing
 * segment 8 GiB (docs/reference/0g.md). */
#define STORAGE_SECTOR_BYTES 256.0
#define STORAGE_PRICING_SEGMENT_BYTES (8.0 * 1024 * 1024 * 1024)
/* A read request on the wire: chunk index, root, signature (about 64 B). */
#define STORAGE_READ_REQUEST_BYTES 64.0

/* The `storage` section, in base units. */
struct storage_conf {
  char *nodes;              /* provider class of the storage nodes (required) */
  double chunk_bytes;       /* default 256 KiB */
  double write_bandwidth_Bps; /* a node's disk, default 35 MB/s */
  long replicas;            /* default 1 */
  double write_rate_per_s, write_bytes; /* writes: {rate, size} */
  double read_rate_per_s;   /* reads: {rate}, default 0 */
  double interval_s;        /* the log writer's flush period, default 1 s */
  double price_per_sector;  /* tokens per 256 B sector, default 1e-6 (our assumption) */
  double lifetime_s;        /* default 12 x 31 days (lifetimeMonth 12, our assumption) */
  double mining_period_s;   /* default 600 s: targetMineBlocks 600 of 1 s blocks */
  double target_submissions; /* per mining period, default 5 (mainnet targetSubmissions) */
  size_t node_class;        /* resolved by validate */
};

/* Tokens of a segment endowed with `fee` at `start` that are released by time t: linear over
 * lifetime_s, then all of it. Cannot fail. */
double storage_released(double fee, double start, double lifetime_s, double t);
/* 0G's PoRA difficulty update after a period with `actual` valid submissions against
 * `target_submissions`, clamped to half or double the target. Cannot fail. */
double storage_next_target(double target, double actual, double target_submissions);
/* The node holding copy k (0 <= k < replicas) of log position p among n nodes. */
size_t storage_node_of(double p, long k, size_t n, long replicas);

void *storage_conf_parse(cfg_t *cfg, struct cfg_node section);
bool storage_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void storage_conf_free(void *conf);

#endif
