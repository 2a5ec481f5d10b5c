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

struct pinpoint_result pinpoint_bisect(size_t n, size_t first_bad)
{
  xbt_assert(n >= 1 && first_bad < n, "pinpoint over %zu steps, first bad %zu", n, first_bad);
  struct pinpoint_result res = {0};
  /* States s_0 .. s_n; s_i is the state before step i. s_0 is agreed, s_{first_bad + 1} is
   * the first that differs. lo is agreed, hi disagreed; hi starts at the padded end. */
  size_t lo = 0, hi = (size_t)1 << pinpoint_rounds(n);
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    size_t state = mid < n ? mid : n;
    if (state > lo)
      res.recomputed += (double)(state - lo);
    if (state > first_bad)
      hi = mid;
    else
      lo = mid;
    res.rounds++;
  }
  res.index = lo;
  return res;
}
