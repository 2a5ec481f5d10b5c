/* test_gossip.c: each gossip protocol against closed forms on small graphs (a line, a star, a
 * complete graph), the uplink disciplines, and the reach times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "sim/base/rng.h"
#include "sim/engine/gossip.h"
#include "sim/engine/overlay.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"

#define UPLINK 1e6  /* B/s, every node's uplink and every route's rate */
#define LATENCY 0.05
#define BYTES 1e6

/* Every link at UPLINK and LATENCY. */
static struct overlay *with_links(struct overlay *o)
{
  for (size_t e = 0; e < o->first[o->n]; e++) {
    o->latency_s[e] = LATENCY;
    o->rate_Bps[e] = UPLINK;
  }
  for (unsigned i = 0; i < o->n; i++)
    o->uplink_Bps[i] = UPLINK;
  return o;
}

static struct overlay *line(unsigned n)
{
  unsigned (*edges)[2] = calloc(n, sizeof(*edges));
  for (unsigned i = 0; i + 1 < n; i++) {
    edges[i][0] = i;
    edges[i][1] = i + 1;
  }
  struct overlay *o = with_links(overlay_from_edges(n, (const unsigned(*)[2])edges, n - 1));
  free(edges);
  return o;
}

static struct overlay *star(unsigned leaves)
{
  unsigned (*edges)[2] = calloc(leaves, sizeof(*edges));
  for (unsigned i = 0; i < leaves; i++) {
    edges[i][0] = 0;
    edges[i][1] = i + 1;
  }
  struct overlay *o = with_links(overlay_from_edges(leaves + 1, (const unsigned(*)[2])edges,
                                                    leaves));
  free(edges);
  return o;
}

static struct overlay *complete(unsigned n)
{
  unsigned (*edges)[2] = calloc((size_t)n * n, sizeof(*edges));
  size_t k = 0;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = i + 1; j < n; j++) {
      edges[k][0] = i;
      edges[k++][1] = j;
    }
  struct overlay *o = with_links(overlay_from_edges(n, (const unsigned(*)[2])edges, k));
  free(edges);
  return o;
}

/* Spreads BYTES (n_tx transactions) from node 0 at t0 = 10 over o with every node up. */
static double *spread(const struct overlay *o, const struct gossip_conf *c, double n_tx,
                      struct gossip_totals *totals)
{
  gsl_rng *rng = rng_stream(1, "test-gossip", 0);
  gossip_t *g = gossip_new(o, c, rng);
  bool *up = malloc(o->n * sizeof(bool));
  double *hold = malloc(o->n * sizeof(double));
  for (unsigned i = 0; i < o->n; i++)
    up[i] = true;
  gossip_spread(g, 0, 10, BYTES, n_tx, up, hold);
  for (unsigned i = 0; i < o->n; i++)
    hold[i] -= 10;
  if (totals)
    *totals = *gossip_totals(g);
  gossip_free(g);
  gsl_rng_free(rng);
  free(up);
  return hold;
}

static struct gossip_conf conf(enum gossip_protocol p, enum gossip_uplink u)
{
  struct gossip_conf c;
  gossip_conf_defaults(&c, p);
  c.uplink = u;
  return c;
}

/* Flood on a line is store-and-forward: node k holds it after k (B / U + L). */
static void test_flood_line(void **state)
{
  (void)state;
  struct overlay *o = line(6);
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  struct gossip_totals t;
  double *hold = spread(o, &c, 0, &t);
  for (unsigned k = 0; k < 6; k++)
    assert_rel(hold[k] + 1e-300, k * (BYTES / UPLINK + LATENCY) + 1e-300, 1e-9);
  assert_double_equal(t.payload_bytes, 5 * BYTES, 1e-3); /* never back up the line */
  assert_double_equal(t.duplicate_bytes, 0, 0);
  free(hold);
  overlay_free(o);
}

/* A star's centre floods k leaves: sharing its uplink they all hold it at k B / U + L; one at
 * a time, each until it arrived, leaf i (in connection order) at i (B / U + L). */
static void test_flood_star_shared_and_serial(void **state)
{
  (void)state;
  struct overlay *o = star(5);
  struct gossip_conf shared = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  struct gossip_conf serial = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SERIAL);
  double *a = spread(o, &shared, 0, NULL), *b = spread(o, &serial, 0, NULL);
  for (unsigned i = 1; i <= 5; i++) {
    assert_rel(a[i], 5 * BYTES / UPLINK + LATENCY, 1e-9);
    assert_rel(b[i], i * (BYTES / UPLINK + LATENCY), 1e-9);
  }
  free(a);
  free(b);
  overlay_free(o);
}

/* Max-min: a leaf whose route allows U / 10 keeps that rate, the other two share the rest. */
static void test_shared_uplink_is_max_min(void **state)
{
  (void)state;
  struct overlay *o = star(3);
  o->rate_Bps[o->first[0]] = UPLINK / 10; /* to leaf 1 */
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  double *hold = spread(o, &c, 0, NULL);
  /* Leaves 2 and 3 get 0.45 U each until done at B / 0.45U; then leaf 1 is alone but capped. */
  double fast = BYTES / (0.45 * UPLINK);
  assert_rel(hold[2], fast + LATENCY, 1e-9);
  assert_rel(hold[3], fast + LATENCY, 1e-9);
  assert_rel(hold[1], BYTES / (UPLINK / 10) + LATENCY, 1e-9);
  free(hold);
  overlay_free(o);
}

/* A complete graph: the origin's n - 1 uploads share its uplink, so every node holds it at
 * (n - 1) B / U + L; what the others flood meanwhile arrives as duplicates. */
static void test_flood_complete_graph(void **state)
{
  (void)state;
  struct overlay *o = complete(6);
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  struct gossip_totals t;
  double *hold = spread(o, &c, 0, &t);
  for (unsigned i = 1; i < 6; i++)
    assert_rel(hold[i], 5 * BYTES / UPLINK + LATENCY, 1e-9);
  assert_true(t.duplicate_bytes <= t.payload_bytes - 5 * BYTES + 1e-3);
  free(hold);
  overlay_free(o);
}

/* Announce on a line: each hop is an inv and a getdata (a latency and 61 bytes each), then the
 * block: 3 L + B / U + 2 x 61 / U. */
static void test_announce_line(void **state)
{
  (void)state;
  struct overlay *o = line(5);
  struct gossip_conf c = conf(GOSSIP_ANNOUNCE, GOSSIP_UPLINK_SERIAL);
  c.processing_s = 0.002;
  struct gossip_totals t;
  double *hold = spread(o, &c, 0, &t);
  double hop = 3 * (LATENCY + c.processing_s) + (BYTES + 2 * GOSSIP_CONTROL_BYTES) / UPLINK;
  for (unsigned k = 1; k < 5; k++)
    assert_rel(hold[k], k * hop, 1e-9);
  assert_double_equal(t.payload_bytes, 4 * BYTES, 1e-3);
  assert_double_equal(t.control_bytes, 8 * GOSSIP_CONTROL_BYTES, 1e-9);
  free(hold);
  overlay_free(o);
}

/* Compact relay on a line: the sketch (88 B + 6 B a transaction) instead of the block; with
 * every sketch missing, a getblocktxn round trip and miss_fraction of the block more. */
static void test_compact_line(void **state)
{
  (void)state;
  struct overlay *o = line(4);
  struct gossip_conf c = conf(GOSSIP_COMPACT, GOSSIP_UPLINK_SHARED);
  double n_tx = 2000, sketch = GOSSIP_SKETCH_HEADER_BYTES + GOSSIP_SKETCH_BYTES_PER_TX * n_tx;
  double control = GOSSIP_CONTROL_BYTES / UPLINK;
  c.miss_share = 0;
  double *hit = spread(o, &c, n_tx, NULL);
  c.miss_share = 1;
  c.miss_fraction = 0.1;
  double *miss = spread(o, &c, n_tx, NULL);
  double hop_hit = 3 * LATENCY + 2 * control + sketch / UPLINK;
  double hop_miss = hop_hit + 2 * LATENCY + control + 0.1 * BYTES / UPLINK;
  for (unsigned k = 1; k < 4; k++) {
    assert_rel(hit[k], k * hop_hit, 1e-9);
    assert_rel(miss[k], k * hop_miss, 1e-9);
  }
  /* Nodes that do not speak it get the whole block. */
  c.compact_nodes = 0;
  double *none = spread(o, &c, n_tx, NULL);
  assert_rel(none[3], 3 * (3 * LATENCY + 2 * control + BYTES / UPLINK), 1e-9);
  free(hit);
  free(miss);
  free(none);
  overlay_free(o);
}

/* Parts pipeline: with P parts of p = B / P, node k holds the last part at
 * (P - 1 + k) p / U + k L, against k (B / U + L) for whole messages. */
static void test_parts_pipeline_on_a_line(void **state)
{
  (void)state;
  struct overlay *o = line(5);
  struct gossip_conf c = conf(GOSSIP_PARTS, GOSSIP_UPLINK_SHARED);
  c.part_bytes = BYTES / 16;
  struct gossip_totals t;
  double *hold = spread(o, &c, 0, &t);
  double part = BYTES / 16 / UPLINK;
  for (unsigned k = 1; k < 5; k++)
    assert_rel(hold[k], (15 + k) * part + k * LATENCY, 1e-9);
  assert_double_equal(t.payload_bytes, 4 * BYTES, 1e-3);
  assert_double_equal(t.duplicate_bytes, 0, 0);
  free(hold);
  overlay_free(o);
}

/* Checked before relayed (CheckTx): each hop of a flooded line takes the check too. */
static void test_checks_delay_each_hop(void **state)
{
  (void)state;
  struct overlay *o = line(4);
  struct gossip_conf c = conf(GOSSIP_PARTS, GOSSIP_UPLINK_SHARED); /* the instance's own */
  gsl_rng *rng = rng_stream(1, "test-gossip", 0);
  gossip_t *g = gossip_new(o, &c, rng);
  bool up[] = {true, true, true, true};
  double check[] = {0.3, 0.2, 0.2, 0.2}, hold[4];
  gossip_spread_checked(g, GOSSIP_FLOOD, check, 0, 0, BYTES, 0, up, hold);
  for (unsigned k = 0; k < 4; k++) /* the origin does not check its own */
    assert_true(fabs(hold[k] - k * (BYTES / UPLINK + LATENCY + 0.2)) < 1e-9);
  gossip_free(g);
  gsl_rng_free(rng);
  overlay_free(o);
}

/* A node that is down neither receives nor relays: the line is cut behind it. */
static void test_down_node_cuts_the_line(void **state)
{
  (void)state;
  struct overlay *o = line(4);
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  gsl_rng *rng = rng_stream(1, "test-gossip", 0);
  gossip_t *g = gossip_new(o, &c, rng);
  bool up[] = {true, true, false, true};
  double hold[4];
  gossip_spread(g, 0, 0, BYTES, 0, up, hold);
  assert_true(isfinite(hold[1]));
  assert_true(isinf(hold[2]) && isinf(hold[3]));
  gossip_free(g);
  gsl_rng_free(rng);
  overlay_free(o);
}

/* The uplink time one message books delays the next one sent before it is done. */
static void test_uplink_booking_carries_over(void **state)
{
  (void)state;
  struct overlay *o = line(2);
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SERIAL);
  gsl_rng *rng = rng_stream(1, "test-gossip", 0);
  gossip_t *g = gossip_new(o, &c, rng);
  bool up[] = {true, true};
  double hold[2];
  gossip_spread(g, 0, 0, BYTES, 0, up, hold);
  gossip_spread(g, 0, 0.5, BYTES, 0, up, hold); /* the first upload holds it until 1.05 s */
  assert_rel(hold[1], 2 * (BYTES / UPLINK + LATENCY), 1e-9);
  gossip_free(g);
  gsl_rng_free(rng);
  overlay_free(o);
}

/* Many small spreads after a large one all wait for it: a long booking is not forgotten when
 * more spreads come than the periods an uplink remembers. */
static void test_long_booking_outlasts_many_spreads(void **state)
{
  (void)state;
  struct overlay *o = line(2);
  struct gossip_conf c = conf(GOSSIP_FLOOD, GOSSIP_UPLINK_SHARED);
  gsl_rng *rng = rng_stream(1, "test-gossip", 0);
  gossip_t *g = gossip_new(o, &c, rng);
  bool up[] = {true, true};
  double hold[2];
  gossip_spread(g, 0, 0, 5 * BYTES, 0, up, hold); /* the uplink is busy until 5 s */
  for (int k = 1; k <= 20; k++) {
    gossip_spread(g, 0, 0.05 * k, 1000, 0, up, hold);
    assert_true(hold[1] >= 5 + LATENCY);
  }
  gossip_free(g);
  gsl_rng_free(rng);
  overlay_free(o);
}

static void test_reach(void **state)
{
  (void)state;
  double sorted[] = {1, 2, 3, 4, INFINITY};
  assert_double_equal(gossip_reach(sorted, 5, 1, 0.5), 2, 0);   /* 3rd of 5 */
  assert_double_equal(gossip_reach(sorted, 5, 1, 0.8), 3, 0);   /* 4th */
  assert_double_equal(gossip_reach(sorted, 5, 1, 1.0), -1, 0);  /* one never reached */
  assert_double_equal(gossip_reach(sorted, 4, 1, 1.0), 3, 0);
}

/* A random graph: the same seed gives the same spread, and every node is reached. */
static void test_random_graph_reaches_everyone(void **state)
{
  (void)state;
  struct network_conf nc = {.outbound = 8, .max_inbound = 125};
  for (int p = GOSSIP_FLOOD; p <= GOSSIP_PARTS; p++) {
    gsl_rng *rng = rng_stream(5, "test-gossip-graph", 0);
    struct overlay *o = with_links(overlay_draw(&nc, 1000, NULL, rng));
    struct gossip_conf c = conf((enum gossip_protocol)p, GOSSIP_UPLINK_SHARED);
    double *a = spread(o, &c, 100, NULL), *b = spread(o, &c, 100, NULL);
    for (unsigned i = 0; i < o->n; i++) {
      assert_true(isfinite(a[i]));
      assert_double_equal(a[i], b[i], 0);
    }
    free(a);
    free(b);
    overlay_free(o);
    gsl_rng_free(rng);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_flood_line),
    cmocka_unit_test(test_flood_star_shared_and_serial),
    cmocka_unit_test(test_shared_uplink_is_max_min),
    cmocka_unit_test(test_flood_complete_graph),
    cmocka_unit_test(test_announce_line),
    cmocka_unit_test(test_compact_line),
    cmocka_unit_test(test_parts_pipeline_on_a_line),
    cmocka_unit_test(test_checks_delay_each_hop),
    cmocka_unit_test(test_down_node_cuts_the_line),
    cmocka_unit_test(test_uplink_booking_carries_over),
    cmocka_unit_test(test_long_booking_outlasts_many_spreads),
    cmocka_unit_test(test_reach),
    cmocka_unit_test(test_random_graph_reaches_everyone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
