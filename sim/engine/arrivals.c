/* arrivals.c: the batched arrival queue of arrivals.h, a ring of batches. */
#include "sim/engine/arrivals.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "sim/base/ring.h"

struct arrivals {
  double rate_per_s, tick_s;
  gsl_rng *rng;
  double next_tick_end;
  struct ring batches; /* of struct arrival_batch, oldest first */
  double backlog, arrived;
};

arrivals_t *arrivals_new(double rate_per_s, double tick_s, gsl_rng *rng)
{
  arrivals_t *m = calloc(1, sizeof(*m));
  if (!m)
    return NULL;
  *m = (struct arrivals){.rate_per_s = rate_per_s, .tick_s = tick_s, .rng = rng,
                        .next_tick_end = tick_s,
                        .batches = ring_new(sizeof(struct arrival_batch))};
  return m;
}

void arrivals_free(arrivals_t *m)
{
  if (!m)
    return;
  ring_free(&m->batches);
  free(m);
}

static void push_back(arrivals_t *m, struct arrival_batch b)
{
  *(struct arrival_batch *)ring_push_back(&m->batches) = b;
  m->backlog += b.count;
}

static void push_front(arrivals_t *m, struct arrival_batch b)
{
  *(struct arrival_batch *)ring_push_front(&m->batches) = b;
  m->backlog += b.count;
}

void arrivals_fill_each(arrivals_t *m, double now,
                        void (*on_batch)(void *ctx, struct arrival_batch b), void *ctx)
{
  while (m->next_tick_end <= now + 1e-12) {
    unsigned n = gsl_ran_poisson(m->rng, m->rate_per_s * m->tick_s);
    if (n > 0) {
      struct arrival_batch b = {m->next_tick_end, n};
      push_back(m, b);
      m->arrived += n;
      if (on_batch)
        on_batch(ctx, b);
    }
    m->next_tick_end += m->tick_s;
  }
}

void arrivals_fill(arrivals_t *m, double now)
{
  arrivals_fill_each(m, now, NULL, NULL);
}

double arrivals_take(arrivals_t *m, double max, struct arrival_batch **out, size_t *n_out,
                    size_t *cap_out)
{
  double taken = 0;
  *n_out = 0;
  while (m->batches.size > 0 && taken < max) {
    struct arrival_batch *front = ring_at(&m->batches, 0);
    double n = fmin(front->count, max - taken);
    if (*n_out == *cap_out) {
      *cap_out = *cap_out ? 2 * *cap_out : 16;
      *out = realloc(*out, *cap_out * sizeof(**out));
      xbt_assert(*out, "out of memory");
    }
    (*out)[(*n_out)++] = (struct arrival_batch){front->arrival, n};
    taken += n;
    front->count -= n;
    if (front->count <= 0)
      ring_pop_front(&m->batches);
  }
  m->backlog -= taken;
  return taken;
}

void arrivals_push(arrivals_t *m, double arrival, double count)
{
  push_back(m, (struct arrival_batch){arrival, count});
  m->arrived += count;
}

void arrivals_return(arrivals_t *m, const struct arrival_batch *b, size_t n)
{
  for (size_t i = n; i-- > 0;)
    push_front(m, b[i]);
}

double arrivals_backlog(const arrivals_t *m)
{
  return m->backlog;
}

double arrivals_arrived(const arrivals_t *m)
{
  return m->arrived;
}
