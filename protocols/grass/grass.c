/* grass.c: the Grass layer's deployment and its table entry (model in grass.h, the requests'
 * path in grass_relay.c, accounting in grass_accounting.c, results in grass_report.c).
 *
 * Actors: a dispatcher per region with nodes, on the region's gateway (the requests' target
 * sites), a sink per router, one validator actor on the control host (it closes each epoch
 * for every validator), and a short-lived relay actor on a node per request it serves. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/grass/grass_state.h"
#include "sim/base/rng.h"

static double series_served(void *state)
{
  return ((const struct grass *)state)->served_bytes;
}

/* The target sites of a region's requests: its gateway, or the control host on a user's
 * platform (which has no gateways). */
static sg_host_t region_site(const struct world *w, size_t region)
{
  char name[96];
  snprintf(name, sizeof(name), "%s-gateway", w->sc->regions[region].name);
  sg_host_t h = w->sc->n_regions > 0 ? sg_host_by_name(name) : NULL;
  return h ? h : world_control_host(w);
}

static void deploy_routers(struct grass *g)
{
  struct world *w = g->world;
  const struct grass_conf *c = g->conf;
  char name[96];
  if (c->router_class < 0) {
    g->n_routers = 1;
  } else {
    g->n_routers = (size_t)w->sc->classes[c->router_class].count;
  }
  g->routers = calloc(g->n_routers, sizeof(*g->routers));
  xbt_assert(g->routers, "out of memory");
  for (size_t i = 0; i < g->n_routers; i++) {
    struct grass_router *r = &g->routers[i];
    r->host = c->router_class < 0
                ? world_control_host(w)
                : w->providers[w->sc->classes[c->router_class].first_provider + i].host;
    snprintf(name, sizeof(name), "grass-router-%zu", i);
    r->box = sg_mailbox_by_name(name);
    actors_start(name, r->host, r, grass_router_actor, false);
  }
}

/* A router of the node's region when there is one (taken in turn), else any router in turn. */
static struct grass_router *attach(struct grass *g, size_t region, size_t *turn)
{
  const struct world *w = g->world;
  size_t local = 0;
  for (size_t i = 0; i < g->n_routers; i++)
    local += g->conf->router_class >= 0 &&
             w->providers[w->sc->classes[g->conf->router_class].first_provider + i].region_index ==
               region;
  if (local == 0)
    return &g->routers[turn[w->sc->n_regions]++ % g->n_routers];
  size_t want = turn[region]++ % local;
  for (size_t i = 0;; i++) {
    size_t p = w->sc->classes[g->conf->router_class].first_provider + i;
    if (w->providers[p].region_index == region && want-- == 0)
      return &g->routers[i];
  }
}

/* Non-honest providers of the class over-claim; each class's mix is drawn exactly (largest
 * remainder) and shuffled over its hosts. */
static void assign_dishonest(struct grass *g, const struct provider_class *pc)
{
  double share = 1 - pc->behavior[BEHAVIOR_HONEST];
  size_t n = g->n_nodes, want = (size_t)llround(share * (double)n);
  size_t *order = malloc(n * sizeof(size_t));
  xbt_assert(order, "out of memory");
  for (size_t j = 0; j < n; j++)
    order[j] = j;
  gsl_rng *rng = rng_stream(g->world->sc->seed, "grass-behavior", 0);
  gsl_ran_shuffle(rng, order, n, sizeof(size_t));
  for (size_t j = 0; j < want; j++)
    g->nodes[order[j]].dishonest = true;
  gsl_rng_free(rng);
  free(order);
}

static void deploy_nodes(struct grass *g)
{
  struct world *w = g->world;
  const struct provider_class *pc = &w->sc->classes[g->conf->node_class];
  size_t n_regions = w->sc->n_regions ? w->sc->n_regions : 1;
  size_t *turn = calloc(n_regions + 1, sizeof(size_t));
  g->n_nodes = (size_t)pc->count;
  g->nodes = calloc(g->n_nodes, sizeof(*g->nodes));
  g->regions = calloc(n_regions, sizeof(*g->regions));
  xbt_assert(turn && g->nodes && g->regions, "out of memory");
  g->n_regions = n_regions;
  for (size_t r = 0; r < n_regions; r++)
    g->regions[r] = (struct grass_region){.g = g, .site = region_site(w, r)};
  for (size_t j = 0; j < g->n_nodes; j++) {
    struct grass_node *n = &g->nodes[j];
    size_t p = pc->first_provider + j, r = w->sc->n_regions ? w->providers[p].region_index : 0;
    sg_host_t host = w->providers[p].host, site = g->regions[r].site;
    *n = (struct grass_node){.provider = p, .region = r, .caught_at = -1, .up_seen = -1};
    n->router = attach(g, r, turn);
    n->lat_order = sg_host_get_route_latency(n->router->host, host) +
                   sg_host_get_route_latency(host, site);
    n->lat_site_node = sg_host_get_route_latency(site, host);
    n->lat_node_router = sg_host_get_route_latency(host, n->router->host);
    g->regions[r].n_nodes++;
  }
  free(turn);
  for (size_t r = 0; r < n_regions; r++) {
    g->regions[r].nodes = malloc((g->regions[r].n_nodes + 1) * sizeof(size_t));
    xbt_assert(g->regions[r].nodes, "out of memory");
    g->regions[r].n_nodes = 0;
  }
  for (size_t j = 0; j < g->n_nodes; j++) {
    struct grass_region *reg = &g->regions[g->nodes[j].region];
    reg->nodes[reg->n_nodes++] = j;
  }
  assign_dishonest(g, pc);
}

/* Each region's dispatcher carries the requests in proportion to its nodes. */
static void deploy_dispatchers(struct grass *g)
{
  const struct grass_conf *c = g->conf;
  char name[64];
  for (size_t r = 0; r < g->n_regions; r++) {
    struct grass_region *reg = &g->regions[r];
    if (reg->n_nodes == 0)
      continue;
    double rate = c->rate_per_s * (double)reg->n_nodes / (double)g->n_nodes;
    /* Unbatched, a tick sees a tenth of a request on average (at most 10 ms); batched, it
     * gathers a batch's worth, so that batches fill at the cost of that wait. */
    reg->tick_s = c->batch > 1 ? (double)c->batch / rate : fmin(0.01, 0.1 / rate);
    reg->rng = rng_stream(g->world->sc->seed, "grass-requests", r);
    reg->rate_per_s = rate;
    reg->arrival_tick_s = reg->next_arrival = fmin(0.01, 0.1 / rate);
    reg->queue = arrivals_new(0, reg->arrival_tick_s, reg->rng); /* a FIFO: rates may change */
    xbt_assert(reg->queue, "out of memory");
    snprintf(name, sizeof(name), "grass-dispatch-%zu", r);
    actors_start(name, reg->site, reg, grass_dispatcher_actor, false);
  }
}

static void *grass_deploy(struct world *w, const void *conf)
{
  const struct grass_conf *c = conf;
  struct grass *g = calloc(1, sizeof(*g));
  xbt_assert(g, "out of memory");
  *g = (struct grass){.world = w, .conf = c, .ledger = world_layer_state(w, "ledger")};
  g->rng_validate = rng_stream(w->sc->seed, "grass-validate", 0);
  g->latency = metrics_hist(w->metrics, "grass_latency", "s");
  deploy_routers(g);
  deploy_nodes(g);
  deploy_dispatchers(g);
  actors_start("grass-validator", world_control_host(w), g, grass_validator_actor, false);
  metrics_series_add(w->metrics, "grass_throughput", "B/s", SERIES_RATE, series_served, g);
  return g;
}

static void grass_state_free(void *state)
{
  struct grass *g = state;
  if (!g)
    return;
  for (size_t r = 0; r < g->n_regions; r++) {
    arrivals_free(g->regions[r].queue);
    if (g->regions[r].rng)
      gsl_rng_free(g->regions[r].rng);
    free(g->regions[r].nodes);
    free(g->regions[r].taken);
  }
  gsl_rng_free(g->rng_validate);
  free(g->regions);
  free(g->nodes);
  free(g->routers);
  free(g->slot_box);
  free(g->free_slots);
  free(g->tickets);
  free(g); /* requests still in flight belong to SimGrid's comms and actors, gone with it */
}

static const struct metric_def grass_metrics[] = {
  {"grass_throughput", UNIT_BANDWIDTH, "B/s",
   "page bytes the nodes delivered to routers per second"},
  {"grass_requests_per_s", UNIT_RATE, "/s", "requests served per second"},
  {"grass_offered", UNIT_BANDWIDTH, "B/s", "requests' rate x mean page size"},
  {"grass_capacity", UNIT_BANDWIDTH, "B/s",
   "sum over nodes of min(uplink, downlink) / 1.05 x stationary availability"},
  {"grass_utilization", UNIT_NUMBER, "", "throughput / capacity"},
  {"grass_latency_p50", UNIT_TIME, "s",
   "request arrival to the page's last byte at the router, median"},
  {"grass_latency_p99", UNIT_TIME, "s", "request latency, 99th percentile"},
  {"grass_requests_failed", UNIT_NUMBER, "", "requests lost with a node that failed"},
  {"grass_requests_dropped", UNIT_NUMBER, "", "requests that waited past the timeout"},
  {"grass_reward_per_gb", UNIT_NUMBER, "USD/GB", "USD paid to nodes per GB they served"},
  {"grass_points_per_gb", UNIT_NUMBER, "points/GB", "Network Points per GB served"},
  {"grass_gini_earnings", UNIT_NUMBER, "", "Gini coefficient of the nodes' earnings"},
  {"grass_false_claims_caught", UNIT_NUMBER, "", "share of over-claiming nodes caught"},
  {"grass_detection_epochs", UNIT_NUMBER, "",
   "epochs an over-claiming node was checked until caught, mean over those caught"},
  {"grass_overpaid_share", UNIT_NUMBER, "", "share of credited bytes that were never served"},
  {"grass_proof_commit_latency", UNIT_TIME, "s",
   "epoch close to its proof batch's commit on the ledger, mean (with a ledger)"},
  {NULL, 0, NULL, NULL},
};

/* Its validators put their proof batches on the ledger when the scenario has one. */
static const char *const grass_consumes[] = {"ledger", NULL};

const struct depin_layer grass_layer = {
  .name = "grass",
  .metrics = grass_metrics,
  .consumes = grass_consumes,
  .parse = grass_conf_parse,
  .validate = grass_conf_validate,
  .conf_free = grass_conf_free,
  .estimate = grass_estimate,
  .deploy = grass_deploy,
  .finish = grass_report,
  .state_free = grass_state_free,
};
