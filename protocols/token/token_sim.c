/* token_sim.c: the token simulation's genesis, lifecycle and events (see token_sim.h); the
 * epoch loop is in token_epoch.c. */
#include "protocols/token/token_sim.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/token/token_sim_private.h"

double token_sim_required_stake(const struct token_sim *s, const struct token_class *k)
{
  return staking_required(s->c.min_stake_per_gpu, k->multiplier, k->gpus_per_node);
}

/* Draws when a sybil joining at t will be caught and files it under that epoch. */
static void schedule_catch(struct token_sim *s, long i, double t)
{
  if (s->c.sybil_detect_prob <= 0)
    return;
  unsigned checks = s->c.sybil_detect_prob >= 1 ? 1 : gsl_ran_geometric(s->rng, s->c.sybil_detect_prob);
  double when = t + checks * s->c.sybil_check_interval_s;
  double e = ceil(when / s->c.epoch_s) - 1; /* the epoch whose end passes the check */
  if (e < (double)s->epoch || e >= (double)s->n_epochs)
    return;
  s->catch_next[i] = s->catch_head[(size_t)e];
  s->catch_head[(size_t)e] = (int32_t)i;
}

/* Nodes of class k alive now, honest and sybil. */
static long class_nodes(const struct token_sim *s, size_t k)
{
  const operators_t *o = s->ops;
  long n = o->cohorts[operators_cohort_of(o, k, 0, true)].nodes;
  for (size_t b = 0; b < o->cost_bins; b++)
    n += o->cohorts[operators_cohort_of(o, k, b, false)].nodes;
  return n;
}

bool token_sim_add_operator(struct token_sim *s, size_t k, size_t b, bool sybil, double t,
                         enum token_book from)
{
  const struct token_class *tc = &s->c.classes[k];
  double stake = tc->stake_per_node;
  if (s->ops->n >= s->ops->capacity || tc->max_nodes < 0 ||
      (tc->max_nodes > 0 && class_nodes(s, k) >= tc->max_nodes))
    return false; /* no slot, or every host provisioned for the class is taken */
  if (from == BOOK_POOL && stake > 0) {
    /* An entrant buys its stake from holders of the free float (the market, then operators'
     * unsold rewards) at spot, with no pool impact: a pool of a few million USD cannot supply
     * a growing network's stake, and drawing it from there makes the price run away without
     * bound. Only when the float is exhausted does it buy through the pool, and only below
     * the slippage limit. */
    if (s->books.balance[BOOK_MARKET] >= stake) {
      from = BOOK_MARKET;
    } else if (s->books.balance[BOOK_OPERATORS] >= stake) {
      from = BOOK_OPERATORS;
    } else {
      double usd = amm_quote_buy(&s->pool, stake);
      if (!isfinite(usd) || usd > stake * amm_price(&s->pool) * (1 + s->c.entry_max_slippage))
        return false; /* the market is too thin to buy a stake: no entry */
      stake = fmin(amm_buy(&s->pool, usd), s->books.balance[BOOK_POOL]);
    }
  }
  long i = operators_add(s->ops, operators_cohort_of(s->ops, k, b, sybil), t, stake,
                         token_sim_required_stake(s, tc));
  if (i < 0)
    return false;
  token_books_move(&s->books, from, BOOK_STAKED, stake);
  if (sybil)
    schedule_catch(s, i, t);
  return true;
}

static void genesis(struct token_sim *s)
{
  const struct token_config *c = &s->c;
  double g = c->emission.genesis_tokens, locked = 0;
  for (int a = 0; a < TOKEN_ALLOC_COUNT; a++) {
    s->alloc[a] = (struct vesting_schedule){g * c->alloc[a].share, 0, c->alloc[a].cliff_s,
                                            c->alloc[a].vesting_s};
    if (a != TOKEN_ALLOC_LIQUIDITY)
      locked += s->alloc[a].total;
  }
  token_books_mint(&s->books, BOOK_ALLOCATIONS, locked);
  token_books_mint(&s->books, BOOK_MARKET, g - locked);
  double pool_tokens = c->pool_depth_usd / 2 / c->price_initial, stakes = 0;
  for (size_t k = 0; k < c->n_classes; k++)
    stakes += c->classes[k].count * c->classes[k].stake_per_node;
  double need = pool_tokens + stakes - s->books.balance[BOOK_MARKET];
  if (need > 0) /* genesis too small for the pool and the launch stakes: mint the rest */
    token_books_mint(&s->books, BOOK_MARKET, need);
  if (c->price_fixed)
    amm_init_fixed(&s->pool, c->price_initial, pool_tokens);
  else
    amm_init_pool(&s->pool, c->pool_depth_usd, c->price_initial, c->pool_fee);
  token_books_move(&s->books, BOOK_MARKET, BOOK_POOL, pool_tokens);
  double real_gpus = 0;
  for (size_t k = 0; k < c->n_classes; k++) {
    const struct token_class *tc = &c->classes[k];
    for (long n = 0; n < tc->count; n++) {
      /* sybils spread evenly through the class; cost bins round-robin */
      bool sybil = floor((n + 1) * tc->sybil_fraction) > floor(n * tc->sybil_fraction);
      token_sim_add_operator(s, k, (size_t)n % s->ops->cost_bins, sybil, 0, BOOK_MARKET);
      real_gpus += sybil ? 0 : tc->gpus_per_node * tc->availability;
    }
  }
  s->demand0 = c->demand_gpu_h_per_h >= 0 ? c->demand_gpu_h_per_h : 0.5 * real_gpus;
  s->tr = (struct treasury){.usd = c->treasury_usd,
                            .burn_usd_per_s = c->treasury_burn_usd_per_month * 12 /
                                              EMISSION_YEAR_S};
}

token_sim_t *token_sim_new(const struct token_config *c)
{
  if (token_config_check(c))
    return NULL;
  struct token_sim *s = calloc(1, sizeof *s);
  if (!s)
    goto fail;
  s->c = *c;
  s->n_epochs = (size_t)ceil(c->horizon_s / c->epoch_s - 1e-9);
  size_t launch = 0;
  for (size_t k = 0; k < c->n_classes; k++)
    launch += (size_t)c->classes[k].count;
  /* one slot per operator that ever takes part: launch plus every entry the rate allows */
  double entries = fmin(c->entry_rate_per_s * c->horizon_s,
                        c->max_growth_per_day * c->horizon_s / EMISSION_DAY_S);
  size_t cap = c->max_operators ? c->max_operators
                                : launch + (size_t)fmin(entries + 16, TOKEN_SIM_MAX_ENTRANTS);
  if (cap < launch)
    cap = launch;
  size_t ng = 2 * c->n_classes;
  s->ops = operators_new(c->classes, c->n_classes, cap, c->cost_bins, c->cost_spread);
  bool vests = c->emission.kind == EMISSION_FILECOIN && c->emission.fil_immediate_share < 1;
  s->vest = vesting_stream_new(vests ? (size_t)llround(c->emission.fil_vest_s / c->epoch_s) : 0);
  s->cool = staking_cooldown_new((size_t)llround(c->cooldown_s / c->epoch_s));
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  s->catch_head = malloc(s->n_epochs * sizeof *s->catch_head);
  s->catch_next = malloc(cap * sizeof *s->catch_next);
  s->class_nodes = calloc(c->n_classes + 1, sizeof(double));
  s->class_rev = calloc(c->n_classes + 1, sizeof(double));
  s->class_profit = calloc(c->n_classes + 1, sizeof(double));
  s->group_served = calloc(ng + 1, sizeof(double));
  s->class_order = calloc(c->n_classes + 1, sizeof(size_t));
  s->class_weight = calloc(c->n_classes + 1, sizeof(double));
  s->group_weight = calloc(ng + 1, sizeof(double));
  if (!s->class_order || !s->class_weight || !s->group_weight || !s->ops || !s->vest || !s->cool || !s->rng || !s->catch_head || !s->catch_next ||
      !s->class_nodes || !s->class_rev || !s->class_profit || !s->group_served)
    goto fail;
  if (c->emission.kind == EMISSION_BITTENSOR && ng > 0) {
    s->yuma = yuma_new(c->validators, ng, YUMA_KAPPA, YUMA_BOND_ALPHA);
    s->yw = calloc(c->validators * ng, sizeof(double));
    s->ystake = calloc(c->validators, sizeof(double));
    s->ycount = calloc(ng, sizeof(double));
    if (!s->yuma || !s->yw || !s->ystake || !s->ycount)
      goto fail;
  }
  gsl_rng_set(s->rng, (unsigned long)c->seed);
  for (size_t k = 0; k < c->n_classes; k++) { /* insertion sort by cost: few classes */
    size_t j = k;
    while (j > 0 && c->classes[s->class_order[j - 1]].cost_per_gpu_hour >
                      c->classes[k].cost_per_gpu_hour) {
      s->class_order[j] = s->class_order[j - 1];
      j--;
    }
    s->class_order[j] = k;
    s->class_weight[k] = (double)c->classes[k].count + 1e-9; /* an empty class may still grow */
  }
  for (size_t e = 0; e < s->n_epochs; e++)
    s->catch_head[e] = -1;
  emission_init(&s->em, &c->emission);
  controller_init(&s->pid, c->kp, c->ki, c->kd, -1.0, c->control_max);
  genesis(s);
  return s;
fail:
  token_sim_free(s);
  return NULL;
}

void token_sim_free(token_sim_t *s)
{
  if (!s)
    return;
  operators_free(s->ops);
  vesting_stream_free(s->vest);
  staking_cooldown_free(s->cool);
  yuma_free(s->yuma);
  if (s->rng)
    gsl_rng_free(s->rng);
  free(s->catch_head);
  free(s->catch_next);
  free(s->class_nodes);
  free(s->class_rev);
  free(s->class_profit);
  free(s->group_served);
  free(s->class_order);
  free(s->class_weight);
  free(s->group_weight);
  free(s->yw);
  free(s->ystake);
  free(s->ycount);
  free(s);
}

static bool known(const token_sim_t *s, size_t op)
{
  return op < s->ops->n && (s->ops->flags[op] & OPERATOR_ALIVE);
}

/* A user's payment: provider share to the operator, fees to buy-back and treasury (or, for
 * BME, the fee to the treasury and the rest burned). */
double token_sim_pay(token_sim_t *s, double price_usd, double *provider_usd)
{
  if (s->c.bme) {
    double fee;
    s->ev_burn_usd += fees_bme(price_usd, s->c.bme_fee, &fee);
    s->ev_treasury_usd += fee;
    *provider_usd = 0;
    return price_usd;
  }
  struct fee_split f = fees_split(&s->c.fees, price_usd);
  s->ev_buyback_usd += f.buyback_usd;
  s->ev_treasury_usd += f.treasury_usd;
  *provider_usd = f.provider_usd;
  return f.user_usd;
}

void token_sim_payment(token_sim_t *s, size_t op, double usd)
{
  if (!known(s, op) || !(usd > 0) || !isfinite(usd))
    return;
  double provider;
  s->ev_user_usd += token_sim_pay(s, usd, &provider);
  operators_credit_usd(s->ops, op, provider);
  s->ops->groups[s->ops->cohorts[s->ops->cohort[op]].group].epoch_usd += provider;
}

void token_sim_served(token_sim_t *s, size_t op, double gpu_hours)
{
  if (!known(s, op) || !(gpu_hours > 0) || !isfinite(gpu_hours))
    return;
  s->group_served[s->ops->cohorts[s->ops->cohort[op]].group] += gpu_hours;
  s->ev_served += gpu_hours;
}

void token_sim_fee(token_sim_t *s, enum token_reward_source source, double tokens)
{
  if (!(tokens > 0) || !isfinite(tokens) || (unsigned)source >= TOKEN_REWARD_SOURCES)
    return;
  double held = fmin(tokens, s->books.balance[BOOK_MARKET]), bought = 0;
  token_books_move(&s->books, BOOK_MARKET, BOOK_PROTOCOL, held);
  if (held < tokens) { /* users short of tokens buy the rest, as BME users do */
    double usd = amm_quote_buy(&s->pool, tokens - held);
    if (isfinite(usd))
      bought = fmin(amm_buy(&s->pool, usd), s->books.balance[BOOK_POOL]);
    token_books_move(&s->books, BOOK_POOL, BOOK_PROTOCOL, bought);
  }
  s->escrow[source] += held + bought;
  s->ev_fee_tokens += held + bought;
}

double token_sim_reward(token_sim_t *s, size_t op, enum token_reward_source source,
                        double tokens)
{
  if (!known(s, op) || !(tokens > 0) || !isfinite(tokens) ||
      (unsigned)source >= TOKEN_REWARD_SOURCES)
    return 0;
  operators_credit_tokens(s->ops, op, tokens);
  s->ops->groups[s->ops->cohorts[s->ops->cohort[op]].group].epoch_tokens += tokens;
  s->ev_reward[source] += tokens;
  return tokens;
}

void token_sim_leave(token_sim_t *s, size_t i, double t)
{
  operators_remove(s->ops, i, t);
  s->unstaking += s->ops->stake[i];
  token_books_move(&s->books, BOOK_STAKED, BOOK_COOLDOWN, s->ops->stake[i]);
  s->ops->stake[i] = 0;
  s->left++;
}

void token_sim_fault(token_sim_t *s, size_t op)
{
  if (!known(s, op))
    return;
  struct slash_result r = staking_slash(&s->c.slash, &s->ops->stake[op]);
  token_books_burn(&s->books, BOOK_STAKED, r.burned);
  token_books_move(&s->books, BOOK_STAKED, BOOK_MARKET, r.whistleblower);
  token_books_move(&s->books, BOOK_STAKED, BOOK_TREASURY, r.treasury);
  const struct token_class *tc = &s->c.classes[s->ops->groups[s->ops->cohorts[s->ops->cohort[op]].group].cls];
  if (s->ops->stake[op] < token_sim_required_stake(s, tc) * (1 - 1e-12))
    operators_set_eligible(s->ops, op, false);
}

void token_sim_evict(token_sim_t *s, size_t op)
{
  if (!known(s, op))
    return;
  token_sim_leave(s, op, (double)s->epoch * s->c.epoch_s);
  s->caught++;
}
