/* grass_accounting.c: the validators' epochs (model in grass.h). At each epoch's close every
 * node's claim is checked against `samples` sampled session proofs; one that over-claimed is
 * exposed with probability 1 - (1 - detection)^samples (one draw of that closed form, the same
 * law as one draw per sample). An exposed node's claim is voided, its fault recorded and it is
 * evicted; the others are credited their claim, paid per GB through the token layer and given
 * their pro rata share of the epoch's Network Points. Validator v accounts nodes j = v mod V
 * and puts one batch of their proofs on the ledger when the scenario has one. Recording one
 * payment per node and epoch keeps the token layer's events at nodes x epochs. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/grass/grass_state.h"
#include "protocols/token/token_layer.h"

#define GRASS_BYTES_PER_GB 1e9

static void record_ticket(struct grass *g, struct ledger_ticket t, double now)
{
  if (g->n_tickets == g->cap_tickets) {
    g->cap_tickets = g->cap_tickets ? 2 * g->cap_tickets : 64;
    g->tickets = realloc(g->tickets, g->cap_tickets * sizeof(*g->tickets));
    xbt_assert(g->tickets, "out of memory");
  }
  g->tickets[g->n_tickets++] = (struct grass_ticket){.ticket = t, .submitted = now};
}

/* Checks n's claim for this epoch; returns the bytes credited (0 when it was caught). */
static double check_claim(struct grass *g, struct grass_node *n, double served, double now)
{
  const struct grass_conf *c = g->conf;
  double claim = served * (n->dishonest ? c->claim_factor : 1);
  n->epochs_checked++;
  n->claimed_bytes += claim;
  g->claimed += claim;
  bool exposed = n->dishonest && c->claim_factor > 1 &&
                 gsl_rng_uniform(g->rng_validate) < grass_detect_prob(c->detection,
                                                                      (double)c->samples);
  if (exposed) {
    n->evicted = true;
    n->caught_at = now;
    token_record_fault(token_layer_state(g->world), now, n->provider, TOKEN_FAULT_PROVEN);
    return 0;
  }
  return claim;
}

void grass_close_epoch(struct grass *g, double epoch_s, bool submit)
{
  const struct grass_conf *c = g->conf;
  double now = simgrid_get_clock(), credited = 0;
  struct token_state *tk = token_layer_state(g->world);
  long v_count = c->validators;
  double *proofs = calloc((size_t)v_count, sizeof(double));
  xbt_assert(proofs, "out of memory");
  for (size_t j = 0; j < g->n_nodes; j++) {
    struct grass_node *n = &g->nodes[j];
    double served = n->epoch_bytes;
    n->epoch_bytes = n->epoch_credit = 0;
    if (served <= 0 || n->evicted)
      continue;
    proofs[j % (size_t)v_count]++;
    n->epoch_credit = check_claim(g, n, served, now);
    credited += n->epoch_credit;
  }
  double pool = c->points_per_day * epoch_s / 86400;
  for (size_t j = 0; j < g->n_nodes && credited > 0; j++) {
    struct grass_node *n = &g->nodes[j];
    if (n->epoch_credit <= 0)
      continue;
    double usd = n->epoch_credit / GRASS_BYTES_PER_GB * c->price_per_gb;
    n->credited_bytes += n->epoch_credit;
    n->earned_usd += usd;
    n->points += pool * n->epoch_credit / credited;
    token_record_payment(tk, now, n->provider, usd);
  }
  g->credited += credited;
  g->paid_usd += credited / GRASS_BYTES_PER_GB * c->price_per_gb;
  g->epochs++;
  g->last_close = now;
  for (long v = 0; v < v_count && submit && g->ledger; v++)
    if (proofs[v] > 0)
      record_ticket(g, ledger_submit(g->ledger, 1, proofs[v] * c->proof_bytes), now);
  free(proofs);
}

void grass_validator_actor(int argc, char **argv)
{
  struct grass *g = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(g->conf->epoch_s);
    grass_close_epoch(g, g->conf->epoch_s, true);
  }
}
