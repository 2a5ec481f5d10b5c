/* token_epoch.c: one epoch of the token economy, in the order token_sim.h describes, and the
 * summaries over all operators. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "protocols/token/inequality.h"
#include "protocols/token/token_sim_private.h"

static inline double epoch_hours(const struct token_sim *s)
{
  return s->c.epoch_s / EMISSION_HOUR_S;
}

/* With network_demand, what the simulated network served (recorded before the step; users'
 * payments are already in ev_user_usd) against the honest GPUs' real capacity. */
static double network_served(struct token_sim *s, double *user_usd, double *capacity)
{
  *user_usd = 0;
  *capacity = 0;
  for (size_t k = 0; k < s->c.n_classes; k++)
    *capacity += s->ops->groups[operators_group_of(s->ops, k, false)].gpus *
                 s->c.classes[k].availability * epoch_hours(s);
  return s->ev_served;
}

/* Demand (GPU-hours) fills the real capacity of the cheapest classes first; each served
 * GPU-hour is paid cost x (1 + markup). Returns GPU-hours served; *user_usd what users paid. */
static double serve_demand(struct token_sim *s, double t0, double *user_usd, double *capacity)
{
  double h = epoch_hours(s), left;
  if (s->c.network_demand)
    return network_served(s, user_usd, capacity);
  left = s->demand0 * pow(1 + s->c.demand_growth_per_year, t0 / EMISSION_YEAR_S) * h;
  double served = 0;
  *user_usd = 0;
  *capacity = 0;
  for (size_t r = 0; r < s->c.n_classes; r++) {
    size_t k = s->class_order[r], g = operators_group_of(s->ops, k, false);
    const struct token_class *tc = &s->c.classes[k];
    double cap = s->ops->groups[g].gpus * tc->availability * h, x = fmin(left, cap), provider;
    *capacity += cap;
    if (x <= 0)
      continue;
    *user_usd += token_sim_pay(s, x * tc->cost_per_gpu_hour * (1 + s->c.markup), &provider);
    operators_credit_group(s->ops, g, 0, provider);
    s->group_served[g] = x;
    served += x;
    left -= x;
  }
  return served;
}

/* Buy-back-and-burn and BME burns: buys tokens with the epoch's USD and burns them. */
static void burn(struct token_sim *s)
{
  double usd = s->ev_buyback_usd + s->ev_burn_usd;
  if (usd <= 0)
    return;
  double tokens = amm_buy(&s->pool, usd);
  token_books_burn(&s->books, BOOK_POOL, tokens);
}

static double emit(struct token_sim *s, double t0, double t1, double burned)
{
  if (s->c.control == TOKEN_CONTROL_NONE)
    return emission_epoch(&s->em, t0, t1, burned);
  double rate0 = s->c.control_rate0_per_year;
  if (rate0 <= 0) /* default: the schedule's first year */
    rate0 = s->em.schedule->cumulative(&s->em.p, EMISSION_YEAR_S);
  double error = s->c.control == TOKEN_CONTROL_APR ? s->c.control_setpoint - s->last.apr
                                                   : s->last.utilization - s->c.control_setpoint;
  double u = controller_step(&s->pid, s->epoch ? error : 0, 1.0);
  return fmax(0.0, rate0 * (1 + u) * (t1 - t0) / EMISSION_YEAR_S);
}

/* Yuma over groups of identical miners: honest validators weight the work each miner did
 * (its real capacity when nobody was served), lazy ones the GPUs it claims. */
static void yuma_weights(struct token_sim *s, double *weight)
{
  const operators_t *o = s->ops;
  size_t nv = s->c.validators, ng = o->n_groups;
  size_t lazy = (size_t)llround(s->c.lazy_validator_share * (double)nv);
  double served = 0;
  for (size_t g = 0; g < ng; g++)
    served += s->group_served[g];
  for (size_t g = 0; g < ng; g++) {
    const struct operator_group *gr = &o->groups[g];
    const struct token_class *tc = &s->c.classes[gr->cls];
    double nodes = (double)gr->nodes, real = gr->sybil ? 0 : tc->gpus_per_node * tc->availability;
    double work = served > 0 ? (nodes > 0 ? s->group_served[g] / nodes : 0) : real;
    s->ycount[g] = nodes;
    for (size_t v = 0; v < nv; v++)
      s->yw[v * ng + g] = nodes > 0 ? (v < lazy ? tc->gpus_per_node : work) : 0;
  }
  for (size_t v = 0; v < nv; v++)
    s->ystake[v] = 1.0;
  yuma_epoch(s->yuma, s->ystake, s->yw, s->ycount);
  const double *inc = yuma_incentive(s->yuma);
  for (size_t g = 0; g < ng; g++)
    weight[g] = inc[g] * s->ycount[g];
}

/* Shares `tokens` (already in BOOK_OPERATORS) among groups by availability and work, or by
 * Yuma; what no group can take goes to the treasury. Returns the tokens distributed. */
static double distribute(struct token_sim *s, double tokens)
{
  operators_t *o = s->ops;
  double *weight = s->group_weight, avail = 0, work = 0, given = 0;
  if (s->yuma) {
    yuma_weights(s, weight);
  } else {
    for (size_t g = 0; g < o->n_groups; g++) {
      avail += o->groups[g].gpus * s->c.classes[o->groups[g].cls].availability;
      work += s->group_served[g];
    }
    double ww = work > 0 ? s->c.work_weight : 0;
    for (size_t g = 0; g < o->n_groups; g++) {
      double a = o->groups[g].gpus * s->c.classes[o->groups[g].cls].availability;
      weight[g] = (avail > 0 ? (1 - ww) * a / avail : 0) +
                  (work > 0 ? ww * s->group_served[g] / work : 0);
    }
  }
  for (size_t g = 0; g < o->n_groups; g++)
    if (weight[g] > 0 && operators_credit_group(o, g, tokens * weight[g], 0))
      given += tokens * weight[g];
  given = fmin(given, tokens);
  token_books_move(&s->books, BOOK_OPERATORS, BOOK_TREASURY, tokens - given);
  return given;
}

/* Allocations unlocking this epoch; returns the incentives' part (for operator rewards). */
static double unlock_allocations(struct token_sim *s, double t1)
{
  double incentives = 0;
  for (int a = 0; a < TOKEN_ALLOC_COUNT; a++) {
    if (a == TOKEN_ALLOC_LIQUIDITY)
      continue;
    double now = vesting_unlocked(&s->alloc[a], t1), d = now - s->alloc_released[a];
    if (d <= 0)
      continue;
    s->alloc_released[a] = now;
    if (a == TOKEN_ALLOC_INCENTIVES) {
      token_books_move(&s->books, BOOK_ALLOCATIONS, BOOK_OPERATORS, d);
      incentives = d;
    } else {
      token_books_move(&s->books, BOOK_ALLOCATIONS,
                       a == TOKEN_ALLOC_FOUNDATION ? BOOK_TREASURY : BOOK_MARKET, d);
      if (a == TOKEN_ALLOC_INVESTORS)
        s->investor_liquid += d;
    }
  }
  return incentives;
}

static void sell(struct token_sim *s, enum token_book from, double tokens)
{
  tokens = fmin(tokens, s->books.balance[from]);
  if (tokens <= 0)
    return;
  amm_sell(&s->pool, tokens);
  token_books_move(&s->books, from, BOOK_POOL, tokens);
}

/* Moves the protocol rewards credited this epoch out of their pools to the operators (what a
 * pool cannot fund is minted). Returns them. */
static double fund_protocol_rewards(struct token_sim *s)
{
  double paid = 0;
  for (int r = 0; r < TOKEN_REWARD_SOURCES; r++) {
    double funded = fmin(s->ev_reward[r], s->escrow[r]), short_by = s->ev_reward[r] - funded;
    token_books_move(&s->books, BOOK_PROTOCOL, BOOK_OPERATORS, funded);
    s->escrow[r] -= funded;
    token_books_mint(&s->books, BOOK_OPERATORS, short_by);
    s->rewards_minted += short_by;
    paid += s->ev_reward[r];
  }
  return paid;
}

/* Mints the epoch's emission and hands it out; operators sell their share of what became
 * liquid, protocol rewards included. Returns the emission operators received. */
static double reward(struct token_sim *s, double t0, double t1, double burned)
{
  const struct emission_split *sp = &s->c.emission.split;
  double minted = emit(s, t0, t1, burned);
  s->emitted = minted;
  token_books_mint(&s->books, BOOK_MARKET, minted * sp->validators);
  token_books_mint(&s->books, BOOK_TREASURY, minted * sp->treasury);
  token_books_mint(&s->books, BOOK_OPERATORS, minted * sp->operators);
  double to_ops = minted * sp->operators + unlock_allocations(s, t1);
  s->offered_tokens = to_ops;
  double given = distribute(s, to_ops);
  double immediate = s->c.emission.kind == EMISSION_FILECOIN ? s->c.emission.fil_immediate_share
                                                             : 1.0;
  double locked = given * (1 - immediate);
  token_books_move(&s->books, BOOK_OPERATORS, BOOK_VESTING, locked);
  double released = vesting_stream_step(s->vest, locked);
  token_books_move(&s->books, BOOK_VESTING, BOOK_OPERATORS, released);
  double protocol = fund_protocol_rewards(s);
  sell(s, BOOK_OPERATORS, s->c.sell_fraction * (given * immediate + released + protocol));
  return given;
}

/* Investors sell, buyers buy, the treasury pays its way. */
static void market(struct token_sim *s)
{
  double days = s->c.epoch_s / EMISSION_DAY_S;
  double x = s->investor_liquid * (1 - pow(1 - s->c.investor_sell_per_day, days));
  x = fmin(x, s->books.balance[BOOK_MARKET]);
  s->investor_liquid -= x;
  sell(s, BOOK_MARKET, x);
  double buy = s->c.buy_usd_per_day * days;
  if (buy > 0)
    token_books_move(&s->books, BOOK_POOL, BOOK_MARKET, amm_buy(&s->pool, buy));
  s->tr.usd += s->ev_treasury_usd;
  double owed = treasury_expenses(&s->tr, s->c.epoch_s);
  if (owed <= 0)
    return;
  double have = s->books.balance[BOOK_TREASURY], need;
  if (s->pool.fixed)
    need = owed / s->pool.fixed_price;
  else
    need = owed < s->pool.usd ? s->pool.tokens * owed / (s->pool.usd - owed) / (1 - s->pool.fee)
                              : have;
  double x2 = fmin(need, have), before = s->pool.usd;
  sell(s, BOOK_TREASURY, x2);
  treasury_settle(&s->tr, owed, s->pool.fixed ? x2 * s->pool.fixed_price : before - s->pool.usd);
}

static void catch_sybils(struct token_sim *s, double t1)
{
  for (int32_t i = s->catch_head[s->epoch]; i >= 0; i = s->catch_next[i]) {
    if (!(s->ops->flags[i] & OPERATOR_ALIVE))
      continue;
    token_sim_fault(s, (size_t)i);
    token_sim_leave(s, (size_t)i, t1);
    s->caught++;
  }
}

/* Trailing revenue per GPU-hour of each honest group and of the network; cohorts below cost
 * for the patience window leave. */
static void exits(struct token_sim *s, double t1, double price)
{
  operators_t *o = s->ops;
  double h = epoch_hours(s), alpha = s->c.patience_s > 0 ? fmin(1, s->c.epoch_s / s->c.patience_s) : 1;
  double rev = 0, gpus = 0;
  for (size_t k = 0; k < o->n_classes; k++) {
    struct operator_group *g = &o->groups[operators_group_of(o, k, false)];
    rev += g->epoch_tokens * price + g->epoch_usd;
    gpus += g->gpus;
  }
  /* an empty network offers a newcomer's GPU everything operators are offered */
  double net = gpus > 0 ? rev / gpus / h : s->offered_tokens * price / h;
  s->revenue_ema = s->epoch ? s->revenue_ema + alpha * (net - s->revenue_ema) : net;
  for (size_t k = 0; k < o->n_classes; k++) {
    struct operator_group *g = &o->groups[operators_group_of(o, k, false)];
    double r = g->gpus > 0 ? (g->epoch_tokens * price + g->epoch_usd) / g->gpus / h : net;
    g->revenue_ema = s->epoch ? g->revenue_ema + alpha * (r - g->revenue_ema) : r;
    s->class_rev[k] = r;
  }
  for (size_t c = 0; c < o->n_classes * o->cost_bins; c++) {
    struct operator_cohort *co = &o->cohorts[c];
    if (co->nodes <= 0 || o->groups[co->group].revenue_ema >= co->cost_per_gpu_hour) {
      co->below_s = 0;
      continue;
    }
    co->below_s += s->c.epoch_s;
    if (co->below_s + 1e-9 < s->c.patience_s)
      continue;
    for (int32_t i = co->head; i >= 0; i = o->next[i])
      if (o->flags[i] & OPERATOR_ALIVE)
        token_sim_leave(s, (size_t)i, t1);
    co->head = -1;
    co->below_s = 0;
  }
}

/* New operators, at the entry rate (capped per day), when revenue per GPU-hour beats their
 * cost (with setup amortised) and APR clears the threshold. */
static void entries(struct token_sim *s, double t1)
{
  double days = s->c.epoch_s / EMISSION_DAY_S;
  s->entry_acc += fmin(s->c.entry_rate_per_s * s->c.epoch_s, s->c.max_growth_per_day * days);
  double n = floor(s->entry_acc);
  s->entry_acc -= n;
  if (s->last.apr < s->c.entry_apr_threshold || s->c.n_classes == 0)
    return;
  gsl_ran_discrete_t *pick = NULL;
  for (double e = 0; e < n; e++) {
    if (!pick && !(pick = gsl_ran_discrete_preproc(s->c.n_classes, s->class_weight)))
      return;
    size_t k = gsl_ran_discrete(s->rng, pick), b = gsl_rng_uniform_int(s->rng, s->ops->cost_bins);
    const struct token_class *tc = &s->c.classes[k];
    const struct operator_cohort *co = &s->ops->cohorts[operators_cohort_of(s->ops, k, b, false)];
    /* the entrant wants its setup and its stake (at spot) back within the payback window */
    double stake_usd = tc->stake_per_node * amm_price(&s->pool) / tc->gpus_per_node;
    double setup = (s->c.setup_usd_per_gpu + stake_usd) / (s->c.setup_payback_s / EMISSION_HOUR_S);
    const struct operator_group *g = &s->ops->groups[co->group];
    double expected = g->gpus > 0 ? g->revenue_ema : s->revenue_ema;
    if (expected <= co->cost_per_gpu_hour + setup)
      continue;
    bool sybil = gsl_rng_uniform(s->rng) < tc->sybil_fraction;
    if (token_sim_add_operator(s, k, b, sybil, t1, BOOK_POOL))
      s->entered++;
    else
      s->refused++;
  }
  gsl_ran_discrete_free(pick);
}

static void unstake(struct token_sim *s)
{
  double out = staking_cooldown_step(s->cool, s->unstaking);
  s->unstaking = 0;
  token_books_move(&s->books, BOOK_COOLDOWN, BOOK_MARKET, out);
  sell(s, BOOK_MARKET, out); /* those who left sell what they get back */
}

static void record(struct token_sim *s, double t1, double given, double burned, double served,
                   double capacity, double user_usd)
{
  struct token_epoch *e = &s->last;
  const struct token_books *b = &s->books;
  const operators_t *o = s->ops;
  e->index = s->epoch;
  e->t_s = t1;
  e->price = amm_price(&s->pool);
  e->supply = token_books_supply(b);
  e->circulating = token_books_circulating(b);
  e->market_cap = e->price * e->circulating;
  e->staked = b->balance[BOOK_STAKED];
  e->staked_ratio = e->supply > 0 ? e->staked / e->supply : 0;
  e->minted = s->emitted;
  e->burned = burned;
  e->burn_mint_ratio = s->emitted > 0 ? burned / s->emitted : 0;
  e->treasury_tokens = b->balance[BOOK_TREASURY];
  e->treasury_usd = s->tr.usd;
  e->runway_s = treasury_runway_s(&s->tr, e->treasury_tokens, e->price);
  double protocol = 0;
  for (int r = 0; r < TOKEN_REWARD_SOURCES; r++) {
    e->protocol_rewards[r] = s->ev_reward[r];
    protocol += s->ev_reward[r];
  }
  e->protocol_fees = s->ev_fee_tokens;
  e->rewards_minted = s->rewards_minted;
  e->escrow = b->balance[BOOK_PROTOCOL];
  /* operators' token yield on stake: the emission and the protocols' rewards alike */
  e->apr = e->staked > 0 ? (given + protocol) * (EMISSION_YEAR_S / s->c.epoch_s) / e->staked : 0;
  e->utilization = capacity > 0 ? served / capacity : 0;
  e->served_gpu_hours = served;
  e->user_usd_per_gpu_hour = served > 0 ? user_usd / served : 0;
  e->operators = e->sybils = 0;
  for (size_t k = 0; k < o->n_classes; k++) {
    double nodes = 0, cost = 0;
    for (size_t bin = 0; bin < o->cost_bins; bin++) {
      const struct operator_cohort *co = &o->cohorts[operators_cohort_of(o, k, bin, false)];
      nodes += (double)co->nodes;
      cost += (double)co->nodes * co->cost_per_gpu_hour;
    }
    long sy = o->cohorts[operators_cohort_of(o, k, 0, true)].nodes;
    e->operators += (long)nodes + sy;
    e->sybils += sy;
    s->class_nodes[k] = nodes + (double)sy;
    s->class_profit[k] = s->class_rev[k] - (nodes > 0 ? cost / nodes : o->classes[k].cost_per_gpu_hour);
  }
  e->entered = (long)s->entered;
  e->left = s->left;
  e->caught = s->caught;
  e->refused = s->refused;
  e->class_nodes = s->class_nodes;
  e->class_revenue_usd_per_gpu_h = s->class_rev;
  e->class_profit_usd_per_gpu_h = s->class_profit;
  e->conserved = token_books_conserved(b, 1e-9);
}

bool token_sim_step(token_sim_t *s)
{
  if (s->epoch >= s->n_epochs)
    return false;
  double t0 = (double)s->epoch * s->c.epoch_s, t1 = t0 + s->c.epoch_s;
  /* burns since the last epoch ended, events recorded between epochs included */
  double burned0 = s->burned_mark, user_usd, capacity;
  double served = serve_demand(s, t0, &user_usd, &capacity);
  user_usd += s->ev_user_usd;
  burn(s);
  double given = reward(s, t0, t1, s->books.balance[BOOK_BURNED] - burned0);
  market(s);
  catch_sybils(s, t1);
  double price = amm_price(&s->pool);
  exits(s, t1, price);
  entries(s, t1);
  unstake(s);
  record(s, t1, given, s->books.balance[BOOK_BURNED] - burned0, served, capacity, user_usd);
  s->burned_mark = s->books.balance[BOOK_BURNED];
  for (size_t g = 0; g < s->ops->n_groups; g++) {
    s->ops->groups[g].epoch_tokens = s->ops->groups[g].epoch_usd = 0;
    s->group_served[g] = 0;
  }
  s->ev_buyback_usd = s->ev_treasury_usd = s->ev_burn_usd = s->ev_user_usd = s->ev_served = 0;
  s->ev_fee_tokens = s->rewards_minted = 0;
  for (int r = 0; r < TOKEN_REWARD_SOURCES; r++)
    s->ev_reward[r] = 0;
  s->entered = 0;
  s->left = s->caught = s->refused = 0;
  s->epoch++;
  return true;
}

void token_sim_run(token_sim_t *s, token_epoch_fn fn, void *ctx)
{
  while (token_sim_step(s))
    if (fn)
      fn(&s->last, ctx);
}

const struct token_epoch *token_sim_last(const token_sim_t *s) { return &s->last; }
const struct token_books *token_sim_books(const token_sim_t *s) { return &s->books; }
const operators_t *token_sim_operators(const token_sim_t *s) { return s->ops; }
size_t token_sim_epoch_count(const token_sim_t *s) { return s->n_epochs; }

bool token_sim_summary(const token_sim_t *s, struct token_summary *out)
{
  const operators_t *o = s->ops;
  size_t n = o->n;
  double *r = calloc(n ? n : 1, sizeof *r), *scratch = calloc(n ? n : 1, sizeof *r);
  if (!r || !scratch) {
    free(r);
    free(scratch);
    return false;
  }
  double total = 0, sybil = 0;
  for (size_t i = 0; i < n; i++) {
    r[i] = operators_tokens(o, i);
    total += r[i];
    if (o->flags[i] & OPERATOR_SYBIL)
      sybil += r[i];
  }
  out->gini_rewards = inequality_gini(r, n, scratch);
  out->nakamoto_rewards = inequality_nakamoto(r, n, 0.5, scratch);
  out->sybil_reward_share = total > 0 ? sybil / total : 0;
  out->rewards_total = total;
  free(r);
  free(scratch);
  return true;
}
