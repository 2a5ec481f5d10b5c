/* quorum.h: DA quorums: votes from delegated stake, shuffled per epoch, cut into slot lists.
 *
 * 0G's DASigners contract: each signer gets votes = stake / tokens_per_vote, at most
 * max_votes_per_signer; each epoch the ballots are ordered pseudo-randomly and cut into
 * quorums of `slots` slots, at most max_quorums; votes beyond the last whole quorum are left
 * out. Slot i of a quorum stores and signs row i; one signer may hold many slots. The order
 * here is a Fisher-Yates shuffle (gsl_ran_shuffle) of the ballots from the stream
 * rng_stream(seed, "da-quorum", epoch), so it is reproducible and independent per epoch. */
#ifndef DEPINSIM_PROTOCOLS_DA_QUORUM_H
#define DEPINSIM_PROTOCOLS_DA_QUORUM_H

#include <stddef.h>
#include <stdint.h>

typedef struct da_quorums da_quorums_t;

/* The votes a stake earns: floor(stake / tokens_per_vote) capped at max_votes. */
long quorum_votes(double stake, double tokens_per_vote, long max_votes);

/* Forms the quorums of one epoch for n signers with the given stakes. Returns NULL when out of
 * memory; zero quorums (too few votes) is a valid result. Free with quorum_free. */
da_quorums_t *quorum_form(const double *stake, size_t n, double tokens_per_vote,
                          long max_votes, long slots, long max_quorums, uint64_t seed,
                          uint64_t epoch);
void quorum_free(da_quorums_t *q);

size_t quorum_count(const da_quorums_t *q);
long quorum_slots(const da_quorums_t *q);
/* The signer (index into the stakes given) holding slot s of quorum k. */
size_t quorum_slot_signer(const da_quorums_t *q, size_t k, long s);
/* How many slots of quorum k signer i holds. */
long quorum_signer_slots(const da_quorums_t *q, size_t k, size_t i);
/* Total votes cast (before cutting) and votes left out of every quorum. */
long quorum_total_votes(const da_quorums_t *q);

#endif
