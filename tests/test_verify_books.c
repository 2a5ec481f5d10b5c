/* test_verify_books.c: the verification game's accounts conserve money through fees,
 * payments, deposits, slashes and jackpots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "protocols/verify/verify_books.h"
#include "sim/base/rng.h"
#include "testutil.h"

/* A solver's deposit of 20 slashed at 50%, split 50/25/25: 5 burned, 2.5 to the challenger,
 * 2.5 to the treasury, 10 back to the solver; the total stays 0. */
static void test_verify_books_slash_splits_the_deposit(void **state)
{
  (void)state;
  verify_books_t *b = verify_books_new(3);
  assert_non_null(b);
  struct slash_params p = {.fraction = 0.5, .to_burn = 0.5, .to_whistleblower = 0.25,
                           .to_treasury = 0.25};
  verify_books_lock(b, 0, 20);
  struct slash_result r = verify_books_slash(b, &p, 0, 20, 2);
  assert_double_equal(r.slashed, 10, 1e-12);
  assert_double_equal(verify_books_burned(b), 5, 1e-12);
  assert_double_equal(verify_books_balance(b, 2), 2.5, 1e-12);
  assert_double_equal(verify_books_treasury(b), 2.5, 1e-12);
  assert_double_equal(verify_books_balance(b, 0), -10, 1e-12);
  assert_double_equal(verify_books_locked(b, 0), 0, 1e-12);
  assert_double_equal(verify_books_total(b), 0, 1e-12);
  verify_books_free(b);
  verify_books_free(NULL);
}

/* Slashing conserves tokens: 100,000 random settlements (fees, payments, treasury cuts,
 * refunds, deposits locked and returned or slashed with random splits, jackpots) leave the
 * sum of all accounts at 0 to rounding, while real amounts moved (the burn is not 0). */
static void test_verify_books_slashing_conserves_tokens(void **state)
{
  (void)state;
  const size_t n = 50;
  verify_books_t *b = verify_books_new(n);
  gsl_rng *rng = rng_stream(1, "test-books", 0);
  double moved = 0;
  for (int i = 0; i < 100000; i++) {
    size_t solver = gsl_rng_uniform_int(rng, n), other = gsl_rng_uniform_int(rng, n);
    double fee = 1 + 10 * gsl_rng_uniform(rng), deposit = 2 * fee;
    verify_books_fee(b, fee);
    verify_books_lock(b, solver, deposit);
    double u = gsl_rng_uniform(rng);
    if (u < 0.7) {
      verify_books_to_treasury(b, 0.01 * fee);
      verify_books_pay(b, other, 0.1 * fee);
      verify_books_pay(b, solver, 0.89 * fee);
      verify_books_unlock(b, solver, deposit);
    } else {
      double burn = gsl_rng_uniform(rng), wb = (1 - burn) * gsl_rng_uniform(rng);
      struct slash_params p = {.fraction = gsl_rng_uniform(rng), .to_burn = burn,
                               .to_whistleblower = wb, .to_treasury = 1 - burn - wb};
      verify_books_refund(b, fee);
      struct slash_result r = verify_books_slash(b, &p, solver, deposit, other);
      assert_double_equal(r.burned + r.whistleblower + r.treasury, r.slashed, 1e-9);
      if (u > 0.95)
        verify_books_jackpot(b, other, 50);
    }
    moved += fee;
  }
  assert_true(verify_books_burned(b) > 0);
  assert_true(fabs(verify_books_total(b)) <= 1e-9 * moved);
  gsl_rng_free(rng);
  verify_books_free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_verify_books_slash_splits_the_deposit),
    cmocka_unit_test(test_verify_books_slashing_conserves_tokens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
