/* storage_state.h: the storage layer's run state, shared by its actors (storage.c) and its
 * report (storage_report.c). Private to protocols/storage/. */
#ifndef DEPINSIM_PROTOCOLS_STORAGE_STORAGE_STATE_H
#define DEPINSIM_PROTOCOLS_STORAGE_STORAGE_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>

#include "protocols/storage/storage.h"
#include "sim/engine/actors.h"
#include "sim/engine/arrivals.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"

struct storage;

struct storage_node {
  struct storage *st;
  size_t provider;
  sg_mailbox_t writes, reads;
  double owed_bytes, owed_chunks; /* appended for it and not yet sent (or sent and lost) */
  double missed_chunks;           /* of owed_chunks, those due while it was down */
  double disk_free_at;
  double listening_since;         /* when its node actor last opened `writes` */
  unsigned starts;                /* of its node actor, each with a new `writes` */
  struct storage_batch *writing;  /* received, being written; lost if the node fails */
  double chunks_held, bytes_written_in_window, chunks_resynced;
  double mined;                   /* tokens its PoRA submissions claimed */
};

/* What the log writer sends a node: chunks and their bytes. Owned by the receiver; one that
 * never arrives or is not written is owed to the node again. */
struct storage_batch {
  struct storage_node *node;
  double bytes, chunks;
};

/* A read: sent to a node, answered to the sink with the chunk. Owned by whoever holds it. */
struct storage_read {
  double started;
};

struct storage {
  struct world *world;
  const struct storage_conf *conf;
  struct storage_node *nodes;
  size_t n_nodes;
  arrivals_t *writes, *reads;      /* arrivals, Poisson counts per tick */
  gsl_rng *rng_writes, *rng_reads, *rng_mining;
  sg_mailbox_t sink;
  double log_chunks;              /* positions appended so far */
  double chunks_per_segment;
  double *seg_fee, *seg_start, *seg_claimed; /* per pricing segment */
  size_t n_segments, cap_segments;
  double fees, bytes_appended, reads_failed;
  double fees_recorded;           /* of fees, recorded with the token layer so far */
  double target, valid, periods, paid;
  hist_t *read_latency;           /* owned by metrics */
  struct arrival_batch *taken;         /* scratch for arrivals_take */
  size_t cap_taken;
};

void storage_writer_actor(int argc, char **argv);
void storage_node_actor(int argc, char **argv);
void storage_read_server_actor(int argc, char **argv);
void storage_reader_actor(int argc, char **argv);
void storage_sink_actor(int argc, char **argv);
void storage_miner_actor(int argc, char **argv);
void storage_report(void *state, struct world *w);
/* Records the fees endowed since the last call with the token layer (a no-op without a token
 * section). */
void storage_record_fees(struct storage *st);

#endif
