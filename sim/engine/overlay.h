/* overlay.h: the peer-to-peer graph that layers gossip over (docs/models/network.md).
 *
 * Model: each node dials a number of outbound peers (a fixed number, or drawn from a degree
 * distribution as SimBlock draws Bitcoin's) chosen uniformly at random among the nodes that
 * still accept inbound connections (at most max_inbound each), a region_bias share of them in
 * its own region; a connection carries messages both ways. The graph is drawn once from the
 * scenario seed. A node that goes down keeps its connections: they carry nothing while it is
 * down, and it is reconnected to the same peers when it comes back (peers do not replace it
 * meanwhile; a simplification, as are the absence of peer discovery and eviction).
 *
 * Each direction of a connection carries its link facts, measured once on the SimGrid
 * platform (overlay_measure_links): the route's one-way latency and the rate one transfer
 * reaches alone on the route, the route's narrowest link capped by the TCP window per round
 * trip (SimGrid's CM02 bound). Nodes carry their uplink bandwidth, which concurrent uploads
 * share (sim/engine/gossip.h). */
#ifndef DEPINSIM_SIM_ENGINE_OVERLAY_H
#define DEPINSIM_SIM_ENGINE_OVERLAY_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct network_conf;
struct world;

struct overlay {
  unsigned n;           /* nodes 0 .. n-1 */
  size_t *first;        /* node i's connections are entries first[i] .. first[i + 1] - 1 */
  unsigned *peer;       /* per entry: the node at the other end */
  size_t *reverse;      /* per entry: the entry of the same connection at the peer */
  double *latency_s;    /* per entry: one-way latency to the peer */
  double *rate_Bps;     /* per entry: rate of one transfer to the peer on an idle route */
  double *uplink_Bps;   /* per node: the bandwidth its uploads share */
  size_t n_outbound;    /* connections dialled (each appears as two entries) */
  size_t n_short;       /* outbound peers a node wanted but found no room for */
};

/* Draws the graph of n nodes (region[i]: node i's region, or NULL for one region) from rng.
 * Link facts start at latency 0 and infinite rates. Out of memory asserts. */
struct overlay *overlay_draw(const struct network_conf *conf, unsigned n, const unsigned *region,
                             gsl_rng *rng);
/* A graph with exactly the given undirected connections (pairs of nodes), for tests and
 * fixed topologies. Out of memory asserts; a self-loop or a node >= n asserts. */
struct overlay *overlay_from_edges(unsigned n, const unsigned (*edges)[2], size_t n_edges);
void overlay_free(struct overlay *o);

/* Fills the link facts for nodes that are the world's providers members[0 .. n-1]: route
 * latency and bandwidth from SimGrid, the TCP window from network/TCP-gamma, the uplink from
 * the provider's class (in a user's platform, the fastest of its routes to its peers). */
void overlay_measure_links(struct overlay *o, const struct world *w, const size_t *members);

/* When a small message of `bytes` flooded from node source reaches each node, counted from its
 * start (out, n entries; +infinity where the graph does not reach): each hop costs its route
 * latency, the bytes at the route's rate, and per_hop_s at the receiver; uplinks are not
 * queued (the message is small next to what they carry). Dijkstra over the overlay: for votes
 * and other messages every node relays. Out of memory asserts. */
void overlay_flood_times(const struct overlay *o, unsigned source, double bytes,
                         double per_hop_s, double *out);

/* Node i's number of connections. */
static inline size_t overlay_degree(const struct overlay *o, unsigned i)
{
  return o->first[i + 1] - o->first[i];
}

#endif
