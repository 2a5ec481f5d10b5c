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

/* A dispute in progress, for callers that spend simulated time on each round. */
struct pinpoint {
  size_t n, first_bad;  /* steps, and the first wrong one */
  size_t lo, hi;        /* agreed state, disagreed state (padded) */
  unsigned rounds;
  double recomputed;
};

/* Starts a dispute over n >= 1 steps whose first wrong step is first_bad < n (else asserts). */
void pinpoint_init(struct pinpoint *p, size_t n, size_t first_bad);
/* Whether one step is left (the one the chain executes, p->lo). */
int pinpoint_done(const struct pinpoint *p);
/* Plays one round: returns the steps each party re-executes in it (agreed state to the
 * midpoint, clipped to n). Calling it when done is a programmer's error (asserts). */
double pinpoint_round(struct pinpoint *p);

/* Plays the bisection over n >= 1 steps whose first wrong step is first_bad (< n). Returns
 * what it found; index == first_bad always (the test of the protocol). Cannot fail; n == 0 or
 * first_bad >= n is a programmer's error (asserts). */
struct pinpoint_result pinpoint_bisect(size_t n, size_t first_bad);

#endif
