/* vesting.c: cliff-and-linear allocations and linearly vesting reward streams. */
#include "protocols/token/vesting.h"

#include <math.h>
#include <stdlib.h>

double vesting_unlocked(const struct vesting_schedule *v, double t_s)
{
  double since = t_s - v->start_s;
  if (since < v->cliff_s || since < 0)
    return 0;
  if (v->duration_s <= 0)
    return v->total;
  return v->total * fmin(1.0, since / v->duration_s);
}

struct vesting_stream {
  size_t n, pos;
  double sum;     /* of the tranches in the ring */
  double locked;
  double ring[];  /* n tranches, the oldest at pos */
};

vesting_stream_t *vesting_stream_new(size_t n_epochs)
{
  vesting_stream_t *s = calloc(1, sizeof *s + n_epochs * sizeof(double));
  if (!s)
    return NULL;
  s->n = n_epochs;
  return s;
}

void vesting_stream_free(vesting_stream_t *s)
{
  free(s);
}

double vesting_stream_step(vesting_stream_t *s, double tranche)
{
  if (s->n == 0)
    return tranche;
  double released = fmax(0.0, s->sum / (double)s->n); /* rounding must not go below 0 */
  s->sum += tranche - s->ring[s->pos];
  s->ring[s->pos] = tranche;
  s->pos = (s->pos + 1) % s->n;
  if (s->pos == 0) { /* one lap: recompute the running sum exactly */
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
      sum += s->ring[i];
    s->sum = sum;
  }
  s->locked = fmax(0.0, s->locked + tranche - released);
  return released;
}

double vesting_stream_locked(const vesting_stream_t *s)
{
  return s->locked;
}
