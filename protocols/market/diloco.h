/* diloco.h: closed forms of pipeline-parallel training with a ring all-reduce every step, and
 * of DiLoCo-style training (H inner steps inside each cluster, then an outer synchronisation of
 * compressed pseudo-gradients across clusters, optionally overlapped with the next H steps).
 *
 * Layout. A job of n nodes is cut into C clusters of n / C nodes; a cluster holds D data-
 * parallel replicas of P pipeline stages (n = C x D x P). Plain all-reduce training is C = 1.
 * Each inner step every node computes its share of 6 x params x tokens_per_step, stretched by
 * the pipeline bubble (M + P - 1) / M with M micro-batches (GPipe's schedule); sends the
 * activations of its replica's tokens to the next stage and their gradients back (one flow of
 * tokens / replicas x hidden x 2 bytes each way per stage boundary); and all-reduces its
 * stage's gradients (params / P x value bytes) in a ring over the D replicas of its cluster.
 * The outer synchronisation shards each stage's pseudo-gradient over the cluster's D replicas:
 * each node all-reduces its compressed shard (compression x params / (P x D) x value bytes) in a
 * ring over the C clusters, then the cluster's replicas all-gather the updated stage
 * (params / P x value bytes). DiLoCoX (arXiv 2506.21263) keeps a fraction of the parameters and
 * of both optimizers on every worker; the shard-per-replica layout is ours.
 *
 * Every function is pure arithmetic on its arguments (no SimGrid): the rates and latencies come
 * from the caller (training.c reads them off the simulated routes). None can fail; a count
 * below the one that makes the quantity meaningful gives 0. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_DILOCO_H
#define DEPINSIM_PROTOCOLS_MARKET_DILOCO_H

#include <stdbool.h>

/* Bytes an activation value takes on the wire between stages (bf16). */
#define DILOCO_ACTIVATION_VALUE_BYTES 2.0

/* The pipeline's stretch of a step's compute: (M + P - 1) / M for P stages and M micro-batches
 * (the fill and drain of GPipe, Huang et al. 2019). 1 for P <= 1. */
double diloco_bubble_factor(long stages, long micro_batches);

/* Ring all-reduce of `bytes` over n members whose every hop moves at rate (B/s) after latency
 * lat (s): 2(n - 1) rounds of bytes / n. 0 for n < 2. */
double diloco_ring_allreduce_s(long n, double bytes, double rate_Bps, double lat_s);

/* Ring all-gather of `bytes` (each member holds bytes / n): n - 1 rounds of bytes / n. 0 for
 * n < 2. */
double diloco_ring_allgather_s(long n, double bytes, double rate_Bps, double lat_s);

/* One inner step's parts, seconds. */
struct diloco_step {
  double compute_s;      /* the slowest node's share, bubble included */
  double activations_s;  /* stage-to-stage activations and their gradients */
  double allreduce_s;    /* the step's gradient ring (inside a cluster, or over every replica) */
};

/* One outer synchronisation's parts, seconds. */
struct diloco_sync {
  double outer_s;        /* the compressed pseudo-gradient ring across clusters */
  double allgather_s;    /* the updated stage shared back among the cluster's replicas */
};

static inline double diloco_step_s(const struct diloco_step *s)
{
  return s->compute_s + s->activations_s + s->allreduce_s;
}

static inline double diloco_sync_s(const struct diloco_sync *s)
{
  return s->outer_s + s->allgather_s;
}

/* Time of an outer step in steady state: H inner steps, then the synchronisation; with the
 * one-step-delay overlap the synchronisation of round k runs during the H steps of round k + 1,
 * so a round takes the longer of the two (contention between them for shared links ignored). */
double diloco_outer_step_s(long inner_steps, double inner_s, double sync_s, bool overlap);

/* Communication time per outer step, all of it whether hidden or not: H x (activations +
 * inner all-reduce) + synchronisation. */
double diloco_comm_per_outer_step_s(long inner_steps, const struct diloco_step *step,
                                    const struct diloco_sync *sync);

/* Speedup over ring all-reduce training of the same layout on the same links: the time the
 * all-reduce job takes for H steps over the DiLoCo outer step, i.e. the ratio of their token
 * rates. 0 when the outer step takes no time. */
double diloco_speedup(long inner_steps, double allreduce_step_s, double outer_step_s);

#endif
