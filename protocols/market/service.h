/* service.h: served workloads (inference, rendering): a pool of leased nodes serving a
 * Poisson stream of requests first-come first-served (model in market.h). Private to
 * protocols/market/. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_SERVICE_H
#define DEPINSIM_PROTOCOLS_MARKET_SERVICE_H

#include "protocols/market/market_state.h"

struct server {
  struct lease *lease;        /* NULL while its order waits */
  double free_at;             /* when its last placed request finishes */
  double net_s;               /* client <-> node: both latencies and both transfers */
  double service_s;           /* mean compute time of one request on it */
  uint64_t generation;        /* bumped when it changes lease: stale heap entries skip */
  bool ordered;               /* its order is in the market, waiting for a lease */
};

struct service {
  struct market *market;
  const struct service_spec *spec;
  size_t index;
  struct order_owner owner;
  struct order_needs needs;
  struct server *servers;     /* n_slots slots; the first `wanted` serve */
  size_t n_slots, wanted;     /* wanted: replicas x the token layer's demand scale */
  double rate_per_s;          /* arrivals now: the spec's rate x the demand scale */
  pqueue_t *free_at;          /* live servers by free_at; id = slot << 32 | generation */
  pqueue_t *waiting;          /* start times of placed requests not started yet */
  gsl_rng *rng;
  double next_arrival;
  double *pending;            /* arrivals that found no server, FIFO */
  size_t n_pending, cap_pending;
  hist_t *latency, *wait;     /* owned by the metrics registry */
  double arrived, served, lost;   /* in the window (served: placed) */
  double queue_sum, queue_samples; /* requests waiting, sampled every batch_interval */
  double arrived_total;
};

#endif
