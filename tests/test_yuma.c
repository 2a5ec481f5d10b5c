/* test_yuma.c: Yuma consensus on a small example computed by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/yuma.h"
#include "testutil.h"

/* Two validators with stake 70 and 30, two miners.
 *   V0 weights [0.8, 0.2], V1 weights [0.2, 0.8]; normalised stake s = [0.7, 0.3].
 * Consensus at kappa 0.5, validators sorted by their weight on each miner:
 *   miner 0: V0 0.8 (stake 0.7 >= 0.5)             -> c0 = 0.8
 *   miner 1: V1 0.8 (0.3 < 0.5), V0 0.2 (1.0 >= 0.5) -> c1 = 0.2
 * Clipped weights: V0 [0.8, 0.2], V1 [0.2, 0.2].
 * Rank R0 = 0.7*0.8 + 0.3*0.2 = 0.62, R1 = 0.7*0.2 + 0.3*0.2 = 0.20; incentive I = [31/41, 10/41].
 * Trust T0 = 0.62 / (0.7*0.8 + 0.3*0.2) = 1, T1 = 0.20 / (0.7*0.2 + 0.3*0.8) = 0.20/0.38 = 10/19.
 * Bond deltas (s_i clipped, normalised per miner): miner 0 [0.56, 0.06]/0.62 = [28/31, 3/31];
 *   miner 1 [0.14, 0.06]/0.20 = [0.7, 0.3]. Bonds start at 0: B = 0.1 dB.
 * Dividends D0 = 0.1 (28/31 * 31/41 + 0.7 * 10/41) = 0.1 * 35/41, D1 = 0.1 (3/31 * 31/41 +
 *   0.3 * 10/41) = 0.1 * 6/41; normalised D = [35/41, 6/41].
 * Epoch 2, V1 changes to [0.8, 0.2]: both miners' weights agree, nothing is clipped, dB is
 *   [0.7, 0.3] for both miners; B(V0, miner 0) = 0.1 * 0.7 + 0.9 * 0.1 * 28/31. */
static void test_yuma_hand_example(void **state)
{
  (void)state;
  yuma_t *y = yuma_new(2, 2, YUMA_KAPPA, YUMA_BOND_ALPHA);
  assert_non_null(y);
  double stake[] = {70, 30};
  double w1[] = {0.8, 0.2, 0.2, 0.8};
  yuma_epoch(y, stake, w1, NULL);
  assert_rel(yuma_consensus(y)[0], 0.8, 1e-12);
  assert_rel(yuma_consensus(y)[1], 0.2, 1e-12);
  assert_rel(yuma_incentive(y)[0], 31.0 / 41, 1e-12);
  assert_rel(yuma_incentive(y)[1], 10.0 / 41, 1e-12);
  assert_rel(yuma_trust(y)[0], 1.0, 1e-12);
  assert_rel(yuma_trust(y)[1], 10.0 / 19, 1e-12);
  assert_rel(yuma_bonds(y)[0], 0.1 * 28 / 31, 1e-12);
  assert_rel(yuma_bonds(y)[3], 0.1 * 0.3, 1e-12);
  assert_rel(yuma_dividends(y)[0], 35.0 / 41, 1e-12);
  assert_rel(yuma_dividends(y)[1], 6.0 / 41, 1e-12);
  double w2[] = {0.8, 0.2, 0.8, 0.2};
  yuma_epoch(y, stake, w2, NULL);
  assert_rel(yuma_incentive(y)[0], 0.8, 1e-12);
  assert_rel(yuma_bonds(y)[0], 0.1 * 0.7 + 0.9 * 0.1 * 28 / 31, 1e-12);
  assert_rel(yuma_bonds(y)[2], 0.1 * 0.3 + 0.9 * 0.1 * 3 / 31, 1e-12);
  yuma_free(y);
}

/* A minority validator (30% of stake) pushing a miner nobody else weights gets it nothing. */
static void test_yuma_clips_minority(void **state)
{
  (void)state;
  yuma_t *y = yuma_new(2, 2, YUMA_KAPPA, YUMA_BOND_ALPHA);
  double stake[] = {70, 30};
  double w[] = {1.0, 0.0, 0.0, 1.0};
  yuma_epoch(y, stake, w, NULL);
  assert_rel(yuma_incentive(y)[0], 1.0, 1e-12);
  assert_true(yuma_incentive(y)[1] == 0.0);
  yuma_free(y);
}

/* A column of count 3 identical miners gives each what three separate columns would. */
static void test_yuma_multiplicity(void **state)
{
  (void)state;
  yuma_t *a = yuma_new(2, 4, YUMA_KAPPA, YUMA_BOND_ALPHA);
  yuma_t *b = yuma_new(2, 2, YUMA_KAPPA, YUMA_BOND_ALPHA);
  double stake[] = {60, 40};
  double wa[] = {0.1, 0.1, 0.1, 0.7, 0.2, 0.2, 0.2, 0.4};
  double wb[] = {0.1, 0.7, 0.2, 0.4}, count[] = {3, 1};
  yuma_epoch(a, stake, wa, NULL);
  yuma_epoch(b, stake, wb, count);
  assert_rel(yuma_incentive(b)[0], yuma_incentive(a)[0], 1e-12);
  assert_rel(yuma_incentive(b)[1], yuma_incentive(a)[3], 1e-12);
  assert_rel(yuma_dividends(b)[0], yuma_dividends(a)[0], 1e-12);
  assert_null(yuma_new(0, 3, 0.5, 0.1));
  yuma_free(a);
  yuma_free(b);
  yuma_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_yuma_hand_example),
    cmocka_unit_test(test_yuma_clips_minority),
    cmocka_unit_test(test_yuma_multiplicity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
