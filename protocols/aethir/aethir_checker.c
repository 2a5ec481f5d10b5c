/* aethir_checker.c: the checker nodes' capacity checks and the service fees' settlements
 * (model in aethir.h).
 *
 * Each round (checkers.interval) the referee has every container that is up and listed
 * checked by 2N + 1 checkers; each checker's benchmark exposes an over-claim with probability
 * p, so the number that expose it is one Binomial(2N + 1, p) draw, and the majority's verdict
 * is the referee's. A container that is down answers no heartbeat and is not checked that
 * round. A caught container is evicted and its fault recorded with the token layer; its holds
 * run to their end. Settlements pay each container its delivered session-hours and job
 * GPU-hours, one token_record_payment a container and settlement. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/aethir/aethir_state.h"
#include "protocols/token/token_layer.h"

#define AETHIR_SECONDS_PER_HOUR 3600.0

static void check_round(struct aethir *a, double now)
{
  const struct aethir_conf *c = a->conf;
  unsigned checkers = (unsigned)(2 * c->quorum + 1);
  struct token_state *tk = token_layer_state(a->world);
  a->check_rounds++;
  for (size_t k = 0; k < a->n_containers; k++) {
    struct aethir_container *ct = &a->containers[k];
    if (ct->evicted || !world_provider_is_up(a->world, ct->provider))
      continue;
    ct->rounds_checked++;
    a->checks += checkers;
    if (!ct->dishonest || ct->claimed_gpus <= ct->real_gpus)
      continue;
    unsigned exposed = gsl_ran_binomial(a->rng_check, c->detection, checkers);
    if (exposed >= (unsigned)c->quorum + 1) {
      ct->evicted = true;
      ct->caught_at = now;
      token_record_fault(tk, now, ct->provider, TOKEN_FAULT_FAKE_GPU);
    }
  }
}

void aethir_checker_actor(int argc, char **argv)
{
  struct aethir *a = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(a->conf->check_interval_s);
    check_round(a, simgrid_get_clock());
  }
}

static void record_ticket(struct aethir *a, struct ledger_ticket t, double now)
{
  if (a->n_tickets == a->cap_tickets) {
    a->cap_tickets = a->cap_tickets ? 2 * a->cap_tickets : 64;
    a->tickets = realloc(a->tickets, a->cap_tickets * sizeof(*a->tickets));
    xbt_assert(a->tickets, "out of memory");
  }
  a->tickets[a->n_tickets++] = (struct aethir_ticket){.ticket = t, .submitted = now};
}

void aethir_settle(struct aethir *a, double now, bool submit)
{
  const struct aethir_conf *c = a->conf;
  struct token_state *tk = token_layer_state(a->world);
  double receipts = 0;
  for (size_t k = 0; k < a->n_containers; k++) {
    struct aethir_container *ct = &a->containers[k];
    for (unsigned i = 0; i < ct->claimed_slots; i++)
      if (ct->holds[i].live)
        aethir_credit(a, k, &ct->holds[i], now);
    double usd = ct->unpaid_session_s / AETHIR_SECONDS_PER_HOUR * c->price_per_session_hour +
                 ct->unpaid_job_gpu_s / AETHIR_SECONDS_PER_HOUR * c->price_per_gpu_hour;
    ct->unpaid_session_s = ct->unpaid_job_gpu_s = 0;
    if (usd <= 0)
      continue;
    receipts++;
    ct->earned_usd += usd;
    a->paid_usd += usd;
    token_record_payment(tk, now, ct->provider, usd);
  }
  a->last_settlement = now;
  if (submit && a->ledger && receipts > 0)
    record_ticket(a, ledger_submit(a->ledger, 1, receipts * c->receipt_bytes), now);
}

void aethir_settlement_actor(int argc, char **argv)
{
  struct aethir *a = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(a->conf->settlement_s);
    aethir_settle(a, simgrid_get_clock(), true);
  }
}
