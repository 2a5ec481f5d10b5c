/* auction.c: bid prices and the tenant's choice among bids (auction.h). */
#include "protocols/market/auction.h"

#include <stdbool.h>

const char *const auction_policy_names[] = {"cheapest", "cheapest-in-region", "best-reputation",
                                            NULL};

double auction_bid_price(double cost_per_gpu_hour, double margin)
{
  return cost_per_gpu_hour * (1 + margin);
}

double auction_reputation(unsigned ok, unsigned failed)
{
  return (ok + 1.0) / (ok + failed + 2.0);
}

/* Whether bid a is preferred to bid b on price, then provider index. */
static bool cheaper(const struct bid *a, const struct bid *b)
{
  if (a->price_per_hour != b->price_per_hour)
    return a->price_per_hour < b->price_per_hour;
  return a->provider < b->provider;
}

static bool better(const struct bid *a, const struct bid *b, enum auction_policy policy,
                   long tenant_region)
{
  switch (policy) {
  case AUCTION_CHEAPEST_IN_REGION: {
    bool ina = tenant_region >= 0 && a->region == (unsigned long)tenant_region;
    bool inb = tenant_region >= 0 && b->region == (unsigned long)tenant_region;
    if (ina != inb)
      return ina;
    return cheaper(a, b);
  }
  case AUCTION_BEST_REPUTATION:
    if (a->reputation != b->reputation)
      return a->reputation > b->reputation;
    return cheaper(a, b);
  case AUCTION_CHEAPEST:
  default:
    return cheaper(a, b);
  }
}

long auction_pick(const struct bid *bids, size_t n, enum auction_policy policy,
                  long tenant_region)
{
  long best = -1;
  for (size_t i = 0; i < n; i++)
    if (best < 0 || better(&bids[i], &bids[best], policy, tenant_region))
      best = (long)i;
  return best;
}
