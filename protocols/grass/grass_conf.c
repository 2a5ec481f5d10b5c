/* grass_conf.c: the `grass` section: reading, defaults, checks against the scenario, the run's
 * cost estimate, and the layer's closed forms (grass.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/grass/grass.h"
#include "sim/engine/availability.h"
#include "sim/scenario/scenario.h"

/* Defaults; sources in docs/reference/grass.md, [unsourced] ones are ours. */
#define GRASS_DEFAULT_VALIDATORS 1          /* "initially a single, centralized validator" */
#define GRASS_DEFAULT_SIZE_BYTES 2311e3     /* Web Almanac 2024: median mobile page, 2,311 KB */
#define GRASS_DEFAULT_SIZE_SPREAD 1.05      /* HTTP Archive Dec 2015 quartiles (inferred) */
#define GRASS_DEFAULT_TIMEOUT_S 30.0        /* [unsourced] */
#define GRASS_DEFAULT_MAX_INFLIGHT 4        /* [unsourced] */
#define GRASS_DEFAULT_EPOCH_S 86400.0       /* Network Points are distributed daily */
#define GRASS_DEFAULT_CLAIM_FACTOR 2.0      /* [unsourced] */
#define GRASS_DEFAULT_SAMPLES 1             /* [unsourced] */
#define GRASS_DEFAULT_DETECTION 0.5         /* [unsourced] */
#define GRASS_DEFAULT_PRICE_PER_GB 0.39     /* ~$14.2M a year over ~100 TB a day (inferred) */
#define GRASS_DEFAULT_POINTS_PER_DAY 1e6    /* the daily Network Points pool */
#define GRASS_DEFAULT_PROOF_BYTES 256.0     /* [unsourced]: a succinct proof and its header */

static const char *const grass_keys[] = {
  "nodes", "routers", "validators", "requests", "routing", "max_inflight", "epoch",
  "claim_factor", "samples", "detection", "price_per_gb", "points_per_day", "proof_bytes",
  NULL};
static const char *const request_keys[] = {"rate", "size", "size_spread", "timeout", "batch", NULL};
static const char *const routing_names[] = {"least_loaded", "random", "round_robin", NULL};

double grass_mean_size(double median, double sigma)
{
  return median * exp(sigma * sigma / 2);
}

double grass_detect_prob(double p, double checks)
{
  return 1 - pow(1 - p, checks);
}

double grass_detect_mean_epochs(double q, double epochs)
{
  double sum = 0, survive = 1;
  if (epochs < 1 || q <= 0)
    return 0;
  for (double t = 1; t <= epochs; t++) {
    sum += t * q * survive;
    survive *= 1 - q;
  }
  return sum / (1 - survive);
}

double grass_idle_latency(double lat_order, double lat_site_node, double lat_node_router,
                          double bytes, double downlink_Bps, double uplink_Bps)
{
  return lat_order + lat_site_node + bytes / downlink_Bps + lat_node_router + bytes / uplink_Bps;
}

double grass_node_capacity(double uplink_Bps, double downlink_Bps)
{
  return fmin(uplink_Bps, downlink_Bps) / (1 + GRASS_CROSSTRAFFIC);
}

static bool parse_requests(cfg_t *cfg, struct cfg_node section, struct grass_conf *c)
{
  struct cfg_node r;
  if (!cfg_get(cfg, section, "requests", &r, true) || !r.node)
    return false;
  bool ok = cfg_check_keys(cfg, r, request_keys);
  ok &= cfg_get_quantity(cfg, r, "rate", UNIT_RATE, CFG_POSITIVE, 1e7, &c->rate_per_s, true);
  ok &= cfg_get_quantity(cfg, r, "size", UNIT_SIZE, 1, 1e12, &c->size_bytes, false);
  ok &= cfg_get_quantity(cfg, r, "size_spread", UNIT_NUMBER, 0, 5, &c->size_spread, false);
  ok &= cfg_get_quantity(cfg, r, "timeout", UNIT_TIME, CFG_POSITIVE, 86400, &c->timeout_s,
                         false);
  ok &= cfg_get_int(cfg, r, "batch", &c->batch, 1, GRASS_MAX_BATCH, false);
  return ok;
}

static bool parse_accounting(cfg_t *cfg, struct cfg_node s, struct grass_conf *c)
{
  bool ok = cfg_get_int(cfg, s, "validators", &c->validators, 1, 1000, false);
  ok &= cfg_get_quantity(cfg, s, "epoch", UNIT_TIME, 1, 365 * 86400.0, &c->epoch_s, false);
  ok &= cfg_get_quantity(cfg, s, "claim_factor", UNIT_NUMBER, 1, 1000, &c->claim_factor, false);
  ok &= cfg_get_int(cfg, s, "samples", &c->samples, 0, 1000000, false);
  ok &= cfg_get_quantity(cfg, s, "detection", UNIT_NUMBER, 0, 1, &c->detection, false);
  ok &= cfg_get_quantity(cfg, s, "price_per_gb", UNIT_NUMBER, 0, 1e6, &c->price_per_gb, false);
  ok &= cfg_get_quantity(cfg, s, "points_per_day", UNIT_NUMBER, 0, 1e15, &c->points_per_day,
                         false);
  ok &= cfg_get_quantity(cfg, s, "proof_bytes", UNIT_SIZE, 1, 1e9, &c->proof_bytes, false);
  return ok;
}

void *grass_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct grass_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct grass_conf){
    .validators = GRASS_DEFAULT_VALIDATORS,
    .size_bytes = GRASS_DEFAULT_SIZE_BYTES,
    .size_spread = GRASS_DEFAULT_SIZE_SPREAD,
    .timeout_s = GRASS_DEFAULT_TIMEOUT_S,
    .batch = 1,
    .routing = GRASS_ROUTE_LEAST_LOADED,
    .max_inflight = GRASS_DEFAULT_MAX_INFLIGHT,
    .epoch_s = GRASS_DEFAULT_EPOCH_S,
    .claim_factor = GRASS_DEFAULT_CLAIM_FACTOR,
    .samples = GRASS_DEFAULT_SAMPLES,
    .detection = GRASS_DEFAULT_DETECTION,
    .price_per_gb = GRASS_DEFAULT_PRICE_PER_GB,
    .points_per_day = GRASS_DEFAULT_POINTS_PER_DAY,
    .proof_bytes = GRASS_DEFAULT_PROOF_BYTES,
    .router_class = -1,
  };
  int routing = (int)c->routing;
  bool ok = cfg_check_keys(cfg, section, grass_keys);
  ok &= cfg_get_string(cfg, section, "nodes", &c->nodes, true);
  ok &= cfg_get_string(cfg, section, "routers", &c->routers, false);
  ok &= parse_requests(cfg, section, c);
  ok &= cfg_get_enum(cfg, section, "routing", routing_names, &routing, false);
  ok &= cfg_get_int(cfg, section, "max_inflight", &c->max_inflight, 1, 1024, false);
  ok &= parse_accounting(cfg, section, c);
  c->routing = (enum grass_routing)routing;
  if (!ok) {
    grass_conf_free(c);
    return NULL;
  }
  return c;
}

/* The class named at key, or -1 after reporting it with the classes there are. */
static long class_at(const struct scenario *sc, cfg_t *cfg, struct cfg_node section,
                     const char *key, const char *name)
{
  struct cfg_node at;
  cfg_get(cfg, section, key, &at, false);
  return scenario_class_lookup(sc, cfg, at.node ? at : section, name);
}

bool grass_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct grass_conf *c = (struct grass_conf *)conf;
  struct cfg_node section, at;
  cfg_get(cfg, cfg_root(cfg), "grass", &section, true);
  long k = class_at(sc, cfg, section, "nodes", c->nodes);
  if (k < 0)
    return false;
  c->node_class = (size_t)k;
  if (!c->routers)
    return true;
  long r = class_at(sc, cfg, section, "routers", c->routers);
  if (r < 0)
    return false;
  cfg_get(cfg, section, "routers", &at, false);
  if (r == k) {
    cfg_error(cfg, at, "'%s' is the nodes' class (allowed: another provider class)", c->routers);
    return false;
  }
  if (sc->classes[r].mtbf_s > 0) {
    cfg_error(cfg, at, "class '%s' has an availability: routers are modelled always up "
              "(allowed: a class without availability)", c->routers);
    return false;
  }
  c->router_class = r;
  return true;
}

void grass_conf_free(void *conf)
{
  struct grass_conf *c = conf;
  if (!c)
    return;
  free(c->nodes);
  free(c->routers);
  free(c);
}

/* Each batch of requests: two flows and a relay actor; at most max_inflight per node in flight. */
void grass_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct grass_conf *c = conf;
  const struct provider_class *pc = &sc->classes[c->node_class];
  double up = availability_stationary(pc->mtbf_s, pc->mttr_s);
  double capacity = (double)pc->count * up * grass_node_capacity(pc->uplink_Bps, pc->downlink_Bps);
  double served = fmin(c->rate_per_s,
                       capacity / grass_mean_size(c->size_bytes, c->size_spread));
  cost->activities += 3 * served / (double)c->batch * sc->duration_s;
  cost->flows += 2 * (double)pc->count * up * (double)c->max_inflight;
}
