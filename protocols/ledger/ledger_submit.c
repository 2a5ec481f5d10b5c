/* ledger_submit.c: transactions from other layers (the DA publishing lane) into a shard's
 * mempool, and when they committed.
 *
 * The mempool is a FIFO and a lost round puts its transactions back in front, so a submission
 * commits exactly when the shard's cumulative committed count reaches the mempool's
 * cumulative arrived count just after it was pushed. The commit time is then found by a binary
 * search over the committed blocks' cumulative counts, built incrementally. */
#include <math.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger_state.h"

struct ledger_ticket ledger_submit(void *ledger_state, double n_tx, double bytes)
{
  struct ledger *l = ledger_state;
  xbt_assert(l && l->n_shards > 0, "ledger_submit without a ledger");
  struct shard *s = &l->shards[l->next_submit_shard++ % l->n_shards];
  double slots = fmax(n_tx, ceil(bytes / l->conf->tx_bytes - 1e-9));
  double now = simgrid_get_clock();
  ledger_mempool_push(s, now, slots);
  return (struct ledger_ticket){.shard = s->id, .position = arrivals_arrived(s->mempool)};
}

/* Extends the shard's cumulative committed counts with the blocks decided since last time. */
static void extend_cumulative(struct shard *s)
{
  if (s->cumulative_upto == s->n_blocks)
    return;
  s->cumulative = realloc(s->cumulative, s->n_blocks * sizeof(double));
  s->cumulative_at = realloc(s->cumulative_at, s->n_blocks * sizeof(double));
  xbt_assert(s->cumulative && s->cumulative_at, "out of memory");
  double total = s->n_cumulative ? s->cumulative[s->n_cumulative - 1] : 0;
  for (; s->cumulative_upto < s->n_blocks; s->cumulative_upto++) {
    const struct block *b = s->blocks[s->cumulative_upto];
    if (!b->decided)
      break; /* the round in progress */
    if (b->committed_at < 0)
      continue;
    total += b->n_tx;
    s->cumulative[s->n_cumulative] = total;
    s->cumulative_at[s->n_cumulative++] = b->committed_at;
  }
}

double ledger_ticket_committed_at(void *ledger_state, struct ledger_ticket t)
{
  struct ledger *l = ledger_state;
  xbt_assert(t.shard < l->n_shards, "ticket of shard %u out of %u", t.shard, l->n_shards);
  struct shard *s = &l->shards[t.shard];
  extend_cumulative(s);
  size_t lo = 0, hi = s->n_cumulative; /* first entry with cumulative >= position */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->cumulative[mid] + 1e-6 < t.position)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < s->n_cumulative ? s->cumulative_at[lo] : -1;
}
