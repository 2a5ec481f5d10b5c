/* grass.h: the Grass layer: a bandwidth network in which residential nodes lend their uplink
 * to fetch public web pages, routers carry the requests and responses, and validators account
 * the bytes each node served, check sampled proofs of them, and pay per GB.
 *
 * Model (facts and sources in docs/reference/grass.md; numbers without a source are scenario
 * parameters marked [unsourced] in docs/models/grass.md):
 *  - Nodes are the providers of one class (their uplink, downlink and availability come from
 *    the core `providers` section). Routers are the hosts of another class (always up), or the
 *    control host; each node is attached to a router of its own region when there is one.
 *  - Requests arrive as a Poisson stream, split over the regions in proportion to their nodes
 *    (Grass awards traffic by geographical demand); each asks for a web page whose size is
 *    lognormal (median `size`, log-spread `size_spread`). The target site is the node's region
 *    gateway. A router dispatcher per region gives each request to an eligible node (up, not
 *    evicted, under `max_inflight` requests) by the routing policy; a request no node can take
 *    waits in the region's FIFO, and is dropped after `timeout`. To keep the flows few, a
 *    node is handed up to `batch` waiting requests at once (a sticky session of pages of one
 *    site), carried as one flow pair of their summed sizes; a page is done once the flow to the
 *    router has carried it and the pages before it (the flow's rate taken as even).
 *  - A request is two SimGrid flows: the page from the site to the node (its downlink), then
 *    from the node to its router (its uplink). The order travels router -> node -> site first
 *    (route latencies only). An idle node answers in lat(router, node) + lat(node, site) +
 *    lat(site, node) + size / downlink + lat(node, router) + size / uplink; the flows share each
 *    node's links with its other requests, so SimGrid's max-min sharing gives the contention,
 *    and a busy node relays at most min(uplink, downlink) / 1.05 (grass_node_capacity). A node
 *    that fails loses the requests it was serving.
 *  - Validators (on the control host) close an accounting epoch every `epoch`: each node's
 *    claim is the bytes it served, times `claim_factor` for the nodes whose class behaviour is
 *    not honest (they over-claim). For each node with a claim the validator checks `samples`
 *    sampled session proofs, each of which exposes an over-claim with probability `detection`;
 *    an exposed node's claim is voided, it is recorded as a proven fault and never routed to
 *    again. Credited bytes are paid `price_per_gb` USD (token_record_payment) and share the
 *    epoch's Network Points pool (`points_per_day` pro rata). With a `ledger` section each
 *    validator submits its epoch's batch of proofs as one transaction (ledger_submit).
 * Simplifications: request bytes are not a flow (a GET is a few hundred bytes beside a page);
 * nodes relay whole responses (store and forward); no reputation scores, TLS or ZK proving
 * cost; validators never err on honest nodes; the site serves at any rate (its gateway link is
 * unbounded); routers never fail. */
#ifndef DEPINSIM_PROTOCOLS_GRASS_GRASS_H
#define DEPINSIM_PROTOCOLS_GRASS_GRASS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/scenario/layer.h"

extern const struct depin_layer grass_layer;

/* How a router picks the node for a request among the eligible ones. */
enum grass_routing { GRASS_ROUTE_LEAST_LOADED, GRASS_ROUTE_RANDOM, GRASS_ROUTE_ROUND_ROBIN };

/* The `grass` section, in base units. */
struct grass_conf {
  char *nodes;              /* provider class of the residential nodes (required) */
  char *routers;            /* provider class of the routers, NULL: the control host */
  long validators;          /* default 1: Grass starts with one central validator */
  double rate_per_s;        /* requests.rate */
  double size_bytes;        /* requests.size: median page size */
  double size_spread;       /* requests.size_spread: sigma of log(size), 0 = every page `size` */
  double timeout_s;         /* requests.timeout: longest wait in a router's queue */
  long batch;               /* requests.batch: most requests a node gets as one flow */
  enum grass_routing routing;
  long max_inflight;        /* requests a node serves at once */
  double epoch_s;           /* accounting epoch */
  double claim_factor;      /* what a dishonest node claims per byte served */
  long samples;             /* proofs a validator checks per node and epoch */
  double detection;         /* probability that one checked proof exposes an over-claim */
  double price_per_gb;      /* USD paid per GB credited */
  double points_per_day;    /* Network Points shared per day pro rata */
  double proof_bytes;       /* one node's session proof on chain */
  size_t node_class;        /* resolved by validate */
  long router_class;        /* resolved by validate; -1: the control host */
};

/* The most requests one flow carries (requests.batch). */
#define GRASS_MAX_BATCH 64

/* Mean of a lognormal page size of median m and log-spread sigma: m exp(sigma^2 / 2). */
double grass_mean_size(double median, double sigma);
/* Probability that an over-claiming node is exposed within `checks` checked proofs, each
 * exposing it with probability p: 1 - (1 - p)^checks. Cannot fail. */
double grass_detect_prob(double p, double checks);
/* Mean number of epochs an over-claiming node is checked until caught, among those caught
 * within `epochs` epochs, when each epoch exposes it with probability q > 0: the geometric law
 * truncated at `epochs`, sum_{t=1..E} t q (1-q)^(t-1) / (1 - (1-q)^E). 0 when epochs < 1 or
 * q <= 0. Cannot fail. */
double grass_detect_mean_epochs(double q, double epochs);
/* Seconds one request of `bytes` takes on an idle node: the order's latencies there
 * (lat_order: router -> node -> site), then the page down to the node and up to the router,
 * one after the other (the node relays whole responses). Cannot fail. */
double grass_idle_latency(double lat_order, double lat_site_node, double lat_node_router,
                          double bytes, double downlink_Bps, double uplink_Bps);
/* SimGrid's network/crosstraffic (on by default): a flow also loads the links of its reverse
 * route with this share of its rate, as TCP's acknowledgements do. */
#define GRASS_CROSSTRAFFIC 0.05
/* Page bytes per second one always-busy node can relay: every byte crosses its downlink and
 * then its uplink, and each link also carries the acknowledgements of the other direction's
 * flows, so B (1 + 0.05) <= min(uplink, downlink). Cannot fail. */
double grass_node_capacity(double uplink_Bps, double downlink_Bps);

void *grass_conf_parse(cfg_t *cfg, struct cfg_node section);
bool grass_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void grass_conf_free(void *conf);
void grass_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

#endif
