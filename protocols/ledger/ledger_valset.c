/* ledger_valset.c: the validator set follows stake as operators come and go.
 *
 * At launch a shard's validators are the providers of highest stake (ties: lower index). A
 * provider whose operator leaves the network (its host becomes a spare: a coupled token
 * economy, protocols/token/token_coupling.c) unbonds: at the next round its validator slot
 * passes to the provider of highest stake that is in the network, up, and holds no role in
 * any shard, as CometBFT's validator set is the top of the staking table at each height. The
 * change applies at the next round, even when the departed held a third of the votes: the
 * model takes the unbonding as committed before its host went (a real chain that lost a third
 * of its voting power at once would halt until the set changed through governance). A
 * validator that is down but still in the network keeps its slot (it is bonded; it just
 * misses rounds). The successor takes the departed validator's place in the mesh overlay, with
 * the links measured at launch: a simplification that holds while successors sit in the same
 * class and regions. Full nodes whose operators leave go dark and are not replaced. */
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger_state.h"
#include "sim/engine/actors.h"

void ledger_valset_init(struct ledger *l, const size_t *ranked, size_t n)
{
  struct world *w = l->world;
  l->ranked = malloc((n + 1) * sizeof(size_t));
  l->has_role = calloc(w->n_providers + 1, 1);
  xbt_assert(l->ranked && l->has_role, "out of memory");
  for (size_t i = 0; i < n; i++)
    l->ranked[i] = ranked[i];
  l->n_ranked = n;
}

void ledger_restake(struct shard *s)
{
  const struct world *w = s->ledger->world;
  for (unsigned i = 0; i < s->n_validators; i++) {
    const struct provider *p = &w->providers[s->validators[i].provider];
    s->stake_cumulative[i] = (i ? s->stake_cumulative[i - 1] : 0) +
                             w->sc->classes[p->class_index].stake;
  }
}

void ledger_valset_update(struct shard *s)
{
  struct ledger *l = s->ledger;
  struct world *w = l->world;
  if (s->spare_changes_seen == w->spare_changes)
    return; /* no host joined or left since every departed validator was handed over */
  bool changed = false, complete = true;
  for (unsigned i = 0; i < s->n_validators; i++) {
    struct validator *v = &s->validators[i];
    if (!w->providers[v->provider].spare)
      continue;
    size_t next = world_successor(w, l->ranked, l->n_ranked, l->has_role);
    if (next == SIZE_MAX) {
      complete = false; /* nobody left to take the slot: it stays dark; look again next round */
      break;
    }
    l->has_role[v->provider] = 0;
    l->has_role[next] = 1;
    ledger_start_validator(s, i, next);
    if (s->mesh)
      s->mesh->members[i] = next;
    l->validator_changes++;
    changed = true;
  }
  if (changed)
    ledger_restake(s);
  if (complete)
    s->spare_changes_seen = w->spare_changes;
}
