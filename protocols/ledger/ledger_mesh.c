/* ledger_mesh.c: blocks over the overlay (dissemination flood, announce, compact or parts).
 *
 * A shard's nodes are its validators and its full nodes, connected by the overlay drawn from
 * the scenario's `network` section (sim/engine/overlay.h). At a proposal the block spreads to
 * every node that is up (sim/engine/gossip.h), which gives the time each node holds it and so
 * the reach times (block_reach_50, _90, _100). Each validator then checks the block's
 * signatures and votes. With votes: direct it sends its vote straight to the proposer (one
 * route latency plus the vote's bytes at the route's rate, as a lone transfer); the block
 * commits when the quorum-th vote arrives, the proposer's own counting as the first. With
 * votes: gossip it prevotes, the prevote floods the overlay (overlay_flood_times: latency, the
 * vote's bytes and the processing time a hop), a validator precommits once it has seen a
 * quorum of prevotes, and the block commits at the proposer once it has seen a quorum of
 * precommits (CometBFT's two rounds; their timeouts and the votes' uplink time are left out).
 * All of this is computed when the block is proposed, from the hosts that are up then; the
 * proposer then sleeps until the commit or the round's deadline, so a round costs one SimGrid
 * activity however many nodes there are. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger_state.h"
#include "sim/base/mem.h"
#include "sim/base/rng.h"
#include "sim/engine/overlay.h"

/* The time a vote takes from each validator to each other over the overlay. */
static void measure_vote_delays(const struct shard *s, struct shard_mesh *m)
{
  size_t v = s->n_validators;
  double *times = mem_calloc(m->n, sizeof(double));
  m->vote_delay = mem_calloc(v * v, sizeof(double));
  m->prevote = mem_calloc(v, sizeof(double));
  m->polka = mem_calloc(v, sizeof(double));
  for (size_t u = 0; u < v; u++) {
    overlay_flood_times(m->overlay, (unsigned)u, LEDGER_VOTE_BYTES,
                        s->ledger->conf->gossip.processing_s, times);
    for (size_t x = 0; x < v; x++)
      m->vote_delay[u * v + x] = times[x];
  }
  free(times);
}

void ledger_mesh_deploy(struct shard *s, const size_t *full_nodes, unsigned n_full)
{
  struct world *w = s->ledger->world;
  struct shard_mesh *m = mem_calloc(1, sizeof(*m));
  m->n = s->n_validators + n_full;
  m->members = mem_calloc(m->n, sizeof(size_t));
  unsigned *region = mem_calloc(m->n, sizeof(unsigned));
  for (unsigned i = 0; i < m->n; i++) {
    m->members[i] = i < s->n_validators ? s->validators[i].provider
                                        : full_nodes[i - s->n_validators];
    region[i] = w->providers[m->members[i]].region_index;
  }
  m->overlay_rng = rng_stream(w->sc->seed, "ledger-overlay", s->id);
  m->gossip_rng = rng_stream(w->sc->seed, "ledger-mesh", s->id);
  m->overlay = overlay_draw(&w->sc->network, m->n, region, m->overlay_rng);
  overlay_measure_links(m->overlay, w, m->members);
  m->gossip = gossip_new(m->overlay, &s->ledger->conf->gossip, m->gossip_rng);
  m->up = mem_calloc(m->n, sizeof(bool));
  m->hold = mem_calloc(m->n, sizeof(double));
  m->sorted = mem_calloc(m->n, sizeof(double));
  m->vote_at = mem_calloc(s->n_validators, sizeof(double));
  m->check_s = mem_calloc(m->n, sizeof(double));
  m->entry_rng = rng_stream(w->sc->seed, "ledger-tx-entry", s->id);
  if (s->ledger->conf->votes == LEDGER_VOTES_GOSSIP)
    measure_vote_delays(s, m);
  free(region);
  s->mesh = m;
}

void ledger_mesh_count(struct gossip_totals *sum, const struct gossip_totals *after,
                       const struct gossip_totals *before)
{
  sum->spreads += after->spreads - before->spreads;
  sum->events += after->events - before->events;
  sum->payload_bytes += after->payload_bytes - before->payload_bytes;
  sum->duplicate_bytes += after->duplicate_bytes - before->duplicate_bytes;
  sum->control_bytes += after->control_bytes - before->control_bytes;
}

void ledger_mesh_free(struct shard_mesh *m)
{
  if (!m)
    return;
  gossip_free(m->gossip);
  overlay_free(m->overlay);
  gsl_rng_free(m->overlay_rng);
  gsl_rng_free(m->gossip_rng);
  free(m->members);
  free(m->up);
  free(m->hold);
  free(m->sorted);
  free(m->vote_at);
  free(m->vote_delay);
  free(m->check_s);
  gsl_rng_free(m->entry_rng);
  free(m->prevote);
  free(m->polka);
  free(m);
}

static int ascending(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Reach times of the block proposed at t0 among the nodes that were up, into the histograms
 * when the proposal is inside the measurement window. */
static void record_reach(struct shard *s, double t0)
{
  struct shard_mesh *m = s->mesh;
  struct ledger *l = s->ledger;
  static const double shares[] = {0.5, 0.9, 1.0};
  size_t eligible = 0;
  for (unsigned i = 0; i < m->n; i++)
    if (m->up[i])
      m->sorted[eligible++] = m->hold[i];
  qsort(m->sorted, eligible, sizeof(double), ascending);
  if (!metrics_in_window(l->world->metrics, t0))
    return;
  for (int k = 0; k < 3; k++) {
    double reach = gossip_reach(m->sorted, eligible, t0, shares[k]);
    if (reach >= 0)
      hist_add(l->reach[k], reach, 1);
  }
}

/* When validator v's vote on b reaches the proposer: it holds the block, checks it, and
 * sends its LEDGER_VOTE_BYTES on the route to the proposer. */
static double vote_arrival(const struct block *b, unsigned v, double held_at)
{
  const struct shard *s = b->shard;
  const struct world *w = s->ledger->world;
  const struct provider *voter = &w->providers[s->validators[v].provider];
  sg_host_t proposer = w->providers[s->validators[b->proposer].provider].host;
  double latency = sg_host_get_route_latency(voter->host, proposer);
  double rate = sg_host_get_route_bandwidth(voter->host, proposer);
  double check = ledger_block_check_seconds(w, s->ledger->conf, voter, b->n_tx);
  return held_at + check + latency + LEDGER_VOTE_BYTES / rate;
}

/* Counts into b the other validators that hold it, and when the last of them got it. */
static void count_received(struct block *b)
{
  const struct shard *s = b->shard;
  for (unsigned v = 0; v < s->n_validators; v++)
    if (v != b->proposer && isfinite(s->mesh->hold[v])) {
      b->received++;
      b->last_received_at = fmax(b->last_received_at, s->mesh->hold[v]);
    }
}

/* The time the quorum-th vote arrives (the proposer's own is the first), +infinity when too
 * few validators hold the block; leaves the other validators' vote times in m->vote_at,
 * sorted (*n_votes of them). */
static double quorum_time(struct block *b, double t0, unsigned *n_out)
{
  struct shard *s = b->shard;
  struct shard_mesh *m = s->mesh;
  unsigned need = s->quorum_count - 1, n_votes = 0;
  for (unsigned v = 0; v < s->n_validators && need > 0; v++)
    if (v != b->proposer && isfinite(m->hold[v]))
      m->vote_at[n_votes++] = vote_arrival(b, v, m->hold[v]);
  *n_out = n_votes;
  if (need == 0)
    return t0;
  qsort(m->vote_at, n_votes, sizeof(double), ascending);
  return n_votes < need ? INFINITY : m->vote_at[need - 1];
}

/* The quorum-th smallest of at[u] + delay[u x v + x] over validators u (at[u] infinite for
 * one that does not vote): when validator x has seen a quorum of the votes sent at `at`. */
static double quorum_seen(const struct shard *s, const double *at, unsigned x, double *scratch)
{
  const struct shard_mesh *m = s->mesh;
  unsigned v = s->n_validators, n = 0;
  for (unsigned u = 0; u < v; u++)
    if (isfinite(at[u]))
      scratch[n++] = at[u] + m->vote_delay[(size_t)u * v + x];
  if (n < s->quorum_count)
    return INFINITY;
  qsort(scratch, n, sizeof(double), ascending);
  return scratch[s->quorum_count - 1];
}

/* Two gossiped rounds: when the proposer has seen a quorum of precommits. Counts into b the
 * precommits seen by then or the deadline. */
static double two_round_time(struct block *b, double t0, double deadline)
{
  struct shard *s = b->shard;
  struct shard_mesh *m = s->mesh;
  const struct world *w = s->ledger->world;
  for (unsigned v = 0; v < s->n_validators; v++) {
    m->prevote[v] = INFINITY;
    if (!isfinite(m->hold[v]))
      continue;
    const struct provider *p = &w->providers[s->validators[v].provider];
    m->prevote[v] = v == b->proposer
                      ? t0
                      : m->hold[v] + ledger_block_check_seconds(w, s->ledger->conf, p, b->n_tx);
  }
  /* A validator precommits the block once it has prevoted it and seen a quorum of prevotes
   * (one that never holds it precommits nil: no vote for the block). */
  for (unsigned x = 0; x < s->n_validators; x++)
    m->polka[x] = isfinite(m->prevote[x])
                    ? fmax(m->prevote[x], quorum_seen(s, m->prevote, x, m->vote_at))
                    : INFINITY;
  double commit = quorum_seen(s, m->polka, b->proposer, m->vote_at);
  double end = fmin(commit, deadline);
  b->votes = 0; /* the precommits the proposer saw by the end, as with direct votes */
  for (unsigned u = 0; u < s->n_validators && b->votes < s->quorum_count; u++)
    b->votes += m->polka[u] + m->vote_delay[(size_t)u * s->n_validators + b->proposer] <= end;
  return commit;
}

void ledger_mesh_round(struct block *b, double deadline)
{
  struct shard *s = b->shard;
  struct shard_mesh *m = s->mesh;
  const struct world *w = s->ledger->world;
  double t0 = simgrid_get_clock();
  for (unsigned i = 0; i < m->n; i++)
    m->up[i] = sg_host_is_on(w->providers[m->members[i]].host);
  struct gossip_totals before = *gossip_totals(m->gossip);
  gossip_spread(m->gossip, b->proposer, t0, b->bytes, b->n_tx, m->up, m->hold);
  ledger_mesh_count(&m->block_totals, gossip_totals(m->gossip), &before);
  record_reach(s, t0);
  count_received(b);
  double commit;
  if (s->ledger->conf->votes == LEDGER_VOTES_GOSSIP) {
    commit = two_round_time(b, t0, deadline);
  } else {
    unsigned n_votes;
    commit = quorum_time(b, t0, &n_votes);
    for (unsigned i = 0; i < n_votes && m->vote_at[i] <= fmin(commit, deadline) &&
                         b->votes < s->quorum_count; i++)
      b->votes++;
  }
  sg_actor_sleep_until(fmin(commit, deadline));
  if (commit <= deadline)
    b->committed_at = commit;
}
