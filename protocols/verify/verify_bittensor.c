/* verify_bittensor.c: Bittensor-style scoring (opentensor/subtensor): validators query miners,
 * score their answers, and Yuma consensus (the token layer's yuma.h) turns the validators'
 * weights into miner incentive and validator dividends each tempo.
 *
 * The `bittensor.validators` highest-staked providers validate; every other provider mines.
 * Each tempo every validator (an actor on its host) queries `queries` random miners at once:
 * each miner generates query_tokens tokens (an exec of 2 x params FLOPs a token, a forward
 * pass) and sends the answer back over the network. An answer later than the timeout scores 0, else its
 * quality by the miner's behaviour: honest 1, lazy and colluding 0.5 (a cheaper model's
 * answer), malicious 0 (garbage). No source gives these qualities: they stand for "worse
 * than honest", and only their order matters to Yuma. A validator keeps an exponential moving
 * average of each miner's scores (score_alpha) as its weights. A colluding validator instead
 * puts all its weight on the colluding miners: the dishonest cluster. A second Yuma instance
 * runs every tempo on the weights every validator would have set honestly, so the cluster's
 * effect is the difference between the two.
 *
 * Emission per tempo is tokens_per_block x tempo / block_time, split 41% miners / 41%
 * validators / 18% subnet owner (subtensor). A validator whose host fails stops querying; its
 * weights stay as they were. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/token/yuma.h"
#include "protocols/verify/verify_private.h"
#include "sim/engine/actors.h"

/* subtensor's emission split. */
#define VERIFY_BT_MINER_SHARE 0.41
#define VERIFY_BT_VALIDATOR_SHARE 0.41

static const double answer_quality[BEHAVIOR_COUNT] = {1, 0.5, 0, 0.5};

/* One validator actor's data. */
struct validator {
  struct verify *v;
  size_t index;                   /* row of the weight matrices */
};

struct verify_bt {
  size_t n_val, n_miners;
  struct validator *vals;
  size_t *validators, *miners;    /* provider indices */
  double *stake;                  /* per validator */
  double *scores;                 /* n_val x n_miners moving averages */
  double *weights, *honest;       /* the matrices of the tempo */
  yuma_t *yuma, *yuma_honest;
  double *reward, *reward_honest; /* per miner, tokens, after warm-up */
  double *dividends;              /* per validator */
  double tempos, late, answers;
};

struct query {
  struct verify *v;
  size_t miner;                   /* provider */
  sg_host_t to;
  bool answered;
  double answered_at;
};

static void miner_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct query *q = sg_actor_self_get_data();
  struct verify *v = q->v;
  const struct provider *p = &v->w->providers[q->miner];
  double flops = 2 * v->c->tasks.params * v->c->bt.query_tokens;
  sg_actor_execute(world_exec_amount_for_flops(v->w, p, v->c->tasks.precision, flops));
  sg_host_sendto(p->host, q->to, v->c->bt.query_tokens * VERIFY_BT_BYTES_PER_TOKEN);
  world_count_activity(v->w, 2);
  q->answered = true;
  q->answered_at = simgrid_get_clock();
}

/* One validator's queries of a tempo: all at once, each scored by its own answer time. */
static void query_round(struct verify *v, size_t vi)
{
  struct verify_bt *bt = v->bt;
  long n = v->c->bt.queries;
  struct query *q = calloc((size_t)n, sizeof *q);
  size_t *col = calloc((size_t)n, sizeof *col);
  sg_actor_t *a = calloc((size_t)n, sizeof *a);
  xbt_assert(q && col && a, "out of memory");
  double t0 = simgrid_get_clock();
  for (long i = 0; i < n; i++) {
    col[i] = gsl_rng_uniform_int(v->rng, bt->n_miners);
    q[i] = (struct query){v, bt->miners[col[i]], sg_host_self(), false, 0};
    a[i] = verify_start_on(v, q[i].miner, "verify-miner", miner_actor, &q[i]);
  }
  for (long i = 0; i < n; i++)
    verify_join(a[i]);
  double alpha = v->c->bt.score_alpha;
  for (long i = 0; i < n; i++) {
    bool late = !q[i].answered || q[i].answered_at - t0 > v->c->bt.timeout_s;
    double score = late ? 0 : answer_quality[v->behavior[q[i].miner]];
    double *s = &bt->scores[vi * bt->n_miners + col[i]];
    *s = (1 - alpha) * *s + alpha * score;
    if (metrics_in_window(v->w->metrics, t0)) {
      bt->answers++;
      bt->late += late;
    }
  }
  free(a);
  free(col);
  free(q);
}

/* Queries every tempo; restarted with its host after a failure (sim/engine/actors.h). */
static void validator_actor(int argc, char **argv)
{
  const struct validator *me = actors_state(argc, argv);
  struct verify *v = me->v;
  double tempo = v->c->bt.tempo_s;
  for (;;) {
    double start = floor(simgrid_get_clock() / tempo) * tempo;
    sg_actor_sleep_until(start + gsl_rng_uniform(v->rng) * tempo / 2);
    query_round(v, me->index);
    sg_actor_sleep_until(start + tempo);
  }
}

/* The weights validators set this tempo, as they are and as they would be honestly. */
static void build_weights(struct verify *v)
{
  struct verify_bt *bt = v->bt;
  for (size_t i = 0; i < bt->n_val; i++) {
    bool cartel = v->behavior[bt->validators[i]] == BEHAVIOR_COLLUDING;
    double on_cartel = 0;
    for (size_t j = 0; j < bt->n_miners; j++)
      on_cartel += v->behavior[bt->miners[j]] == BEHAVIOR_COLLUDING;
    for (size_t j = 0; j < bt->n_miners; j++) {
      size_t k = i * bt->n_miners + j;
      bt->honest[k] = bt->scores[k];
      bool colluder = v->behavior[bt->miners[j]] == BEHAVIOR_COLLUDING;
      bt->weights[k] = cartel && on_cartel > 0 ? (colluder ? 1 : 0) : bt->scores[k];
    }
  }
}

static void epoch(struct verify *v, double emission, bool counts)
{
  struct verify_bt *bt = v->bt;
  build_weights(v);
  yuma_epoch(bt->yuma, bt->stake, bt->weights, NULL);
  yuma_epoch(bt->yuma_honest, bt->stake, bt->honest, NULL);
  if (!counts)
    return;
  bt->tempos++;
  const double *inc = yuma_incentive(bt->yuma), *inc_h = yuma_incentive(bt->yuma_honest);
  const double *div = yuma_dividends(bt->yuma);
  for (size_t j = 0; j < bt->n_miners; j++) {
    bt->reward[j] += VERIFY_BT_MINER_SHARE * emission * inc[j];
    bt->reward_honest[j] += VERIFY_BT_MINER_SHARE * emission * inc_h[j];
  }
  for (size_t i = 0; i < bt->n_val; i++)
    bt->dividends[i] += VERIFY_BT_VALIDATOR_SHARE * emission * div[i];
}

/* The subnet: runs Yuma at the end of every tempo. */
static void subnet_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct verify *v = sg_actor_self_get_data();
  const struct verify_bt_conf *c = &v->c->bt;
  double emission = c->tokens_per_block * c->tempo_s / c->block_s;
  for (;;) {
    sg_actor_sleep_for(c->tempo_s);
    epoch(v, emission, metrics_in_window(v->w->metrics, simgrid_get_clock() - c->tempo_s));
  }
}

/* Validators: the highest-staked providers (ties to the lower index). */
static void choose_validators(struct verify *v, struct verify_bt *bt, bool *is_val)
{
  const struct world *w = v->w;
  size_t *ranked = malloc((w->n_providers + 1) * sizeof(size_t)), n = 0;
  xbt_assert(ranked, "out of memory");
  for (size_t p = 0; p < w->n_providers; p++)
    if (!w->providers[p].spare)
      ranked[n++] = p;
  world_rank_by_stake(w, ranked, n);
  for (size_t i = 0; i < bt->n_val; i++) {
    size_t best = ranked[i];
    double stake = w->sc->classes[w->providers[best].class_index].stake;
    is_val[best] = true;
    bt->validators[i] = best;
    bt->stake[i] = stake > 0 ? stake : 1; /* no stakes given: equal say */
  }
  free(ranked);
}

static void alloc_bt(struct verify_bt *bt)
{
  size_t nm = bt->n_miners, nv = bt->n_val;
  bt->validators = calloc(nv, sizeof(size_t));
  bt->miners = calloc(nm, sizeof(size_t));
  bt->stake = calloc(nv, sizeof(double));
  bt->scores = calloc(nv * nm, sizeof(double));
  bt->weights = calloc(nv * nm, sizeof(double));
  bt->honest = calloc(nv * nm, sizeof(double));
  bt->reward = calloc(nm, sizeof(double));
  bt->reward_honest = calloc(nm, sizeof(double));
  bt->dividends = calloc(nv, sizeof(double));
  bt->vals = calloc(nv, sizeof(struct validator));
  bt->yuma = yuma_new(nv, nm, YUMA_KAPPA, YUMA_BOND_ALPHA);
  bt->yuma_honest = yuma_new(nv, nm, YUMA_KAPPA, YUMA_BOND_ALPHA);
  xbt_assert(bt->validators && bt->miners && bt->stake && bt->scores && bt->weights &&
               bt->honest && bt->reward && bt->reward_honest && bt->dividends && bt->vals && bt->yuma &&
               bt->yuma_honest, "out of memory");
}

void verify_bt_deploy(struct verify *v)
{
  struct verify_bt *bt = calloc(1, sizeof *bt);
  bool *is_val = calloc(v->w->n_providers, sizeof(bool));
  xbt_assert(bt && is_val, "out of memory");
  v->bt = bt;
  bt->n_val = (size_t)v->c->bt.validators;
  bt->n_miners = v->w->n_providers - bt->n_val; /* validate ensured at least one */
  alloc_bt(bt);
  choose_validators(v, bt, is_val);
  for (size_t p = 0, j = 0; p < v->w->n_providers; p++)
    if (!is_val[p])
      bt->miners[j++] = p;
  free(is_val);
  char name[64];
  for (size_t i = 0; i < bt->n_val; i++) {
    snprintf(name, sizeof name, "verify-validator-%zu", i);
    bt->vals[i] = (struct validator){v, i};
    actors_start(name, v->w->providers[bt->validators[i]].host, &bt->vals[i], validator_actor,
                 true);
  }
  sg_actor_t a = sg_actor_init("verify-subnet", v->storage);
  sg_actor_set_data(a, v);
  sg_actor_start(a, subnet_actor, 0, NULL);
}

static void report_miners(struct verify *v, metrics_t *m, double *cartel, double *cartel_h,
                          double *total, double *total_h)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""}, {"behavior", COL_STRING, ""},
    {"reward", COL_DOUBLE, "tokens"}, {"reward_if_honest", COL_DOUBLE, "tokens"},
  };
  struct verify_bt *bt = v->bt;
  table_t *t = metrics_table(m, "bt_miners", sizeof(cols) / sizeof(cols[0]), cols);
  double honest_sum = 0, honest_n = 0;
  for (size_t j = 0; j < bt->n_miners; j++) {
    int b = v->behavior[bt->miners[j]];
    union table_cell row[] = {{.i = (int64_t)bt->miners[j]}, {.s = scenario_behavior_names[b]},
                              {.d = bt->reward[j]}, {.d = bt->reward_honest[j]}};
    table_append(t, row);
    *total += bt->reward[j];
    *total_h += bt->reward_honest[j];
    if (b == BEHAVIOR_COLLUDING) {
      *cartel += bt->reward[j];
      *cartel_h += bt->reward_honest[j];
    }
    if (b == BEHAVIOR_HONEST) {
      honest_sum += bt->reward[j];
      honest_n++;
    }
  }
  if (honest_n > 0)
    metrics_summary_set(m, "bt_honest_miner_reward", honest_sum / honest_n, "tokens");
}

void verify_bt_report(struct verify *v)
{
  struct verify_bt *bt = v->bt;
  metrics_t *m = v->w->metrics;
  double cartel = 0, cartel_h = 0, total = 0, total_h = 0;
  report_miners(v, m, &cartel, &cartel_h, &total, &total_h);
  metrics_summary_set(m, "bt_tempos", bt->tempos, "");
  metrics_summary_set(m, "bt_answers_late", bt->late, "");
  if (total > 0)
    metrics_summary_set(m, "bt_colluding_miner_share", cartel / total, "");
  if (total_h > 0)
    metrics_summary_set(m, "bt_colluding_miner_share_if_honest", cartel_h / total_h, "");
  double div = 0, div_cartel = 0;
  for (size_t i = 0; i < bt->n_val; i++) {
    div += bt->dividends[i];
    if (v->behavior[bt->validators[i]] == BEHAVIOR_COLLUDING)
      div_cartel += bt->dividends[i];
  }
  if (div > 0)
    metrics_summary_set(m, "bt_colluding_validator_dividends", div_cartel / div, "");
}

void verify_bt_free(struct verify *v)
{
  struct verify_bt *bt = v->bt;
  if (!bt)
    return;
  yuma_free(bt->yuma);
  yuma_free(bt->yuma_honest);
  free(bt->validators);
  free(bt->miners);
  free(bt->stake);
  free(bt->scores);
  free(bt->weights);
  free(bt->honest);
  free(bt->reward);
  free(bt->reward_honest);
  free(bt->dividends);
  free(bt->vals);
  free(bt);
}
