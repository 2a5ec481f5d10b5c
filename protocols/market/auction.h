/* auction.h: Akash's reverse auction as arithmetic: what a provider bids and which bid a
 * tenant takes.
 *
 * An order (one per deployment group) states what it needs and the most it pays; every
 * matching provider that is up and not leased bids its own cost per GPU-hour plus the
 * scenario's margin, if that does not exceed the order's maximum; the order keeps at most
 * max_bids of them (Akash's OrderMaxBids, 20) and, when its bid window closes, the tenant
 * takes one by its policy. Pure functions: the market actor (market.c) gathers the bids. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_AUCTION_H
#define DEPINSIM_PROTOCOLS_MARKET_AUCTION_H

#include <stddef.h>

/* How a tenant picks among bids (market.selection). */
enum auction_policy {
  AUCTION_CHEAPEST,           /* lowest price */
  AUCTION_CHEAPEST_IN_REGION, /* lowest price among bids from the tenant's region, else lowest */
  AUCTION_BEST_REPUTATION,    /* highest reputation, then lowest price */
  AUCTION_POLICY_COUNT
};
extern const char *const auction_policy_names[]; /* "cheapest", ..., NULL */

struct bid {
  size_t provider;        /* index in the world's providers */
  double price_per_hour;  /* USD per GPU-hour */
  unsigned region;        /* the provider's region index */
  double reputation;      /* in [0, 1]: Laplace-smoothed share of its leases that ended well */
};

/* The price a provider of that cost bids: cost x (1 + margin). Cannot fail. */
double auction_bid_price(double cost_per_gpu_hour, double margin);

/* A provider's reputation from its lease history: (ok + 1) / (ok + failed + 2). */
double auction_reputation(unsigned ok, unsigned failed);

/* The index in bids[0..n) of the bid the policy takes, or -1 when n is 0. Ties go to the
 * lower price, then to the lower provider index, so the choice is reproducible. tenant_region
 * is only read by AUCTION_CHEAPEST_IN_REGION (negative: no preference). Cannot fail. */
long auction_pick(const struct bid *bids, size_t n, enum auction_policy policy,
                  long tenant_region);

#endif
