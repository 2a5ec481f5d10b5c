/* service.c: inference and rendering pools and their dispatcher (model in market.h).
 *
 * Each served workload has one dispatcher actor on the control host. Every batch_interval it
 * draws the Poisson arrivals since its last pass and places each, in arrival order, on the
 * live server that frees up first (a min-heap of free times): start = max(arrival, free_at),
 * finish = start + service. That is the Kiefer-Wolfowitz recursion of a FCFS multi-server
 * queue, so the pool behaves as M/M/c (or M/D/c) exactly whatever the batch interval. It
 * then samples the number of placed requests still waiting (for Little's law). Servers come
 * and go with their leases: a closed lease removes its server (requests it had not finished
 * count as lost) and relists its order.
 *
 * In a coupled run (token.coupling) the tenant's demand follows the token layer's demand
 * scale: the request rate and the pool it rents (replicas x scale, at least one) change at
 * each pass. Arrivals are redrawn from the pass when the rate changes (Poisson arrivals are
 * memoryless, so a piecewise-constant rate is exact). A server beyond the pool takes no new
 * request and its lease ends once it is idle; one the pool needs again is reused while its
 * lease lasts. Each request tells the token layer whether it was served within the latency
 * bound. */
#include "protocols/market/service.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/token/token_layer.h"
#include "sim/base/rng.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(market_service, "market: inference and rendering");

static uint64_t server_id(size_t slot, uint64_t generation)
{
  return (uint64_t)slot << 32 | (generation & 0xffffffffu);
}

static void on_lease(void *ctx, size_t slot, struct lease *l)
{
  struct service *s = ctx;
  struct world *w = s->market->world;
  const struct provider *p = &w->providers[l->provider];
  const struct provider_class *pc = &w->sc->classes[p->class_index];
  struct server *sv = &s->servers[slot];
  sg_host_t client = world_control_host(w);
  sv->ordered = false;
  double bw = fmin(sg_host_get_route_bandwidth(client, p->host),
                   sg_host_get_route_bandwidth(p->host, client));
  sv->lease = l;
  sv->generation++;
  sv->free_at = simgrid_get_clock();
  sv->net_s = sg_host_get_route_latency(client, p->host) +
              sg_host_get_route_latency(p->host, client) +
              (s->spec->bytes_in + s->spec->bytes_out) / bw;
  sv->service_s = profile_compute_seconds(p->device, s->spec->precision, s->spec->flops,
                                          pc->gpus_per_node, w->sc->efficiency);
  pqueue_push(s->free_at, sv->free_at, server_id(slot, sv->generation));
}

/* The lease ended under the server: drop it, count what it had not finished, relist. */
static void drop_server(struct service *s, size_t slot)
{
  struct server *sv = &s->servers[slot];
  double now = simgrid_get_clock();
  if (sv->free_at > now && sv->service_s > 0 && metrics_in_window(s->market->world->metrics, now))
    s->lost += ceil((sv->free_at - now) / sv->service_s);
  sv->lease = NULL;
  sv->generation++;
  sv->ordered = slot < s->wanted;
  if (sv->ordered)
    market_order(s->market, &s->needs, &s->owner, slot);
}

static void on_close(void *ctx, size_t slot, struct lease *l)
{
  (void)l;
  drop_server(ctx, slot);
}

/* Pops stale heap entries; returns the live server that frees first, or -1. */
static long first_free(struct service *s)
{
  while (pqueue_size(s->free_at) > 0) {
    struct pqueue_item top = pqueue_top(s->free_at);
    size_t slot = top.id >> 32;
    struct server *sv = &s->servers[slot];
    if (sv->lease && slot < s->wanted &&
        (sv->generation & 0xffffffffu) == (top.id & 0xffffffffu) && top.key == sv->free_at)
      return (long)slot;
    pqueue_pop(s->free_at);
  }
  return -1;
}

static void place(struct service *s, double arrival)
{
  struct market *m = s->market;
  long slot = first_free(s);
  if (slot < 0) {
    if (s->n_pending == s->cap_pending) {
      s->cap_pending = s->cap_pending ? 2 * s->cap_pending : 1024;
      s->pending = realloc(s->pending, s->cap_pending * sizeof(double));
      xbt_assert(s->pending, "out of memory");
    }
    s->pending[s->n_pending++] = arrival;
    return;
  }
  struct server *sv = &s->servers[slot];
  pqueue_pop(s->free_at);
  double service = s->spec->exponential ? gsl_ran_exponential(s->rng, sv->service_s)
                                        : sv->service_s;
  double start = fmax(arrival, sv->free_at);
  sv->free_at = start + service;
  pqueue_push(s->free_at, sv->free_at, server_id((size_t)slot, sv->generation));
  if (start > simgrid_get_clock())
    pqueue_push(s->waiting, start, 0);
  double flops = s->spec->exponential ? s->spec->flops * service / sv->service_s : s->spec->flops;
  market_record_busy(m, sv->lease, start, start + service, flops);
  double latency = start - arrival + service + sv->net_s;
  struct token_state *tk = market_token(m);
  token_record_requests(tk, 0, latency <= token_latency_bound(tk));
  if (!metrics_in_window(m->world->metrics, arrival))
    return;
  s->served++;
  hist_add(s->wait, start - arrival, 1);
  hist_add(s->latency, latency, 1);
}

static void dispatch(struct service *s, double now)
{
  /* Requests that found no server go first, in their order (place() queues them again, in
   * the same order, while there is still none). */
  size_t n = s->n_pending;
  s->n_pending = 0;
  for (size_t i = 0; i < n; i++) {
    double arrival = s->pending[i];
    place(s, arrival);
  }
  struct token_state *tk = market_token(s->market);
  for (; s->next_arrival <= now; s->next_arrival += gsl_ran_exponential(s->rng,
                                                                      1 / s->rate_per_s)) {
    s->arrived_total++;
    token_record_requests(tk, 1, 0);
    if (metrics_in_window(s->market->world->metrics, s->next_arrival))
      s->arrived++;
    place(s, s->next_arrival);
  }
  while (pqueue_size(s->waiting) > 0 && pqueue_top(s->waiting).key <= now)
    pqueue_pop(s->waiting);
  if (metrics_in_window(s->market->world->metrics, now)) {
    s->queue_sum += (double)(pqueue_size(s->waiting) + s->n_pending);
    s->queue_samples++;
  }
}

/* The pool grows to `wanted` servers: slots past the old size get an order, or their lease
 * back in the heap if they still hold one. */
static void grow_pool(struct service *s, size_t wanted, double now)
{
  if (wanted > s->n_slots) {
    size_t n = wanted > 2 * s->n_slots ? wanted : 2 * s->n_slots;
    struct server *sv = realloc(s->servers, n * sizeof(*sv));
    xbt_assert(sv, "out of memory");
    memset(sv + s->n_slots, 0, (n - s->n_slots) * sizeof(*sv));
    s->servers = sv;
    s->n_slots = n;
  }
  for (size_t slot = s->wanted; slot < wanted; slot++) {
    struct server *sv = &s->servers[slot];
    if (sv->lease) {
      sv->free_at = fmax(sv->free_at, now);
      pqueue_push(s->free_at, sv->free_at, server_id(slot, ++sv->generation));
    } else if (!sv->ordered) {
      sv->ordered = true;
      market_order(s->market, &s->needs, &s->owner, slot);
    }
  }
}

/* Ends the leases of idle servers past the pool. */
static void retire_idle(struct service *s, double now)
{
  for (size_t slot = s->wanted; slot < s->n_slots; slot++) {
    struct server *sv = &s->servers[slot];
    if (!sv->lease || sv->free_at > now)
      continue;
    market_lease_close(s->market, sv->lease, LEASE_DONE);
    sv->lease = NULL;
    sv->generation++;
  }
}

/* Follows the token layer's demand scale (1 outside coupled runs): pool size and rate. */
static void follow_demand(struct service *s, double now)
{
  double scale = token_demand_scale(market_token(s->market));
  double wanted = fmax(1, ceil((double)s->spec->replicas * scale - 1e-9));
  if ((size_t)wanted > s->wanted)
    grow_pool(s, (size_t)wanted, now);
  s->wanted = (size_t)wanted;
  retire_idle(s, now);
  double rate = s->spec->rate_per_s * scale;
  if (rate == s->rate_per_s)
    return;
  s->rate_per_s = rate;
  s->next_arrival = rate > 0 ? now + gsl_ran_exponential(s->rng, 1 / rate) : INFINITY;
}

static void dispatcher_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct service *s = sg_actor_self_get_data();
  double interval = s->market->conf->batch_interval_s;
  for (double t = interval;; t += interval) {
    sg_actor_sleep_until(t);
    dispatch(s, t);
    follow_demand(s, t);
  }
}

static void service_start(struct market *m, size_t i)
{
  struct world *w = m->world;
  struct service *s = &m->services[i];
  const struct service_spec *spec = &m->conf->services[i];
  char name[64];
  *s = (struct service){.market = m, .spec = spec, .index = i};
  s->owner = (struct order_owner){on_lease, on_close, s, spec->inference ? "inference"
                                                                         : "rendering"};
  s->needs = (struct order_needs){.gpu = spec->gpu, .gpus_per_node = spec->gpus_per_node,
                                  .memory_per_node = spec->memory_bytes, .region = spec->region,
                                  .max_price = spec->max_price};
  s->servers = calloc((size_t)spec->replicas, sizeof(*s->servers));
  s->n_slots = s->wanted = (size_t)spec->replicas;
  s->rate_per_s = spec->rate_per_s;
  s->free_at = pqueue_new();
  s->waiting = pqueue_new();
  s->rng = rng_stream(w->sc->seed, "market-service", i);
  xbt_assert(s->servers && s->free_at && s->waiting, "out of memory");
  s->next_arrival = gsl_ran_exponential(s->rng, 1 / spec->rate_per_s);
  snprintf(name, sizeof(name), "%s-%zu-latency", spec->inference ? "inference" : "frame", i);
  s->latency = metrics_hist(w->metrics, name, "s");
  snprintf(name, sizeof(name), "%s-%zu-wait", spec->inference ? "inference" : "frame", i);
  s->wait = metrics_hist(w->metrics, name, "s");
  for (long k = 0; k < spec->replicas; k++) {
    s->servers[k].ordered = true;
    market_order(m, &s->needs, &s->owner, (size_t)k);
  }
  snprintf(name, sizeof(name), "market-%s-%zu", s->owner.kind, i);
  sg_actor_t a = sg_actor_init(name, world_control_host(w));
  sg_actor_set_data(a, s);
  sg_actor_start(a, dispatcher_actor, 0, NULL);
}

void service_deploy(struct market *m)
{
  m->n_services = m->conf->n_services;
  m->services = calloc(m->n_services ? m->n_services : 1, sizeof(*m->services));
  xbt_assert(m->services, "out of memory");
  for (size_t i = 0; i < m->n_services; i++)
    service_start(m, i);
}

void service_free_all(struct market *m)
{
  for (size_t i = 0; i < m->n_services; i++) {
    struct service *s = &m->services[i];
    free(s->servers);
    free(s->pending);
    pqueue_free(s->free_at);
    pqueue_free(s->waiting);
    if (s->rng)
      gsl_rng_free(s->rng);
  }
  free(m->services);
}
