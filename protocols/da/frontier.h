/* frontier.h: which blobs of a quorum enough slots signed, from per-node ranges of blobs.
 *
 * The aggregate dispersal grain does not count shares per blob: a node reports that its
 * `slots` slots stored and signed the blobs [a, b) of its quorum (blobs are numbered in
 * dispersal order and a node handles them in that order). The frontier is the first blob not
 * yet decided. cover = the slots of the ranges holding the frontier blob; a range starting
 * later adds its slots at starts[a], and every range removes them at ends[b]. Moving the
 * frontier by one applies both buckets of the new position, so each range costs O(1) however
 * many blobs it spans. The buckets are kept from the frontier on only. */
#ifndef DEPINSIM_PROTOCOLS_DA_FRONTIER_H
#define DEPINSIM_PROTOCOLS_DA_FRONTIER_H

#include <stddef.h>

typedef struct frontier frontier_t;

/* A frontier at blob 0 that accepts a blob when `threshold` slots hold it. NULL when out of
 * memory. Free with frontier_free. */
frontier_t *frontier_new(long threshold);
void frontier_free(frontier_t *f);

/* Records that `slots` slots signed blobs [a, b) (b > a). Blobs before the frontier are
 * decided already: the part of the range before it is ignored. Out of memory asserts. */
void frontier_cover(frontier_t *f, size_t a, size_t b, long slots);
/* Accepts blobs from the frontier on while they reach the threshold, up to blob `limit`
 * (exclusive: the blobs dispersed so far). Returns how many it accepted. */
size_t frontier_advance(frontier_t *f, size_t limit);
/* Gives the frontier blob up (it will be dispersed again as a new blob) and moves past it. */
void frontier_skip(frontier_t *f);
/* The first undecided blob, and the slots that signed it so far. */
size_t frontier_position(const frontier_t *f);
long frontier_head_cover(const frontier_t *f);

#endif
