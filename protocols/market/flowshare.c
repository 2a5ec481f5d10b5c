/* flowshare.c: the max-min rate of a set of equal concurrent flows over SimGrid routes
 * (flowshare.h).
 *
 * Each flow's route (and, with cross-traffic, its reverse route) is read once; every link gets
 * its load in flow units; a flow's rate is the least bandwidth / load over its links. When every
 * flow moves the same bytes, max-min sharing gives the flows through the most loaded link
 * exactly that share, so the smallest over flows is when the phase ends. */
#include "protocols/market/flowshare.h"

#include <math.h>
#include <stdbool.h>
#include <simgrid/host.h>
#include <simgrid/link.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/config.h>
#include <xbt/dynar.h>

struct load {
  const_sg_link_t link;
  double flows;
};

struct loads {
  struct load *items;
  size_t n, cap;
};

static void add_load(struct loads *l, const_sg_link_t link, double weight)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].link == link) {
      l->items[i].flows += weight;
      return;
    }
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->items = realloc(l->items, l->cap * sizeof(*l->items));
    xbt_assert(l->items, "out of memory");
  }
  l->items[l->n++] = (struct load){link, weight};
}

static double load_of(const struct loads *l, const_sg_link_t link)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].link == link)
      return l->items[i].flows;
  return 0;
}

static void add_route(struct loads *l, sg_host_t a, sg_host_t b, double weight)
{
  xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
  sg_host_get_route(a, b, links);
  unsigned i;
  sg_link_t link;
  xbt_dynar_foreach (links, i, link)
    add_load(l, link, weight);
  xbt_dynar_free(&links);
}

/* The least bandwidth / load over a flow's route. */
static double route_rate(const struct loads *l, sg_host_t a, sg_host_t b)
{
  xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
  sg_host_get_route(a, b, links);
  double rate = INFINITY;
  unsigned i;
  sg_link_t link;
  xbt_dynar_foreach (links, i, link) {
    double load = load_of(l, link);
    if (load > 0)
      rate = fmin(rate, sg_link_get_bandwidth(link) / load);
  }
  xbt_dynar_free(&links);
  return rate;
}

double flowshare_equal_rate(const sg_host_t *src, const sg_host_t *dst, size_t n,
                            double *max_lat_s)
{
  struct loads l = {0};
  bool acks = sg_cfg_get_boolean("network/crosstraffic");
  for (size_t i = 0; i < n; i++) {
    add_route(&l, src[i], dst[i], 1);
    if (acks)
      add_route(&l, dst[i], src[i], FLOWSHARE_ACK_WEIGHT);
  }
  double window = sg_cfg_get_double("network/TCP-gamma");
  double rate = INFINITY, lat = 0;
  for (size_t i = 0; i < n; i++) {
    double r = route_rate(&l, src[i], dst[i]);
    double route_lat = sg_host_get_route_latency(src[i], dst[i]);
    if (window > 0 && route_lat > 0)
      r = fmin(r, window / (2 * route_lat));
    rate = fmin(rate, r);
    lat = fmax(lat, route_lat);
  }
  free(l.items);
  *max_lat_s = lat;
  return rate;
}
