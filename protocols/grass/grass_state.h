/* grass_state.h: the Grass layer's run state, shared by its deployment (grass.c), its actors
 * (grass_relay.c, grass_accounting.c) and its report (grass_report.c). Private to
 * protocols/grass/. */
#ifndef DEPINSIM_PROTOCOLS_GRASS_GRASS_STATE_H
#define DEPINSIM_PROTOCOLS_GRASS_GRASS_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/grass/grass.h"
#include "protocols/ledger/ledger.h"
#include "sim/engine/actors.h"
#include "sim/engine/arrivals.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"

struct grass;

struct grass_router {
  sg_host_t host;
  sg_mailbox_t box;       /* responses arrive here (its sink is the permanent receiver) */
};

struct grass_node {
  size_t provider;
  struct grass_router *router;
  size_t region;          /* index into grass.regions */
  bool dishonest;         /* claims claim_factor x what it served */
  bool evicted;           /* caught over-claiming: never routed to again */
  unsigned inflight;       /* relays running; reset when it comes back from a failure (a
                              relay killed before it started never said it ended) */
  double up_seen;          /* its up_since when last routed to */
  double lat_order, lat_site_node, lat_node_router; /* route latencies, fixed */
  double epoch_bytes;     /* served in the current epoch */
  double epoch_credit;    /* credited at the epoch being closed */
  double served_bytes, served_in_window, requests_in_window;
  double claimed_bytes, credited_bytes, earned_usd, points;
  double caught_at;       /* -1 while not caught */
  unsigned epochs_checked;
};

/* The nodes of one region and the dispatcher (on its gateway, the requests' target site) that
 * routes its share of the requests to them. */
struct grass_region {
  struct grass *g;
  sg_host_t site;
  size_t *nodes;          /* indices into grass.nodes */
  size_t n_nodes, cursor; /* cursor: round robin's next */
  arrivals_t *queue;      /* its requests, waiting for a node (pushed by the dispatcher) */
  double rate_per_s;      /* its share of the requests, before the token layer's demand scale */
  double arrival_tick_s, next_arrival; /* arrivals are drawn per tick; the next tick's end */
  double tick_s;          /* the dispatcher's period */
  gsl_rng *rng;
  struct arrival_batch *taken;
  size_t cap_taken;
};

/* A page of a batch: when it was asked for, and the flow's bytes up to its end (the pages of a
 * batch go one after another over the node's session). */
struct grass_page {
  double arrived, end_bytes;
};

/* One flow of requests in flight (`pages` requests to one node, batched). Two parties hold it,
 * the pages' transfer to the node and the relay actor on the node; the last to let go frees its
 * slot. */
struct grass_request {
  struct grass *g;
  struct grass_node *node;
  size_t slot;            /* its mailbox in grass.slot_box */
  double bytes;           /* its pages' sizes summed */
  int holders;
  bool done;              /* served: its relay's exit does not count it as failed */
  double streaming_since; /* when its first byte left the node for the router */
  unsigned pages;
  struct grass_page page[]; /* each page: its request's arrival, its end in the flow */
};

struct grass_ticket {
  struct ledger_ticket ticket;
  double submitted;
};

struct grass {
  struct world *world;
  const struct grass_conf *conf;
  struct grass_node *nodes;
  size_t n_nodes;
  struct grass_router *routers;
  size_t n_routers;
  struct grass_region *regions;
  size_t n_regions;
  gsl_rng *rng_validate;
  void *ledger;           /* the ledger layer's state, NULL without one */
  sg_mailbox_t *slot_box; /* a mailbox per request slot, reused */
  size_t *free_slots, n_free, n_slots, cap_slots;
  double served_bytes, requests_done, failed, dropped; /* done/failed/dropped: in the window */
  double requests_arrived; /* in the window */
  double claimed, credited, paid_usd, epochs;
  double last_close;      /* when the last epoch closed */
  struct grass_ticket *tickets;
  size_t n_tickets, cap_tickets;
  hist_t *latency;        /* owned by metrics */
};

void grass_dispatcher_actor(int argc, char **argv);
void grass_router_actor(int argc, char **argv);
void grass_validator_actor(int argc, char **argv);
/* Closes the current epoch: claims checked, credited, paid; proofs submitted. From an actor, or
 * from the report for the run's last partial epoch (with submit false). */
void grass_close_epoch(struct grass *g, double epoch_s, bool submit);
void grass_report(void *state, struct world *w);

#endif
