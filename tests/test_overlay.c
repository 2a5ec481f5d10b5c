/* test_overlay.c: the drawn peer graph keeps its degrees, its inbound cap and its region bias,
 * has no self-loop or repeated connection, and is the same for a seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "sim/base/rng.h"
#include "sim/engine/overlay.h"
#include "sim/scenario/scenario.h"

static struct overlay *draw(const struct network_conf *c, unsigned n, const unsigned *region,
                            uint64_t seed)
{
  gsl_rng *rng = rng_stream(seed, "test-overlay", 0);
  struct overlay *o = overlay_draw(c, n, region, rng);
  gsl_rng_free(rng);
  return o;
}

/* Every entry's reverse points back, no node is its own peer, no pair repeats. */
static void assert_well_formed(const struct overlay *o)
{
  char *seen = calloc(o->n, 1);
  for (unsigned i = 0; i < o->n; i++) {
    for (size_t e = o->first[i]; e < o->first[i + 1]; e++) {
      unsigned j = o->peer[e];
      assert_int_not_equal(j, i);
      assert_int_equal(o->peer[o->reverse[e]], i);
      assert_int_equal(o->reverse[o->reverse[e]], e);
      assert_false(seen[j]);
      seen[j] = 1;
    }
    for (size_t e = o->first[i]; e < o->first[i + 1]; e++)
      seen[o->peer[e]] = 0;
  }
  free(seen);
}

static void test_fixed_degree_and_inbound_cap(void **state)
{
  (void)state;
  struct network_conf c = {.outbound = 8, .max_inbound = 12};
  struct overlay *o = draw(&c, 2000, NULL, 7);
  assert_well_formed(o);
  assert_int_equal(o->n_outbound + o->n_short, 2000 * 8);
  assert_true(o->n_short < 20); /* only the last nodes to dial can find every peer full */
  /* Inbound = degree - outbound; with the cap at 12, no node has more than 8 + 12. */
  for (unsigned i = 0; i < o->n; i++)
    assert_true(overlay_degree(o, i) <= 20);
  overlay_free(o);
}

/* SimBlock's form: P(outbound <= d); the mean of the drawn degrees follows it. */
static void test_degree_distribution(void **state)
{
  (void)state;
  double cdf[] = {0.25, 0.5, 0.75, 1.0}; /* uniform over 1..4: mean 2.5 */
  struct network_conf c = {.outbound_cdf = cdf, .n_outbound_cdf = 4, .max_inbound = 1000};
  struct overlay *o = draw(&c, 20000, NULL, 3);
  assert_well_formed(o);
  double mean = (double)(o->n_outbound + o->n_short) / o->n;
  assert_true(fabs(mean - 2.5) < 5 * sqrt(1.25 / 20000)); /* 5 standard errors */
  overlay_free(o);
}

static void test_region_bias(void **state)
{
  (void)state;
  enum { N = 4000 };
  unsigned region[N];
  for (unsigned i = 0; i < N; i++)
    region[i] = i % 4;
  struct network_conf c = {.outbound = 6, .max_inbound = 100, .region_bias = 0.8};
  struct overlay *o = draw(&c, N, region, 11);
  double same = 0, total = 0;
  for (unsigned i = 0; i < o->n; i++)
    for (size_t e = o->first[i]; e < o->first[i + 1]; e++, total++)
      same += region[o->peer[e]] == region[i];
  /* An outbound peer is in its region with 0.8 + 0.2 / 4 = 0.85 (inbound ends count too, and
   * the relation is symmetric, so the share over entries is the same). */
  assert_true(fabs(same / total - 0.85) < 0.01);
  overlay_free(o);
}

static void test_same_seed_same_graph(void **state)
{
  (void)state;
  struct network_conf c = {.outbound = 5, .max_inbound = 20};
  struct overlay *a = draw(&c, 500, NULL, 42), *b = draw(&c, 500, NULL, 42);
  struct overlay *other = draw(&c, 500, NULL, 43);
  assert_int_equal(a->first[a->n], b->first[b->n]);
  for (size_t e = 0; e < a->first[a->n]; e++)
    assert_int_equal(a->peer[e], b->peer[e]);
  size_t differ = 0;
  for (size_t e = 0; e < a->first[a->n] && e < other->first[other->n]; e++)
    differ += a->peer[e] != other->peer[e];
  assert_true(differ > 0);
  overlay_free(a);
  overlay_free(b);
  overlay_free(other);
}

/* More outbound peers than other nodes: each node connects to all of them, once. */
static void test_small_graph_is_complete(void **state)
{
  (void)state;
  struct network_conf c = {.outbound = 10, .max_inbound = 10};
  struct overlay *o = draw(&c, 4, NULL, 1);
  assert_well_formed(o);
  for (unsigned i = 0; i < 4; i++)
    assert_int_equal(overlay_degree(o, i), 3);
  overlay_free(o);
}

static void test_from_edges(void **state)
{
  (void)state;
  const unsigned edges[][2] = {{0, 1}, {1, 2}, {2, 3}};
  struct overlay *o = overlay_from_edges(4, edges, 3);
  assert_well_formed(o);
  assert_int_equal(overlay_degree(o, 0), 1);
  assert_int_equal(overlay_degree(o, 1), 2);
  assert_int_equal(o->peer[o->first[3]], 2);
  overlay_free(o);
}

/* A small message flooded along a line and across a shortcut: Dijkstra over latency, bytes at
 * each hop's rate and the per-hop time. */
static void test_flood_times(void **state)
{
  (void)state;
  const unsigned edges[][2] = {{0, 1}, {1, 2}, {2, 3}, {0, 3}};
  struct overlay *o = overlay_from_edges(4, edges, 4);
  for (size_t e = 0; e < o->first[o->n]; e++) {
    o->latency_s[e] = 0.01;
    o->rate_Bps[e] = 1000;
  }
  /* the shortcut 0-3 is slow: 100 ms each way */
  for (size_t e = o->first[0]; e < o->first[1]; e++)
    if (o->peer[e] == 3)
      o->latency_s[e] = o->latency_s[o->reverse[e]] = 0.1;
  double t[4];
  overlay_flood_times(o, 0, 100, 0.001, t); /* a hop: 10 ms + 100 ms of bytes + 1 ms */
  assert_true(t[0] == 0);
  assert_true(fabs(t[1] - 0.111) < 1e-12 && fabs(t[2] - 0.222) < 1e-12);
  assert_true(fabs(t[3] - 0.201) < 1e-12); /* the shortcut: 100 + 100 + 1 ms beats 333 */
  overlay_free(o);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fixed_degree_and_inbound_cap),
    cmocka_unit_test(test_degree_distribution),
    cmocka_unit_test(test_region_bias),
    cmocka_unit_test(test_same_seed_same_graph),
    cmocka_unit_test(test_small_graph_is_complete),
    cmocka_unit_test(test_from_edges),
    cmocka_unit_test(test_flood_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
