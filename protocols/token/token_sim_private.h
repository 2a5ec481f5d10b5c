/* token_sim_private.h: the token simulation's state, shared by token_sim.c (genesis, events)
 * and token_epoch.c (the epoch loop). Not for other modules. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_SIM_PRIVATE_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_SIM_PRIVATE_H

#include <gsl/gsl_rng.h>

#include "protocols/token/amm.h"
#include "protocols/token/controller.h"
#include "protocols/token/token_sim.h"
#include "protocols/token/treasury.h"
#include "protocols/token/vesting.h"
#include "protocols/token/yuma.h"

/* Default bound on the entrants a run keeps slots for (75 bytes each): beyond it entries are
 * refused and counted. */
#define TOKEN_SIM_MAX_ENTRANTS 4e6

struct token_sim {
  struct token_config c;
  struct emission em;
  struct controller pid;
  struct amm pool;
  struct token_books books;
  struct treasury tr;
  operators_t *ops;
  vesting_stream_t *vest;
  staking_cooldown_t *cool;
  yuma_t *yuma;
  gsl_rng *rng;
  size_t epoch, n_epochs;
  struct vesting_schedule alloc[TOKEN_ALLOC_COUNT];
  double alloc_released[TOKEN_ALLOC_COUNT];
  double investor_liquid;       /* unlocked investor tokens not yet sold (in BOOK_MARKET) */
  double entry_acc;             /* fractional entrants carried over */
  double revenue_ema;           /* network revenue per honest GPU-hour (USD), trailing */
  double demand0;               /* GPU-hours per hour at launch */
  int32_t *catch_head, *catch_next; /* sybils caught per epoch */
  /* this epoch's events from other layers */
  double ev_buyback_usd, ev_treasury_usd, ev_burn_usd, ev_user_usd;
  double ev_served;             /* GPU-hours the network served (network_demand) */
  double ev_fee_tokens;         /* protocol fees that reached a pool */
  double ev_reward[TOKEN_REWARD_SOURCES]; /* protocol rewards credited, funded at the step */
  double escrow[TOKEN_REWARD_SOURCES];    /* each pool's share of BOOK_PROTOCOL */
  double rewards_minted;        /* this epoch's rewards no pool could fund */
  double unstaking;             /* tokens entering the cooldown this epoch */
  long caught, left, refused;
  /* outputs */
  double *class_nodes, *class_rev, *class_profit;
  double *yw, *ystake, *ycount; /* Yuma weights (validators x groups), stakes, multiplicities */
  double *group_served;         /* GPU-hours served per group this epoch */
  size_t *class_order;          /* classes by the price users pay, cheapest first */
  double *class_weight;         /* launch counts, to pick an entrant's class */
  double *group_weight;         /* scratch: each group's share of operator rewards */
  double emitted, entered;      /* this epoch */
  double offered_tokens;        /* this epoch's tokens for operators, given or not */
  double burned_mark;           /* BOOK_BURNED when the last epoch ended */
  struct token_epoch last;
};

/* Adds one operator of class k, cost bin b, taking its stake from book `from` (BOOK_POOL: it
 * buys it in the market). False when the table is full. */
bool token_sim_add_operator(struct token_sim *s, size_t k, size_t b, bool sybil, double t,
                            enum token_book from);
/* Removes operator i at t and queues its remaining stake for the cooldown. */
void token_sim_leave(struct token_sim *s, size_t i, double t);
/* Splits a user's payment of price_usd into fees (recorded for the epoch) and the provider's
 * share (*provider_usd); returns what the user paid in all. */
double token_sim_pay(struct token_sim *s, double price_usd, double *provider_usd);
double token_sim_required_stake(const struct token_sim *s, const struct token_class *k);

#endif
