/* availability.c: the host failure and repair schedule described in availability.h. */
#include "sim/engine/availability.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "sim/base/pqueue.h"
#include "sim/base/rng.h"
#include "sim/scenario/scenario.h"

struct availability {
  const struct scenario *sc;
  size_t n;
  unsigned char *up;         /* current state per provider (after the events popped) */
  unsigned char *initial_up; /* state at time 0 */
  size_t *class_of;          /* class index per provider */
  gsl_rng **rng;             /* per provider, NULL when it never fails */
  pqueue_t *events;          /* the next change per provider that fails: (time, provider) */
};

double availability_stationary(double mtbf_s, double mttr_s)
{
  return mtbf_s > 0 ? mtbf_s / (mtbf_s + mttr_s) : 1.0;
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
  pqueue_push(a->events, holding_time(a, i), i);
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
  a->events = pqueue_new();
  if (!a->up || !a->initial_up || !a->class_of || !a->rng || !a->events)
    goto fail;
  for (size_t c = 0; c < sc->n_classes; c++)
    for (long k = 0; k < sc->classes[c].max_count; k++)
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
  pqueue_free(a->events);
  free(a);
}

bool availability_initially_up(const availability_t *a, size_t i)
{
  xbt_assert(i < a->n, "provider %zu out of %zu", i, a->n);
  return a->initial_up[i];
}

double availability_next_time(const availability_t *a)
{
  return pqueue_size(a->events) ? pqueue_top(a->events).key : INFINITY;
}

void availability_pop(availability_t *a, size_t *provider, bool *up)
{
  xbt_assert(pqueue_size(a->events) > 0, "no availability event left");
  struct pqueue_item e = pqueue_pop(a->events);
  size_t i = (size_t)e.id;
  a->up[i] = !a->up[i];
  *provider = i;
  *up = a->up[i];
  pqueue_push(a->events, e.key + holding_time(a, i), i);
}
