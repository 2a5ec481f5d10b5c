/* test_pacer.c: the token bucket that paces coarse-grained batches (sim/base/pacer.h) and the
 * binary heap's order (sim/base/pqueue.h): both decide when simulated work happens. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/base/pacer.h"
#include "sim/base/pqueue.h"
#include "testutil.h"

/* A quiet stream goes through at once: up to PACER_BURST actions back to back, then one per
 * interval. */
static void test_pacer_lets_a_burst_through_then_spaces(void **state)
{
  (void)state;
  struct pacer p = pacer_new(0.5);
  for (int i = 0; i < (int)PACER_BURST; i++) {
    assert_true(pacer_wait(&p, 10.0) == 0);
    pacer_take(&p, 10.0);
  }
  assert_double_equal(pacer_wait(&p, 10.0), 0.5, 1e-12);
  assert_double_equal(pacer_wait(&p, 10.2), 0.3, 1e-12);
  assert_true(pacer_wait(&p, 10.5) == 0);
  pacer_take(&p, 10.5);
  assert_double_equal(pacer_wait(&p, 10.5), 0.5, 1e-12);
}

/* Under load the average rate is one action an interval, whatever the burst. */
static void test_pacer_rate_under_load_is_one_an_interval(void **state)
{
  (void)state;
  struct pacer p = pacer_new(0.1);
  double now = 0;
  int actions = 0;
  while (now < 100) {
    now += pacer_wait(&p, now);
    pacer_take(&p, now);
    actions++;
  }
  assert_in_range(actions, 1000, 1000 + (int)PACER_BURST + 1);
}

/* An interval of 0 never waits; nor does a wait shorter than a simulator can sleep. */
static void test_pacer_never_asks_for_a_sleep_shorter_than_the_engine_takes(void **state)
{
  (void)state;
  struct pacer off = pacer_new(0);
  for (int i = 0; i < 100; i++)
    pacer_take(&off, 1.0);
  assert_true(pacer_wait(&off, 1.0) == 0);
  struct pacer p = pacer_new(1.0);
  for (int i = 0; i < (int)PACER_BURST; i++)
    pacer_take(&p, 0);
  assert_true(pacer_wait(&p, 1.0 - PACER_MIN_WAIT_S / 2) == 0);
  assert_true(pacer_wait(&p, 1.0 - 2 * PACER_MIN_WAIT_S) > 0);
}

/* Equal keys leave in order of id, however they were pushed. */
static void test_pqueue_breaks_ties_by_id(void **state)
{
  (void)state;
  pqueue_t *q = pqueue_new();
  const uint64_t ids[] = {7, 3, 9, 1, 5};
  for (size_t i = 0; i < 5; i++)
    pqueue_push(q, 1.0, ids[i]);
  pqueue_push(q, 0.5, 42);
  assert_int_equal(pqueue_pop(q).id, 42);
  const uint64_t order[] = {1, 3, 5, 7, 9};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(pqueue_pop(q).id, order[i]);
  assert_int_equal(pqueue_size(q), 0);
  pqueue_free(q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pacer_lets_a_burst_through_then_spaces),
    cmocka_unit_test(test_pacer_rate_under_load_is_one_an_interval),
    cmocka_unit_test(test_pacer_never_asks_for_a_sleep_shorter_than_the_engine_takes),
    cmocka_unit_test(test_pqueue_breaks_ties_by_id),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
