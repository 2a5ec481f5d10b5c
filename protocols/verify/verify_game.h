/* verify_game.h: the closed forms of the verification game: detection probabilities, the
 * distance test verifiers apply, the replication baseline and each strategy's expected profit.
 *
 * Pure arithmetic (no SimGrid), so the layer's measurements can be checked against it.
 *
 * Distances. Re-running a segment on other hardware does not give bit-identical weights:
 * Gensyn's verifiers compare the distance between the solver's checkpoint and their own
 * against a threshold built by profiling the segment with different seeds. We measure
 * distances in units of that profiled noise: an honest re-run is |N(0, 1)|, a lazy solver that
 * skipped a fraction f of the segment's work is |f x divergence + N(0, 1)|, a wrong result
 * (malicious, colluding, forced error) is always beyond the threshold. A check flags when the
 * distance exceeds threshold_sigmas. The litepaper gives no numbers: threshold, divergence
 * and the lazy fraction are scenario parameters.
 *
 * Detection. Each of k verifier slots of a task is filled with probability p (verify_prob);
 * a filled slot re-runs one segment and flags a bad one with probability q, so a bad result
 * escapes all k with probability (1 - p q)^k. For a wrong result q = 1: 1 - (1 - p)^k. */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_VERIFY_GAME_H
#define DEPINSIM_PROTOCOLS_VERIFY_VERIFY_GAME_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* 1 - (1 - p q)^k: a bad result is caught by at least one of k slots. Cannot fail. */
double verify_game_detect_prob(double p, int k, double q);

/* Probability that a check flags a segment whose distance is shifted by shift_sigmas:
 * P(|shift + N(0,1)| > threshold). shift 0 gives the false-positive rate of an honest
 * segment. Cannot fail. */
double verify_game_flag_prob(double threshold_sigmas, double shift_sigmas);

/* One distance draw for a segment shifted by shift_sigmas (INFINITY for a wrong result),
 * from rng (borrowed). */
double verify_game_distance(gsl_rng *rng, double shift_sigmas);

/* Profiling: the noise scale is estimated from `runs` seeded re-runs of a segment, each a
 * distance |N(0,1)| in units of the true scale, as s = sqrt(mean of their squares); the
 * threshold is threshold_sigmas x s (in units of the true scale). runs 0: the scale is known,
 * the threshold is threshold_sigmas. Draws from rng (borrowed). */
double verify_game_profiled_threshold(gsl_rng *rng, double threshold_sigmas, int runs);

/* The false-positive rate of an honest segment against a profiled threshold: Z / s follows
 * Student's t with `runs` degrees of freedom, so 2 P(T_runs > threshold_sigmas); runs 0 gives
 * the known-scale 2 P(Z > threshold_sigmas). Cannot fail. */
double verify_game_false_positive_prob(double threshold_sigmas, int runs);

/* Replication baseline: k independent re-executions of work that took useful_s GPU-seconds,
 * where replica_s[i] (n values) are the GPU-seconds each replica took. Returns the extra GPU
 * time over the useful time (k replicas of identical hardware: exactly k). Returns 0 when
 * useful_s <= 0. */
double verify_game_replication_overhead(const double *replica_s, size_t n, double useful_s);

/* The solver's side of the game for one task, in USD. */
struct verify_game_params {
  double verify_prob;          /* p */
  int verifiers;               /* k slots */
  double threshold_sigmas;     /* distance threshold */
  double lazy_skip;            /* fraction of work a lazy solver skips */
  double lazy_divergence;      /* distance (sigmas) per unit of skipped work */
  double fee_usd;              /* what the submitter pays */
  double treasury_cut;         /* share of the fee to the treasury */
  double segments;             /* segments the task is checkpointed in */
  double cost_usd;             /* the solver's cost of the full training */
  double deposit_usd;          /* the solver's deposit */
  double slash_fraction;       /* of the deposit, when a fault is proven */
  double colluding_verifiers;  /* share of verifiers that approve a cartel solver's result */
  double lazy_verifiers;       /* share of verifiers that approve anything without re-running */
};

/* What a solver keeps of the fee when every check passes: fee x (1 - cut) minus the expected
 * pay of its verifiers (each filled slot is paid fee / segments, the work it re-ran). */
double verify_game_solver_pay(const struct verify_game_params *g);

/* Expected profit per task of a solver following the strategy (0 honest, 1 lazy, 2 malicious,
 * 3 colluding, the order of enum behavior): (1 - P) pay - work x cost - P x slash x deposit,
 * with P the strategy's detection probability and work the fraction of the training it does
 * (honest 1, lazy 1 - lazy_skip, malicious and colluding 0). Whistleblowers are left out
 * (they only re-check verifiers, so against honest verifiers they add nothing). Returns NAN
 * for an unknown strategy. */
double verify_game_expected_profit(const struct verify_game_params *g, int strategy);

/* The strategy's detection probability used above: 1 - (1 - p q)^k where a check flags with
 * q = (share of verifiers that check) x (the strategy's flag probability). NAN for an unknown
 * strategy. */
double verify_game_strategy_detect_prob(const struct verify_game_params *g, int strategy);

#endif
