/* mempool.c: the batched transaction queue of mempool.h, a ring buffer of batches. */
#include "protocols/ledger/mempool.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

struct mempool {
  double rate_per_s, tick_s;
  gsl_rng *rng;
  double next_tick_end;
  struct tx_batch *ring;
  size_t head, size, capacity;
  double backlog, arrived;
};

mempool_t *mempool_new(double rate_per_s, double tick_s, gsl_rng *rng)
{
  mempool_t *m = calloc(1, sizeof(*m));
  if (!m)
    return NULL;
  *m = (struct mempool){.rate_per_s = rate_per_s, .tick_s = tick_s, .rng = rng,
                        .next_tick_end = tick_s, .capacity = 64};
  m->ring = calloc(m->capacity, sizeof(*m->ring));
  if (!m->ring) {
    free(m);
    return NULL;
  }
  return m;
}

void mempool_free(mempool_t *m)
{
  if (!m)
    return;
  free(m->ring);
  free(m);
}

static void grow(mempool_t *m)
{
  size_t capacity = 2 * m->capacity;
  struct tx_batch *ring = calloc(capacity, sizeof(*ring));
  xbt_assert(ring, "out of memory growing the mempool");
  for (size_t i = 0; i < m->size; i++)
    ring[i] = m->ring[(m->head + i) % m->capacity];
  free(m->ring);
  m->ring = ring;
  m->head = 0;
  m->capacity = capacity;
}

static void push_back(mempool_t *m, struct tx_batch b)
{
  if (m->size == m->capacity)
    grow(m);
  m->ring[(m->head + m->size++) % m->capacity] = b;
  m->backlog += b.count;
}

static void push_front(mempool_t *m, struct tx_batch b)
{
  if (m->size == m->capacity)
    grow(m);
  m->head = (m->head + m->capacity - 1) % m->capacity;
  m->ring[m->head] = b;
  m->size++;
  m->backlog += b.count;
}

void mempool_fill(mempool_t *m, double now)
{
  while (m->next_tick_end <= now + 1e-12) {
    unsigned n = gsl_ran_poisson(m->rng, m->rate_per_s * m->tick_s);
    if (n > 0) {
      push_back(m, (struct tx_batch){m->next_tick_end, n});
      m->arrived += n;
    }
    m->next_tick_end += m->tick_s;
  }
}

double mempool_take(mempool_t *m, double max, struct tx_batch **out, size_t *n_out,
                    size_t *cap_out)
{
  double taken = 0;
  *n_out = 0;
  while (m->size > 0 && taken < max) {
    struct tx_batch *front = &m->ring[m->head];
    double n = fmin(front->count, max - taken);
    if (*n_out == *cap_out) {
      *cap_out = *cap_out ? 2 * *cap_out : 16;
      *out = realloc(*out, *cap_out * sizeof(**out));
      xbt_assert(*out, "out of memory");
    }
    (*out)[(*n_out)++] = (struct tx_batch){front->arrival, n};
    taken += n;
    front->count -= n;
    if (front->count <= 0) {
      m->head = (m->head + 1) % m->capacity;
      m->size--;
    }
  }
  m->backlog -= taken;
  return taken;
}

void mempool_push(mempool_t *m, double arrival, double count)
{
  push_back(m, (struct tx_batch){arrival, count});
  m->arrived += count;
}

void mempool_return(mempool_t *m, const struct tx_batch *b, size_t n)
{
  for (size_t i = n; i-- > 0;)
    push_front(m, b[i]);
}

double mempool_backlog(const mempool_t *m)
{
  return m->backlog;
}

double mempool_arrived(const mempool_t *m)
{
  return m->arrived;
}
