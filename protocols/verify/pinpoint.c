/* pinpoint.c: bisection over a padded range (pinpoint.h). */
#include "protocols/verify/pinpoint.h"

#include <xbt/asserts.h>

unsigned pinpoint_rounds(size_t n)
{
  unsigned r = 0;
  while (n > 1 && ((size_t)1 << r) < n)
    r++;
  return r;
}

void pinpoint_init(struct pinpoint *p, size_t n, size_t first_bad)
{
  xbt_assert(n >= 1 && first_bad < n, "pinpoint over %zu steps, first bad %zu", n, first_bad);
  /* States s_0 .. s_n; s_i is the state before step i. s_0 is agreed, s_{first_bad + 1} is
   * the first that differs. lo is agreed, hi disagreed; hi starts at the padded end. */
  *p = (struct pinpoint){.n = n, .first_bad = first_bad, .lo = 0,
                         .hi = (size_t)1 << pinpoint_rounds(n)};
}

int pinpoint_done(const struct pinpoint *p)
{
  return p->hi - p->lo <= 1;
}

double pinpoint_round(struct pinpoint *p)
{
  xbt_assert(!pinpoint_done(p), "pinpoint round after the end");
  size_t mid = p->lo + (p->hi - p->lo) / 2;
  size_t state = mid < p->n ? mid : p->n;
  double steps = state > p->lo ? (double)(state - p->lo) : 0;
  if (state > p->first_bad)
    p->hi = mid;
  else
    p->lo = mid;
  p->rounds++;
  p->recomputed += steps;
  return steps;
}

struct pinpoint_result pinpoint_bisect(size_t n, size_t first_bad)
{
  struct pinpoint p;
  pinpoint_init(&p, n, first_bad);
  while (!pinpoint_done(&p))
    pinpoint_round(&p);
  return (struct pinpoint_result){.index = p.lo, .rounds = p.rounds, .recomputed = p.recomputed};
}
