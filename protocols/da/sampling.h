/* sampling.h: PoDAS, 0G's data availability sampling, as closed forms and one round's draw.
 *
 * Every period (30 blocks) each slot is challenged on a random 1 KiB sub-line of a row it
 * should hold. Challenges are uniform over rows, so a node missing a fraction m of its rows
 * fails each challenge with probability m, and n challenges catch it with probability
 * 1 - (1 - m)^n. Answers that pass are valid submissions when their quality hash is below the
 * target; the target follows 0G's rule target -= target x (actual - 20) / 20 / 8, here as the
 * probability that an answer qualifies. Each valid submission is paid pool / 1,200,000 plus a
 * base reward. No slashing: PoDAS is reward-only. */
#ifndef DEPINSIM_PROTOCOLS_DA_SAMPLING_H
#define DEPINSIM_PROTOCOLS_DA_SAMPLING_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* Probability that `samples` uniform challenges hit at least one missing row when a fraction
 * `missing` of the rows is missing. Cannot fail. */
double sampling_detect_probability(double missing, double samples);

/* One challenge to a node that was sent `owed` rows and stored `stored` of them: true when it
 * answers (the challenged row is there). Draws one uniform from rng (borrowed). */
bool sampling_challenge(gsl_rng *rng, double owed, double stored);

/* 0G's target update after a round with `actual` valid submissions, for a target in (0, 1]
 * read as the probability that an answer qualifies; clamped to [1e-12, 1]. */
double sampling_next_target(double target, double actual, long target_submits);

#endif
