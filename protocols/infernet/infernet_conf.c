/* infernet_conf.c: the `infernet` section: reading, defaults, checks, and the layer's closed
 * forms (infernet.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/infernet/infernet.h"
#include "protocols/ledger/ledger.h"
#include "sim/scenario/scenario.h"

/* infernet-node: the listener sleeps 500 ms when it is synced to the head, the processor loops
 * every 100 ms (docs/reference/infernet.md). */
#define INFERNET_DEFAULT_WATCH_S 0.5
#define INFERNET_DEFAULT_PROCESS_S 0.1

static const char *const infernet_keys[] = {
  "nodes", "subscriptions", "watch_interval", "process_interval", "trail_blocks",
  "protocol_fee", "invalid_proof_rate", NULL};
static const char *const sub_keys[] = {
  "name", "rate", "count", "frequency", "period", "redundancy", "serving", "flops",
  "precision", "compute", "input", "output", "proof", "fee", NULL};
static const char *const proof_keys[] = {"time", "size", NULL};

double infernet_interval_start(double created_at, double period_s, long k)
{
  return created_at + period_s * (double)k; /* activeAt = createdAt + period */
}

long infernet_current_interval(double created_at, double period_s, double t)
{
  if (period_s <= 0)
    return 1;
  double active_at = created_at + period_s;
  return (long)floor((t - active_at) / period_s + 1e-9) + 1;
}

double infernet_next_poll(double phase, double every, double t)
{
  return phase + ceil((t - phase) / every - 1e-9) * every;
}

double infernet_request_bytes(const struct infernet_sub_conf *s)
{
  /* a one-off request carries its input (CallbackConsumer); a recurring one is read by a
   * view call (SubscriptionConsumer.getContainerInputs) */
  double input = s->frequency == 1 ? 32 + 32 * ceil(s->input_bytes / 32) : 0;
  return INFERNET_SUBSCRIPTION_TX_BYTES + input;
}

double infernet_delivery_bytes(const struct infernet_sub_conf *s)
{
  return INFERNET_DELIVERY_TX_BYTES + 32 * ceil(s->output_bytes / 32) +
         32 * ceil(s->proof_bytes / 32);
}

double infernet_expected_intervals(const struct infernet_sub_conf *s, double from, double to,
                                   double duration)
{
  double created_until = fmin(duration, s->count / s->rate_per_s); /* creation window */
  double total = 0;
  for (long k = 1; k <= s->frequency; k++) {
    double shift = s->period_s * (double)k; /* interval k starts shift after creation */
    if (shift > to)
      break;
    double lo = fmax(0, from - shift), hi = fmin(created_until, to - shift);
    if (hi > lo)
      total += s->rate_per_s * (hi - lo);
  }
  return total;
}

/* proof: {time, size}. */
static bool parse_proof(cfg_t *cfg, struct cfg_node e, struct infernet_sub_conf *s)
{
  struct cfg_node p;
  cfg_get(cfg, e, "proof", &p, false);
  if (!p.node)
    return true;
  bool ok = cfg_check_keys(cfg, p, proof_keys);
  ok &= cfg_get_quantity(cfg, p, "time", UNIT_TIME, 0, 86400, &s->proof_s, true);
  ok &= cfg_get_quantity(cfg, p, "size", UNIT_SIZE, 0, 1e9, &s->proof_bytes, false);
  return ok;
}

/* The container's work: flops (with a precision) or a fixed compute time, exactly one. */
static bool parse_work(cfg_t *cfg, struct cfg_node e, struct infernet_sub_conf *s)
{
  struct cfg_node flops, compute, precision;
  cfg_get(cfg, e, "flops", &flops, false);
  cfg_get(cfg, e, "compute", &compute, false);
  cfg_get(cfg, e, "precision", &precision, false);
  bool ok = cfg_get_quantity(cfg, e, "flops", UNIT_NUMBER, CFG_POSITIVE, 1e24, &s->flops, false);
  ok &= cfg_get_quantity(cfg, e, "compute", UNIT_TIME, CFG_POSITIVE, 86400, &s->compute_s, false);
  int p = PREC_FP16;
  ok &= cfg_get_enum(cfg, e, "precision", precision_names, &p, false);
  s->precision = (enum precision)p;
  if (!flops.node == !compute.node) {
    cfg_error(cfg, flops.node ? compute : e, "give the container's work as flops or as compute "
              "(allowed: exactly one of flops, compute)");
    return false;
  }
  if (precision.node && !flops.node) {
    cfg_error(cfg, precision, "precision applies to flops (allowed: with flops)");
    return false;
  }
  return ok;
}

static bool parse_sub(cfg_t *cfg, struct cfg_node e, struct infernet_sub_conf *s)
{
  *s = (struct infernet_sub_conf){.count = INFINITY, .frequency = 1, .redundancy = 1};
  bool ok = cfg_check_keys(cfg, e, sub_keys);
  ok &= cfg_get_name(cfg, e, "name", &s->name, true);
  ok &= cfg_get_quantity(cfg, e, "rate", UNIT_RATE, CFG_POSITIVE, 1e6, &s->rate_per_s, true);
  long count = -1;
  ok &= cfg_get_int(cfg, e, "count", &count, 1, 1000000000L, false);
  if (count > 0)
    s->count = (double)count;
  ok &= cfg_get_int(cfg, e, "frequency", &s->frequency, 1, INFERNET_MAX_FREQUENCY, false);
  ok &= cfg_get_quantity(cfg, e, "period", UNIT_TIME, 0, 365 * 86400.0, &s->period_s, false);
  ok &= cfg_get_int(cfg, e, "redundancy", &s->redundancy, 1, 65535, false); /* uint16 */
  ok &= cfg_get_int(cfg, e, "serving", &s->serving, 1, 1000000, false);
  ok &= parse_work(cfg, e, s);
  ok &= cfg_get_quantity(cfg, e, "input", UNIT_SIZE, 0, 1e9, &s->input_bytes, false);
  ok &= cfg_get_quantity(cfg, e, "output", UNIT_SIZE, 0, 1e9, &s->output_bytes, false);
  ok &= parse_proof(cfg, e, s);
  ok &= cfg_get_quantity(cfg, e, "fee", UNIT_NUMBER, 0, 1e9, &s->fee_usd, false);
  if (ok && s->frequency > 1 && s->period_s <= 0) {
    struct cfg_node f;
    cfg_get(cfg, e, "frequency", &f, false);
    cfg_error(cfg, f, "a recurring subscription (frequency %ld) needs a period: with period 0 "
              "every delivery falls in interval 1 (allowed: frequency 1, or a period > 0)",
              s->frequency);
    ok = false;
  }
  return ok;
}

static bool parse_subs(cfg_t *cfg, struct cfg_node section, struct infernet_conf *c)
{
  struct cfg_node list;
  if (!cfg_get(cfg, section, "subscriptions", &list, true) || !list.node)
    return false;
  if (!cfg_is_sequence(list) || cfg_seq_count(list) == 0) {
    cfg_error(cfg, list, "give a list of consumer classes (allowed: a non-empty list of "
              "mappings)");
    return false;
  }
  c->n_subs = cfg_seq_count(list);
  c->subs = calloc(c->n_subs, sizeof(*c->subs));
  if (!c->subs)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_subs; i++)
    ok &= parse_sub(cfg, cfg_seq_item(list, i), &c->subs[i]);
  for (size_t i = 0; ok && i < c->n_subs; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->subs[i].name, c->subs[j].name) == 0) {
        struct cfg_node name;
        cfg_get(cfg, cfg_seq_item(list, i), "name", &name, true);
        cfg_error(cfg, name, "'%s' names two consumer classes (allowed: distinct names)",
                  c->subs[i].name);
        ok = false;
      }
  return ok;
}

void *infernet_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct infernet_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct infernet_conf){.watch_interval_s = INFERNET_DEFAULT_WATCH_S,
                              .process_interval_s = INFERNET_DEFAULT_PROCESS_S};
  bool ok = cfg_check_keys(cfg, section, infernet_keys);
  ok &= cfg_get_string(cfg, section, "nodes", &c->nodes, true);
  ok &= parse_subs(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "watch_interval", UNIT_TIME, 1e-3, 3600,
                         &c->watch_interval_s, false);
  ok &= cfg_get_quantity(cfg, section, "process_interval", UNIT_TIME, 1e-3, 3600,
                         &c->process_interval_s, false);
  ok &= cfg_get_int(cfg, section, "trail_blocks", &c->trail_blocks, 0, 10000, false);
  ok &= cfg_get_quantity(cfg, section, "protocol_fee", UNIT_NUMBER, 0, 1, &c->protocol_fee,
                         false);
  ok &= cfg_get_quantity(cfg, section, "invalid_proof_rate", UNIT_NUMBER, 0, 1,
                         &c->invalid_proof_rate, false);
  if (!ok) {
    infernet_conf_free(c);
    return NULL;
  }
  return c;
}

static bool resolve_nodes(const struct scenario *sc, struct infernet_conf *c, cfg_t *cfg,
                          struct cfg_node section)
{
  struct cfg_node nodes;
  cfg_get(cfg, section, "nodes", &nodes, true);
  long k = scenario_class_lookup(sc, cfg, nodes, c->nodes);
  if (k < 0)
    return false;
  c->node_class = (size_t)k;
  return true;
}

/* serving defaults to every node; it and redundancy cannot exceed the nodes there are. */
static bool check_serving(struct infernet_conf *c, long n_nodes, cfg_t *cfg,
                          struct cfg_node section)
{
  struct cfg_node list;
  cfg_get(cfg, section, "subscriptions", &list, true);
  bool ok = true;
  for (size_t i = 0; i < c->n_subs; i++) {
    struct infernet_sub_conf *s = &c->subs[i];
    struct cfg_node e = cfg_seq_item(list, i), at;
    if (s->serving == 0)
      s->serving = n_nodes;
    if (s->serving > n_nodes) {
      cfg_get(cfg, e, "serving", &at, false);
      cfg_error(cfg, at, "%ld nodes serving, but class %s has %ld (allowed: 1 to %ld)",
                s->serving, c->nodes, n_nodes, n_nodes);
      ok = false;
    } else if (s->redundancy > s->serving) {
      cfg_get(cfg, e, "redundancy", &at, false);
      cfg_error(cfg, at.node ? at : e, "redundancy %ld needs that many distinct nodes, but %ld "
                "serve it (allowed: 1 to %ld)", s->redundancy, s->serving, s->serving);
      ok = false;
    }
  }
  return ok;
}

bool infernet_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct infernet_conf *c = (struct infernet_conf *)conf;
  struct cfg_node section;
  cfg_get(cfg, cfg_root(cfg), "infernet", &section, true);
  const struct ledger_conf *ledger = scenario_layer_conf(sc, "ledger");
  if (!ledger) {
    cfg_error(cfg, section, "Infernet's subscriptions and callbacks are transactions on a chain: "
              "the scenario needs a ledger section (allowed: infernet with ledger)");
    return false;
  }
  c->block_time_s = ledger->block_time_s;
  if (!resolve_nodes(sc, c, cfg, section))
    return false;
  return check_serving(c, sc->classes[c->node_class].count, cfg, section);
}

void infernet_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct infernet_conf *c = conf;
  double T = sc->duration_s;
  for (size_t i = 0; i < c->n_subs; i++) {
    const struct infernet_sub_conf *s = &c->subs[i];
    /* every serving node runs each interval: one exec, two with a proof */
    cost->activities += infernet_expected_intervals(s, 0, T, T) * (double)s->serving *
                        (s->proof_s > 0 ? 2 : 1);
  }
  /* the processors' loops and the control host's reading of commits every 10 ms */
  cost->timeline_events += (double)sc->classes[c->node_class].count * T / c->process_interval_s +
                           T / INFERNET_CHAIN_POLL_S;
}

void infernet_conf_free(void *conf)
{
  struct infernet_conf *c = conf;
  if (!c)
    return;
  for (size_t i = 0; i < c->n_subs; i++)
    free(c->subs[i].name);
  free(c->subs);
  free(c->nodes);
  free(c);
}
