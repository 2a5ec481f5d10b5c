/* test_staking.c: stake requirements, slashing flows and the unstake cooldown. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/staking.h"
#include "protocols/token/token_books.h"
#include "testutil.h"

/* io.net: 8xH100 with multiplier 10 stakes 16,000 IO; a multiplier below 1 counts as 1. */
static void test_staking_required(void **state)
{
  (void)state;
  assert_rel(staking_required(STAKING_IONET_MIN_TOKENS_PER_GPU, 10, 8), 16000, 1e-12);
  assert_rel(staking_required(STAKING_IONET_MIN_TOKENS_PER_GPU, 0.5, 1), 200, 1e-12);
}

/* A 50% slash of 16,000 split 50/30/20 between burn, whistleblower and treasury; the books
 * stay conserved and each destination gets its share. */
static void test_staking_slash_flows(void **state)
{
  (void)state;
  struct slash_params p = {.fraction = 0.5, .to_burn = 0.5, .to_whistleblower = 0.3,
                           .to_treasury = 0.2};
  assert_null(staking_slash_check(&p));
  struct token_books b = {0};
  double stake = 16000;
  token_books_mint(&b, BOOK_STAKED, stake);
  struct slash_result r = staking_slash(&p, &stake);
  token_books_burn(&b, BOOK_STAKED, r.burned);
  token_books_move(&b, BOOK_STAKED, BOOK_MARKET, r.whistleblower);
  token_books_move(&b, BOOK_STAKED, BOOK_TREASURY, r.treasury);
  assert_rel(stake, 8000, 1e-12);
  assert_rel(r.burned, 4000, 1e-12);
  assert_rel(r.whistleblower, 2400, 1e-12);
  assert_rel(r.treasury, 1600, 1e-12);
  assert_rel(b.balance[BOOK_STAKED], 8000, 1e-12);
  assert_rel(b.balance[BOOK_BURNED], 4000, 1e-12);
  assert_true(token_books_conserved(&b, 1e-12));
  assert_rel(token_books_supply(&b), 12000, 1e-12);
  p.to_burn = 0.6;
  assert_non_null(staking_slash_check(&p));
}

/* 14 daily epochs of cooldown: what is unstaked on day 0 comes out on day 14. */
static void test_staking_cooldown(void **state)
{
  (void)state;
  staking_cooldown_t *c = staking_cooldown_new(14);
  assert_non_null(c);
  assert_true(staking_cooldown_step(c, 100) == 0);
  for (int d = 1; d < 14; d++)
    assert_true(staking_cooldown_step(c, d == 1 ? 50 : 0) == 0);
  assert_rel(staking_cooldown_pending(c), 150, 1e-12);
  assert_rel(staking_cooldown_step(c, 0), 100, 1e-12);
  assert_rel(staking_cooldown_step(c, 0), 50, 1e-12);
  assert_true(staking_cooldown_pending(c) == 0);
  staking_cooldown_free(c);
  staking_cooldown_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_staking_required),
    cmocka_unit_test(test_staking_slash_flows),
    cmocka_unit_test(test_staking_cooldown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
