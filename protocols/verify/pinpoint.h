/* pinpoint.h: the pinpoint dispute's bisection (Gensyn litepaper after Agatha, Zheng et al.
 * 2021; Verde bisects over steps, then over the operators of the disputed step).
 *
 * Both parties agree on the state before a range of n steps and disagree on the state after
 * it. Each round they compute and exchange the state at the midpoint; agreement moves the
 * lower end up, disagreement the upper end down, until one step (or one operator) is left,
 * which the chain executes. The range is padded to the next power of two (states past the
 * end equal the last one), so every dispute over n takes exactly ceil(log2 n) rounds whatever
 * the diverging index: the game's length is fixed in advance, as an on-chain timetable needs.
 * Pure arithmetic. */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_PINPOINT_H
#define DEPINSIM_PROTOCOLS_VERIFY_PINPOINT_H

#include <stddef.h>

/* ceil(log2 n) for n >= 1, 0 for n <= 1. Cannot fail. */
unsigned pinpoint_rounds(size_t n);

struct pinpoint_result {
  size_t index;       /* the step (operator) found to diverge */
  unsigned rounds;    /* rounds played */
  double recomputed;  /* steps each party re-executed: sum over rounds of lo..min(mid, n) */
};

/* Plays the bisection over n >= 1 steps whose first wrong step is first_bad (< n). Returns
 * what it found; index == first_bad always (the test of the protocol). Cannot fail; n == 0 or
 * first_bad >= n is a programmer's error (asserts). */
struct pinpoint_result pinpoint_bisect(size_t n, size_t first_bad);

#endif
