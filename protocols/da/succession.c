/* succession.c: DA signers follow stake as operators come and go (aggregate grain).
 *
 * Quorums are formed at launch from the signers' stakes (quorum.h). When a signer's operator
 * leaves the network (its host becomes a spare: a coupled token economy,
 * protocols/token/token_coupling.c), its slots in every quorum pass, at the quorum's next
 * dispatch, to the provider of highest stake among the signer classes that is in the network,
 * up, and not a signer yet: 0G re-forms quorums from the staked signers each DA epoch, and a
 * departed operator's stake has left. The successor holds none of the rows its predecessor
 * stored (they left with it) and gets the rows of blobs dispersed from then on; rows in
 * flight to the predecessor are lost with its host (hub.c judges a batch by the provider it
 * was sent to). A signer that is down but in the network keeps its slots. The per-slice grain
 * keeps its launch signers: one that left goes dark. */
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/da/da_state.h"

void da_signers_init(struct da *d)
{
  struct world *w = d->world;
  d->ranked = malloc((w->n_providers + 1) * sizeof(size_t));
  d->is_signer = calloc(w->n_providers + 1, 1);
  xbt_assert(d->ranked && d->is_signer, "out of memory");
  for (size_t i = 0; i < w->n_providers; i++)
    if (d->conf->signer_class[w->providers[i].class_index])
      d->ranked[d->n_ranked++] = i;
  world_rank_by_stake(w, d->ranked, d->n_ranked);
  for (size_t i = 0; i < d->n_signers; i++)
    d->is_signer[d->signer_provider[i]] = 1;
}

/* Moves signer s's nodes in every quorum to provider `to`. */
static void hand_over(struct da *d, size_t s, size_t to)
{
  d->is_signer[d->signer_provider[s]] = 0;
  d->is_signer[to] = 1;
  d->signer_provider[s] = to;
  for (size_t i = 0; i < d->n_nodes; i++)
    if (d->nodes[i].signer == s)
      da_node_bind(&d->nodes[i], to);
  d->signer_changes++;
}

void da_signers_follow(struct da *d, struct da_quorum *q)
{
  const struct world *w = d->world;
  if (d->conf->grain != DA_GRAIN_AGGREGATE || q->spare_changes_seen == w->spare_changes)
    return; /* no host joined or left since every departed signer here was handed over */
  for (size_t i = 0; i < q->n_nodes; i++) {
    const struct da_node *n = &d->nodes[q->nodes[i]];
    if (!w->providers[n->provider].spare)
      continue;
    size_t to = world_successor(w, d->ranked, d->n_ranked, d->is_signer);
    if (to == SIZE_MAX)
      return; /* nobody left to take the slots: they stay dark; look again next time */
    hand_over(d, n->signer, to);
  }
  q->spare_changes_seen = w->spare_changes;
}
