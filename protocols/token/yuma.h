/* yuma.h: Bittensor's Yuma consensus, turning validators' weights on miners into miner
 * incentive and validator dividends.
 *
 * One epoch, after opentensor/subtensor's epoch(): stakes are normalised; each validator's
 * weights are normalised to sum to 1 over all miners; a miner's consensus weight is the
 * stake-weighted median of the weights it got at kappa (the largest w such that validators
 * holding at least kappa of the stake gave it >= w); weights above consensus are clipped;
 * rank R_j = sum_i s_i min(w_ij, c_j), incentive I = R / sum R, trust T_j = R_j / sum_i s_i
 * w_ij; bonds move as an exponential average B = alpha dB + (1 - alpha) B with dB_ij = s_i
 * min(w_ij, c_j) normalised per miner; dividends D_i = sum_j B_ij I_j normalised.
 *
 * Miners may carry a multiplicity (count_j identical miners in one column), which lets the
 * token simulation run Yuma over groups of identical operators without changing the answer:
 * normalisations then count each column count_j times. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_YUMA_H
#define DEPINSIM_PROTOCOLS_TOKEN_YUMA_H

#include <stddef.h>

/* subtensor defaults: kappa 0.5 (32767/65535), bonds moving average 0.9 (alpha = 0.1). */
#define YUMA_KAPPA 0.5
#define YUMA_BOND_ALPHA 0.1

typedef struct yuma yuma_t;

/* A Yuma instance for n_val validators and n_miners miner columns, with zero bonds. Returns
 * NULL when a size is 0 or memory runs out. Free with yuma_free. */
yuma_t *yuma_new(size_t n_val, size_t n_miners, double kappa, double bond_alpha);
void yuma_free(yuma_t *y);

/* Runs one epoch. stake: n_val values >= 0 (not all 0); weights: n_val x n_miners row-major,
 * >= 0 (a validator with all zero weights takes no part in ranking); count: n_miners
 * multiplicities or NULL for all 1. Borrowed for the call. Updates the bonds. Cannot fail. */
void yuma_epoch(yuma_t *y, const double *stake, const double *weights, const double *count);

/* Results of the last epoch, borrowed until the next epoch or yuma_free: per miner column
 * (incentive of ONE miner of the column; sum_j count_j I_j = 1 unless nothing was ranked) */
const double *yuma_consensus(const yuma_t *y);
const double *yuma_incentive(const yuma_t *y);
const double *yuma_trust(const yuma_t *y);
/* per validator (sum 1 unless no bonds), and the bond matrix n_val x n_miners */
const double *yuma_dividends(const yuma_t *y);
const double *yuma_bonds(const yuma_t *y);

#endif
