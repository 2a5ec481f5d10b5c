/* token_layer_run.c: the token layer during and after a run: it records other layers' events,
 * then replays them into the epoch simulation over its horizon and reports the results.
 *
 * Providers of the scenario become the simulation's launch operators in class order, so
 * provider i of class k (w->providers, from sc->classes[k].first_provider) is operator
 * offset(k) + (i - first_provider). Per-epoch series are thinned to at most
 * TOKEN_LAYER_MAX_POINTS points each (every k-th epoch) so a 10-year hourly horizon does not
 * flood the result file; the /token table holds the same rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/token/token_layer_private.h"
#include "sim/engine/world.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(token, "token layer");

#define TOKEN_LAYER_MAX_POINTS 10000

struct token_state *token_layer_state(struct world *w)
{
  return w ? world_layer_state(w, "token") : NULL;
}

void *token_layer_deploy(struct world *w, const void *conf)
{
  struct token_state *st = calloc(1, sizeof *st);
  xbt_assert(st, "out of memory creating the token layer's state");
  st->conf = conf;
  if (st->conf->coupling.on)
    token_coupling_deploy(st, w);
  return st;
}

void token_layer_state_free(void *state)
{
  struct token_state *st = state;
  if (!st)
    return;
  token_coupling_free(st);
  free(st->events);
  free(st);
}

static void push_event(struct token_state *st, struct token_event ev)
{
  /* A layer that records with the token layer must be in its `consumes` list, which makes it
   * finish first; an event after the settlement would be silently lost. */
  xbt_assert(!st->settled, "a token event (kind %d) was recorded after the token layer settled: "
             "the recording layer is missing from token_layer.consumes", ev.kind);
  if (st->n_events == st->cap_events) {
    size_t cap = st->cap_events ? 2 * st->cap_events : 1024;
    struct token_event *e = realloc(st->events, cap * sizeof *e);
    xbt_assert(e, "out of memory recording token events");
    st->events = e;
    st->cap_events = cap;
  }
  st->events[st->n_events++] = ev;
}

void token_record_payment(struct token_state *st, double t, size_t provider_index, double usd)
{
  token_record_rental(st, t, provider_index, usd, 0);
}

void token_record_rental(struct token_state *st, double t, size_t provider_index, double usd,
                         double gpu_hours)
{
  if (!st || !(usd > 0) || !isfinite(usd) || !(t >= 0))
    return;
  gpu_hours = gpu_hours > 0 && isfinite(gpu_hours) ? gpu_hours : 0;
  push_event(st, (struct token_event){t, provider_index, usd, gpu_hours, TOKEN_EVENT_PAYMENT, 0});
}

void token_record_fault(struct token_state *st, double t, size_t provider_index,
                        enum token_fault kind)
{
  if (!st || !(t >= 0))
    return;
  push_event(st, (struct token_event){t, provider_index, 0, 0, TOKEN_EVENT_FAULT,
                                      (unsigned char)kind});
}

static bool valid_tokens(const struct token_state *st, double t,
                         enum token_reward_source source, double tokens)
{
  return st && t >= 0 && tokens > 0 && isfinite(tokens) &&
         (unsigned)source < TOKEN_REWARD_SOURCES;
}

void token_record_reward(struct token_state *st, double t, size_t provider_index,
                         enum token_reward_source source, double tokens)
{
  if (!valid_tokens(st, t, source, tokens))
    return;
  push_event(st, (struct token_event){t, provider_index, tokens, 0, TOKEN_EVENT_REWARD,
                                      (unsigned char)source});
}

void token_record_fee(struct token_state *st, double t, enum token_reward_source source,
                      double tokens)
{
  if (!valid_tokens(st, t, source, tokens))
    return;
  push_event(st, (struct token_event){t, SIZE_MAX, tokens, 0, TOKEN_EVENT_FEE,
                                      (unsigned char)source});
}

int token_event_by_time(const void *a, const void *b)
{
  const struct token_event *x = a, *y = b;
  return (x->t > y->t) - (x->t < y->t);
}

/* Provider index -> operator index, or SIZE_MAX when no class holds it. */
static size_t operator_of(const struct scenario *sc, size_t provider)
{
  size_t offset = 0;
  for (size_t k = 0; k < sc->n_classes; k++) {
    const struct provider_class *pc = &sc->classes[k];
    if (provider >= pc->first_provider && provider < pc->first_provider + (size_t)pc->count)
      return offset + (provider - pc->first_provider);
    offset += (size_t)pc->count;
  }
  return SIZE_MAX;
}

struct token_class *token_classes_of(const struct scenario *sc, const struct token_conf *conf)
{
  struct token_class *tc = calloc(sc->n_classes ? sc->n_classes : 1, sizeof *tc);
  xbt_assert(tc, "out of memory copying provider classes");
  for (size_t k = 0; k < sc->n_classes; k++) {
    const struct provider_class *pc = &sc->classes[k];
    tc[k] = (struct token_class){
      .name = pc->name, .count = pc->count, .gpus_per_node = pc->gpus_per_node,
      .cost_per_gpu_hour = pc->cost_per_hour, .stake_per_node = pc->stake,
      .sybil_fraction = pc->sybil_fraction,
      .availability = pc->mtbf_s > 0 ? pc->mtbf_s / (pc->mtbf_s + pc->mttr_s) : 1.0,
      .multiplier = 1};
    for (size_t i = 0; i < conf->n_multipliers; i++)
      if (conf->multipliers[i].cls && strcmp(conf->multipliers[i].cls, pc->name) == 0)
        tc[k].multiplier = conf->multipliers[i].value;
  }
  return tc;
}


static const struct table_column token_columns[] = {
  {"time", COL_DOUBLE, "s"},          {"price", COL_DOUBLE, "USD"},
  {"supply", COL_DOUBLE, "tokens"},   {"circulating", COL_DOUBLE, "tokens"},
  {"staked", COL_DOUBLE, "tokens"},   {"minted", COL_DOUBLE, "tokens"},
  {"burned", COL_DOUBLE, "tokens"},   {"treasury", COL_DOUBLE, "tokens"},
  {"treasury_usd", COL_DOUBLE, "USD"}, {"operators", COL_INT64, ""},
  {"sybils", COL_INT64, ""},          {"apr", COL_DOUBLE, ""},
  {"utilization", COL_DOUBLE, ""},    {"user_cost", COL_DOUBLE, "USD/h"},
  {"protocol_rewards", COL_DOUBLE, "tokens"}, {"escrow", COL_DOUBLE, "tokens"},
};
#define TOKEN_COLUMNS (sizeof token_columns / sizeof token_columns[0])

static void record_classes(struct token_recorder *r, const struct token_epoch *e)
{
  char name[128];
  for (size_t k = 0; k < r->sc->n_classes; k++) {
    const char *cls = r->sc->classes[k].name;
    snprintf(name, sizeof name, "token_operators.%s", cls);
    metrics_series_push(r->m, name, "operators", e->t_s, e->class_nodes[k]);
    snprintf(name, sizeof name, "token_revenue.%s", cls);
    metrics_series_push(r->m, name, "USD/GPU-h", e->t_s, e->class_revenue_usd_per_gpu_h[k]);
    snprintf(name, sizeof name, "token_profit.%s", cls);
    metrics_series_push(r->m, name, "USD/GPU-h", e->t_s, e->class_profit_usd_per_gpu_h[k]);
  }
}

void token_record_epoch(const struct token_epoch *e, void *ctx)
{
  struct token_recorder *r = ctx;
  r->user_usd += e->user_usd_per_gpu_hour * e->served_gpu_hours;
  r->served += e->served_gpu_hours;
  r->burned += e->burned;
  r->minted += e->minted;
  r->conserved &= e->conserved;
  r->fees += e->protocol_fees;
  r->rewards_minted += e->rewards_minted;
  double protocol = 0;
  for (int k = 0; k < TOKEN_REWARD_SOURCES; k++) {
    r->rewards[k] += e->protocol_rewards[k];
    protocol += e->protocol_rewards[k];
  }
  if (e->index % r->stride != 0)
    return;
  metrics_series_push(r->m, "token_price", "USD", e->t_s, e->price);
  metrics_series_push(r->m, "token_supply", "tokens", e->t_s, e->supply);
  metrics_series_push(r->m, "token_market_cap", "USD", e->t_s, e->market_cap);
  metrics_series_push(r->m, "token_staked", "tokens", e->t_s, e->staked);
  metrics_series_push(r->m, "token_staked_ratio", "", e->t_s, e->staked_ratio);
  metrics_series_push(r->m, "token_burned", "tokens", e->t_s, r->burned);
  metrics_series_push(r->m, "token_burn_mint_ratio", "", e->t_s, e->burn_mint_ratio);
  metrics_series_push(r->m, "token_treasury", "tokens", e->t_s, e->treasury_tokens);
  metrics_series_push(r->m, "token_operators", "operators", e->t_s, (double)e->operators);
  metrics_series_push(r->m, "token_apr", "", e->t_s, e->apr);
  metrics_series_push(r->m, "token_user_cost", "USD/h", e->t_s, e->user_usd_per_gpu_hour);
  record_classes(r, e);
  union table_cell row[TOKEN_COLUMNS] = {
    {.d = e->t_s}, {.d = e->price}, {.d = e->supply}, {.d = e->circulating},
    {.d = e->staked}, {.d = e->minted}, {.d = e->burned}, {.d = e->treasury_tokens},
    {.d = e->treasury_usd}, {.i = e->operators}, {.i = e->sybils}, {.d = e->apr},
    {.d = e->utilization}, {.d = e->user_usd_per_gpu_hour}, {.d = protocol}, {.d = e->escrow}};
  table_append(r->table, row);
}

void token_apply_event(token_sim_t *sim, const struct token_event *ev, size_t op, double scale,
                       bool faults)
{
  if (ev->kind == TOKEN_EVENT_FEE) {
    token_sim_fee(sim, (enum token_reward_source)ev->detail, ev->amount * scale);
    return;
  }
  if (op == SIZE_MAX)
    return;
  if (ev->kind == TOKEN_EVENT_PAYMENT) {
    token_sim_payment(sim, op, ev->amount * scale);
    token_sim_served(sim, op, ev->gpu_hours * scale);
  } else if (ev->kind == TOKEN_EVENT_REWARD) {
    token_sim_reward(sim, op, (enum token_reward_source)ev->detail, ev->amount * scale);
  } else if (faults) {
    token_sim_fault(sim, op);
    if (ev->detail == TOKEN_FAULT_FAKE_GPU)
      token_sim_evict(sim, op);
  }
}

/* Runs the epochs, applying each recorded event in the epoch it falls in; the last epoch also
 * takes events at its very end (what layers record as the run ends, at the horizon). */
static void replay(token_sim_t *sim, const struct token_state *st, const struct scenario *sc,
                   double epoch_s, struct token_recorder *r)
{
  size_t next = 0, n = token_sim_epoch_count(sim);
  for (size_t e = 0; e < n; e++) {
    double end = (double)(e + 1) * epoch_s;
    for (; next < st->n_events && (st->events[next].t < end ||
                                   (e + 1 == n && st->events[next].t <= end)); next++)
      token_apply_event(sim, &st->events[next], operator_of(sc, st->events[next].provider), 1,
                        true);
    token_sim_step(sim);
    token_record_epoch(token_sim_last(sim), r);
  }
}

void token_summarise(token_sim_t *sim, const struct token_config *c, struct token_recorder *r)
{
  metrics_t *m = r->m;
  const struct token_epoch *e = token_sim_last(sim);
  struct token_summary sum = {0};
  xbt_assert(token_sim_summary(sim, &sum), "out of memory computing reward inequality");
  metrics_summary_set(m, "token_price_final", e->price, "USD");
  metrics_summary_set(m, "token_supply_final", e->supply, "tokens");
  metrics_summary_set(m, "token_market_cap_final", e->market_cap, "USD");
  metrics_summary_set(m, "token_staked_ratio_final", e->staked_ratio, "");
  metrics_summary_set(m, "token_minted_total", r->minted, "tokens");
  metrics_summary_set(m, "token_burned_total", r->burned, "tokens");
  metrics_summary_set(m, "token_burn_mint_ratio", r->minted > 0 ? r->burned / r->minted : 0, "");
  metrics_summary_set(m, "token_treasury_runway_final", e->runway_s, "s");
  metrics_summary_set(m, "gini_rewards", sum.gini_rewards, "");
  metrics_summary_set(m, "nakamoto_rewards", (double)sum.nakamoto_rewards, "operators");
  metrics_summary_set(m, "sybil_reward_share", sum.sybil_reward_share, "");
  /* nothing served: no price was paid for anything, so no value (a target on it fails) */
  metrics_summary_set(m, "cost_per_gpu_hour", r->served > 0 ? r->user_usd / r->served : NAN,
                      "USD/h");
  metrics_summary_set(m, "operators_final", (double)e->operators, "operators");
  metrics_summary_set(m, "sybils_final", (double)e->sybils, "operators");
  metrics_summary_set(m, "token_conserved", r->conserved ? 1 : 0, "");
  char name[64];
  for (int k = 0; k < TOKEN_REWARD_SOURCES; k++) {
    snprintf(name, sizeof name, "token_rewards_%s", token_reward_source_names[k]);
    metrics_summary_set(m, name, r->rewards[k], "tokens");
  }
  metrics_summary_set(m, "token_protocol_fees", r->fees, "tokens");
  metrics_summary_set(m, "token_rewards_minted", r->rewards_minted, "tokens");
  metrics_summary_set(m, "token_escrow_final", e->escrow, "tokens");
  metrics_summary_set(m, "cost_reference_aws_v100", TOKEN_AWS_V100_USD_PER_GPU_HOUR, "USD/h");
  metrics_summary_set(m, "cost_reference_gensyn", TOKEN_GENSYN_PROJECTED_USD_PER_GPU_HOUR,
                      "USD/h");
  /* bounds: users cannot pay less than the cheapest operator's cost for long; supply cannot
   * exceed genesis plus the schedule's closed form (Helium's re-mint excepted) */
  double cheapest = INFINITY;
  for (size_t k = 0; k < c->n_classes; k++)
    if (c->classes[k].max_nodes >= 0) /* operators only: users' hosts have no cost */
      cheapest = fmin(cheapest, c->classes[k].cost_per_gpu_hour * (1 - c->cost_spread));
  if (isfinite(cheapest))
    metrics_bound_set(m, "cost_per_gpu_hour", cheapest, "USD/h", BOUND_FLOOR,
                      "cheapest class cost x (1 - cost_spread)");
  if (c->control == TOKEN_CONTROL_NONE && c->emission.kind != EMISSION_HELIUM) {
    const struct emission_schedule *s = emission_schedule_of(c->emission.kind);
    metrics_bound_set(m, "token_supply_final",
                      token_sim_books(sim)->minted - r->minted +
                        s->cumulative(&c->emission, c->horizon_s),
                      "tokens", BOUND_EXPECTED,
                      "genesis + schedule's cumulative emission at the horizon");
  }
}

void token_recorder_init(struct token_recorder *r, struct world *w, size_t n)
{
  *r = (struct token_recorder){.m = w->metrics, .sc = w->sc, .conserved = true,
                               .stride = n > TOKEN_LAYER_MAX_POINTS
                                           ? (n + TOKEN_LAYER_MAX_POINTS - 1) /
                                               TOKEN_LAYER_MAX_POINTS
                                           : 1};
  r->table = metrics_table(w->metrics, "token", TOKEN_COLUMNS, token_columns);
  xbt_assert(r->table, "out of memory creating the /token table");
}

void token_layer_finish(void *state, struct world *w)
{
  struct token_state *st = state;
  if (st->coupled) {
    token_coupling_finish(st, w);
    return;
  }
  st->settled = true;
  const struct scenario *sc = w->sc;
  struct token_class *classes = token_classes_of(sc, st->conf);
  struct token_config c = st->conf->c;
  c.classes = classes;
  c.n_classes = sc->n_classes;
  c.seed = sc->seed;
  if (!st->conf->horizon_set) { /* the run's duration, in at least one epoch */
    c.horizon_s = sc->duration_s;
    c.epoch_s = fmin(c.epoch_s, sc->duration_s);
  }
  token_sim_t *sim = token_sim_new(&c);
  xbt_assert(sim, "token layer: cannot create the simulation (%s)",
             token_config_check(&c) ? token_config_check(&c) : "out of memory");
  qsort(st->events, st->n_events, sizeof *st->events, token_event_by_time);
  size_t n = token_sim_epoch_count(sim);
  struct token_recorder r;
  token_recorder_init(&r, w, n);
  XBT_INFO("token: %zu epochs of %g s, %zu events from the run", n, c.epoch_s, st->n_events);
  replay(sim, st, sc, c.epoch_s, &r);
  token_summarise(sim, &c, &r);
  token_sim_free(sim);
  free(classes);
}
