/* aethir_conf.c: the `aethir` section: reading, defaults, checks against the scenario, the
 * run's cost estimate, and the layer's closed forms (aethir.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/aethir/aethir.h"
#include "sim/engine/platform.h"
#include "sim/scenario/scenario.h"

/* Defaults; sources in docs/reference/aethir.md, [unsourced] ones are ours. */
#define AETHIR_DEFAULT_CLAIM_FACTOR 2.0       /* [unsourced] */
#define AETHIR_DEFAULT_SESSIONS_PER_GPU 1     /* [unsourced]: one rendered game a GPU */
#define AETHIR_DEFAULT_SESSION_LENGTH_S 1800.0 /* [unsourced] */
#define AETHIR_DEFAULT_MAX_RTT_S 0.05         /* [unsourced]; DE-CIX calls 60 ms noticeable */
#define AETHIR_DEFAULT_PRICE_SESSION_HOUR 0.5 /* [unsourced] */
#define AETHIR_DEFAULT_JOB_FLOPS 1e15         /* [unsourced] */
#define AETHIR_DEFAULT_PRICE_GPU_HOUR 1.0     /* [unsourced] */
#define AETHIR_DEFAULT_CHECKERS 10            /* [unsourced] */
#define AETHIR_DEFAULT_QUORUM 1               /* the referee takes 2N + 1 results; N ours */
#define AETHIR_DEFAULT_CHECK_INTERVAL_S 900.0 /* Proof of Capacity checks every 15 minutes */
#define AETHIR_DEFAULT_DETECTION 0.5          /* [unsourced] */
#define AETHIR_DEFAULT_COST_PER_CHECK 0.001   /* [unsourced] USD */
#define AETHIR_DEFAULT_SETTLEMENT_S 86400.0   /* service fees are settled daily */
#define AETHIR_DEFAULT_RECEIPT_BYTES 128.0    /* [unsourced]: container id, amounts, signature */

static const char *const aethir_keys[] = {
  "containers", "claim_factor", "sessions_per_gpu", "sessions", "jobs", "checkers",
  "settlement", "receipt_bytes", NULL};
static const char *const session_keys[] = {"rate", "length", "max_rtt", "price_per_hour", NULL};
static const char *const job_keys[] = {"rate", "flops", "precision", "price_per_gpu_hour", NULL};
static const char *const checker_keys[] = {"count", "quorum", "interval", "detection",
                                           "cost_per_check", NULL};

double aethir_erlang_b(long c, double a)
{
  if (a <= 0)
    return 0;
  double b = 1;
  for (long k = 1; k <= c; k++)
    b = a * b / ((double)k + a * b);
  return b;
}

double aethir_majority_detect(double p, long n)
{
  long m = 2 * n + 1;
  double sum = 0, choose = 1; /* C(m, k), built up from C(m, 0) */
  for (long k = 0; k <= m; k++) {
    if (k > 0)
      choose = choose * (double)(m - k + 1) / (double)k;
    if (k >= n + 1)
      sum += choose * pow(p, (double)k) * pow(1 - p, (double)(m - k));
  }
  return sum;
}

double aethir_caught_within(double q, double k)
{
  return 1 - pow(1 - q, k);
}

double aethir_mean_rounds_to_catch(double q, double rounds)
{
  double sum = 0, survive = 1;
  if (rounds < 1 || q <= 0)
    return 0;
  for (double t = 1; t <= rounds; t++) {
    sum += t * q * survive;
    survive *= 1 - q;
  }
  return sum / (1 - survive);
}

/* sessions.rate: a rate for each region named, kept as written until validate knows the
 * scenario's regions. */
static bool parse_rates(cfg_t *cfg, struct cfg_node s, struct aethir_conf *c)
{
  struct cfg_node r;
  if (!cfg_get(cfg, s, "rate", &r, true) || !r.node)
    return false;
  if (!cfg_is_mapping(r) || cfg_map_count(r) == 0) {
    cfg_error(cfg, r, "expected a rate for each players' region (allowed: a mapping such as "
              "{us-east: 1/s})");
    return false;
  }
  size_t n = cfg_map_count(r);
  c->rate_region = calloc(n, sizeof(char *));
  c->rate_written = calloc(n, sizeof(double));
  if (!c->rate_region || !c->rate_written)
    return false;
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    c->rate_region[i] = strdup(cfg_map_key(r, i));
    ok &= c->rate_region[i] != NULL;
    ok &= cfg_to_quantity(cfg, cfg_map_value(r, i), UNIT_RATE, 0, 1e6, &c->rate_written[i]);
  }
  c->n_rates = n;
  return ok;
}

static bool parse_sessions(cfg_t *cfg, struct cfg_node section, struct aethir_conf *c)
{
  struct cfg_node s;
  if (!cfg_get(cfg, section, "sessions", &s, true) || !s.node)
    return false;
  bool ok = cfg_check_keys(cfg, s, session_keys);
  ok &= parse_rates(cfg, s, c);
  ok &= cfg_get_quantity(cfg, s, "length", UNIT_TIME, CFG_POSITIVE, 30 * 86400.0,
                         &c->session_length_s, false);
  ok &= cfg_get_quantity(cfg, s, "max_rtt", UNIT_TIME, CFG_POSITIVE, 10, &c->max_rtt_s, false);
  ok &= cfg_get_quantity(cfg, s, "price_per_hour", UNIT_NUMBER, 0, 1e6,
                         &c->price_per_session_hour, false);
  return ok;
}

static bool parse_jobs(cfg_t *cfg, struct cfg_node section, struct aethir_conf *c)
{
  struct cfg_node j;
  cfg_get(cfg, section, "jobs", &j, false);
  if (!j.node)
    return true;
  int precision = (int)c->job_precision;
  bool ok = cfg_check_keys(cfg, j, job_keys);
  ok &= cfg_get_quantity(cfg, j, "rate", UNIT_RATE, 0, 1e6, &c->job_rate_per_s, true);
  ok &= cfg_get_quantity(cfg, j, "flops", UNIT_NUMBER, CFG_POSITIVE, 1e24, &c->job_flops, false);
  ok &= cfg_get_enum(cfg, j, "precision", precision_names, &precision, false);
  ok &= cfg_get_quantity(cfg, j, "price_per_gpu_hour", UNIT_NUMBER, 0, 1e6,
                         &c->price_per_gpu_hour, false);
  c->job_precision = (enum precision)precision;
  return ok;
}

static bool parse_checkers(cfg_t *cfg, struct cfg_node section, struct aethir_conf *c)
{
  struct cfg_node k;
  cfg_get(cfg, section, "checkers", &k, false);
  if (!k.node)
    return true;
  bool ok = cfg_check_keys(cfg, k, checker_keys);
  ok &= cfg_get_int(cfg, k, "count", &c->checkers, 1, 1000000, false);
  ok &= cfg_get_int(cfg, k, "quorum", &c->quorum, 0, 50, false);
  ok &= cfg_get_quantity(cfg, k, "interval", UNIT_TIME, 1, 365 * 86400.0, &c->check_interval_s,
                         false);
  ok &= cfg_get_quantity(cfg, k, "detection", UNIT_NUMBER, 0, 1, &c->detection, false);
  ok &= cfg_get_quantity(cfg, k, "cost_per_check", UNIT_NUMBER, 0, 1e6, &c->cost_per_check,
                         false);
  struct cfg_node quorum;
  cfg_get(cfg, k, "quorum", &quorum, false);
  if (ok && 2 * c->quorum + 1 > c->checkers) {
    cfg_error(cfg, quorum.node ? quorum : k, "a check takes 2 x %ld + 1 checkers, more than the "
              "%ld there are (allowed: 2 x quorum + 1 <= count)", c->quorum, c->checkers);
    ok = false;
  }
  return ok;
}

static bool parse_containers(cfg_t *cfg, struct cfg_node section, struct aethir_conf *c)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "containers", &n, true) || !n.node)
    return false;
  size_t count = cfg_seq_count(n);
  if (count == 0 || cfg_is_mapping(n)) {
    cfg_error(cfg, n, "expected the provider classes that serve (allowed: a class name or a "
              "list of them)");
    return false;
  }
  c->containers = calloc(count, sizeof(char *));
  if (!c->containers)
    return false;
  bool ok = true;
  for (size_t i = 0; i < count; i++) {
    struct cfg_node item = cfg_seq_item(n, i);
    if (!cfg_is_scalar(item)) {
      cfg_error(cfg, item, "expected a provider class name (allowed: a name)");
      ok = false;
      continue;
    }
    c->containers[c->n_containers++] = strdup(cfg_scalar(item));
  }
  return ok;
}

void *aethir_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct aethir_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct aethir_conf){
    .claim_factor = AETHIR_DEFAULT_CLAIM_FACTOR,
    .sessions_per_gpu = AETHIR_DEFAULT_SESSIONS_PER_GPU,
    .session_length_s = AETHIR_DEFAULT_SESSION_LENGTH_S,
    .max_rtt_s = AETHIR_DEFAULT_MAX_RTT_S,
    .price_per_session_hour = AETHIR_DEFAULT_PRICE_SESSION_HOUR,
    .job_flops = AETHIR_DEFAULT_JOB_FLOPS,
    .job_precision = PREC_FP16,
    .price_per_gpu_hour = AETHIR_DEFAULT_PRICE_GPU_HOUR,
    .checkers = AETHIR_DEFAULT_CHECKERS,
    .quorum = AETHIR_DEFAULT_QUORUM,
    .check_interval_s = AETHIR_DEFAULT_CHECK_INTERVAL_S,
    .detection = AETHIR_DEFAULT_DETECTION,
    .cost_per_check = AETHIR_DEFAULT_COST_PER_CHECK,
    .settlement_s = AETHIR_DEFAULT_SETTLEMENT_S,
    .receipt_bytes = AETHIR_DEFAULT_RECEIPT_BYTES,
  };
  bool ok = cfg_check_keys(cfg, section, aethir_keys);
  ok &= parse_containers(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "claim_factor", UNIT_NUMBER, 1, 1000, &c->claim_factor,
                         false);
  ok &= cfg_get_int(cfg, section, "sessions_per_gpu", &c->sessions_per_gpu, 1, 64, false);
  ok &= parse_sessions(cfg, section, c);
  ok &= parse_jobs(cfg, section, c);
  ok &= parse_checkers(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "settlement", UNIT_TIME, 1, 365 * 86400.0,
                         &c->settlement_s, false);
  ok &= cfg_get_quantity(cfg, section, "receipt_bytes", UNIT_SIZE, 1, 1e9, &c->receipt_bytes,
                         false);
  if (!ok) {
    aethir_conf_free(c);
    return NULL;
  }
  return c;
}

/* The region's index in the scenario, or -1 after reporting at `at` the regions there are. */
static long region_at(const struct scenario *sc, cfg_t *cfg, struct cfg_node at,
                      const char *name)
{
  char allowed[1024] = "";
  size_t used = 0;
  for (size_t r = 0; r < sc->n_regions; r++) {
    if (strcmp(sc->regions[r].name, name) == 0)
      return (long)r;
    int n = snprintf(allowed + used, sizeof(allowed) - used, "%s%s", r ? ", " : "",
                     sc->regions[r].name);
    if (n > 0 && (size_t)n < sizeof(allowed) - used)
      used += (size_t)n;
  }
  cfg_error(cfg, at, "'%s' is not a region of the scenario (allowed: %s)", name, allowed);
  return -1;
}

/* Whether some host of the scenario lies in region r (else the platform has no zone for it). */
static bool region_has_hosts(const struct scenario *sc, size_t r)
{
  for (size_t c = 0; c < sc->n_classes; c++)
    for (long i = 0; i < sc->classes[c].max_count; i++)
      if (platform_host_region(&sc->classes[c], (size_t)i) == r)
        return true;
  return false;
}

static bool validate_rates(const struct scenario *sc, struct aethir_conf *c, cfg_t *cfg,
                           struct cfg_node section)
{
  struct cfg_node s, r;
  cfg_get(cfg, section, "sessions", &s, false);
  cfg_get(cfg, s, "rate", &r, false);
  if (sc->n_regions == 0) {
    cfg_error(cfg, r.node ? r : section, "players are placed by region (allowed: a scenario "
              "with regions)");
    return false;
  }
  free(c->session_rate);
  c->session_rate = calloc(sc->n_regions, sizeof(double));
  if (!c->session_rate)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_rates; i++) {
    /* a --set override leaves no node for the key: report at the mapping */
    struct cfg_node at = r.node && i < cfg_map_count(r) ? cfg_map_key_at(r, i) : section;
    long k = region_at(sc, cfg, at, c->rate_region[i]);
    if (k < 0) {
      ok = false;
    } else if (c->rate_written[i] > 0 && !region_has_hosts(sc, (size_t)k)) {
      cfg_error(cfg, at, "region '%s' has no hosts, so the platform has no gateway for its "
                "players (allowed: a region where some provider class has hosts)",
                c->rate_region[i]);
      ok = false;
    } else {
      c->session_rate[k] += c->rate_written[i];
    }
  }
  return ok;
}

static bool validate_containers(const struct scenario *sc, struct aethir_conf *c, cfg_t *cfg,
                                struct cfg_node section)
{
  struct cfg_node n;
  cfg_get(cfg, section, "containers", &n, false);
  free(c->container_class);
  c->container_class = calloc(c->n_containers, sizeof(size_t));
  if (!c->container_class)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_containers; i++) {
    struct cfg_node at = n.node ? cfg_seq_item(n, i) : section;
    long k = scenario_class_lookup(sc, cfg, at.node ? at : section, c->containers[i]);
    if (k < 0) {
      ok = false;
      continue;
    }
    for (size_t j = 0; j < i; j++)
      if (c->container_class[j] == (size_t)k) {
        cfg_error(cfg, at.node ? at : section, "class '%s' is listed twice (allowed: each "
                  "class once)", c->containers[i]);
        ok = false;
      }
    c->container_class[i] = (size_t)k;
  }
  return ok;
}

bool aethir_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct aethir_conf *c = (struct aethir_conf *)conf;
  struct cfg_node section;
  cfg_get(cfg, cfg_root(cfg), "aethir", &section, true);
  bool ok = validate_containers(sc, c, cfg, section);
  ok &= validate_rates(sc, c, cfg, section);
  return ok;
}

void aethir_conf_free(void *conf)
{
  struct aethir_conf *c = conf;
  if (!c)
    return;
  for (size_t i = 0; i < c->n_containers; i++)
    free(c->containers[i]);
  for (size_t i = 0; i < c->n_rates; i++)
    free(c->rate_region ? c->rate_region[i] : NULL);
  free(c->containers);
  free(c->container_class);
  free(c->session_rate);
  free(c->rate_region);
  free(c->rate_written);
  free(c);
}

/* One sleep per session or job arrival; the checkers' and settlements' rounds are cheap. */
void aethir_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct aethir_conf *c = conf;
  double rate = c->job_rate_per_s;
  for (size_t r = 0; r < sc->n_regions && c->session_rate; r++)
    rate += c->session_rate[r];
  cost->activities += rate * sc->duration_s;
}
