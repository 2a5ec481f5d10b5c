/* test_availability.c: the MTBF/MTTR schedule against the two-state Markov chain's closed
 * forms, and its determinism per seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "sim/engine/availability.h"
#include "sim/scenario/scenario.h"

/* One class of n providers with the given MTBF and MTTR, built by hand. */
static struct scenario *one_class(long n, double mtbf, double mttr)
{
  static struct provider_class c;
  static struct scenario sc;
  c = (struct provider_class){.name = "c", .count = n, .max_count = n, .mtbf_s = mtbf, .mttr_s = mttr};
  sc = (struct scenario){.classes = &c, .n_classes = 1, .n_providers = (size_t)n};
  return &sc;
}

/* Fraction of provider-time up over [0, horizon], replaying the events. */
static double up_fraction(availability_t *a, size_t n, double horizon, double *failures)
{
  double up_time = 0, *since = calloc(n, sizeof(double));
  *failures = 0;
  for (size_t i = 0; i < n; i++)
    since[i] = availability_initially_up(a, i) ? 0 : -1;
  while (availability_next_time(a) <= horizon) {
    double t = availability_next_time(a);
    size_t i;
    bool up;
    availability_pop(a, &i, &up);
    if (up) {
      since[i] = t;
    } else {
      up_time += t - since[i];
      since[i] = -1;
      (*failures)++;
    }
  }
  for (size_t i = 0; i < n; i++)
    if (since[i] >= 0)
      up_time += horizon - since[i];
  free(since);
  return up_time / (n * horizon);
}

static void test_availability_matches_stationary_fraction(void **state)
{
  (void)state;
  const size_t n = 2000;
  const double mtbf = 36 * 3600.0, mttr = 8 * 3600.0, horizon = 30 * 86400.0;
  availability_t *a = availability_new(one_class(n, mtbf, mttr), 11);
  double failures;
  double fraction = up_fraction(a, n, horizon, &failures);
  double expected = mtbf / (mtbf + mttr);
  /* 2,000 hosts x ~16 cycles each: the estimate's spread is well under 1%. */
  assert_true(fabs(fraction - expected) < 0.01);
  /* Failures per host per second = 1 / (MTBF + MTTR) in the stationary regime. */
  double rate = failures / (n * horizon);
  assert_true(fabs(rate * (mtbf + mttr) - 1) < 0.03);
  availability_free(a);
}

static void test_availability_is_deterministic_per_seed(void **state)
{
  (void)state;
  struct scenario *sc = one_class(100, 3600, 600);
  availability_t *a = availability_new(sc, 5), *b = availability_new(sc, 5);
  availability_t *c = availability_new(sc, 6);
  bool differs = false;
  for (int k = 0; k < 500; k++) {
    size_t ia, ib, ic;
    bool ua, ub, uc;
    assert_float_equal(availability_next_time(a), availability_next_time(b), 0);
    differs |= availability_next_time(a) != availability_next_time(c);
    availability_pop(a, &ia, &ua);
    availability_pop(b, &ib, &ub);
    availability_pop(c, &ic, &uc);
    assert_int_equal(ia, ib);
    assert_int_equal(ua, ub);
  }
  assert_true(differs);
  availability_free(a);
  availability_free(b);
  availability_free(c);
}

static void test_availability_without_failures_has_no_events(void **state)
{
  (void)state;
  availability_t *a = availability_new(one_class(10, 0, 0), 1);
  assert_true(isinf(availability_next_time(a)));
  for (size_t i = 0; i < 10; i++)
    assert_true(availability_initially_up(a, i));
  assert_float_equal(availability_stationary(0, 0), 1, 0);
  availability_free(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_availability_matches_stationary_fraction),
    cmocka_unit_test(test_availability_is_deterministic_per_seed),
    cmocka_unit_test(test_availability_without_failures_has_no_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
