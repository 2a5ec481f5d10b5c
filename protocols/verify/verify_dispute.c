/* verify_dispute.c: the pinpoint dispute (Gensyn litepaper after Agatha, Zheng et al. 2021)
 * played on the simulated network.
 *
 * The challenger and the solver bisect first over the training steps of the checked segment,
 * then over the operators of the disputed step's graph (pinpoint.h): ceil(log2 steps) +
 * ceil(log2 ops_per_step) rounds. In each round both parties recompute from the agreed state to
 * the midpoint (an exec of those steps' or operators' FLOPs on their own hosts, in parallel)
 * and send their state hash to the arbiter (a message over the network to the control host);
 * the round ends when both answered. A party whose host fails loses the dispute by timeout.
 * The last single operator is executed on chain: a transaction through the ledger layer
 * (ledger_submit; the contract waits for its block to commit) when the scenario has one, and
 * arbitration_time to execute it either way.
 *
 * Simplification: the operators of a step are taken as equal in cost (step FLOPs /
 * ops_per_step); a real graph's operators are not. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger.h"
#include "protocols/verify/pinpoint.h"
#include "protocols/verify/verify_private.h"

/* How often the contract looks whether the arbitration transaction committed. */
#define VERIFY_CHAIN_POLL_S 0.25
/* Waiting longer than this for the chain gives up on it: arbitration is then charged only
 * arbitration_time (a chain that does not commit is the ledger layer's failure to report). */
#define VERIFY_CHAIN_TIMEOUT_S 3600.0

struct party {
  struct verify *v;
  size_t provider;
  double flops;
  bool answered;
};

static void party_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct party *p = sg_actor_self_get_data();
  struct verify *v = p->v;
  const struct provider *pr = &v->w->providers[p->provider];
  if (p->flops > 0)
    sg_actor_execute(world_exec_amount_for_flops(v->w, pr, v->c->tasks.precision, p->flops));
  sg_host_sendto(pr->host, v->storage, VERIFY_DISPUTE_MSG_BYTES);
  world_count_activity(v->w, 2);
  p->answered = true;
}

/* One round: both parties recompute flops and answer. Returns 0 when both answered, 1 when
 * the solver did not (it loses), 2 when the challenger did not. */
static int round_play(struct verify *v, struct vtask *t, size_t challenger, double flops)
{
  struct party p[2] = {{v, t->solver, flops, false}, {v, challenger, flops, false}};
  sg_actor_t a[2];
  for (int i = 0; i < 2; i++)
    a[i] = verify_start_on(v, p[i].provider, "verify-party", party_actor, &p[i]);
  for (int i = 0; i < 2; i++)
    verify_join(a[i]);
  if (verify_counts(v, t))
    for (int i = 0; i < 2; i++)
      v->dispute_gpu_s += verify_gpu_seconds(v, p[i].provider, flops);
  return !p[0].answered ? 1 : !p[1].answered ? 2 : 0;
}

/* Bisects over n units of unit_flops each; returns round_play's code of a forfeit, else 0. */
static int bisect(struct verify *v, struct vtask *t, size_t challenger, size_t n,
                  double unit_flops, unsigned *rounds)
{
  struct pinpoint pp;
  size_t first_bad = t->bad ? gsl_rng_uniform_int(v->rng, n) : n - 1;
  pinpoint_init(&pp, n, first_bad);
  while (!pinpoint_done(&pp)) {
    double units = pinpoint_round(&pp);
    (*rounds)++;
    int forfeit = round_play(v, t, challenger, units * unit_flops);
    if (forfeit)
      return forfeit;
  }
  xbt_assert(pp.lo == first_bad, "pinpoint found %zu, not %zu", pp.lo, first_bad);
  return 0;
}

/* The last operator on chain. */
static void arbitrate(struct verify *v, struct vtask *t)
{
  double t0 = simgrid_get_clock();
  if (v->ledger && v->c->onchain_tx > 0) {
    struct ledger_ticket tk = ledger_submit(v->ledger, v->c->onchain_tx, VERIFY_DISPUTE_MSG_BYTES);
    while (ledger_ticket_committed_at(v->ledger, tk) < 0 &&
           simgrid_get_clock() - t0 < VERIFY_CHAIN_TIMEOUT_S)
      sg_actor_sleep_for(VERIFY_CHAIN_POLL_S);
  }
  sg_actor_sleep_for(v->c->arbitration_s);
  if (verify_counts(v, t)) {
    v->onchain_tx += v->c->onchain_tx;
    v->onchain_usd += v->c->onchain_cost_usd;
    v->onchain_wait_s += simgrid_get_clock() - t0;
  }
}

bool verify_dispute(struct verify *v, struct vtask *t, size_t challenger)
{
  const struct verify_conf *c = v->c;
  size_t steps = (size_t)fmax(1, llround(t->steps_per_segment));
  size_t ops = (size_t)fmax(1, llround(c->ops_per_step));
  double step_flops = t->segment_flops / (double)steps;
  unsigned rounds = 0;
  int forfeit = bisect(v, t, challenger, steps, step_flops, &rounds);
  if (!forfeit)
    forfeit = bisect(v, t, challenger, ops, step_flops / (double)ops, &rounds);
  if (!forfeit)
    arbitrate(v, t);
  if (verify_counts(v, t)) {
    v->disputes++;
    v->dispute_rounds_expected += pinpoint_rounds(steps) + pinpoint_rounds(ops);
    hist_add(v->dispute_rounds, rounds, 1);
  }
  if (forfeit)
    return forfeit == 1; /* the side that did not answer loses */
  return t->bad;         /* the chain's execution of the operator shows who was right */
}
