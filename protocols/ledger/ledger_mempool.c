/* ledger_mempool.c: a shard's mempool, and with mempool.gossip its transactions' travel over
 * the overlay.
 *
 * Transactions arrive in Poisson batches per tick (sim/engine/arrivals.h). With mempool.gossip
 * each batch enters at a node drawn at random among those up, is checked there (with
 * checks: mempool, CometBFT's CheckTx on the node's cores) and floods the overlay as one
 * message (CometBFT's mempool reactor sends every transaction to every peer but its sender),
 * each node checking it before passing it on; its bytes share the uplinks with the blocks.
 * The proposer includes, from the mempool's front, the transactions it holds. A batch is one
 * message however many transactions it carries: a simplification at the tick's grain (a
 * tenth of a block time at most). */
#include <math.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger_state.h"
#include "sim/base/mem.h"

/* A node drawn at random among those up, or -1 when none is. */
static long entry_node(const struct shard_mesh *m)
{
  unsigned up = 0;
  for (unsigned i = 0; i < m->n; i++)
    up += m->up[i];
  if (up == 0)
    return -1;
  unsigned k = (unsigned)gsl_rng_uniform_int(m->entry_rng, up);
  for (unsigned i = 0; i < m->n; i++)
    if (m->up[i] && k-- == 0)
      return i;
  return -1;
}

/* One new batch: checked at its entry node, then flooded. */
static void spread_batch(void *ctx, struct arrival_batch b)
{
  struct shard *s = ctx;
  struct shard_mesh *m = s->mesh;
  const struct world *w = s->ledger->world;
  const struct ledger_conf *c = s->ledger->conf;
  struct tx_record *r = ring_push_back(&s->records);
  r->end = arrivals_arrived(s->mempool);
  r->count = b.count;
  r->at = b.arrival;
  for (unsigned i = 0; i < m->n; i++) {
    const struct provider *p = &w->providers[m->members[i]];
    m->up[i] = sg_host_is_on(p->host);
    m->check_s[i] = c->checks == LEDGER_CHECK_MEMPOOL ? ledger_check_seconds(w, p, b.count) : 0;
  }
  long entry = entry_node(m);
  if (entry < 0)
    return; /* nobody up to take it: it waits, held by all, as without gossip */
  struct gossip_totals before = *gossip_totals(m->gossip);
  gossip_spread_checked(m->gossip, GOSSIP_FLOOD, m->check_s, (unsigned)entry,
                        b.arrival + m->check_s[entry], b.count * c->tx_bytes, b.count, m->up,
                        m->hold);
  ledger_mesh_count(&m->tx_totals, gossip_totals(m->gossip), &before);
  m->tx_gossiped += b.count;
  r->hold = mem_calloc(s->n_validators, sizeof(double));
  for (unsigned v = 0; v < s->n_validators; v++)
    r->hold[v] = m->hold[v];
}

void ledger_mempool_fill(struct shard *s, double now)
{
  if (s->ledger->conf->mempool_gossip)
    arrivals_fill_each(s->mempool, now, spread_batch, s);
  else
    arrivals_fill(s->mempool, now);
}

void ledger_mempool_push(struct shard *s, double now, double count)
{
  ledger_mempool_fill(s, now);
  arrivals_push(s->mempool, now, count);
  if (!s->ledger->conf->mempool_gossip)
    return;
  struct tx_record *r = ring_push_back(&s->records);
  *r = (struct tx_record){.end = arrivals_arrived(s->mempool), .count = count, .at = now};
}

double ledger_mempool_includable(const struct shard *s, unsigned proposer, double now,
                                 double capacity)
{
  if (!s->ledger->conf->mempool_gossip)
    return INFINITY;
  /* Rounds of a shard are serial, so the mempool's front is the committed count plus nothing
   * in flight: positions before it are decided. */
  double front = arrivals_arrived(s->mempool) - arrivals_backlog(s->mempool);
  for (size_t i = 0; i < s->records.size; i++) {
    const struct tx_record *r = ring_at(&s->records, i);
    if (r->end <= front + 1e-9)
      continue;
    if (r->end - r->count - front >= capacity)
      return INFINITY; /* a full block's worth is held: no need to look further */
    double held_at = r->hold ? r->hold[proposer] : r->at;
    if (held_at > now)
      return fmax(0, r->end - r->count - front);
  }
  return INFINITY;
}

void ledger_mempool_forget(struct shard *s)
{
  while (s->records.size > 0) {
    struct tx_record *r = ring_at(&s->records, 0);
    if (r->end > s->committed + 1e-9)
      break;
    free(r->hold);
    ring_pop_front(&s->records);
  }
}

void ledger_mempool_free(struct shard *s)
{
  for (size_t i = 0; i < s->records.size; i++)
    free(((struct tx_record *)ring_at(&s->records, i))->hold);
  ring_free(&s->records);
}
