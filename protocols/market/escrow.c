/* escrow.c: a lease's streaming escrow account (escrow.h). */
#include "protocols/market/escrow.h"

#include <math.h>

void escrow_open(struct escrow *e, double deposit, double rate_per_block, long height)
{
  *e = (struct escrow){.deposited = deposit, .balance = deposit,
                       .rate_per_block = rate_per_block, .settled_at = height};
}

double escrow_settle(struct escrow *e, long height)
{
  if (e->closed || e->overdrawn || height <= e->settled_at)
    return 0;
  long blocks = height - e->settled_at;
  double owed = e->rate_per_block * (double)blocks;
  double pay = owed;
  if (owed > e->balance) {
    pay = e->balance;
    e->overdrawn = true;
    blocks = e->rate_per_block > 0 ? (long)floor(pay / e->rate_per_block) : blocks;
  }
  e->balance -= pay;
  if (e->balance < 0) /* rounding: never below zero, never more than deposited */
    e->balance = 0;
  e->paid += pay;
  e->paid_blocks += blocks;
  e->settled_at = height;
  return pay;
}

double escrow_close(struct escrow *e, long height)
{
  if (e->closed)
    return 0;
  escrow_settle(e, height);
  double refund = e->balance;
  e->refunded += refund;
  e->balance = 0;
  e->closed = true;
  return refund;
}
