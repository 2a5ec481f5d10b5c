/* treasury.h: the foundation's treasury: a share of protocol revenue in, a cash burn out,
 * tokens sold when the USD runs short, and the runway that leaves.
 *
 * As in OutlierVentures' DePINSimulator (radCAD), the foundation spends a fixed USD burn rate;
 * it pays from its USD first and sells tokens at the market for the rest. Runway is what it
 * holds (USD plus tokens at the current price) over the burn rate. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TREASURY_H
#define DEPINSIM_PROTOCOLS_TOKEN_TREASURY_H

struct treasury {
  double usd;                 /* cash held */
  double revenue_share;       /* of protocol fees not spent on buy-back */
  double burn_usd_per_s;      /* operating expenses */
  double spent_usd;           /* total paid out so far */
  double unpaid_usd;          /* expenses it could not pay (ran dry) */
};

/* Pays dt seconds of expenses: from USD, and returns the USD still owed, which the caller
 * raises by selling treasury tokens and hands back with treasury_settle. Cannot fail. */
double treasury_expenses(struct treasury *t, double dt_s);
/* Records owed USD paid from a token sale (paid_usd) and what stayed unpaid. */
void treasury_settle(struct treasury *t, double owed_usd, double paid_usd);
/* Seconds of expenses it can still pay with usd + tokens x price; INFINITY without a burn. */
double treasury_runway_s(const struct treasury *t, double tokens, double price);

#endif
