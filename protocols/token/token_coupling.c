/* token_coupling.c: token epochs inside the engine's time, moving the network
 * (`token.coupling`; docs/models/token.md, "Coupled runs").
 *
 * One population. Each provider host is an operator: the launch hosts of a class (its count)
 * are the simulation's launch operators, in class order, and the rest of its max_count hosts
 * are spares. Every `window` of engine time the world calls tick(): the events the other
 * layers recorded in the window (payments for rented GPUs, protocol rewards and fees, faults)
 * are applied to the next `every` epochs, their amounts scaled by epoch / window (the window's
 * rates carried over the epoch), and the epochs run. Then the operator table and the hosts
 * are brought into line: an operator that left turns its host into a spare (off, as a host
 * that failed, so leases on it end and its DA votes and validator slot go dark); an entrant
 * takes a spare host of its class and switches it on; a sybil holds a host that stays dark
 * (it claims GPUs it does not have and serves nothing). The simulation refuses an entrant when
 * its class has no spare left (token_class.max_nodes). A class with neither cost nor stake
 * (DA's blob submitters: users' hosts, not operators) has no operators: its hosts stay in the
 * network, outside the economy.
 *
 * Demand through the network. The token model's own demand is not used (network_demand):
 * revenue is what the market's tenants paid for the GPUs they rented, DA and storage fees and
 * rewards as recorded. Served workloads scale their request rate and their rented pool by
 * token_demand_scale(): the workload's growth over the token time so far, times a quality
 * that moves halfway, each window, towards (share of requests served within the latency
 * bound) ^ elasticity. Halfway damps the loop: demand measured at a reduced load would
 * otherwise bounce straight back.
 *
 * Multi-rate. A full simulation is window = epoch and every = 1; a shorter window or a larger
 * `every` trades accuracy for time (tests/perf/token_coupled.c measures the error). The run's
 * duration fixes the horizon: duration / window x every epochs. Economic durations that the
 * network measures in engine time (a tenant's escrow funding) are divided by the compression,
 * token_time_scale(); physical ones (failures, blocks, bid windows, latencies) are not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/token/token_layer_private.h"
#include "sim/engine/world.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(token_coupling, "token layer: coupled epochs");

/* How far quality moves towards the last window's each window (see above). */
#define TOKEN_COUPLING_QUALITY_STEP 0.5

struct token_coupled {
  token_sim_t *sim;
  struct token_config c;
  struct token_class *classes;   /* owned */
  struct token_recorder rec;
  size_t *host_of_op;            /* per operator slot; SIZE_MAX: none */
  size_t *op_of_host;            /* per provider; SIZE_MAX: none */
  size_t n_seen;                 /* operator slots bound or skipped so far */
  size_t epochs_done;
  size_t **spares;               /* per class, a stack of spare hosts */
  size_t *n_spares;
  double quality, demand_scale;
  double offered, served_well;   /* this window's requests */
  double late_events;            /* recorded after the last epoch: not applied */
};

/* Windows a run of this duration holds, or 0 when it is not a whole number of them. */
static double windows_of(double duration_s, double window_s)
{
  double n = duration_s / window_s;
  return fabs(n - round(n)) <= 1e-6 * fmax(1, n) && round(n) >= 1 ? round(n) : 0;
}

static bool another_layer(const struct scenario *sc)
{
  for (size_t i = 0; i < sc->layers->n; i++)
    if (sc->layer_conf[i] && strcmp(sc->layers->layers[i]->name, "token") != 0)
      return true;
  return false;
}

static struct cfg_node key_node(cfg_t *cfg, struct cfg_node parent, const char *key)
{
  struct cfg_node n = {0};
  if (parent.node)
    cfg_get(cfg, parent, key, &n, false);
  return n.node ? n : parent;
}

bool token_coupling_validate(const struct scenario *sc, const struct token_conf *tc,
                             cfg_t *cfg)
{
  const struct token_coupling *k = &tc->coupling;
  bool ok = true;
  if (!another_layer(sc)) {
    cfg_error(cfg, k->node, "no network to couple to: the scenario enables no other layer "
              "(allowed: with at least one other layer's section, such as market or ledger)");
    ok = false;
  }
  if (k->window_s > tc->c.epoch_s) {
    cfg_error(cfg, key_node(cfg, k->node, "window"), "%g s is longer than token.epoch (%g s) "
              "(allowed: 1 s up to the epoch)", k->window_s, tc->c.epoch_s);
    return false;
  }
  double n = windows_of(sc->duration_s, k->window_s);
  if (n == 0) {
    cfg_error(cfg, key_node(cfg, k->node, "window"), "the run's duration (%g s) is not a whole "
              "number of windows of %g s (allowed: a window that divides the duration)",
              sc->duration_s, k->window_s);
    return false;
  }
  double horizon = n * (double)k->every * tc->c.epoch_s;
  if (tc->horizon_set && fabs(tc->c.horizon_s - horizon) > 1e-9 * horizon) {
    cfg_error(cfg, key_node(cfg, tc->section, "horizon"), "%g s does not match the coupled run: "
              "duration / window x every x epoch = %g x %ld x %g s = %g s (allowed: that, or "
              "leave horizon out)", tc->c.horizon_s, n, k->every, tc->c.epoch_s, horizon);
    ok = false;
  }
  struct cfg_node demand = {0}, own = {0};
  cfg_get(cfg, tc->section, "demand", &demand, false);
  if (demand.node)
    cfg_get(cfg, demand, "gpu_hours_per_hour", &own, false);
  if (own.node) {
    cfg_error(cfg, own, "a coupled run's demand is the network's workloads (allowed in "
              "token.demand: growth_per_year, buy_usd_per_day)");
    ok = false;
  }
  return ok;
}

bool token_coupling_users_class(const struct provider_class *pc)
{
  return pc->cost_per_hour == 0 && pc->stake == 0;
}

/* Which class an operator slot belongs to. */
static size_t class_of_op(const operators_t *o, size_t i)
{
  return o->groups[o->cohorts[o->cohort[i]].group].cls;
}

static void bind(struct token_coupled *k, struct world *w, size_t op)
{
  const operators_t *o = token_sim_operators(k->sim);
  size_t cls = class_of_op(o, op);
  xbt_assert(k->n_spares[cls] > 0, "class %zu admitted an operator with no spare host", cls);
  size_t host = k->spares[cls][--k->n_spares[cls]];
  k->host_of_op[op] = host;
  k->op_of_host[host] = op;
  if (!(o->flags[op] & OPERATOR_SYBIL))
    world_provider_set_spare(w, host, false);
}

static void release(struct token_coupled *k, struct world *w, size_t op)
{
  size_t host = k->host_of_op[op], cls = w->providers[host].class_index;
  world_provider_set_spare(w, host, true);
  k->spares[cls][k->n_spares[cls]++] = host;
  k->host_of_op[op] = k->op_of_host[host] = SIZE_MAX;
}

/* New operators take spares, then operators that left give their hosts back. Entrants take
 * hosts that were spares before this tick first, so that a host rarely changes hands in one
 * instant; when it must (more entrants than old spares), layers still see that it went down
 * (provider.down_since), as after a failure and repair. */
static void sync_hosts(struct token_coupled *k, struct world *w)
{
  const operators_t *o = token_sim_operators(k->sim);
  size_t first_new = k->n_seen;
  for (size_t i = first_new; i < o->n; i++) /* entrants that took an old spare */
    if ((o->flags[i] & OPERATOR_ALIVE) && k->n_spares[class_of_op(o, i)] > 0)
      bind(k, w, i);
  for (size_t i = 0; i < o->n; i++)
    if (k->host_of_op[i] != SIZE_MAX && !(o->flags[i] & OPERATOR_ALIVE))
      release(k, w, i);
  for (size_t i = first_new; i < o->n; i++) /* the rest, on hosts freed just now */
    if ((o->flags[i] & OPERATOR_ALIVE) && k->host_of_op[i] == SIZE_MAX)
      bind(k, w, i);
  k->n_seen = o->n;
}

static void update_demand(struct token_coupled *k, const struct token_conf *conf, double t_s)
{
  double q = k->offered > 0 ? k->served_well / k->offered : 1;
  k->quality += TOKEN_COUPLING_QUALITY_STEP * (pow(q, conf->coupling.elasticity) - k->quality);
  k->demand_scale = pow(1 + k->c.demand_growth_per_year, t_s / EMISSION_YEAR_S) * k->quality;
  k->offered = k->served_well = 0;
}

static size_t op_of(const struct token_coupled *k, const struct world *w, size_t provider)
{
  return provider < w->n_providers ? k->op_of_host[provider] : SIZE_MAX;
}

static void tick(struct world *w, double now, void *ctx)
{
  struct token_state *st = ctx;
  struct token_coupled *k = st->coupled;
  const struct token_coupling *conf = &st->conf->coupling;
  double scale = k->c.epoch_s / conf->window_s;
  qsort(st->events, st->n_events, sizeof *st->events, token_event_by_time);
  for (long r = 0; r < conf->every; r++) {
    if (k->epochs_done >= token_sim_epoch_count(k->sim))
      break;
    for (size_t i = 0; i < st->n_events; i++)
      token_apply_event(k->sim, &st->events[i], op_of(k, w, st->events[i].provider), scale,
                        r == 0);
    token_sim_step(k->sim);
    k->epochs_done++;
    token_record_epoch(token_sim_last(k->sim), &k->rec);
  }
  st->n_events = 0;
  sync_hosts(k, w);
  update_demand(k, st->conf, token_sim_last(k->sim)->t_s);
  metrics_series_push(w->metrics, "token_demand_scale", "", now, k->demand_scale);
}

/* Launch operator offset(k) + j holds host first_provider + j of class k; a class's other
 * hosts are its spares. Sybils' hosts go dark. A class of users' hosts has no operators: its
 * hosts stay as they are. */
static void bind_launch(struct token_coupled *k, struct world *w)
{
  const struct scenario *sc = w->sc;
  const operators_t *o = token_sim_operators(k->sim);
  size_t op = 0;
  for (size_t c = 0; c < sc->n_classes; c++) {
    const struct provider_class *pc = &sc->classes[c];
    k->spares[c] = malloc(((size_t)pc->max_count + 1) * sizeof(size_t));
    xbt_assert(k->spares[c], "out of memory");
    if (token_coupling_users_class(pc))
      continue;
    for (long j = pc->max_count - 1; j >= pc->count; j--) /* the lowest index pops first */
      k->spares[c][k->n_spares[c]++] = pc->first_provider + (size_t)j;
    for (long j = 0; j < pc->count; j++, op++) {
      size_t host = pc->first_provider + (size_t)j;
      k->host_of_op[op] = host;
      k->op_of_host[host] = op;
      if (o->flags[op] & OPERATOR_SYBIL)
        world_provider_set_spare(w, host, true);
    }
  }
  k->n_seen = o->n;
}

void token_coupling_deploy(struct token_state *st, struct world *w)
{
  const struct scenario *sc = w->sc;
  const struct token_conf *conf = st->conf;
  struct token_coupled *k = calloc(1, sizeof *k);
  xbt_assert(k, "out of memory");
  st->coupled = k;
  k->classes = token_classes_of(sc, conf);
  for (size_t c = 0; c < sc->n_classes; c++) {
    bool users = token_coupling_users_class(&sc->classes[c]); /* no operators: see above */
    k->classes[c].count = users ? 0 : k->classes[c].count;
    k->classes[c].max_nodes = users ? -1 : sc->classes[c].max_count;
  }
  k->c = conf->c;
  k->c.classes = k->classes;
  k->c.n_classes = sc->n_classes;
  k->c.seed = sc->seed;
  k->c.network_demand = true;
  k->c.horizon_s = windows_of(sc->duration_s, conf->coupling.window_s) *
                   (double)conf->coupling.every * conf->c.epoch_s;
  k->sim = token_sim_new(&k->c);
  xbt_assert(k->sim, "token layer: cannot create the simulation (%s)",
             token_config_check(&k->c) ? token_config_check(&k->c) : "out of memory");
  const operators_t *o = token_sim_operators(k->sim);
  k->host_of_op = malloc((o->capacity + 1) * sizeof(size_t));
  k->op_of_host = malloc((w->n_providers + 1) * sizeof(size_t));
  k->spares = calloc(sc->n_classes + 1, sizeof(size_t *));
  k->n_spares = calloc(sc->n_classes + 1, sizeof(size_t));
  xbt_assert(k->host_of_op && k->op_of_host && k->spares && k->n_spares, "out of memory");
  memset(k->host_of_op, 0xff, (o->capacity + 1) * sizeof(size_t));
  memset(k->op_of_host, 0xff, (w->n_providers + 1) * sizeof(size_t));
  bind_launch(k, w);
  k->quality = k->demand_scale = 1;
  token_recorder_init(&k->rec, w, token_sim_epoch_count(k->sim));
  world_every(w, conf->coupling.window_s, tick, st);
  XBT_INFO("token: coupled, %zu epochs of %g s, the network simulated %g s for every %ld",
           token_sim_epoch_count(k->sim), k->c.epoch_s, conf->coupling.window_s,
           conf->coupling.every);
}

void token_coupling_finish(struct token_state *st, struct world *w)
{
  struct token_coupled *k = st->coupled;
  st->settled = true;
  if (st->n_events > 0) /* a layer's last flush as the run ends, after the last epoch */
    XBT_INFO("token: %zu events recorded after the last epoch were not applied", st->n_events);
  token_summarise(k->sim, &k->c, &k->rec);
  metrics_summary_set(w->metrics, "token_demand_scale_final", k->demand_scale, "");
  metrics_summary_set(w->metrics, "token_served_gpu_hours", k->rec.served, "GPU-h");
}

void token_coupling_free(struct token_state *st)
{
  struct token_coupled *k = st->coupled;
  if (!k)
    return;
  token_sim_free(k->sim);
  for (size_t c = 0; k->spares && c < k->c.n_classes; c++)
    free(k->spares[c]);
  free(k->spares);
  free(k->n_spares);
  free(k->host_of_op);
  free(k->op_of_host);
  free(k->classes);
  free(k);
}

double token_demand_scale(const struct token_state *st)
{
  return st && st->coupled ? st->coupled->demand_scale : 1;
}

double token_time_scale(const struct token_state *st)
{
  if (!st || !st->coupled)
    return 1;
  const struct token_coupling *k = &st->conf->coupling;
  return st->conf->c.epoch_s * (double)k->every / k->window_s;
}

double token_latency_bound(const struct token_state *st)
{
  return st && st->coupled ? st->conf->coupling.latency_bound_s : INFINITY;
}

void token_record_requests(struct token_state *st, double offered, double served_well)
{
  if (!st || !st->coupled)
    return;
  st->coupled->offered += offered;
  st->coupled->served_well += served_well;
}
