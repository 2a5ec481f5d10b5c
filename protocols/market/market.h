/* market.h: the compute market layer: Akash-style reverse auctions, leases paid from a
 * streaming escrow, io.net-style clusters, and the inference, training and rendering
 * workloads that rent them.
 *
 * Model. Every piece of work rents whole provider nodes through the market. A consumer opens
 * one order per node it needs (Akash: one order per deployment group); when the order's bid
 * window closes, each provider that is up, not leased, matches the order (GPU model or
 * minimum memory, GPUs per node, region) and would charge no more than the order's maximum
 * has bid cost x (1 + bid_margin) per GPU-hour, at most max_bids of them (scanned from a
 * random provider on, so the 20 are not always the same), each locking BidMinDeposit; the
 * tenant takes one by the selection policy (auction.h). Tenants, their clients and the
 * checkpoint storage sit at the control host, in the first provider's region: the region
 * cheapest-in-region prefers. The lease streams payment from the
 * tenant's escrow every settle_every blocks (escrow.h); it closes on insufficient funds, on
 * the provider's failure (noticed at the next settlement or by the job) or when the work
 * ends, and a consumer that still needs the node relists a new order.
 *
 * Inference and rendering (service.c) lease `replicas` nodes each and serve a Poisson stream
 * of requests first-come first-served: each request goes to the leased node that frees up
 * first, so the pool is an exact multi-server FCFS queue (M/M/c with exponential service). The
 * dispatcher runs once per batch_interval and places the interval's arrivals in one pass;
 * placement depends only on arrival times and the nodes' free times, so batching does not
 * change any request's times. Inference checks that the model's weights fit the node's
 * memory; its latency adds the network transfer of prompt and output between the client (its
 * region's gateway) and the node, from the route's latency and bandwidth.
 *
 * Training (training.c) forms a cluster of ceil(data_parallel / gpus_per_node) nodes, the
 * first of which is the head (io.net's Ray head: a single point of failure). The job's
 * 6 x params x tokens FLOPs are split into steps of tokens_per_step; every step each node
 * computes its share and the nodes run a ring all-reduce of the gradients (params x bytes per
 * value of the precision) over the simulated network, 2(n-1) phases of bytes/n. With
 * pipeline_stages P each replica spans P nodes (activations pass between them every step and
 * each stage's ring carries params / P); with algorithm diloco the replicas form `clusters`
 * that all-reduce only among themselves for inner_steps H, then synchronise compressed
 * pseudo-gradients across clusters, behind the next H steps when `overlap` is set (DiLoCo,
 * DiLoCoX; layout and closed forms in diloco.h). Every
 * checkpoint_interval the nodes write a checkpoint of 2 x params bytes (sharded: 2 x params / n
 * each) to storage at the control host. When a worker fails, it is replaced through a new
 * order; when the head fails, the whole cluster is re-formed; either way every node reloads
 * the last checkpoint (2 x params bytes each) and the steps since it count as lost work. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_MARKET_H
#define DEPINSIM_PROTOCOLS_MARKET_MARKET_H

#include <stdbool.h>
#include <stddef.h>

#include "protocols/market/auction.h"
#include "sim/device/profile.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer market_layer;

/* Akash reference values (docs/reference/protocols.md: AEP-79, node 096bff57). */
#define MARKET_AKASH_MAX_BIDS 20          /* OrderMaxBids */
#define MARKET_AKASH_BID_MIN_DEPOSIT 0.5  /* BidMinDeposit, per bid */
#define MARKET_AKASH_MIN_DEPOSIT 0.5      /* deployment MinDeposit */
#define MARKET_AKASH_BLOCK_TIME_S 6.5     /* block time when no ledger layer sets one */
#define MARKET_AKASH_BID_WINDOW_S 30.0    /* Akash Console waits about 30 s for bids */

/* In a coupled run a lease's funding shrinks with the compression of time, down to this many
 * bid windows (relisting then costs at most 1% of the rented time). */
#define MARKET_MIN_FUNDING_BID_WINDOWS 100.0
/* Bytes per token on the wire between client and model (a 32-bit token id). */
#define MARKET_TOKEN_WIRE_BYTES 4.0
/* Training memory per parameter with mixed-precision Adam: 2 B weights, 2 B gradients,
 * 12 B fp32 master weights and two moments (Rajbhandari et al., ZeRO, 2020). */
#define MARKET_TRAIN_BYTES_PER_PARAM 16.0
/* Default global batch: 4M tokens a step (Llama 2's batch, Touvron et al. 2023). */
#define MARKET_DEFAULT_TOKENS_PER_STEP 4e6

/* A served workload: workload.inference[i] or workload.rendering[i]. */
struct service_spec {
  bool inference;            /* else rendering */
  double rate_per_s;         /* Poisson arrival rate */
  double params;             /* inference: model parameters */
  enum precision precision;  /* inference: model precision (rendering: fp32) */
  double prompt_tokens, output_tokens;
  double flops;              /* per request: 2 x params x tokens, or frame_flops */
  double bytes_in, bytes_out;/* on the wire per request */
  double memory_bytes;       /* weights that must fit a node, 0 for rendering */
  bool exponential;          /* service time exponential with the computed mean */
  long replicas;             /* nodes leased */
  long gpus_per_node;        /* minimum */
  char *gpu;                 /* required device, or NULL */
  long region;               /* required region index, -1: any */
  double max_price;          /* USD per GPU-hour */
};

/* How a training job keeps its replicas in step (training.c, diloco.h). */
enum training_algorithm {
  TRAIN_ALLREDUCE, /* a ring all-reduce of the gradients every step */
  TRAIN_DILOCO,    /* H local steps per cluster, then an outer sync of pseudo-gradients */
};
extern const char *const training_algorithm_names[]; /* "allreduce", "diloco" */

/* Outer-optimizer state DiLoCo keeps per parameter beside the inner Adam state: the global
 * parameters of the last outer step and the outer Nesterov momentum (DiLoCo's outer loop,
 * Douillard et al. 2023), in fp32 here (the precision is ours). */
#define MARKET_DILOCO_OUTER_BYTES_PER_PARAM 8.0
/* DiLoCo's inner steps between outer syncs: H = 500 in Douillard et al. 2023 (arXiv
 * 2311.08105), whose 8 workers communicate 500 times less than synchronous training. */
#define MARKET_DILOCO_INNER_STEPS 500
/* DiLoCoX's example layout has 2 clusters (arXiv 2506.21263, Figure 1). */
#define MARKET_DILOCOX_CLUSTERS 2

/* workload.training[i]. */
struct training_spec {
  long jobs;
  double arrival_s;          /* mean time between job arrivals (exponential) */
  double params, tokens, tokens_per_step;
  enum precision precision;
  long data_parallel;        /* GPUs */
  long gpus_per_node;        /* per node of the cluster */
  double checkpoint_interval_s;
  char *gpu;
  long region;
  double max_price;
  enum training_algorithm algorithm;
  long pipeline_stages;      /* P: nodes a replica is split over */
  long micro_batches;        /* M: the pipeline's micro-batches per step */
  double hidden_size;        /* activation values per token at a stage boundary */
  long clusters;             /* C: DiLoCo's islands (1 for all-reduce) */
  long inner_steps;          /* H: local steps between outer syncs */
  double compression;        /* pseudo-gradient bytes sent / uncompressed bytes, in (0, 1] */
  bool overlap;              /* one-step delay: the outer sync runs during the next H steps */
};

/* What a training node must hold: a whole replica's mixed-precision Adam state (and DiLoCo's
 * outer state) on every GPU without pipeline stages; with P stages, 1/P of it over the node's
 * GPUs together (sharded inside the node). One of the two is set, the other 0. */
static inline void market_training_memory(const struct training_spec *t, double *per_gpu,
                                          double *per_node)
{
  double bytes = t->params * (MARKET_TRAIN_BYTES_PER_PARAM +
                              (t->algorithm == TRAIN_DILOCO ? MARKET_DILOCO_OUTER_BYTES_PER_PARAM
                                                            : 0));
  *per_gpu = t->pipeline_stages > 1 ? 0 : bytes;
  *per_node = t->pipeline_stages > 1 ? bytes / (double)t->pipeline_stages : 0;
}

/* The `market` section with the workloads it serves, in base units. */
struct market_conf {
  long max_bids;
  double bid_window_s;
  enum auction_policy selection;
  double bid_margin;
  double min_deposit, bid_min_deposit;
  double settle_every_blocks;
  double funding_s;          /* lease time the tenant deposits for up front */
  double block_time_s;       /* the ledger's if enabled, else Akash's */
  double batch_interval_s;   /* the service dispatcher's period */
  struct service_spec *services;
  size_t n_services;
  struct training_spec *training;
  size_t n_training;
};

/* market_conf.c: the layer's parse / validate / free. parse reads the `market` section and
 * returns the conf (owned, free with market_conf_free; NULL after reporting every problem);
 * validate reads the workloads into it and resolves the block time, reporting to the cfg's
 * diag and returning false on a problem. market_conf_free(NULL) is a no-op. */
void *market_conf_parse(cfg_t *cfg, struct cfg_node section);
bool market_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void market_conf_free(void *conf);

#endif
