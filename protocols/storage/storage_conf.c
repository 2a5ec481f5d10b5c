/* storage_conf.c: the `storage` section: reading, defaults, checks, and the layer's closed
 * forms (storage.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/storage/storage.h"
#include "sim/scenario/scenario.h"

#define STORAGE_DEFAULT_CHUNK_BYTES (256.0 * 1024)  /* chunk / PoRA load, docs/reference/0g.md */
#define STORAGE_DEFAULT_WRITE_BPS 35e6              /* "N nodes give N x 35 MB/s" (a claim) */
#define STORAGE_DEFAULT_INTERVAL_S 1.0
#define STORAGE_DEFAULT_PRICE_PER_SECTOR 1e-6       /* our assumption: no price is published */
#define STORAGE_DEFAULT_LIFETIME_S (12 * 31 * 86400.0) /* lifetimeMonth x 31 x 86400 s, 12 ours */
#define STORAGE_DEFAULT_MINING_PERIOD_S 600.0       /* targetMineBlocks 600, 1 s blocks */
#define STORAGE_DEFAULT_TARGET_SUBMISSIONS 5.0      /* mainnet targetSubmissions */

static const char *const storage_keys[] = {
  "nodes", "chunk_bytes", "write_bandwidth", "replicas", "writes", "reads", "interval",
  "price_per_sector", "lifetime", "mining_period", "target_submissions", NULL};
static const char *const write_keys[] = {"rate", "size", NULL};
static const char *const read_keys[] = {"rate", NULL};

double storage_released(double fee, double start, double lifetime_s, double t)
{
  if (t <= start)
    return 0;
  return fee * fmin(1, (t - start) / lifetime_s);
}

double storage_next_target(double target, double actual, double target_submissions)
{
  double ratio = actual > 0 ? target_submissions / actual : INFINITY; /* clamped below */
  double next = (19 * target + target * ratio) / 20;
  return fmin(fmax(next, 0.5 * target), 2 * target);
}

size_t storage_node_of(double p, long k, size_t n, long replicas)
{
  size_t base = (size_t)fmod(p, (double)n);
  return (base + (size_t)k * n / (size_t)replicas) % n;
}

static bool parse_writes(cfg_t *cfg, struct cfg_node section, struct storage_conf *c)
{
  struct cfg_node n, r;
  bool ok = true;
  cfg_get(cfg, section, "writes", &n, true);
  if (n.node) {
    ok &= cfg_check_keys(cfg, n, write_keys);
    ok &= cfg_get_quantity(cfg, n, "rate", UNIT_RATE, CFG_POSITIVE, DBL_MAX,
                           &c->write_rate_per_s, true);
    ok &= cfg_get_quantity(cfg, n, "size", UNIT_SIZE, CFG_POSITIVE, DBL_MAX, &c->write_bytes,
                           true);
  } else {
    ok = false;
  }
  cfg_get(cfg, section, "reads", &r, false);
  if (r.node) {
    ok &= cfg_check_keys(cfg, r, read_keys);
    ok &= cfg_get_quantity(cfg, r, "rate", UNIT_RATE, 0, DBL_MAX, &c->read_rate_per_s, true);
  }
  return ok;
}

void *storage_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct storage_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct storage_conf){
    .chunk_bytes = STORAGE_DEFAULT_CHUNK_BYTES,
    .write_bandwidth_Bps = STORAGE_DEFAULT_WRITE_BPS,
    .replicas = 1,
    .interval_s = STORAGE_DEFAULT_INTERVAL_S,
    .price_per_sector = STORAGE_DEFAULT_PRICE_PER_SECTOR,
    .lifetime_s = STORAGE_DEFAULT_LIFETIME_S,
    .mining_period_s = STORAGE_DEFAULT_MINING_PERIOD_S,
    .target_submissions = STORAGE_DEFAULT_TARGET_SUBMISSIONS,
  };
  bool ok = cfg_check_keys(cfg, section, storage_keys);
  ok &= cfg_get_string(cfg, section, "nodes", &c->nodes, true);
  ok &= cfg_get_quantity(cfg, section, "chunk_bytes", UNIT_SIZE, STORAGE_SECTOR_BYTES, 1e12,
                         &c->chunk_bytes, false);
  ok &= cfg_get_quantity(cfg, section, "write_bandwidth", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX,
                         &c->write_bandwidth_Bps, false);
  ok &= cfg_get_int(cfg, section, "replicas", &c->replicas, 1, 1024, false);
  ok &= parse_writes(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "interval", UNIT_TIME, CFG_POSITIVE, 3600,
                         &c->interval_s, false);
  ok &= cfg_get_quantity(cfg, section, "price_per_sector", UNIT_NUMBER, 0, DBL_MAX,
                         &c->price_per_sector, false);
  ok &= cfg_get_quantity(cfg, section, "lifetime", UNIT_TIME, CFG_POSITIVE, DBL_MAX,
                         &c->lifetime_s, false);
  ok &= cfg_get_quantity(cfg, section, "mining_period", UNIT_TIME, CFG_POSITIVE, DBL_MAX,
                         &c->mining_period_s, false);
  ok &= cfg_get_quantity(cfg, section, "target_submissions", UNIT_NUMBER, CFG_POSITIVE, 1e9,
                         &c->target_submissions, false);
  if (!ok) {
    storage_conf_free(c);
    return NULL;
  }
  return c;
}

bool storage_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct storage_conf *c = (struct storage_conf *)conf;
  struct cfg_node section, nodes;
  cfg_get(cfg, cfg_root(cfg), "storage", &section, true);
  cfg_get(cfg, section, "nodes", &nodes, true);
  long k = scenario_class_lookup(sc, cfg, nodes, c->nodes);
  if (k < 0)
    return false;
  c->node_class = (size_t)k;
  if (c->replicas > sc->classes[k].count) {
    struct cfg_node r;
    cfg_get(cfg, section, "replicas", &r, false);
    cfg_error(cfg, r.node ? r : section, "replicas (%ld) exceed the %ld nodes of class %s",
              c->replicas, (long)sc->classes[k].count, c->nodes);
    return false;
  }
  return true;
}

void storage_conf_free(void *conf)
{
  struct storage_conf *c = conf;
  if (!c)
    return;
  free(c->nodes);
  free(c);
}
