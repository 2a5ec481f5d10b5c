/* verify.c: the verification layer (model in verify.h): its table entry, its run state, each
 * provider's behaviour drawn from its class's mix, and the helpers its actors share. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/verify/verify_private.h"
#include "sim/base/rng.h"

/* Draws of a random idle provider before giving up (the task then waits in the queue). */
#define VERIFY_PICK_TRIES 64

static void *verify_deploy(struct world *w, const void *conf);
static void verify_state_free(void *state);

/* Verification submits its disputes and settlements to the ledger when it has one. */
static const char *const verify_consumes[] = {"ledger", NULL};

const struct depin_layer verify_layer = {
  .name = "verify",
  .metrics = verify_metrics,
  .consumes = verify_consumes,
  .parse = verify_conf_parse,
  .validate = verify_conf_validate,
  .conf_free = verify_conf_free,
  .deploy = verify_deploy,
  .finish = verify_report,
  .state_free = verify_state_free,
};

/* Each class's providers get behaviours in the proportions of its mix (largest remainder, so
 * 10% of 50 is exactly 5), in a random order so they spread over the class's regions. */
static void assign_behaviors(struct verify *v)
{
  const struct scenario *sc = v->w->sc;
  gsl_rng *rng = rng_stream(sc->seed, "verify-behavior", 0);
  for (size_t k = 0; k < sc->n_classes; k++) {
    const struct provider_class *pc = &sc->classes[k];
    size_t n = (size_t)pc->count, given = 0, want[BEHAVIOR_COUNT];
    double rest[BEHAVIOR_COUNT];
    for (int b = 0; b < BEHAVIOR_COUNT; b++) {
      want[b] = (size_t)floor(pc->behavior[b] * (double)n);
      rest[b] = pc->behavior[b] * (double)n - (double)want[b];
      given += want[b];
    }
    while (given < n) { /* the largest remainders take what rounding left */
      int best = 0;
      for (int b = 1; b < BEHAVIOR_COUNT; b++)
        if (rest[b] > rest[best])
          best = b;
      want[best]++;
      rest[best] = -1;
      given++;
    }
    unsigned char *mine = v->behavior + pc->first_provider;
    size_t at = 0;
    for (int b = 0; b < BEHAVIOR_COUNT; b++)
      for (size_t i = 0; i < want[b]; i++)
        mine[at++] = (unsigned char)b;
    gsl_ran_shuffle(rng, mine, n, 1);
    for (int b = 0; b < BEHAVIOR_COUNT; b++)
      v->behavior_share[b] += (double)want[b] / (double)v->w->n_providers;
  }
  gsl_rng_free(rng);
}

static void *verify_deploy(struct world *w, const void *conf)
{
  struct verify *v = calloc(1, sizeof *v);
  xbt_assert(v, "out of memory");
  v->w = w;
  v->c = conf;
  v->rng = rng_stream(w->sc->seed, "verify", 0);
  v->behavior = calloc(w->n_providers, 1);
  v->busy = calloc(w->n_providers, sizeof(bool));
  v->books = verify_books_new(w->n_providers);
  v->detection_time = hist_new();
  v->task_time = hist_new();
  v->dispute_rounds = hist_new();
  xbt_assert(v->behavior && v->busy && v->books && v->detection_time && v->task_time &&
               v->dispute_rounds, "out of memory");
  v->storage = world_control_host(w);
  v->ledger = world_layer_state(w, "ledger");
  assign_behaviors(v);
  if (v->c->kind == VERIFY_GENSYN)
    verify_gensyn_deploy(v);
  else
    verify_bt_deploy(v);
  return v;
}

static void verify_state_free(void *state)
{
  struct verify *v = state;
  if (!v)
    return;
  verify_gensyn_free(v);
  verify_bt_free(v);
  hist_free(v->detection_time);
  hist_free(v->task_time);
  hist_free(v->dispute_rounds);
  verify_books_free(v->books);
  free(v->busy);
  free(v->behavior);
  gsl_rng_free(v->rng);
  free(v);
}

double verify_node_seconds(const struct verify *v, size_t i, double flops)
{
  const struct provider *p = &v->w->providers[i];
  const struct provider_class *pc = &v->w->sc->classes[p->class_index];
  return profile_compute_seconds(p->device, v->c->tasks.precision, flops, pc->gpus_per_node,
                                 v->w->sc->efficiency);
}

double verify_gpu_seconds(const struct verify *v, size_t i, double flops)
{
  const struct provider *p = &v->w->providers[i];
  return verify_node_seconds(v, i, flops) * v->w->sc->classes[p->class_index].gpus_per_node;
}

double verify_gpu_cost_usd(const struct verify *v, size_t i, double gpu_s)
{
  const struct provider *p = &v->w->providers[i];
  return gpu_s / 3600 * v->w->sc->classes[p->class_index].cost_per_hour;
}

size_t verify_pick_provider(struct verify *v, size_t avoid, bool not_busy)
{
  size_t n = v->w->n_providers;
  for (int tries = 0; tries < VERIFY_PICK_TRIES; tries++) {
    size_t i = gsl_rng_uniform_int(v->rng, n);
    if (i != avoid && !(not_busy && v->busy[i]) && world_provider_is_up(v->w, i))
      return i;
  }
  return SIZE_MAX;
}

sg_actor_t verify_start_on(struct verify *v, size_t i, const char *name,
                           void (*fn)(int, char **), void *arg)
{
  sg_host_t h = v->w->providers[i].host;
  if (!sg_host_is_on(h))
    return NULL;
  sg_actor_t a = sg_actor_init(name, h);
  sg_actor_set_data(a, arg);
  sg_actor_ref(a); /* joined after it may have ended */
  sg_actor_start(a, fn, 0, NULL);
  return a;
}

void verify_join(sg_actor_t a)
{
  if (!a)
    return;
  sg_actor_join(a, -1);
  sg_actor_unref(a);
}

void verify_run_on(struct verify *v, size_t i, const char *name, void (*fn)(int, char **),
                   void *arg)
{
  verify_join(verify_start_on(v, i, name, fn, arg));
}

bool verify_counts(const struct verify *v, const struct vtask *t)
{
  return metrics_in_window(v->w->metrics, t->submitted_at);
}
