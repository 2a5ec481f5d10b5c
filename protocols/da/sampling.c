/* sampling.c: PoDAS (sampling.h) and the DA layer's sampling driver. Each round's payouts go
 * to the token layer as one reward per paid node, and the blob fees that filled the pool as
 * one fee a round, so the events stay few however many blobs and answers there are. */
#include "protocols/da/sampling.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/da/da_state.h"
#include "protocols/token/token_layer.h"

double sampling_detect_probability(double missing, double samples)
{
  if (missing <= 0)
    return 0;
  if (missing >= 1)
    return samples > 0 ? 1 : 0;
  return 1 - pow(1 - missing, samples);
}

bool sampling_challenge(gsl_rng *rng, double owed, double stored)
{
  if (owed <= 0)
    return true;
  double missing = fmax(0, owed - stored) / owed;
  return gsl_rng_uniform(rng) >= missing;
}

double sampling_next_target(double target, double actual, long target_submits)
{
  double ts = (double)target_submits;
  double next = target - target * (actual - ts) / ts / 8;
  return fmin(1, fmax(1e-12, next));
}

/* The token layer's state, looked up when used: it deploys after this layer (it comes last to
 * replay every event at the end). NULL without a token section: recording is then a no-op. */
static struct token_state *token(const struct da *d)
{
  return token_layer_state(d->world);
}

void da_sampling_record_fees(struct da *d)
{
  token_record_fee(token(d), simgrid_get_clock(), TOKEN_REWARD_PODAS, d->fees_unrecorded);
  d->fees_unrecorded = 0;
}

/* Pays node n for `won` valid submissions, each pool / pool_divisor plus the base reward. In a
 * coupled run a round stands for token_time_scale rounds of the economy's time, so the pool
 * drains as fast per epoch as at full detail: the divisor shrinks by that scale (to 1 at
 * least), as a tenant's escrow funding does in the market. */
static void pay(struct da *d, struct da_node *n, double won)
{
  const struct da_sampling_conf *c = &d->conf->sampling;
  double divisor = fmax(1, c->pool_divisor / token_time_scale(token(d))), paid = 0;
  for (double j = 0; j < won; j++) {
    double share = d->pool / divisor;
    d->pool -= share;
    paid += share + c->base_reward;
  }
  n->paid += paid;
  d->paid_total += paid;
  token_record_reward(token(d), simgrid_get_clock(), n->provider, TOKEN_REWARD_PODAS, paid);
}

/* One round: challenges, then valid submissions drawn at the target and paid from the pool. */
static void sampling_round(struct da *d, double *valid)
{
  da_sampling_record_fees(d); /* the fees that fill the pool come before its payouts */
  const struct da_sampling_conf *c = &d->conf->sampling;
  double now = simgrid_get_clock(), candidates = 0;
  for (size_t i = 0; i < d->n_nodes; i++) {
    struct da_node *n = &d->nodes[i];
    valid[i] = 0;
    double held = n->rows_stored, lacking = da_node_missing(n);
    if (held + lacking <= 0 || !sg_host_is_on(d->world->providers[n->provider].host))
      continue; /* nothing to hold yet, or no answer: neither caught nor paid */
    double missing = lacking / (held + lacking);
    unsigned fails = gsl_ran_binomial(d->sampling_rng, missing, (unsigned)n->slots);
    n->samples += (double)n->slots;
    n->failed_samples += fails;
    if (fails > 0 && n->first_failed_at < 0)
      n->first_failed_at = now;
    valid[i] = (double)n->slots - fails;
    candidates += valid[i];
  }
  if (candidates <= 0)
    return;
  if (d->target_prob <= 0)
    d->target_prob = fmin(1, (double)c->target_submits / candidates);
  double submits = 0;
  size_t start = (size_t)gsl_rng_uniform_int(d->sampling_rng, d->n_nodes);
  for (size_t k = 0; k < d->n_nodes && submits < (double)c->max_submits; k++) {
    struct da_node *n = &d->nodes[(start + k) % d->n_nodes];
    double v = valid[(start + k) % d->n_nodes];
    if (v <= 0)
      continue;
    double won = fmin(gsl_ran_binomial(d->sampling_rng, d->target_prob, (unsigned)v),
                      (double)c->max_submits - submits);
    if (won > 0)
      pay(d, n, won);
    submits += won;
  }
  d->valid_submits += submits;
  d->rounds++;
  d->target_prob = sampling_next_target(d->target_prob, submits, c->target_submits);
}

void da_sampling_actor(int argc, char **argv)
{
  struct da *d = actors_state(argc, argv);
  double period = (double)d->conf->sampling.period_blocks * d->conf->sampling.block_time_s;
  double *valid = malloc((d->n_nodes + 1) * sizeof(double));
  xbt_assert(valid, "out of memory");
  d->sampling_scratch = valid; /* freed with the state: this actor never returns */
  for (;;) {
    sg_actor_sleep_for(period);
    sampling_round(d, valid);
  }
}
