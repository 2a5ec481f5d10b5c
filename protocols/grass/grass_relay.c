/* grass_relay.c: a request's path through the Grass network (model in grass.h): the region's
 * dispatcher picks a node and sends the page from the site; a relay actor on the node takes
 * the page and sends it on to the node's router, whose sink receives it.
 *
 * Ownership: a request has two holders, the page's detached transfer (its clean-up runs when
 * the node fails before the page arrived) and the relay actor (its exit callback runs however
 * it ends). The last to let go puts the request's mailbox back in the pool and frees it. A relay
 * killed before it asked for the page leaves that transfer pending for good: its slot is never
 * reused (a rare, bounded leak; reusing it would hand the stale page to the next request). */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/grass/grass_state.h"
#include "protocols/token/token_layer.h"

/* ------------------------------------------------------------------ request slots */

/* A free request slot with its mailbox. Looking a mailbox up is a simcall, during which other
 * dispatchers run: the slot is reserved before it. */
static size_t slot_take(struct grass *g)
{
  if (g->n_free > 0)
    return g->free_slots[--g->n_free];
  if (g->n_slots == g->cap_slots) {
    g->cap_slots = g->cap_slots ? 2 * g->cap_slots : 256;
    g->slot_box = realloc(g->slot_box, g->cap_slots * sizeof(*g->slot_box));
    g->free_slots = realloc(g->free_slots, g->cap_slots * sizeof(*g->free_slots));
    xbt_assert(g->slot_box && g->free_slots, "out of memory");
  }
  size_t slot = g->n_slots++;
  char name[48];
  snprintf(name, sizeof(name), "grass-slot-%zu", slot);
  sg_mailbox_t box = sg_mailbox_by_name(name);
  g->slot_box[slot] = box;
  return slot;
}

static void request_release(struct grass_request *q)
{
  if (--q->holders > 0)
    return;
  q->g->free_slots[q->g->n_free++] = q->slot;
  free(q);
}

/* SimGrid's clean-up of the page's transfer when it failed: the node went down (its relay's
 * exit counts the request as failed). */
static void page_not_delivered(void *payload)
{
  request_release(payload);
}

/* ------------------------------------------------------------------ the relay on a node */

static void relay_exit(int killed, void *data)
{
  struct grass_request *q = data;
  struct grass *g = q->g;
  (void)killed;
  if (q->node->inflight > 0) /* 0 when its node came back and was reset first */
    q->node->inflight--;
  if (!q->done && metrics_in_window(g->world->metrics, simgrid_get_clock()))
    g->failed += q->pages;
  request_release(q);
}

/* When page i of q reached the router, the flow ending at `end`: its pages go one after
 * another, so page i is through once the flow carried its end bytes (the flow's rate taken as
 * even over its transfer). The last page ends with the flow. */
static double page_done(const struct grass_request *q, unsigned i, double end)
{
  double first = q->streaming_since + q->node->lat_node_router;
  return first + (end - first) * q->page[i].end_bytes / q->bytes;
}

static void request_served(struct grass_request *q)
{
  struct grass *g = q->g;
  struct grass_node *n = q->node;
  double now = simgrid_get_clock();
  q->done = true;
  n->epoch_bytes += q->bytes;
  n->served_bytes += q->bytes;
  g->served_bytes += q->bytes;
  if (metrics_in_window(g->world->metrics, now)) {
    /* the share of its upload inside the window: a flow the window's start cut counts only
     * its bytes after it (its rate taken as even), so the rate does not count bytes twice */
    double start = metrics_warmup(g->world->metrics);
    double sent = now - q->streaming_since;
    n->served_in_window += sent > 0 && q->streaming_since < start
                             ? q->bytes * (now - start) / sent
                             : q->bytes;
    n->requests_in_window += q->pages;
    g->requests_done += q->pages;
    for (unsigned i = 0; i < q->pages; i++)
      hist_add(g->latency, page_done(q, i, now) - q->page[i].arrived, 1);
  }
  struct token_state *tk = token_layer_state(g->world);
  double bound = token_latency_bound(tk), well = 0;
  for (unsigned i = 0; i < q->pages; i++)
    well += page_done(q, i, now) - q->page[i].arrived <= bound;
  token_record_requests(tk, 0, well);
}

/* The order reaches the node and the site; the page comes down the node's downlink, and the
 * node sends it up to its router (store and forward: a node relays a whole response). */
static void grass_relay_actor(int argc, char **argv)
{
  struct grass_request *q = actors_state(argc, argv);
  struct grass_node *n = q->node;
  sg_actor_on_exit(relay_exit, q);
  sg_actor_sleep_for(n->lat_order);
  void *page = NULL;
  if (sg_comm_wait(sg_mailbox_get_async(q->g->slot_box[q->slot], &page)) != SG_OK)
    return;
  request_release(q); /* the page's transfer is done with it */
  q->streaming_since = simgrid_get_clock();
  if (sg_comm_wait(sg_mailbox_put_async(n->router->box, q, (long)q->bytes)) == SG_OK)
    request_served(q);
}

/* ------------------------------------------------------------------ routing */

static bool eligible(const struct grass *g, struct grass_node *n)
{
  if (n->evicted || !world_provider_is_up(g->world, n->provider))
    return false;
  double up_since = g->world->providers[n->provider].up_since;
  if (up_since > n->up_seen) { /* back from a failure, which killed every relay it ran */
    n->up_seen = up_since;
    n->inflight = 0;
  }
  return n->inflight < (unsigned)g->conf->max_inflight;
}

/* The eligible node with the fewest requests in flight, the scan starting after the last
 * pick so that ties rotate; NULL when none is eligible. */
static struct grass_node *pick_least_loaded(struct grass_region *reg)
{
  struct grass *g = reg->g;
  struct grass_node *best = NULL;
  for (size_t i = 0; i < reg->n_nodes; i++) {
    size_t at = (reg->cursor + i) % reg->n_nodes;
    struct grass_node *n = &g->nodes[reg->nodes[at]];
    if (eligible(g, n) && (!best || n->inflight < best->inflight)) {
      best = n;
      if (n->inflight == 0) {
        reg->cursor = at + 1;
        break;
      }
    }
  }
  return best;
}

/* The first eligible node from start on; NULL when none is. Moves the cursor past it. */
static struct grass_node *pick_from(struct grass_region *reg, size_t start)
{
  struct grass *g = reg->g;
  for (size_t i = 0; i < reg->n_nodes; i++) {
    size_t at = (start + i) % reg->n_nodes;
    struct grass_node *n = &g->nodes[reg->nodes[at]];
    if (eligible(g, n)) {
      reg->cursor = at + 1;
      return n;
    }
  }
  return NULL;
}

/* A uniformly drawn eligible node: draws until one is (a scan from a random start after 16
 * misses, when few are eligible). */
static struct grass_node *pick_random(struct grass_region *reg)
{
  for (int tries = 0; tries < 16; tries++) {
    struct grass_node *n =
      &reg->g->nodes[reg->nodes[gsl_rng_uniform_int(reg->rng, reg->n_nodes)]];
    if (eligible(reg->g, n))
      return n;
  }
  return pick_from(reg, gsl_rng_uniform_int(reg->rng, reg->n_nodes));
}

static struct grass_node *pick(struct grass_region *reg)
{
  switch (reg->g->conf->routing) {
  case GRASS_ROUTE_RANDOM:
    return pick_random(reg);
  case GRASS_ROUTE_ROUND_ROBIN:
    return pick_from(reg, reg->cursor);
  case GRASS_ROUTE_LEAST_LOADED:
  default:
    return pick_least_loaded(reg);
  }
}

/* ------------------------------------------------------------------ the dispatcher */

/* Ticks are summed in floating point: the one that ends at the dispatcher's wake-up may be a
 * rounding error later than the clock, and would wait a whole tick. */
#define GRASS_CLOCK_SLACK_S 1e-9

/* Sends node one flow of `pages` pages (their sizes summed), asked at arrived[0..pages). */
static void start_request(struct grass_region *reg, struct grass_node *n, unsigned pages,
                          const double *arrived)
{
  struct grass *g = reg->g;
  const struct grass_conf *c = g->conf;
  struct grass_request *q = malloc(sizeof(*q) + pages * sizeof(struct grass_page));
  xbt_assert(q, "out of memory");
  *q = (struct grass_request){.g = g, .node = n, .slot = slot_take(g), .pages = pages,
                              .holders = 2};
  for (unsigned i = 0; i < pages; i++) {
    q->bytes += fmax(1, c->size_spread > 0 ? gsl_ran_lognormal(reg->rng, log(c->size_bytes),
                                                               c->size_spread)
                                           : c->size_bytes);
    q->page[i] = (struct grass_page){.arrived = arrived[i], .end_bytes = q->bytes};
  }
  n->inflight++;
  sg_comm_detach(sg_mailbox_put_init(g->slot_box[q->slot], q, (long)q->bytes),
                 page_not_delivered);
  actors_start("grass-relay", g->world->providers[n->provider].host, q, grass_relay_actor,
               false);
  world_count_activity(g->world, 3);
}

/* Drops the batches at the front that waited past the timeout (the oldest are in front);
 * returns how many batches it passed. */
static size_t drop_expired(struct grass_region *reg, size_t n, double now)
{
  struct grass *g = reg->g;
  size_t i = 0;
  for (; i < n && now - reg->taken[i].arrival > g->conf->timeout_s; i++)
    if (metrics_in_window(g->world->metrics, now))
      g->dropped += reg->taken[i].count;
  return i;
}

/* Serves the waiting requests in arrival order, up to `batch` of them a node, while nodes can
 * take them; puts the rest back in front. */
static void dispatch(struct grass_region *reg, double now)
{
  double waiting = floor(arrivals_backlog(reg->queue) + 1e-9);
  if (waiting < 1)
    return;
  size_t n = 0;
  arrivals_take(reg->queue, waiting, &reg->taken, &n, &reg->cap_taken);
  unsigned batch = (unsigned)reg->g->conf->batch;
  double arrived[GRASS_MAX_BATCH];
  size_t i = drop_expired(reg, n, now);
  while (i < n) {
    struct grass_node *node = pick(reg);
    if (!node)
      break;
    unsigned pages = 0;
    while (pages < batch && i < n) {
      if (reg->taken[i].count < 1) { /* this batch of arrivals is all handed out */
        i++;
        continue;
      }
      arrived[pages++] = reg->taken[i].arrival;
      reg->taken[i].count--;
    }
    if (pages > 0)
      start_request(reg, node, pages, arrived);
  }
  while (i < n && reg->taken[i].count < 1)
    i++;
  if (i < n)
    arrivals_return(reg->queue, reg->taken + i, n - i);
}

/* Draws the requests of every arrival tick that ended by now (Poisson counts at the region's
 * rate times the token layer's demand scale, 1 outside coupled token runs) into the queue, and
 * tells the token layer they were offered. */
static void arrive(struct grass_region *reg, double now)
{
  struct token_state *tk = token_layer_state(reg->g->world);
  double rate = reg->rate_per_s * token_demand_scale(tk);
  for (; reg->next_arrival <= now + GRASS_CLOCK_SLACK_S; reg->next_arrival += reg->arrival_tick_s) {
    unsigned k = gsl_ran_poisson(reg->rng, rate * reg->arrival_tick_s);
    if (k == 0)
      continue;
    arrivals_push(reg->queue, reg->next_arrival, k);
    token_record_requests(tk, k, 0);
  }
}

void grass_dispatcher_actor(int argc, char **argv)
{
  struct grass_region *reg = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(reg->tick_s);
    double now = simgrid_get_clock();
    arrive(reg, now);
    dispatch(reg, now);
  }
}

/* A router's sink: takes the pages its nodes stream up (they are counted by the relay). */
void grass_router_actor(int argc, char **argv)
{
  struct grass_router *r = actors_state(argc, argv);
  sg_mailbox_set_receiver(sg_mailbox_get_name(r->box));
  for (;;)
    actors_receive(r->box);
}
