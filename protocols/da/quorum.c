/* quorum.c: quorum formation from stake (quorum.h). */
#include "protocols/da/quorum.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "sim/base/rng.h"

struct da_quorums {
  size_t n_quorums, n_signers;
  long slots, total_votes;
  uint32_t *slot_signer; /* n_quorums x slots */
  long *signer_slots;    /* n_quorums x n_signers */
};

long quorum_votes(double stake, double tokens_per_vote, long max_votes)
{
  if (!(stake > 0) || !(tokens_per_vote > 0))
    return 0;
  double v = floor(stake / tokens_per_vote + 1e-9);
  return v >= (double)max_votes ? max_votes : (long)v;
}

da_quorums_t *quorum_form(const double *stake, size_t n, double tokens_per_vote,
                          long max_votes, long slots, long max_quorums, uint64_t seed,
                          uint64_t epoch)
{
  da_quorums_t *q = calloc(1, sizeof(*q));
  uint32_t *ballots = NULL;
  gsl_rng *rng = NULL;
  if (!q)
    return NULL;
  q->n_signers = n;
  q->slots = slots;
  for (size_t i = 0; i < n; i++)
    q->total_votes += quorum_votes(stake[i], tokens_per_vote, max_votes);
  long whole = slots > 0 ? q->total_votes / slots : 0;
  q->n_quorums = (size_t)(whole < max_quorums ? whole : max_quorums);
  ballots = malloc((q->total_votes ? (size_t)q->total_votes : 1) * sizeof(uint32_t));
  q->slot_signer = malloc((q->n_quorums * (size_t)slots + 1) * sizeof(uint32_t));
  q->signer_slots = calloc(q->n_quorums * n + 1, sizeof(long));
  if (!ballots || !q->slot_signer || !q->signer_slots)
    goto fail;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    for (long v = quorum_votes(stake[i], tokens_per_vote, max_votes); v > 0; v--)
      ballots[k++] = (uint32_t)i;
  rng = rng_stream(seed, "da-quorum", epoch);
  if (k > 1)
    gsl_ran_shuffle(rng, ballots, k, sizeof(uint32_t));
  for (size_t qi = 0; qi < q->n_quorums; qi++)
    for (long s = 0; s < slots; s++) {
      uint32_t signer = ballots[qi * (size_t)slots + (size_t)s];
      q->slot_signer[qi * (size_t)slots + (size_t)s] = signer;
      q->signer_slots[qi * n + signer]++;
    }
  gsl_rng_free(rng);
  free(ballots);
  return q;
fail:
  free(ballots);
  quorum_free(q);
  return NULL;
}

void quorum_free(da_quorums_t *q)
{
  if (!q)
    return;
  free(q->slot_signer);
  free(q->signer_slots);
  free(q);
}

size_t quorum_count(const da_quorums_t *q)
{
  return q->n_quorums;
}

long quorum_slots(const da_quorums_t *q)
{
  return q->slots;
}

size_t quorum_slot_signer(const da_quorums_t *q, size_t k, long s)
{
  return q->slot_signer[k * (size_t)q->slots + (size_t)s];
}

long quorum_signer_slots(const da_quorums_t *q, size_t k, size_t i)
{
  return q->signer_slots[k * q->n_signers + i];
}

long quorum_total_votes(const da_quorums_t *q)
{
  return q->total_votes;
}
