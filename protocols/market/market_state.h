/* market_state.h: the market layer's run state, shared by the auction and escrow actor
 * (market.c), the served workloads (service.c), training (training.c) and the report
 * (market_report.c). Private to protocols/market/. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_MARKET_STATE_H
#define DEPINSIM_PROTOCOLS_MARKET_MARKET_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/market/escrow.h"
#include "protocols/market/market.h"
#include "sim/base/pqueue.h"
#include "sim/engine/world.h"

enum lease_end { LEASE_OPEN, LEASE_DONE, LEASE_FUNDS, LEASE_FAILURE, LEASE_END_COUNT };
extern const char *const market_lease_end_names[]; /* "open", "done", "insufficient-funds", "failure" */

struct lease;

/* Who opened an order: told (from the market actor, without blocking) when its lease starts
 * and when the market closes it (funds, failure); a consumer closing its own lease is not
 * told. */
struct order_owner {
  void (*on_lease)(void *ctx, size_t slot, struct lease *lease);
  void (*on_close)(void *ctx, size_t slot, struct lease *lease);
  void *ctx;
  const char *kind;           /* "inference", "rendering", "training": for the tables */
};

/* What one node of a consumer needs. */
struct order_needs {
  const char *gpu;            /* device name, or NULL */
  long gpus_per_node;         /* minimum */
  double memory_per_gpu;      /* bytes each GPU must hold */
  double memory_per_node;     /* bytes the node's GPUs must hold together */
  long region;                /* -1: any */
  double max_price;           /* USD per GPU-hour */
};

struct order {
  struct order_needs needs;
  const struct order_owner *owner;
  size_t slot;
  double opened_at, first_opened_at;
  unsigned relists;
};

struct lease {
  size_t id;
  size_t provider;
  int gpus;
  double price;               /* USD per GPU-hour */
  struct escrow escrow;
  double bid_deposit;         /* collateral held for the lease's life */
  double opened_at, closed_at;
  double waited_s;            /* from the order's first opening to the lease */
  enum lease_end end;
  const struct order_owner *owner;
  size_t slot;
  double busy_s;              /* seconds of useful work done on it */
  size_t open_index;          /* position in market.open while open */
};

struct service;
struct job;

struct market {
  struct world *world;
  const struct market_conf *conf;
  gsl_rng *rng;               /* bid scan starts */
  bool *leased;               /* per provider */
  unsigned *ok, *failed;      /* per provider: leases that ended well / by its failure */
  double *revenue;            /* per provider, USD */
  struct order **orders;      /* waiting for their bid window to close, FIFO */
  size_t n_orders, cap_orders;
  struct lease **leases;      /* every lease ever made (owned) */
  size_t n_leases, cap_leases;
  struct lease **open;        /* the open ones */
  size_t n_open;
  long settled_height;
  double bids, orders_opened, relists, collateral_max;
  double paid, refunded, deposited;
  sg_mailbox_t storage;       /* checkpoints land here (control host) */
  long tenant_region;         /* the control host's region: cheapest-in-region prefers it */
  struct service *services;
  size_t n_services;
  struct job *jobs;
  size_t n_jobs;
  double useful_flops;        /* work that counted, all workloads, in the window */
  double *busy_gpu_s;         /* per class, GPU-seconds of useful work in the window */
  struct token_state *token;  /* market_token's answer, once looked up */
  bool token_looked_up;
};

/* market.c */
/* The token layer's state (NULL without a token section), looked up once: the token layer
 * deploys after the market, and requests and payments ask for it on their hot paths. */
struct token_state *market_token(struct market *m);
/* The block height at simulated time t (block_time from the conf). Cannot fail. */
long market_height(const struct market *m, double t);
/* Opens an order for owner's slot, its bid window starting now. needs is copied; owner is
 * borrowed and must live until the run ends (leases point to it). Out of memory asserts. */
void market_order(struct market *m, const struct order_needs *needs,
                  const struct order_owner *owner, size_t slot);
/* Closes an open lease now with the reason: settles it, refunds the rest, frees its provider.
 * The owner is not told (it is the caller, or the market tells it). A closed lease is left as
 * is. Leases stay owned by the market until the layer's state is freed. */
void market_lease_close(struct market *m, struct lease *l, enum lease_end why);
/* Whether a lease's node is up and has not gone down since the lease opened (a host that
 * failed and came back, or changed operator, does not carry the lease on). */
bool market_lease_host_ok(const struct market *m, const struct lease *l);
/* Records work on a lease's node between t0 and t1: busy time and the share of flops (useful
 * FLOPs, 0 when counted elsewhere) that falls in the measurement window. Cannot fail. */
void market_record_busy(struct market *m, struct lease *l, double t0, double t1, double flops);

/* service.c: starts the pools and dispatchers of every served workload (their orders open
 * at once); service_free_all frees them after the run. Out of memory asserts. */
void service_deploy(struct market *m);
void service_free_all(struct market *m);
/* training.c: starts one supervisor per training job (it waits for the job's arrival);
 * training_free_all frees the jobs after the run. Out of memory asserts. */
void training_deploy(struct market *m);
void training_free_all(struct market *m);
/* market_report.c: the layer's summary metrics (for targets) and its finish. */
extern const struct metric_def market_metrics[];
void market_report(void *state, struct world *w);

#endif
