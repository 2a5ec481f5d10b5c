/* treasury.c: the foundation's cash flows and runway. */
#include "protocols/token/treasury.h"

#include <math.h>

double treasury_expenses(struct treasury *t, double dt_s)
{
  double due = t->burn_usd_per_s * dt_s;
  double paid = fmin(due, t->usd);
  t->usd -= paid;
  t->spent_usd += paid;
  return due - paid;
}

void treasury_settle(struct treasury *t, double owed_usd, double paid_usd)
{
  double used = fmin(owed_usd, paid_usd);
  t->spent_usd += used;
  t->usd += paid_usd - used; /* a sale rounding above what was owed stays as cash */
  t->unpaid_usd += owed_usd - used;
}

double treasury_runway_s(const struct treasury *t, double tokens, double price)
{
  if (t->burn_usd_per_s <= 0)
    return INFINITY;
  return (t->usd + tokens * price) / t->burn_usd_per_s;
}
