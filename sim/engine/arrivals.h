/* arrivals.h: a Poisson arrival queue counted in batches, not items.
 *
 * Items (a shard's transactions, DA blobs, storage writes) arrive as a Poisson process; the
 * queue draws the number that arrive in each tick (gsl_ran_poisson) lazily, when its consumer
 * looks, and keeps a FIFO of (arrival time, count) batches. A consumer (a block, a dispersal
 * round) takes whole or partial batches from the front; one that fails puts them back in
 * front. Nothing is stored per item, so a queue costs the same at any rate. */
#ifndef DEPINSIM_SIM_ENGINE_ARRIVALS_H
#define DEPINSIM_SIM_ENGINE_ARRIVALS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct arrival_batch {
  double arrival; /* seconds: the end of the tick they arrived in */
  double count;
};

typedef struct arrivals arrivals_t;

/* A queue fed at rate_per_s in ticks of tick_s, drawing from rng (borrowed). */
arrivals_t *arrivals_new(double rate_per_s, double tick_s, gsl_rng *rng);
void arrivals_free(arrivals_t *m);

/* Draws the arrivals of every tick that ended by time now. */
void arrivals_fill(arrivals_t *m, double now);
/* The same, calling on_batch(ctx, batch) for each batch drawn, in order (a layer that moves
 * arrivals over the network: the ledger's mempool gossip). */
void arrivals_fill_each(arrivals_t *m, double now,
                        void (*on_batch)(void *ctx, struct arrival_batch b), void *ctx);
/* Takes up to max items from the front into out (an array that grows; *n_out batches,
 * *cap_out its capacity). Returns the number taken. */
double arrivals_take(arrivals_t *m, double max, struct arrival_batch **out, size_t *n_out,
                    size_t *cap_out);
/* Puts batches back at the front, in their order. */
void arrivals_return(arrivals_t *m, const struct arrival_batch *b, size_t n);
/* Appends count items that arrived at time `arrival` (not before the last batch's) at
 * the back, as from a client outside the Poisson stream (the DA layer's acceptance
 * transactions); they count as arrived. Call arrivals_fill(m, arrival) first so earlier ticks
 * stay in front. Cannot fail (out of memory asserts). */
void arrivals_push(arrivals_t *m, double arrival, double count);
/* Items waiting. */
double arrivals_backlog(const arrivals_t *m);
/* Items that have arrived in total. */
double arrivals_arrived(const arrivals_t *m);

#endif
