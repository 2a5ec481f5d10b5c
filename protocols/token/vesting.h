/* vesting.h: tokens that unlock over time: allocations with a cliff and linear vesting, and
 * streams of rewards that vest linearly (Filecoin's 75% over 180 days).
 *
 * A stream keeps one tranche per epoch in a ring of n epochs: a tranche locked in epoch e
 * releases 1/n of itself in each of epochs e+1 .. e+n, so what an epoch releases is the sum of
 * the last n tranches over n, kept as a running sum (recomputed each lap to stop drift). */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_VESTING_H
#define DEPINSIM_PROTOCOLS_TOKEN_VESTING_H

#include <stddef.h>

/* An allocation: total tokens, nothing before start + cliff, then total x (t - start) /
 * duration up to total (the cliff releases what has accrued by then; duration 0 releases all
 * at the cliff). */
struct vesting_schedule {
  double total, start_s, cliff_s, duration_s;
};

/* Tokens unlocked by time t. Cannot fail. */
double vesting_unlocked(const struct vesting_schedule *v, double t_s);

typedef struct vesting_stream vesting_stream_t;

/* A stream vesting each tranche over n_epochs (0: released at once). NULL when out of
 * memory. Free with vesting_stream_free. */
vesting_stream_t *vesting_stream_new(size_t n_epochs);
void vesting_stream_free(vesting_stream_t *s);
/* Locks `tranche` tokens this epoch and returns what the stream releases this epoch (from
 * earlier tranches; with n_epochs 0, the tranche itself). Cannot fail. */
double vesting_stream_step(vesting_stream_t *s, double tranche);
/* Tokens still locked. */
double vesting_stream_locked(const vesting_stream_t *s);

#endif
