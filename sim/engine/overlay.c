/* overlay.c: drawing the peer graph and measuring its links (model in overlay.h). */
#include "sim/engine/overlay.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/host.h>
#include <stdbool.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/config.h>

#include "sim/base/mem.h"
#include "sim/base/pqueue.h"
#include "sim/engine/world.h"
#include "sim/scenario/scenario.h"

/* Tries to find one outbound peer before a node gives up on a slot (the rest are full or
 * already its peers). */
#define OVERLAY_DRAW_TRIES 64

/* The graph while it is drawn: per node a growing list of peers. */
struct draft {
  unsigned n;
  unsigned **peers;
  unsigned *count, *cap, *inbound;
  unsigned (*edges)[2];
  size_t n_edges, cap_edges;
};

static bool connected(const struct draft *d, unsigned u, unsigned v)
{
  for (unsigned k = 0; k < d->count[u]; k++)
    if (d->peers[u][k] == v)
      return true;
  return false;
}

static void push_peer(struct draft *d, unsigned u, unsigned v)
{
  if (d->count[u] == d->cap[u]) {
    d->cap[u] = d->cap[u] ? 2 * d->cap[u] : 8;
    d->peers[u] = realloc(d->peers[u], d->cap[u] * sizeof(unsigned));
    xbt_assert(d->peers[u], "out of memory");
  }
  d->peers[u][d->count[u]++] = v;
}

static void connect(struct draft *d, unsigned u, unsigned v)
{
  push_peer(d, u, v);
  push_peer(d, v, u);
  d->inbound[v]++;
  if (d->n_edges == d->cap_edges) {
    d->cap_edges = d->cap_edges ? 2 * d->cap_edges : 1024;
    d->edges = realloc(d->edges, d->cap_edges * sizeof(*d->edges));
    xbt_assert(d->edges, "out of memory");
  }
  d->edges[d->n_edges][0] = u;
  d->edges[d->n_edges][1] = v;
  d->n_edges++;
}

static struct draft draft_new(unsigned n)
{
  return (struct draft){.n = n,
                        .peers = mem_calloc(n, sizeof(unsigned *)),
                        .count = mem_calloc(n, sizeof(unsigned)),
                        .cap = mem_calloc(n, sizeof(unsigned)),
                        .inbound = mem_calloc(n, sizeof(unsigned))};
}

static void draft_free(struct draft *d)
{
  for (unsigned i = 0; i < d->n; i++)
    free(d->peers[i]);
  free(d->peers);
  free(d->count);
  free(d->cap);
  free(d->inbound);
  free(d->edges);
}

/* The compact form: each connection as an entry at both ends, in the order drawn. */
static struct overlay *freeze(const struct draft *d)
{
  struct overlay *o = mem_calloc(1, sizeof(*o));
  size_t entries = 2 * d->n_edges;
  *o = (struct overlay){.n = d->n, .n_outbound = d->n_edges};
  o->first = mem_calloc((size_t)d->n + 1, sizeof(size_t));
  o->peer = mem_calloc(entries, sizeof(unsigned));
  o->reverse = mem_calloc(entries, sizeof(size_t));
  o->latency_s = mem_calloc(entries, sizeof(double));
  o->rate_Bps = mem_calloc(entries, sizeof(double));
  o->uplink_Bps = mem_calloc(d->n, sizeof(double));
  for (unsigned i = 0; i < d->n; i++) {
    o->first[i + 1] = o->first[i] + d->count[i];
    o->uplink_Bps[i] = INFINITY;
  }
  size_t *fill = mem_calloc(d->n, sizeof(size_t));
  for (unsigned i = 0; i < d->n; i++)
    fill[i] = o->first[i];
  for (size_t k = 0; k < d->n_edges; k++) {
    unsigned u = d->edges[k][0], v = d->edges[k][1];
    size_t a = fill[u]++, b = fill[v]++;
    o->peer[a] = v;
    o->peer[b] = u;
    o->reverse[a] = b;
    o->reverse[b] = a;
  }
  for (size_t e = 0; e < entries; e++)
    o->rate_Bps[e] = INFINITY;
  free(fill);
  return o;
}

/* Outbound degree of one node: the fixed number, or a draw from the cumulative
 * distribution; never more than the other nodes. */
static unsigned draw_degree(const struct network_conf *c, unsigned n, gsl_rng *rng)
{
  long degree = c->outbound;
  if (c->outbound_cdf) {
    double u = gsl_rng_uniform(rng);
    degree = (long)c->n_outbound_cdf;
    for (size_t i = 0; i < c->n_outbound_cdf; i++)
      if (u < c->outbound_cdf[i]) {
        degree = (long)i + 1;
        break;
      }
  }
  return (unsigned)(degree < (long)n - 1 ? degree : (long)n - 1);
}

/* Nodes grouped by region: members of region r are by_region[start[r] .. start[r + 1]). */
struct regions {
  unsigned n_regions, *start, *by_region;
};

static struct regions group_regions(unsigned n, const unsigned *region)
{
  struct regions g = {.n_regions = 1};
  for (unsigned i = 0; region && i < n; i++)
    if (region[i] + 1 > g.n_regions)
      g.n_regions = region[i] + 1;
  g.start = mem_calloc(g.n_regions + 1, sizeof(unsigned));
  g.by_region = mem_calloc(n, sizeof(unsigned));
  for (unsigned i = 0; i < n; i++)
    g.start[(region ? region[i] : 0) + 1]++;
  for (unsigned r = 0; r < g.n_regions; r++)
    g.start[r + 1] += g.start[r];
  unsigned *fill = mem_calloc(g.n_regions, sizeof(unsigned));
  for (unsigned i = 0; i < n; i++) {
    unsigned r = region ? region[i] : 0;
    g.by_region[g.start[r] + fill[r]++] = i;
  }
  free(fill);
  return g;
}

/* One candidate peer for u: in u's region with probability region_bias, else anywhere. */
static unsigned draw_candidate(const struct network_conf *c, const struct regions *g,
                               const unsigned *region, unsigned n, unsigned u, gsl_rng *rng)
{
  if (c->region_bias > 0 && region && gsl_rng_uniform(rng) < c->region_bias) {
    unsigned r = region[u], size = g->start[r + 1] - g->start[r];
    return g->by_region[g->start[r] + (unsigned)gsl_rng_uniform_int(rng, size)];
  }
  return (unsigned)gsl_rng_uniform_int(rng, n);
}

struct overlay *overlay_draw(const struct network_conf *conf, unsigned n, const unsigned *region,
                             gsl_rng *rng)
{
  struct draft d = draft_new(n);
  struct regions g = group_regions(n, region);
  unsigned *order = mem_calloc(n, sizeof(unsigned));
  for (unsigned i = 0; i < n; i++)
    order[i] = i;
  if (n > 1)
    gsl_ran_shuffle(rng, order, n, sizeof(unsigned));
  size_t short_slots = 0;
  for (unsigned k = 0; k < n; k++) {
    unsigned u = order[k], want = draw_degree(conf, n, rng);
    for (unsigned slot = 0; slot < want; slot++) {
      bool found = false;
      for (int t = 0; t < OVERLAY_DRAW_TRIES && !found; t++) {
        unsigned v = draw_candidate(conf, &g, region, n, u, rng);
        found = v != u && d.inbound[v] < (unsigned)conf->max_inbound && !connected(&d, u, v);
        if (found)
          connect(&d, u, v);
      }
      short_slots += !found;
    }
  }
  struct overlay *o = freeze(&d);
  o->n_short = short_slots;
  free(order);
  free(g.start);
  free(g.by_region);
  draft_free(&d);
  return o;
}

struct overlay *overlay_from_edges(unsigned n, const unsigned (*edges)[2], size_t n_edges)
{
  struct draft d = draft_new(n);
  for (size_t k = 0; k < n_edges; k++) {
    xbt_assert(edges[k][0] < n && edges[k][1] < n && edges[k][0] != edges[k][1],
               "bad overlay edge %u-%u of %u nodes", edges[k][0], edges[k][1], n);
    connect(&d, edges[k][0], edges[k][1]);
  }
  struct overlay *o = freeze(&d);
  draft_free(&d);
  return o;
}

void overlay_free(struct overlay *o)
{
  if (!o)
    return;
  free(o->first);
  free(o->peer);
  free(o->reverse);
  free(o->latency_s);
  free(o->rate_Bps);
  free(o->uplink_Bps);
  free(o);
}

void overlay_measure_links(struct overlay *o, const struct world *w, const size_t *members)
{
  double window = sg_cfg_get_double("network/TCP-gamma");
  for (unsigned i = 0; i < o->n; i++) {
    const struct provider *p = &w->providers[members[i]];
    double uplink = w->sc->platform_file ? 0 : w->sc->classes[p->class_index].uplink_Bps;
    for (size_t e = o->first[i]; e < o->first[i + 1]; e++) {
      sg_host_t to = w->providers[members[o->peer[e]]].host;
      double latency = sg_host_get_route_latency(p->host, to);
      double rate = sg_host_get_route_bandwidth(p->host, to);
      if (window > 0 && latency > 0)
        rate = fmin(rate, window / (2 * latency));
      o->latency_s[e] = latency;
      o->rate_Bps[e] = rate;
      if (w->sc->platform_file)
        uplink = fmax(uplink, rate);
    }
    o->uplink_Bps[i] = uplink > 0 ? uplink : INFINITY;
  }
}

void overlay_flood_times(const struct overlay *o, unsigned source, double bytes,
                         double per_hop_s, double *out)
{
  pqueue_t *heap = pqueue_new(); /* (arrival time, node); stale entries are skipped */
  xbt_assert(heap, "out of memory");
  for (unsigned i = 0; i < o->n; i++)
    out[i] = INFINITY;
  out[source] = 0;
  pqueue_push(heap, 0, source);
  while (pqueue_size(heap) > 0) {
    struct pqueue_item x = pqueue_pop(heap);
    if (x.key > out[x.id])
      continue;
    for (size_t e = o->first[x.id]; e < o->first[x.id + 1]; e++) {
      double t = x.key + o->latency_s[e] + bytes / o->rate_Bps[e] + per_hop_s;
      if (t < out[o->peer[e]]) {
        out[o->peer[e]] = t;
        pqueue_push(heap, t, o->peer[e]);
      }
    }
  }
  pqueue_free(heap);
}
