/* verify_gensyn.c: Gensyn's training tasks: the submitters' Poisson stream, the queue of tasks
 * waiting for an idle solver, and each task's contract (model in verify.h).
 *
 * A contract (one actor on the control host) runs the task's life in order: the solver trains
 * segment by segment on its own host and uploads a checkpoint after each; each verifier slot
 * is filled with probability verify_prob and its verifier (in parallel with the others)
 * fetches the two checkpoints around a random segment and re-runs it; if every verifier
 * approved, whistleblowers re-check each approval with probability whistleblower_prob; a flag
 * starts the dispute (verify_dispute.c) and the contract settles (verify_settle.c). */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/verify/verify_game.h"
#include "protocols/verify/verify_private.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(verify_gensyn, "verify: Gensyn tasks");

/* A checkpoint holds the bf16 weights (2 bytes a parameter); the data indices of the segment
 * are a few KB and left out. */
#define VERIFY_CHECKPOINT_BYTES_PER_PARAM 2.0
/* The fee's denominator 1 - cut - k p / segments is kept at least this (a task with more
 * expected checks than segments would otherwise be priced at infinity). */
#define VERIFY_MIN_FEE_SHARE 0.05

static double checkpoint_bytes(const struct verify *v)
{
  return VERIFY_CHECKPOINT_BYTES_PER_PARAM * v->c->tasks.params;
}

/* --- providers' work ------------------------------------------------------------------ */

static void solver_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct vtask *t = sg_actor_self_get_data();
  struct verify *v = t->v;
  const struct provider *p = &v->w->providers[t->solver];
  for (unsigned s = 0; s < t->segments; s++) {
    double flops = t->segment_flops * t->work_fraction;
    if (flops > 0)
      sg_actor_execute(world_exec_amount_for_flops(v->w, p, v->c->tasks.precision, flops));
    sg_host_sendto(p->host, v->storage, checkpoint_bytes(v)); /* lazy and cheats upload too */
    world_count_activity(v->w, 2);
  }
  t->solver_gpu_s = verify_gpu_seconds(v, t->solver, t->flops * t->work_fraction);
  t->trained = true;
}

struct check_run {
  struct vtask *t;
  struct vcheck *c;
};

/* Whether the checker signs without re-running: a lazy verifier always, a colluding one for a
 * colluding solver. Whistleblowers are paid only for what they catch, so they always check. */
static bool approves_blindly(const struct vtask *t, const struct vcheck *c)
{
  if (c->whistleblower)
    return false;
  return c->behavior == BEHAVIOR_LAZY ||
         (c->behavior == BEHAVIOR_COLLUDING && t->behavior == BEHAVIOR_COLLUDING);
}

static void check_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct check_run *r = sg_actor_self_get_data();
  struct vtask *t = r->t;
  struct vcheck *c = r->c;
  struct verify *v = t->v;
  if (!approves_blindly(t, c)) {
    const struct provider *p = &v->w->providers[c->provider];
    sg_host_sendto(v->storage, p->host, 2 * checkpoint_bytes(v)); /* around the segment */
    sg_actor_execute(
      world_exec_amount_for_flops(v->w, p, v->c->tasks.precision, t->segment_flops));
    world_count_activity(v->w, 2);
    c->worked = true;
    c->gpu_s = verify_gpu_seconds(v, c->provider, t->segment_flops);
    c->flagged = verify_game_distance(v->rng, t->shift_sigmas) > t->threshold;
  }
  c->finished = true;
}

struct profile_run {
  struct vtask *t;
  size_t provider;
  bool finished;
};

/* Profiling: the initial model in, the first segment re-run profiling_runs times with
 * different seeds. The distances it measured were drawn with the threshold (plan). */
static void profiler_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct profile_run *r = sg_actor_self_get_data();
  struct verify *v = r->t->v;
  const struct provider *p = &v->w->providers[r->provider];
  sg_host_sendto(v->storage, p->host, checkpoint_bytes(v));
  double flops = (double)v->c->profiling_runs * r->t->segment_flops;
  sg_actor_execute(world_exec_amount_for_flops(v->w, p, v->c->tasks.precision, flops));
  world_count_activity(v->w, 2);
  r->finished = true;
}

/* --- the contract ---------------------------------------------------------------------- */

static void profile(struct vtask *t)
{
  struct verify *v = t->v;
  if (v->c->profiling_runs <= 0)
    return;
  struct profile_run r = {t, verify_pick_provider(v, t->solver, false), false};
  if (r.provider == SIZE_MAX)
    return;
  verify_run_on(v, r.provider, "verify-profiler", profiler_actor, &r);
  if (r.finished && verify_counts(v, t)) {
    double gpu_s = verify_gpu_seconds(v, r.provider, v->c->profiling_runs * t->segment_flops);
    v->profile_gpu_s += gpu_s;
    v->verify_cost_usd += verify_gpu_cost_usd(v, r.provider, gpu_s);
  }
}

static struct vcheck *add_check(struct vtask *t, size_t provider, bool whistleblower,
                                size_t of_check)
{
  xbt_assert(t->n_checks < t->cap_checks, "more checks than slots");
  struct vcheck *c = &t->checks[t->n_checks++];
  *c = (struct vcheck){.provider = provider, .behavior = t->v->behavior[provider],
                       .whistleblower = whistleblower, .of_check = of_check,
                       .deposit = t->v->c->verifier_deposit * t->fee};
  verify_books_lock(t->v->books, provider, c->deposit);
  return c;
}

/* Runs checks first..n_checks-1 in parallel, each on its checker's host. */
static void run_checks(struct vtask *t, unsigned first)
{
  unsigned n = t->n_checks - first;
  sg_actor_t *actors = calloc(n ? n : 1, sizeof *actors);
  struct check_run *runs = calloc(n ? n : 1, sizeof *runs);
  xbt_assert(actors && runs, "out of memory");
  for (unsigned i = 0; i < n; i++) {
    runs[i] = (struct check_run){t, &t->checks[first + i]};
    actors[i] = verify_start_on(t->v, runs[i].c->provider, "verify-check", check_actor, &runs[i]);
  }
  for (unsigned i = 0; i < n; i++)
    verify_join(actors[i]);
  free(actors);
  free(runs);
}

static void fill_verifier_slots(struct vtask *t)
{
  struct verify *v = t->v;
  for (long j = 0; j < v->c->verifiers; j++) {
    if (gsl_rng_uniform(v->rng) >= v->c->verify_prob)
      continue;
    size_t i = verify_pick_provider(v, t->solver, false);
    if (i != SIZE_MAX)
      add_check(t, i, false, 0);
  }
  run_checks(t, 0);
}

/* Whistleblowers re-check approvals that did finish; returns the first that flagged, or
 * NULL. */
static struct vcheck *whistleblow(struct vtask *t)
{
  struct verify *v = t->v;
  unsigned verifiers = t->n_checks;
  for (unsigned j = 0; j < verifiers; j++) {
    if (!t->checks[j].finished || gsl_rng_uniform(v->rng) >= v->c->whistleblower_prob)
      continue;
    size_t i = verify_pick_provider(v, t->solver, false);
    if (i != SIZE_MAX)
      add_check(t, i, true, j);
  }
  run_checks(t, verifiers);
  for (unsigned j = verifiers; j < t->n_checks; j++)
    if (t->checks[j].finished && t->checks[j].flagged)
      return &t->checks[j];
  return NULL;
}

static struct vcheck *first_flag(struct vtask *t)
{
  for (unsigned j = 0; j < t->n_checks; j++)
    if (t->checks[j].finished && t->checks[j].flagged)
      return &t->checks[j];
  return NULL;
}

/* A flag on a forced error: the protocol knows the right answer, so no dispute; the flagger
 * takes the jackpot, and a verifier a whistleblower caught approving it is slashed. */
static void forced_caught(struct vtask *t, struct vcheck *flag)
{
  verify_settle_jackpot(t->v, t, flag->provider);
  if (flag->whistleblower)
    verify_settle_verifier_fault(t->v, t, &t->checks[flag->of_check], flag->provider);
  verify_settle(t->v, t, VSETTLE_PASSED, SIZE_MAX);
}

/* Settles after the checks: a flag goes to the dispute, which decides who is slashed. */
static void decide(struct vtask *t)
{
  struct verify *v = t->v;
  struct vcheck *flag = first_flag(t);
  if (!flag)
    flag = whistleblow(t);
  if (!flag) {
    verify_settle(v, t, VSETTLE_PASSED, SIZE_MAX);
    return;
  }
  if (t->forced) {
    forced_caught(t, flag);
    return;
  }
  if (!verify_dispute(v, t, flag->provider)) {
    verify_settle_false_challenge(v, t, flag);
    verify_settle(v, t, VSETTLE_PASSED, SIZE_MAX);
    return;
  }
  if (flag->whistleblower)
    verify_settle_verifier_fault(v, t, &t->checks[flag->of_check], flag->provider);
  verify_settle(v, t, VSETTLE_FAULT, flag->provider);
}

static void live_remove(struct verify *v, struct vtask *t)
{
  struct vtask *last = v->live[--v->n_live];
  v->live[t->live_index] = last;
  last->live_index = t->live_index;
}

static void task_free(struct vtask *t)
{
  if (!t)
    return;
  free(t->checks);
  free(t);
}

static void dispatch(struct verify *v);

static void contract_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct vtask *t = sg_actor_self_get_data();
  struct verify *v = t->v;
  profile(t);
  verify_run_on(v, t->solver, "verify-solver", solver_actor, t);
  v->busy[t->solver] = false;
  if (!t->trained) {
    verify_settle(v, t, VSETTLE_LOST, SIZE_MAX);
  } else {
    t->result_at = simgrid_get_clock();
    fill_verifier_slots(t);
    decide(t);
  }
  t->done_at = simgrid_get_clock();
  if (verify_counts(v, t))
    hist_add(v->task_time, t->done_at - t->submitted_at, 1);
  live_remove(v, t);
  task_free(t);
  dispatch(v);
}

/* --- pricing and start ------------------------------------------------------------------ */

/* The closed-form expectations of this task (verify_game.h), verifiers only, given the
 * threshold its profiling set. */
static void expect(struct verify *v, struct vtask *t)
{
  const struct verify_conf *c = v->c;
  struct verify_game_params g = {
    .verify_prob = c->verify_prob, .verifiers = (int)c->verifiers,
    .threshold_sigmas = t->threshold, .lazy_skip = c->lazy_skip,
    .lazy_divergence = c->lazy_divergence, .fee_usd = t->fee, .treasury_cut = c->treasury_cut,
    .segments = t->segments, .cost_usd = t->cost_usd, .deposit_usd = t->solver_deposit,
    .slash_fraction = c->slash.fraction,
    .colluding_verifiers = v->behavior_share[BEHAVIOR_COLLUDING],
    .lazy_verifiers = v->behavior_share[BEHAVIOR_LAZY]};
  t->expected_profit = verify_game_expected_profit(&g, t->behavior);
  t->detect_expected = t->bad && !t->forced ? verify_game_strategy_detect_prob(&g, t->behavior)
                                            : 0;
}

/* What the solver does and what the task costs, once the solver is known. */
static void plan(struct verify *v, struct vtask *t)
{
  const struct verify_conf *c = v->c;
  t->behavior = v->behavior[t->solver];
  t->flops = 6 * c->tasks.params * c->tasks.tokens; /* forward and backward: 6 x params x tokens */
  double train_s = verify_node_seconds(v, t->solver, t->flops);
  t->segments = (unsigned)fmax(1, ceil(train_s / c->tasks.checkpoint_interval_s - 1e-9));
  t->segment_flops = t->flops / t->segments;
  t->steps_per_segment = fmax(1, c->tasks.steps / t->segments);
  t->gpu_s = verify_gpu_seconds(v, t->solver, t->flops);
  t->cost_usd = verify_gpu_cost_usd(v, t->solver, t->gpu_s);
  double share = fmax(VERIFY_MIN_FEE_SHARE, 1 - c->treasury_cut -
                                              (double)c->verifiers * c->verify_prob / t->segments);
  t->fee = (1 + c->fee_markup) * t->cost_usd / share;
  t->solver_deposit = c->solver_deposit * t->fee;
  static const double work[BEHAVIOR_COUNT] = {1, -1, 0, 0};
  t->work_fraction = work[t->behavior] < 0 ? 1 - c->lazy_skip : work[t->behavior];
  t->forced = t->behavior == BEHAVIOR_HONEST && gsl_rng_uniform(v->rng) < c->forced_error_rate;
  if (t->forced || t->behavior == BEHAVIOR_MALICIOUS || t->behavior == BEHAVIOR_COLLUDING)
    t->shift_sigmas = INFINITY;
  else if (t->behavior == BEHAVIOR_LAZY)
    t->shift_sigmas = c->lazy_skip * c->lazy_divergence;
  t->bad = t->shift_sigmas > 0;
  t->threshold =
    verify_game_profiled_threshold(v->rng, c->threshold_sigmas, (int)c->profiling_runs);
  t->cap_checks = 2 * (unsigned)c->verifiers;
  t->checks = calloc(t->cap_checks ? t->cap_checks : 1, sizeof *t->checks);
  xbt_assert(t->checks, "out of memory");
  expect(v, t);
}

static void start(struct verify *v, struct vtask *t, size_t solver)
{
  t->solver = solver;
  t->started_at = simgrid_get_clock();
  v->busy[solver] = true;
  plan(v, t);
  verify_books_fee(v->books, t->fee);
  verify_books_lock(v->books, solver, t->solver_deposit);
  if (v->n_live == v->cap_live) {
    v->cap_live = v->cap_live ? 2 * v->cap_live : 256;
    v->live = realloc(v->live, v->cap_live * sizeof *v->live);
    xbt_assert(v->live, "out of memory");
  }
  t->live_index = v->n_live;
  v->live[v->n_live++] = t;
  sg_actor_t a = sg_actor_init("verify-contract", v->storage);
  sg_actor_set_data(a, t);
  sg_actor_start(a, contract_actor, 0, NULL);
}

/* Starts queued tasks while idle solvers can be found. */
static void dispatch(struct verify *v)
{
  while (v->queue_head) {
    size_t solver = verify_pick_provider(v, SIZE_MAX, true);
    if (solver == SIZE_MAX)
      return;
    struct vtask *t = v->queue_head;
    v->queue_head = t->next;
    if (!v->queue_head)
      v->queue_tail = NULL;
    v->queued--;
    t->next = NULL;
    start(v, t, solver);
  }
}

/* The submitters: a Poisson stream of tasks for the whole run. A queue that cannot drain is
 * retried each arrival and each time a contract ends. */
static void submitter_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct verify *v = sg_actor_self_get_data();
  for (;;) {
    sg_actor_sleep_for(gsl_ran_exponential(v->rng, 1 / v->c->tasks.rate_per_s));
    struct vtask *t = calloc(1, sizeof *t);
    xbt_assert(t, "out of memory");
    *t = (struct vtask){.v = v, .id = v->next_id++, .submitted_at = simgrid_get_clock()};
    if (v->queue_tail)
      v->queue_tail->next = t;
    else
      v->queue_head = t;
    v->queue_tail = t;
    v->queued++;
    if (verify_counts(v, t))
      v->submitted++;
    dispatch(v);
  }
}

static double queued(void *state)
{
  return (double)((struct verify *)state)->queued;
}

static double running(void *state)
{
  return (double)((struct verify *)state)->n_live;
}

void verify_gensyn_deploy(struct verify *v)
{
  sg_actor_t a = sg_actor_init("verify-submitters", v->storage);
  sg_actor_set_data(a, v);
  sg_actor_start(a, submitter_actor, 0, NULL);
  metrics_series_add(v->w->metrics, "verify_tasks_queued", "", SERIES_GAUGE, queued, v);
  metrics_series_add(v->w->metrics, "verify_tasks_running", "", SERIES_GAUGE, running, v);
}

void verify_gensyn_free(struct verify *v)
{
  for (size_t i = 0; i < v->n_live; i++)
    task_free(v->live[i]);
  free(v->live);
  while (v->queue_head) {
    struct vtask *t = v->queue_head;
    v->queue_head = t->next;
    task_free(t);
  }
}
