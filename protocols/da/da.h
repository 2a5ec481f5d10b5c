/* da.h: the data availability layer: 0G-style blob encoding, quorums, dispersal over the
 * storage lane, signature aggregation on the publishing lane, and PoDAS sampling.
 *
 * Model (every number below is a scenario parameter; defaults from docs/reference/0g.md):
 *  - Blobs arrive at workload.blobs' rate (Poisson counts per tick) and go to quorums
 *    round-robin and to the submitter hosts (providers of `submitters`) round-robin. A blob
 *    of B bytes is laid out as data_rows rows (31 of every 32 bytes carry data) and extended
 *    to `rows` rows (rate data_rows/rows); each row goes to one slot. Encoding and the KZG
 *    commitment cost B / da_encode_Bps of the submitter's calibration profile, as an exec on
 *    its host. The coding itself is proven on small instances in tests (coding.h, ISA-L).
 *  - Quorums (quorum.h): signers get min(stake / tokens_per_vote, max_votes_per_signer) votes;
 *    the votes are shuffled per epoch and cut into quorums of quorum_slots slots (at most
 *    max_quorums). Runs keep the first epoch's assignment (an epoch is 8 h by default).
 *  - Storage lane: a row travels to its slot's node over the simulated network; the node
 *    verifies it (an exec of row_bytes / da_encode_Bps of its own device, the cost of
 *    recomputing the row's commitment, plus one signature at sig_verify_per_s), writes it to
 *    disk (the disk is a FIFO server of write_bandwidth, default 35 MB/s: a write ends
 *    at max(now, disk free) + bytes / bandwidth) and returns a BLS signature share
 *    (DA_SHARE_BYTES) to the quorum's aggregator.
 *  - Publishing lane: the aggregator accepts a blob when shares cover at least
 *    accept_fraction of the slots (2,048 of 3,072) and submits one small transaction (the
 *    commitment, the aggregate signature and a signer bitmap) through the ledger layer; the
 *    blob is accepted when that transaction commits. Without a ledger section acceptance is the
 *    aggregation. A blob short of the fraction after retry_timeout is dispersed again.
 *  - Sampling (sampling.h): every period each slot answers a challenge on a random sub-line
 *    of a row it should hold; a node that missed rows (down, or lazy/malicious: signs without
 *    storing) fails in proportion; valid answers are paid from the fee pool.
 *
 * Two dispersal grains give the same answers at different costs. `per-slice` sends one flow
 * per row and counts shares per blob: exact, for small runs. `aggregate` (hub.c) uploads each
 * submitter's batch to a hub (the control host) at most once a dispersal_interval; the hub
 * sends each node, at most once an interval, the rows of the blobs it is owed, and the node's
 * downlink, verification and disk (FIFOs per provider, at the calibrated rates) and its share's
 * return are computed in closed form: a heap event per batch, no actor or flow per node; the
 * quorum counts shares per node range of blobs rather than per blob. tests/test_da.c checks
 * that the two agree within 2% on a small quorum.
 *
 * Simplifications: the first epoch's quorums hold for the run; the aggregate grain's hub
 * stands in for the submitters' direct transfers (their uplinks still carry every encoded
 * byte, but submitters belong in the hub's region, or the WAN is crossed twice); no KZG/AMT
 * proof bytes travel beside the rows; a retried blob goes back to its lane and quorum;
 * PoDAS samples a node's missing fraction rather than concrete sub-lines, and a node that is
 * down does not answer (neither caught nor paid). */
#ifndef DEPINSIM_PROTOCOLS_DA_DA_H
#define DEPINSIM_PROTOCOLS_DA_DA_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/scenario/layer.h"

extern const struct depin_layer da_layer;

enum da_grain { DA_GRAIN_AGGREGATE, DA_GRAIN_PER_SLICE };

/* dispersal_interval: auto, until validation resolves it from the quorums formed. */
#define DA_INTERVAL_AUTO (-1.0)

/* Bytes of one BLS signature share on the wire: a BN254 G1 point (64 B uncompressed) plus the
 * blob id, slot range and quorum (about 64 B). */
#define DA_SHARE_BYTES 128.0
/* Blob commitment: a KZG commitment, a BN254 G1 point, 64 B uncompressed (0g-da-encoder). */
#define DA_COMMITMENT_BYTES 64.0
/* Fixed part of the acceptance transaction besides commitment, signature and bitmap: the
 * data root (32 B), blob size, epoch, quorum id and the transaction envelope (~100 B). */
#define DA_PUBLISH_OVERHEAD_BYTES 136.0
/* Blob framing: 31 data bytes in each 32-byte element and a 4-byte length (0g-da-encoder). */
#define DA_ELEMENT_DATA_BYTES 31.0
#define DA_ELEMENT_BYTES 32.0
#define DA_LENGTH_PREFIX_BYTES 4.0

struct da_sampling_conf {
  long period_blocks;     /* default 30 (PoDAS sample period) */
  double block_time_s;    /* chain block time for the period, default 1 s (0G chain: 1-2 s) */
  double subline_bytes;   /* default 1 KiB: a row is split into 32 sub-lines */
  long target_submits;    /* default 20 valid responses per round */
  long max_submits;       /* default 40 (cap per round) */
  double pool_divisor;    /* default 1,200,000: a valid response pays pool / this */
  double base_reward;     /* tokens per valid response besides the pool share; default 0 */
  double fee_per_blob;    /* tokens a blob pays into the pool; default 1 (our assumption) */
};

/* The `da` section, in base units. */
struct da_conf {
  long quorum_slots;          /* default 3,072 */
  long data_rows, rows;       /* default 1,024 and 3,072 (rate 1/3) */
  double row_bytes;           /* default 32 KiB: the largest row */
  double accept_fraction;     /* default 2/3 */
  double tokens_per_vote;     /* default 10 */
  long max_votes_per_signer;  /* default 1,024 */
  long max_quorums;           /* default 10 */
  double epoch_s;             /* default 8 h (5,760 blocks) */
  enum da_grain grain;        /* default aggregate */
  double dispersal_interval_s; /* aggregate grain: a submitter's uploads and a node's batches
                                  start at least this far apart; default auto (da_conf.c:
                                  DA_INTERVAL_AUTO until validation) */
  double retry_timeout_s;     /* default 30 s (0G: ~30 s from submission to finalization) */
  char *submitters;           /* class of the submitting hosts; default the first class */
  char **signers;             /* classes holding DA stake; default every other class */
  size_t n_signers;
  struct da_sampling_conf sampling;
  double write_bandwidth_Bps;  /* a DA node's disk, default 35 MB/s */
  /* Filled by validate from other sections. */
  double blob_rate_per_s, blob_bytes; /* workload.blobs */
  size_t submitter_class;
  bool *signer_class;          /* per scenario class */
};

/* 0G's largest blob: 31 x 1024 x 1024 - 4 bytes at the default geometry (MAX_BLOB_SIZE). */
double da_max_blob_bytes(const struct da_conf *c);
/* Bytes of one encoded row of a blob of `bytes`: ceil(bytes + 4 over data_rows x 31-byte
 * elements) x 32 B, the full 32 KiB for a maximum blob. */
double da_row_bytes(const struct da_conf *c, double blob_bytes);
/* Shares needed to accept a blob: ceil(accept_fraction x quorum_slots), 2,048 of 3,072. */
long da_accept_threshold(const struct da_conf *c);
/* Whether `signed_slots` shares accept a blob. */
bool da_accepted(const struct da_conf *c, long signed_slots);
/* Bytes of the acceptance transaction: commitment, aggregate signature, signer bitmap and
 * overhead. Only these cross the consensus network. */
double da_publish_bytes(const struct da_conf *c);
/* Closed form of a dispersal limited by the submitter's uplink: every row leaves the uplink
 * (rows x row bytes / uplink) and the last one needs the route's latency to arrive. */
double da_dispersal_seconds(double row_bytes, long rows, double uplink_Bps, double latency_s);

/* Parses/validates the section (da_conf.c). */
void *da_conf_parse(cfg_t *cfg, struct cfg_node section);
bool da_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void da_conf_free(void *conf);
/* The run's cost for `validate` (da_conf.c): the dispersal flows and the nodes' checks. */
void da_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

#endif
