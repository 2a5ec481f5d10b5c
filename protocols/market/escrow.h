/* escrow.h: Akash's streaming escrow for one lease, settled lazily by block height.
 *
 * The tenant deposits up front; the lease owes rate x (height - settled_at) since its last
 * settlement (Akash x/escrow: payments accrue per block, settlement is lazy). Settling pays
 * what is owed if the balance covers it; otherwise it pays the whole balance and marks the
 * account overdrawn, and the market closes the lease "insufficient funds". Closing settles
 * and refunds what is left. The account never pays out more than was deposited. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_ESCROW_H
#define DEPINSIM_PROTOCOLS_MARKET_ESCROW_H

#include <stdbool.h>

struct escrow {
  double deposited;        /* total put in by the tenant */
  double balance;          /* deposited - paid - refunded */
  double paid;             /* to the provider so far */
  double refunded;         /* returned to the tenant at close */
  double rate_per_block;   /* what the lease costs a block */
  long settled_at;         /* height of the last settlement */
  long paid_blocks;        /* blocks fully paid for */
  bool overdrawn, closed;
};

/* Opens an account at height with a deposit and a rate (both >= 0). Cannot fail. */
void escrow_open(struct escrow *e, double deposit, double rate_per_block, long height);

/* Settles up to height (>= settled_at): pays min(owed, balance) and returns it. When the
 * balance does not cover what is owed, the account is overdrawn (and pays no more after).
 * A closed account pays nothing. Cannot fail. */
double escrow_settle(struct escrow *e, long height);

/* Settles up to height, closes the account and returns the refund (the balance left).
 * Closing twice refunds nothing the second time. */
double escrow_close(struct escrow *e, long height);

#endif
