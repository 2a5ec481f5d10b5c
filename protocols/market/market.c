/* market.c: the market actor: orders, bids, leases and their escrow settlement (model in
 * market.h).
 *
 * One actor on the control host runs the market: it closes each order's bid window, gathers
 * the bids of matching providers and leases the node the tenant's policy picks, and every
 * settle_every blocks it settles every open lease, closing those whose tenant ran out of
 * funds or whose provider is down. Consumers (service.c, training.c) are told through their
 * order_owner callbacks and relist what they still need. A storage sink on the control host
 * receives training checkpoints. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/market/market_state.h"
#include "protocols/token/token_layer.h"
#include "sim/base/rng.h"
#include "sim/engine/actors.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(market, "market layer");

const char *const market_lease_end_names[] = {"open", "done", "insufficient-funds", "failure", NULL};

struct token_state *market_token(struct market *m)
{
  if (!m->token_looked_up) { /* every layer has deployed by the time an actor asks */
    m->token = token_layer_state(m->world);
    m->token_looked_up = true;
  }
  return m->token;
}

long market_height(const struct market *m, double t)
{
  return (long)floor(t / m->conf->block_time_s + 1e-9);
}

void market_order(struct market *m, const struct order_needs *needs,
                  const struct order_owner *owner, size_t slot)
{
  struct order *o = malloc(sizeof(*o));
  xbt_assert(o, "out of memory");
  double now = simgrid_get_clock();
  *o = (struct order){.needs = *needs, .owner = owner, .slot = slot, .opened_at = now,
                      .first_opened_at = now};
  if (m->n_orders == m->cap_orders) {
    m->cap_orders = m->cap_orders ? 2 * m->cap_orders : 64;
    m->orders = realloc(m->orders, m->cap_orders * sizeof(*m->orders));
    xbt_assert(m->orders, "out of memory");
  }
  m->orders[m->n_orders++] = o;
  m->orders_opened++;
}

/* Whether provider i would bid on an order with these needs, and at what price. */
static bool would_bid(const struct market *m, size_t i, const struct order_needs *n,
                      double *price)
{
  const struct world *w = m->world;
  const struct provider *p = &w->providers[i];
  const struct provider_class *pc = &w->sc->classes[p->class_index];
  if (m->leased[i] || pc->gpus_per_node < n->gpus_per_node ||
      (n->region >= 0 && (long)p->region_index != n->region) ||
      (n->gpu && strcasecmp(n->gpu, p->device->name) != 0 && strcasecmp(n->gpu, pc->gpu) != 0) ||
      p->device->memory_bytes < n->memory_per_gpu ||
      p->device->memory_bytes * pc->gpus_per_node < n->memory_per_node)
    return false;
  *price = auction_bid_price(pc->cost_per_hour, m->conf->bid_margin);
  return *price <= n->max_price && sg_host_is_on(p->host);
}

/* Gathers at most max_bids bids, scanning providers from a random one on. Returns the count. */
static size_t gather_bids(struct market *m, const struct order *o, struct bid *bids)
{
  const struct world *w = m->world;
  size_t n = w->n_providers, count = 0, start = gsl_rng_uniform_int(m->rng, n);
  for (size_t k = 0; k < n && count < (size_t)m->conf->max_bids; k++) {
    size_t i = (start + k) % n;
    double price;
    if (!would_bid(m, i, &o->needs, &price))
      continue;
    bids[count++] = (struct bid){.provider = i, .price_per_hour = price,
                                 .region = w->providers[i].region_index,
                                 .reputation = auction_reputation(m->ok[i], m->failed[i])};
  }
  return count;
}

static struct lease *lease_open(struct market *m, const struct order *o, const struct bid *b)
{
  const struct market_conf *c = m->conf;
  const struct world *w = m->world;
  const struct provider *p = &w->providers[b->provider];
  struct lease *l = calloc(1, sizeof(*l));
  xbt_assert(l, "out of memory");
  double now = simgrid_get_clock();
  int gpus = w->sc->classes[p->class_index].gpus_per_node;
  *l = (struct lease){.id = m->n_leases, .provider = b->provider, .gpus = gpus,
                      .price = b->price_per_hour, .bid_deposit = c->bid_min_deposit,
                      .opened_at = now, .closed_at = -1, .waited_s = now - o->first_opened_at,
                      .owner = o->owner, .slot = o->slot};
  double per_hour = b->price_per_hour * gpus;
  /* the tenant funds `funding` of its own (economic) time: in a coupled run an engine second
   * stands for token_time_scale of them, so the lease runs out of funds as often per epoch
   * as it would at full detail; but at least MARKET_MIN_FUNDING_BID_WINDOWS bid windows, a
   * physical delay that does not compress, so that relisting costs at most 1% of the time */
  double funding_s = fmax(c->funding_s / token_time_scale(market_token(m)),
                          fmin(c->funding_s, MARKET_MIN_FUNDING_BID_WINDOWS * c->bid_window_s));
  double deposit = fmax(c->min_deposit, per_hour * funding_s / 3600);
  escrow_open(&l->escrow, deposit, per_hour * c->block_time_s / 3600, market_height(m, now));
  m->deposited += deposit;
  m->leased[b->provider] = true;
  if (m->n_leases == m->cap_leases) {
    m->cap_leases = m->cap_leases ? 2 * m->cap_leases : 256;
    m->leases = realloc(m->leases, m->cap_leases * sizeof(*m->leases));
    m->open = realloc(m->open, m->cap_leases * sizeof(*m->open));
    xbt_assert(m->leases && m->open, "out of memory");
  }
  m->leases[m->n_leases++] = l;
  l->open_index = m->n_open;
  m->open[m->n_open++] = l;
  m->collateral_max = fmax(m->collateral_max, m->n_open * c->bid_min_deposit);
  return l;
}

/* The tenant pays the provider; the token layer, if any, learns what the GPUs earned. */
static void pay(struct market *m, struct lease *l, double amount)
{
  m->paid += amount;
  m->revenue[l->provider] += amount;
  if (amount > 0 && l->price > 0)
    token_record_rental(market_token(m), simgrid_get_clock(), l->provider, amount,
                        amount / l->price);
}

void market_lease_close(struct market *m, struct lease *l, enum lease_end why)
{
  if (l->end != LEASE_OPEN)
    return;
  double now = simgrid_get_clock();
  double before = l->escrow.paid;
  m->refunded += escrow_close(&l->escrow, market_height(m, now));
  pay(m, l, l->escrow.paid - before);
  l->end = why;
  l->closed_at = now;
  m->leased[l->provider] = false;
  if (why == LEASE_FAILURE)
    m->failed[l->provider]++;
  else if (why == LEASE_DONE)
    m->ok[l->provider]++;
  struct lease *last = m->open[--m->n_open];
  last->open_index = l->open_index;
  m->open[l->open_index] = last;
}

bool market_lease_host_ok(const struct market *m, const struct lease *l)
{
  const struct provider *p = &m->world->providers[l->provider];
  return sg_host_is_on(p->host) && p->down_since < l->opened_at;
}

void market_record_busy(struct market *m, struct lease *l, double t0, double t1, double flops)
{
  double from = fmax(t0, m->world->sc->warmup_s), to = fmin(t1, m->world->sc->duration_s);
  if (to <= from || t1 <= t0)
    return;
  double share = (to - from) / (t1 - t0);
  l->busy_s += to - from;
  m->useful_flops += flops * share;
  m->busy_gpu_s[m->world->providers[l->provider].class_index] += (to - from) * l->gpus;
}

/* Settles every open lease up to height; closes the overdrawn and those on a down host. */
static void settle_all(struct market *m, long height)
{
  for (size_t k = m->n_open; k-- > 0;) {
    struct lease *l = m->open[k];
    if (!market_lease_host_ok(m, l)) {
      market_lease_close(m, l, LEASE_FAILURE);
      l->owner->on_close(l->owner->ctx, l->slot, l);
      continue;
    }
    pay(m, l, escrow_settle(&l->escrow, height));
    if (l->escrow.overdrawn) {
      market_lease_close(m, l, LEASE_FUNDS);
      l->owner->on_close(l->owner->ctx, l->slot, l);
    }
  }
  m->settled_height = height;
}

/* Closes the bid windows that are due: lease or relist. */
static void close_due_orders(struct market *m, struct bid *bids)
{
  double now = simgrid_get_clock();
  size_t kept = 0, n = m->n_orders;
  const struct order_needs *unmet = NULL; /* needs nobody could bid on in this pass */
  for (size_t k = 0; k < n; k++) {
    struct order *o = m->orders[k];
    if (o->opened_at + m->conf->bid_window_s > now + 1e-9) {
      m->orders[kept++] = o;
      continue;
    }
    /* Leasing only takes providers away, so an order like one that found no bidder in this
     * pass would find none either: skip its scan of every provider. */
    bool hopeless = unmet && memcmp(unmet, &o->needs, sizeof(*unmet)) == 0;
    size_t count = hopeless ? 0 : gather_bids(m, o, bids);
    if (count == 0)
      unmet = &o->needs;
    m->bids += (double)count;
    long pick = auction_pick(bids, count, m->conf->selection, m->tenant_region);
    if (pick < 0) { /* nobody bid: the order stays open for another window */
      o->opened_at = now;
      o->relists++;
      m->relists++;
      m->orders[kept++] = o;
      continue;
    }
    struct lease *l = lease_open(m, o, &bids[pick]);
    o->owner->on_lease(o->owner->ctx, o->slot, l);
    free(o);
  }
  /* Orders opened by the callbacks went to the end; keep them after the survivors. */
  for (size_t k = n; k < m->n_orders; k++)
    m->orders[kept++] = m->orders[k];
  m->n_orders = kept;
}

static void market_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct market *m = sg_actor_self_get_data();
  const struct market_conf *c = m->conf;
  struct bid *bids = malloc((size_t)c->max_bids * sizeof(*bids));
  xbt_assert(bids, "out of memory");
  for (;;) {
    double now = simgrid_get_clock();
    double next_settle = (m->settled_height + c->settle_every_blocks) * c->block_time_s;
    double next = fmin(next_settle, now + c->bid_window_s);
    for (size_t k = 0; k < m->n_orders; k++)
      next = fmin(next, m->orders[k]->opened_at + c->bid_window_s);
    if (next > now)
      sg_actor_sleep_until(next);
    now = simgrid_get_clock();
    if (now + 1e-9 >= next_settle)
      settle_all(m, market_height(m, now));
    close_due_orders(m, bids);
  }
}

/* Receives checkpoints: a permanent receiver, so writes from many nodes flow in parallel. */
static void storage_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct market *m = sg_actor_self_get_data();
  sg_mailbox_set_receiver(sg_mailbox_get_name(m->storage));
  for (;;)
    actors_receive(m->storage); /* NULL when the sender's host went down mid-transfer */
}

static double leases_open(void *state)
{
  return (double)((struct market *)state)->n_open;
}

static double payments(void *state)
{
  return ((struct market *)state)->paid;
}

static void *market_deploy(struct world *w, const void *conf)
{
  struct market *m = calloc(1, sizeof(*m));
  xbt_assert(m, "out of memory");
  *m = (struct market){.world = w, .conf = conf};
  m->rng = rng_stream(w->sc->seed, "market-bids", 0);
  m->leased = calloc(w->n_providers, sizeof(bool));
  m->ok = calloc(w->n_providers, sizeof(unsigned));
  m->failed = calloc(w->n_providers, sizeof(unsigned));
  m->revenue = calloc(w->n_providers, sizeof(double));
  m->busy_gpu_s = calloc(w->sc->n_classes, sizeof(double));
  xbt_assert(m->leased && m->ok && m->failed && m->revenue && m->busy_gpu_s, "out of memory");
  m->storage = sg_mailbox_by_name("market-storage");
  /* Tenants, clients and storage sit at the control host, in the first provider's region. */
  m->tenant_region = w->sc->platform_file ? -1 : (long)w->providers[0].region_index;
  sg_actor_t a = sg_actor_init("market", world_control_host(w));
  sg_actor_set_data(a, m);
  sg_actor_start(a, market_actor, 0, NULL);
  a = sg_actor_init("market-storage", world_control_host(w));
  sg_actor_set_data(a, m);
  sg_actor_start(a, storage_actor, 0, NULL);
  service_deploy(m);
  training_deploy(m);
  metrics_series_add(w->metrics, "leases_open", "", SERIES_GAUGE, leases_open, m);
  metrics_series_add(w->metrics, "payments", "USD/s", SERIES_RATE, payments, m);
  return m;
}

static void market_state_free(void *state)
{
  struct market *m = state;
  if (!m)
    return;
  service_free_all(m);
  training_free_all(m);
  for (size_t i = 0; i < m->n_orders; i++)
    free(m->orders[i]);
  for (size_t i = 0; i < m->n_leases; i++)
    free(m->leases[i]);
  free(m->orders);
  free(m->leases);
  free(m->open);
  free(m->leased);
  free(m->ok);
  free(m->failed);
  free(m->revenue);
  free(m->busy_gpu_s);
  gsl_rng_free(m->rng);
  free(m);
}

/* The market settles leases in the ledger's blocks (its block time, read at validate). */
static const char *const market_consumes[] = {"ledger", NULL};
static const char *const market_workload[] = {"inference", "training", "rendering", NULL};

const struct depin_layer market_layer = {
  .name = "market",
  .metrics = market_metrics,
  .consumes = market_consumes,
  .workload_keys = market_workload,
  .parse = market_conf_parse,
  .validate = market_conf_validate,
  .conf_free = market_conf_free,
  .deploy = market_deploy,
  .finish = market_report,
  .state_free = market_state_free,
};
