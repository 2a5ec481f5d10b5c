/* verify_game.c: closed forms of the verification game (verify_game.h). */
#include "protocols/verify/verify_game.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

double verify_game_detect_prob(double p, int k, double q)
{
  if (k <= 0)
    return 0;
  return 1 - pow(1 - p * q, k);
}

double verify_game_flag_prob(double threshold_sigmas, double shift_sigmas)
{
  if (isinf(shift_sigmas))
    return 1;
  return gsl_cdf_ugaussian_Q(threshold_sigmas - shift_sigmas) +
         gsl_cdf_ugaussian_P(-threshold_sigmas - shift_sigmas);
}

double verify_game_distance(gsl_rng *rng, double shift_sigmas)
{
  if (isinf(shift_sigmas))
    return INFINITY;
  return fabs(shift_sigmas + gsl_ran_ugaussian(rng));
}

double verify_game_profiled_threshold(gsl_rng *rng, double threshold_sigmas, int runs)
{
  if (runs <= 0)
    return threshold_sigmas;
  double sum = 0;
  for (int i = 0; i < runs; i++) {
    double z = gsl_ran_ugaussian(rng);
    sum += z * z;
  }
  return threshold_sigmas * sqrt(sum / runs);
}

double verify_game_false_positive_prob(double threshold_sigmas, int runs)
{
  if (runs <= 0)
    return verify_game_flag_prob(threshold_sigmas, 0);
  return 2 * gsl_cdf_tdist_Q(threshold_sigmas, runs);
}

double verify_game_replication_overhead(const double *replica_s, size_t n, double useful_s)
{
  if (!(useful_s > 0))
    return 0;
  double extra = 0;
  for (size_t i = 0; i < n; i++)
    extra += replica_s[i];
  return extra / useful_s;
}

double verify_game_solver_pay(const struct verify_game_params *g)
{
  double segments = g->segments >= 1 ? g->segments : 1;
  double verifier_pay = g->verifiers * g->verify_prob * g->fee_usd / segments;
  return g->fee_usd * (1 - g->treasury_cut) - verifier_pay;
}

double verify_game_strategy_detect_prob(const struct verify_game_params *g, int strategy)
{
  double p = g->verify_prob, checking = 1 - g->lazy_verifiers;
  switch (strategy) {
  case 0:
    return 0; /* flags on noise are disputes the honest solver wins */
  case 1:
    return verify_game_detect_prob(
      p, g->verifiers,
      checking * verify_game_flag_prob(g->threshold_sigmas, g->lazy_skip * g->lazy_divergence));
  case 2:
    return verify_game_detect_prob(p, g->verifiers, checking);
  case 3:
    return verify_game_detect_prob(p, g->verifiers, checking - g->colluding_verifiers);
  default:
    return NAN;
  }
}

double verify_game_expected_profit(const struct verify_game_params *g, int strategy)
{
  static const double work[] = {1, -1, 0, 0}; /* -1: lazy, 1 - lazy_skip */
  if (strategy < 0 || strategy > 3)
    return NAN;
  double detect = verify_game_strategy_detect_prob(g, strategy);
  double done = work[strategy] < 0 ? 1 - g->lazy_skip : work[strategy];
  return (1 - detect) * verify_game_solver_pay(g) - done * g->cost_usd -
         detect * g->slash_fraction * g->deposit_usd;
}
