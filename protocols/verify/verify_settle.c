/* verify_settle.c: where a task's money goes when its contract ends (verify_books.h for the
 * accounts; verify.h for the rules).
 *
 * Passed: the treasury takes treasury_cut of the fee; every verifier that finished a check is
 * paid fee / segments (the share of the work it re-ran); the solver gets the rest, which the
 * fee sets to (1 + fee_markup) x its cost when the checks are as many as expected, and which
 * is negative (the solver pays the surplus checks) when more were made than the fee carries,
 * so the solver's mean pay is the closed form's fee (1 - cut) - k p fee / segments exactly.
 * Fault proven: the solver's deposit is slashed (burn, challenger, treasury by slash_split),
 * the verifiers and the treasury are paid as above, the rest goes back to the submitter and a
 * shortfall is the solver's. Lost (the solver's host failed): the fee goes back.
 * Deposits not slashed are unlocked. Payments and proven faults are also recorded with the
 * token layer, which prices them in tokens on its own terms. */
#include <math.h>
#include <simgrid/engine.h>

#include "protocols/token/token_layer.h"
#include "protocols/verify/verify_game.h"
#include "protocols/verify/verify_private.h"

static double now(void)
{
  return simgrid_get_clock();
}

/* The token layer's state, looked up when used: it deploys after this layer (it must come
 * last to replay every event at the end), so it does not exist yet when this one deploys.
 * NULL without a token section (then recording is a no-op). */
static struct token_state *token(const struct verify *v)
{
  return token_layer_state(v->w);
}

/* Escrow pays a provider; a negative amount is the provider paying into escrow. */
static void pay(struct verify *v, size_t provider, double usd)
{
  verify_books_pay(v->books, provider, usd);
  if (usd > 0)
    token_record_payment(token(v), now(), provider, usd);
}

/* Pays the verifiers of a task from its escrow; returns what is left. */
static double pay_checks(struct verify *v, struct vtask *t, double left, bool counts)
{
  double each = t->fee / t->segments;
  for (unsigned j = 0; j < t->n_checks; j++) {
    struct vcheck *c = &t->checks[j];
    if (c->whistleblower || !c->finished)
      continue;
    pay(v, c->provider, each);
    left -= each;
    if (counts)
      v->verifier_role[c->behavior].income += each;
  }
  return left;
}

/* Unlocks every deposit not slashed and counts the checkers' work. */
static void release_checks(struct verify *v, struct vtask *t, bool counts)
{
  for (unsigned j = 0; j < t->n_checks; j++) {
    struct vcheck *c = &t->checks[j];
    verify_books_unlock(v->books, c->provider, c->deposit);
    c->deposit = 0;
    if (!counts || !c->finished)
      continue;
    double cost = verify_gpu_cost_usd(v, c->provider, c->gpu_s);
    v->verify_cost_usd += cost;
    if (c->whistleblower) {
      v->whistle_gpu_s += c->gpu_s;
      v->whistle_checks++;
    } else {
      v->verify_gpu_s += c->gpu_s;
      v->checks++;
      v->verifier_role[c->behavior].count++;
      if (!t->bad && c->worked) {
        v->honest_checks++;
        v->false_flags += c->flagged;
        v->false_flags_expected += verify_game_flag_prob(t->threshold, 0);
      }
    }
    v->verifier_role[c->behavior].cost += cost;
  }
}

/* The replication baseline for a delivered task: `replication` providers drawn at random
 * re-execute the whole training (their calibrated GPU time, not simulated). */
static void replicate(struct verify *v, struct vtask *t)
{
  for (long r = 0; r < v->c->replication; r++) {
    size_t i = verify_pick_provider(v, t->solver, false);
    if (i == SIZE_MAX)
      i = t->solver; /* nobody else is up: the solver's own rate stands in */
    double gpu_s = verify_gpu_seconds(v, i, t->flops);
    v->replica_gpu_s += gpu_s;
    v->replica_cost_usd += verify_gpu_cost_usd(v, i, gpu_s);
  }
}

static void count_task(struct verify *v, struct vtask *t, enum vsettle how, double solver_pay,
                       double slashed)
{
  struct vrole *r = &v->solver_role[t->behavior];
  r->count++;
  r->income += solver_pay;
  r->cost += t->cost_usd * t->work_fraction;
  r->slashed += slashed;
  r->expected += t->expected_profit;
  v->solver_gpu_s += t->solver_gpu_s;
  v->fees_usd += t->fee;
  v->verify_expected_gpu_s += ((double)v->c->verifiers * v->c->verify_prob +
                               (double)v->c->profiling_runs) * t->gpu_s / t->segments;
  if (how == VSETTLE_LOST) {
    v->lost++;
    return;
  }
  v->completed++;
  if (t->bad && !t->forced) {
    v->bad_results++;
    v->detect_expected += t->detect_expected;
    if (how == VSETTLE_FAULT) {
      v->detected++;
      hist_add(v->detection_time, now() - t->result_at, 1);
    } else {
      v->escaped++;
    }
  }
  if (t->forced)
    v->forced++;
  if (how == VSETTLE_PASSED && !t->bad) {
    v->useful_gpu_s += t->gpu_s;
    v->useful_cost_usd += t->cost_usd;
    replicate(v, t);
  }
}

void verify_settle(struct verify *v, struct vtask *t, enum vsettle how, size_t challenger)
{
  bool counts = verify_counts(v, t);
  double left = t->fee, solver_pay = 0, slashed = 0;
  if (how == VSETTLE_LOST) {
    verify_books_refund(v->books, left);
    verify_books_unlock(v->books, t->solver, t->solver_deposit);
    if (counts)
      v->refunds_usd += left;
    left = 0;
  } else {
    double cut = t->fee * v->c->treasury_cut;
    verify_books_to_treasury(v->books, cut);
    left = pay_checks(v, t, left - cut, counts);
  }
  if (how == VSETTLE_PASSED) {
    pay(v, t->solver, left);
    solver_pay = left;
    verify_books_unlock(v->books, t->solver, t->solver_deposit);
  } else if (how == VSETTLE_FAULT) {
    struct slash_result s =
      verify_books_slash(v->books, &v->c->slash, t->solver, t->solver_deposit, challenger);
    token_record_fault(token(v), now(), t->solver, TOKEN_FAULT_PROVEN);
    slashed = s.slashed;
    if (left < 0) {
      pay(v, t->solver, left);
      solver_pay = left;
      left = 0;
    }
    verify_books_refund(v->books, left);
    if (counts) {
      v->refunds_usd += left;
      v->verifier_role[v->behavior[challenger]].income += s.whistleblower;
    }
  }
  release_checks(v, t, counts);
  if (counts)
    count_task(v, t, how, solver_pay, slashed);
}

/* Slashes check c's deposit, the whistleblower's share to `to` (a verifier's income when
 * to_checker, else the solver's, counted with its task). */
static void slash_check(struct verify *v, struct vtask *t, struct vcheck *c, size_t to,
                        bool to_checker)
{
  struct slash_result s = verify_books_slash(v->books, &v->c->slash, c->provider, c->deposit, to);
  c->deposit = 0;
  token_record_fault(token(v), now(), c->provider, TOKEN_FAULT_PROVEN);
  if (verify_counts(v, t)) {
    v->verifier_role[c->behavior].slashed += s.slashed;
    if (to_checker)
      v->verifier_role[v->behavior[to]].income += s.whistleblower;
    else
      v->solver_role[t->behavior].income += s.whistleblower;
  }
}

void verify_settle_false_challenge(struct verify *v, struct vtask *t, struct vcheck *c)
{
  slash_check(v, t, c, t->solver, false);
}

void verify_settle_verifier_fault(struct verify *v, struct vtask *t, struct vcheck *c,
                                  size_t wb)
{
  slash_check(v, t, c, wb, true);
}

void verify_settle_jackpot(struct verify *v, struct vtask *t, size_t provider)
{
  verify_books_jackpot(v->books, provider, v->c->jackpot_usd);
  if (verify_counts(v, t)) {
    v->forced_caught++;
    v->jackpots_usd += v->c->jackpot_usd;
    v->verifier_role[v->behavior[provider]].income += v->c->jackpot_usd;
  }
}
