/* test_verify_game.c: the game's closed forms against sampling, the replication baseline and
 * the strategies' expected profits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "protocols/verify/verify_game.h"
#include "sim/base/rng.h"
#include "testutil.h"

/* Sampling k slots filled with probability p, each catching with probability q, over
 * 200,000 bad tasks: the detected fraction equals 1 - (1 - p q)^k within 4.5 binomial
 * standard deviations (a false alarm about once in 300,000 runs). */
static void test_verify_game_detection_matches_closed_form(void **state)
{
  (void)state;
  const double ps[] = {0.05, 0.1, 0.3, 0.9}, qs[] = {1, 0.5};
  const int ks[] = {1, 2, 7};
  gsl_rng *rng = rng_stream(3, "test-game", 0);
  const int tasks = 200000;
  for (size_t a = 0; a < 4; a++)
    for (size_t c = 0; c < 2; c++)
      for (size_t d = 0; d < 3; d++) {
        int caught = 0;
        for (int t = 0; t < tasks; t++) {
          bool hit = false;
          for (int s = 0; s < ks[d]; s++)
            hit |= gsl_rng_uniform(rng) < ps[a] && gsl_rng_uniform(rng) < qs[c];
          caught += hit;
        }
        double want = verify_game_detect_prob(ps[a], ks[d], qs[c]);
        double sd = sqrt(want * (1 - want) / tasks);
        assert_double_equal((double)caught / tasks, want, 4.5 * sd + 1e-12);
      }
  assert_double_equal(verify_game_detect_prob(0.1, 1, 1), 0.1, 1e-15);
  assert_double_equal(verify_game_detect_prob(0.1, 2, 1), 0.19, 1e-15);
  assert_double_equal(verify_game_detect_prob(0.5, 0, 1), 0, 0);
  gsl_rng_free(rng);
}

/* The distance test: an honest segment flags at 2 Q(T) (T = 4: 6.3e-5), a shift far past the
 * threshold always flags, and sampled distances agree with the closed form. */
static void test_verify_game_flag_prob_matches_sampling(void **state)
{
  (void)state;
  assert_double_equal(verify_game_flag_prob(4, 0), 6.334248366623996e-05, 1e-12);
  assert_double_equal(verify_game_flag_prob(4, 100), 1, 1e-12);
  assert_double_equal(verify_game_flag_prob(4, INFINITY), 1, 0);
  gsl_rng *rng = rng_stream(4, "test-distance", 0);
  const int n = 200000;
  const double shifts[] = {0, 2, 4, 5};
  for (size_t i = 0; i < 4; i++) {
    int flagged = 0;
    for (int t = 0; t < n; t++)
      flagged += verify_game_distance(rng, shifts[i]) > 2.5;
    double want = verify_game_flag_prob(2.5, shifts[i]);
    assert_double_equal((double)flagged / n, want, 4.5 * sqrt(want * (1 - want) / n) + 1e-12);
  }
  assert_true(isinf(verify_game_distance(rng, INFINITY)));
  gsl_rng_free(rng);
}

/* A threshold profiled from a few seeded runs is itself noisy: honest segments flag at
 * 2 P(T_n > threshold) (Student's t), far more often than with the scale known; sampled
 * thresholds and distances agree with it for n = 2, 8 and the known-scale case. */
static void test_verify_game_profiled_threshold_false_positives(void **state)
{
  (void)state;
  assert_double_equal(verify_game_false_positive_prob(4, 0), verify_game_flag_prob(4, 0), 0);
  assert_true(verify_game_false_positive_prob(4, 8) > 10 * verify_game_flag_prob(4, 0));
  gsl_rng *rng = rng_stream(9, "test-profiling", 0);
  const int n = 200000;
  const int runs[] = {0, 2, 8};
  for (size_t i = 0; i < 3; i++) {
    int flagged = 0;
    for (int t = 0; t < n; t++)
      flagged += verify_game_distance(rng, 0) > verify_game_profiled_threshold(rng, 2, runs[i]);
    double want = verify_game_false_positive_prob(2, runs[i]);
    print_message("profiling runs %d: false positives %.4f, closed form %.4f\n", runs[i],
                  (double)flagged / n, want);
    assert_double_equal((double)flagged / n, want, 4.5 * sqrt(want * (1 - want) / n));
  }
  gsl_rng_free(rng);
}

/* The replication baseline with k verifiers on the solver's hardware costs k x 100% of the
 * useful work on top of it; on slower hardware more. */
static void test_verify_game_replication_costs_k_times(void **state)
{
  (void)state;
  double replicas[7];
  for (int k = 1; k <= 7; k++) {
    for (int i = 0; i < k; i++)
      replicas[i] = 3600;
    assert_double_equal(verify_game_replication_overhead(replicas, (size_t)k, 3600), k, 1e-12);
  }
  replicas[0] = 7200;
  assert_double_equal(verify_game_replication_overhead(replicas, 1, 3600), 2, 1e-12);
  assert_double_equal(verify_game_replication_overhead(replicas, 1, 0), 0, 0);
}

/* Cheating pays when nobody checks and stops paying when checks and deposits are high
 * enough (the fee covers the verifiers' pay): with p = 0 a malicious solver keeps the whole pay without working; with p = 0.5,
 * k = 2 and a deposit of 4 fees at 50% slash it loses money while honesty earns the margin. */
static void test_verify_game_cheating_pays_only_without_checks(void **state)
{
  (void)state;
  struct verify_game_params g = {.verify_prob = 0, .verifiers = 2, .threshold_sigmas = 4,
                                 .lazy_skip = 0.5, .lazy_divergence = 10, .fee_usd = 1.5,
                                 .treasury_cut = 0.01, .segments = 4, .cost_usd = 1.0,
                                 .deposit_usd = 6, .slash_fraction = 0.5};
  double honest = verify_game_expected_profit(&g, 0);
  double malicious = verify_game_expected_profit(&g, 2);
  assert_double_equal(honest, 1.5 * 0.99 - 1.0, 1e-12);
  assert_true(malicious > honest);
  g.verify_prob = 0.5;
  honest = verify_game_expected_profit(&g, 0);
  malicious = verify_game_expected_profit(&g, 2);
  double lazy = verify_game_expected_profit(&g, 1);
  assert_true(honest > 0);
  assert_true(malicious < 0 && malicious < honest);
  assert_true(lazy < honest);
  /* detection of a lazy solver: shift 5 sigma against a 4 sigma threshold */
  double q = verify_game_flag_prob(4, 5);
  assert_double_equal(verify_game_strategy_detect_prob(&g, 1), 1 - pow(1 - 0.5 * q, 2), 1e-12);
  assert_true(isnan(verify_game_expected_profit(&g, 7)));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_verify_game_detection_matches_closed_form),
    cmocka_unit_test(test_verify_game_flag_prob_matches_sampling),
    cmocka_unit_test(test_verify_game_profiled_threshold_false_positives),
    cmocka_unit_test(test_verify_game_replication_costs_k_times),
    cmocka_unit_test(test_verify_game_cheating_pays_only_without_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
