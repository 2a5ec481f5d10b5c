/* staking.h: stake requirements, the unstake cooldown and slashing.
 *
 * io.net asks 200 IO x max(1, multiplier) per GPU (an 8xH100 node, multiplier 10: 16,000 IO)
 * and holds unstaked tokens 14 days. A proven fault slashes a fraction of the stake and splits
 * it between burn, the whistleblower and the treasury; no protocol we follow publishes these
 * fractions, so they are parameters. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_STAKING_H
#define DEPINSIM_PROTOCOLS_TOKEN_STAKING_H

#include <stddef.h>

/* io.net docs (staking). */
#define STAKING_IONET_MIN_TOKENS_PER_GPU 200.0
#define STAKING_IONET_COOLDOWN_S (14.0 * 86400.0)

/* Tokens an operator of gpus GPUs must stake. Cannot fail. */
static inline double staking_required(double min_tokens_per_gpu, double multiplier, double gpus)
{
  return min_tokens_per_gpu * (multiplier > 1 ? multiplier : 1) * gpus;
}

struct slash_params {
  double fraction;                         /* of the stake, per proven fault */
  double to_burn, to_whistleblower, to_treasury; /* shares of the slashed amount, sum 1 */
};

struct slash_result {
  double slashed, burned, whistleblower, treasury;
};

/* NULL when valid, else a static message. */
const char *staking_slash_check(const struct slash_params *p);
/* Slashes one fault from *stake (reduced in place); returns where the tokens go. The burned,
 * whistleblower and treasury parts sum to slashed exactly. Cannot fail. */
struct slash_result staking_slash(const struct slash_params *p, double *stake);

/* Unstaked tokens waiting out the cooldown: a ring of n epochs; what is queued in epoch e
 * comes out in epoch e + n. */
typedef struct staking_cooldown staking_cooldown_t;
/* NULL when out of memory. Free with staking_cooldown_free. */
staking_cooldown_t *staking_cooldown_new(size_t n_epochs);
void staking_cooldown_free(staking_cooldown_t *c);
/* Queues tokens this epoch and returns those whose cooldown ends this epoch. */
double staking_cooldown_step(staking_cooldown_t *c, double tokens);
double staking_cooldown_pending(const staking_cooldown_t *c);

#endif
