/* mempool.h: pending transactions of one shard, counted in batches.
 *
 * Clients' transactions arrive as a Poisson process; the mempool draws the number that arrive
 * in each tick (gsl_ran_poisson) lazily, when the proposer looks, and keeps a FIFO of
 * (arrival time, count) batches. A block takes whole or partial batches from the front;
 * a lost round puts them back in front. Nothing is stored per transaction. */
#ifndef DEPINSIM_PROTOCOLS_LEDGER_MEMPOOL_H
#define DEPINSIM_PROTOCOLS_LEDGER_MEMPOOL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct tx_batch {
  double arrival; /* seconds: the end of the tick they arrived in */
  double count;
};

typedef struct mempool mempool_t;

/* A mempool fed at rate_per_s in ticks of tick_s, drawing from rng (borrowed). */
mempool_t *mempool_new(double rate_per_s, double tick_s, gsl_rng *rng);
void mempool_free(mempool_t *m);

/* Draws the arrivals of every tick that ended by time now. */
void mempool_fill(mempool_t *m, double now);
/* Takes up to max transactions from the front into out (an array that grows; *n_out batches,
 * *cap_out its capacity). Returns the number taken. */
double mempool_take(mempool_t *m, double max, struct tx_batch **out, size_t *n_out,
                    size_t *cap_out);
/* Puts batches back at the front, in their order. */
void mempool_return(mempool_t *m, const struct tx_batch *b, size_t n);
/* Appends count transactions that arrived at time `arrival` (not before the last batch's) at
 * the back, as from a client outside the Poisson stream (the DA layer's acceptance
 * transactions); they count as arrived. Call mempool_fill(m, arrival) first so earlier ticks
 * stay in front. Cannot fail (out of memory asserts). */
void mempool_push(mempool_t *m, double arrival, double count);
/* Transactions waiting. */
double mempool_backlog(const mempool_t *m);
/* Transactions that have arrived in total. */
double mempool_arrived(const mempool_t *m);

#endif
