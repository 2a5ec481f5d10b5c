/* availability.c: the host failure and repair schedule described in availability.h. */
#include "sim/engine/availability.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "sim/base/rng.h"
#include "sim/scenario/scenario.h"

struct event {
  double time;
  size_t provider;
};

struct availability {
  const struct scenario *sc;
  size_t n;
  unsigned char *up;         /* current state per provider (after the events popped) */
  unsigned char *initial_up; /* state at time 0 */
  size_t *class_of;          /* class index per provider */
  gsl_rng **rng;             /* per provider, NULL when it never fails */
  struct event *heap;
  size_t heap_size;
};

double availability_stationary(double mtbf_s, double mttr_s)
{
  return mtbf_s > 0 ? mtbf_s / (mtbf_s + mttr_s) : 1.0;
}

static void heap_push(availability_t *a, struct event e)
{
  size_t i = a->heap_size++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (a->heap[parent].time < e.time ||
        (a->heap[parent].time == e.time && a->heap[parent].provider < e.provider))
      break;
    a->heap[i] = a->heap[parent];
    i = parent;
  }
  a->heap[i] = e;
}

static bool before(const struct event *x, const struct event *y)
{
  return x->time < y->time || (x->time == y->time && x->provider < y->provider);
}

static struct event heap_pop(availability_t *a)
{
  struct event top = a->heap[0];
  struct event last = a->heap[--a->heap_size];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= a->heap_size)
      break;
    if (child + 1 < a->heap_size && before(&a->heap[child + 1], &a->heap[child]))
      child++;
    if (!before(&a->heap[child], &last))
      break;
    a->heap[i] = a->heap[child];
    i = child;
  }
  if (a->heap_size > 0)
    a->heap[i] = last;
  return top;
}

/* Draws how long provider i stays in its current state. */
static double holding_time(availability_t *a, size_t i)
{
  const struct provider_class *c = &a->sc->classes[a->class_of[i]];
  return gsl_ran_exponential(a->rng[i], a->up[i] ? c->mtbf_s : c->mttr_s);
}

static void init_provider(availability_t *a, size_t i, size_t c, uint64_t seed)
{
  const struct provider_class *pc = &a->sc->classes[c];
  a->class_of[i] = c;
  a->up[i] = 1;
  if (pc->mtbf_s <= 0)
    return;
  a->rng[i] = rng_stream(seed, "availability", i);
  double p_up = availability_stationary(pc->mtbf_s, pc->mttr_s);
  a->up[i] = gsl_rng_uniform(a->rng[i]) < p_up;
  heap_push(a, (struct event){holding_time(a, i), i});
}

availability_t *availability_new(const struct scenario *sc, uint64_t seed)
{
  availability_t *a = calloc(1, sizeof(*a));
  if (!a)
    return NULL;
  a->sc = sc;
  a->n = sc->n_providers;
  size_t n = a->n ? a->n : 1;
  a->up = calloc(n, 1);
  a->initial_up = calloc(n, 1);
  a->class_of = calloc(n, sizeof(*a->class_of));
  a->rng = calloc(n, sizeof(*a->rng));
  a->heap = calloc(n, sizeof(*a->heap));
  if (!a->up || !a->initial_up || !a->class_of || !a->rng || !a->heap)
    goto fail;
  for (size_t c = 0; c < sc->n_classes; c++)
    for (long k = 0; k < sc->classes[c].count; k++)
      init_provider(a, sc->classes[c].first_provider + (size_t)k, c, seed);
  for (size_t i = 0; i < a->n; i++)
    a->initial_up[i] = a->up[i];
  return a;
fail:
  availability_free(a);
  return NULL;
}

void availability_free(availability_t *a)
{
  if (!a)
    return;
  if (a->rng)
    for (size_t i = 0; i < a->n; i++)
      gsl_rng_free(a->rng[i]);
  free(a->rng);
  free(a->up);
  free(a->initial_up);
  free(a->class_of);
  free(a->heap);
  free(a);
}

bool availability_initially_up(const availability_t *a, size_t i)
{
  xbt_assert(i < a->n, "provider %zu out of %zu", i, a->n);
  return a->initial_up[i];
}

double availability_next_time(const availability_t *a)
{
  return a->heap_size ? a->heap[0].time : INFINITY;
}

void availability_pop(availability_t *a, size_t *provider, bool *up)
{
  xbt_assert(a->heap_size > 0, "no availability event left");
  struct event e = heap_pop(a);
  size_t i = e.provider;
  a->up[i] = !a->up[i];
  *provider = i;
  *up = a->up[i];
  heap_push(a, (struct event){e.time + holding_time(a, i), i});
}
