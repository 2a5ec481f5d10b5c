/* render_conf.c: the `render` section: reading, defaults, checks against the scenario, the
 * run's cost estimate, and the layer's closed forms (render.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/render/render.h"
#include "sim/scenario/scenario.h"

/* Defaults; sources in docs/reference/render.md. OctaneBench 2020: A100 446 OB (RTX off) over
 * its 19.5 fp32 TFLOP/s; the RTX 2080 Ti's 302 OB over its 13.45 gives 22.5. */
#define RENDER_DEFAULT_SCORE_PER_TFLOPS 22.9
/* Render's knowledge base: 1 RENDER credit buys 100 OBh at Tier 2 and 200 OBh at Tier 3; a
 * credit is 1 EUR (OTOY), taken as 1 USD [unsourced exchange rate]. */
#define RENDER_DEFAULT_TIER2_PRICE 0.01
#define RENDER_DEFAULT_TIER3_PRICE 0.005
#define RENDER_MAX_FRAMES 1000000L
/* A burn transaction [unsourced]: a Solana transaction is at most 1,232 B; a token burn with
 * its signature and accounts takes a few hundred. */
#define RENDER_DEFAULT_BURN_TX_BYTES 250.0

static const char *const render_keys[] = {"nodes", "score_per_tflops", "tiers", "jobs", "burn_tx",
                                          NULL};
static const char *const tier_keys[] = {"name", "price_per_obh", "min_score", NULL};
static const char *const job_keys[] = {"name",  "rate",   "arrival",       "start",
                                       "count", "frames", "obh_per_frame", "tier",
                                       "scene", "output", NULL};
static const char *const arrival_names[] = {"poisson", "periodic", NULL};

double render_node_score(const struct device_profile *d, int gpus, double per_tflops)
{
  return d->gemm_flops[PREC_FP32] / 1e12 * (double)gpus * per_tflops;
}

double render_frame_seconds(double obh, double score)
{
  return obh * RENDER_S_PER_HOUR / score;
}

double render_ideal_job_seconds(long frames, long n, double frame_s, double scene_s,
                                double output_s)
{
  long rounds = (frames + n - 1) / n;
  return scene_s + (double)rounds * (frame_s + output_s);
}

double render_offered_jobs_per_s(const struct render_job_conf *j, double duration)
{
  double active = fmax(0, duration - j->start_s);
  if (active <= 0)
    return 0;
  double jobs = j->rate_per_s * active;
  if (j->arrival == RENDER_ARRIVAL_PERIODIC)
    jobs = floor(jobs) + 1; /* one at start, then every 1 / rate */
  return fmin(jobs, j->count) / duration;
}

/* The classes of `nodes`: one name or a non-empty list of names. */
static bool parse_nodes(cfg_t *cfg, struct cfg_node section, struct render_conf *c)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "nodes", &n, true) || !n.node)
    return false;
  size_t count = cfg_is_sequence(n) ? cfg_seq_count(n) : 1;
  c->nodes = calloc(count, sizeof(char *));
  if (!c->nodes)
    return false;
  c->n_nodes = count;
  for (size_t i = 0; i < count; i++) {
    struct cfg_node item = cfg_is_sequence(n) ? cfg_seq_item(n, i) : n;
    if (!cfg_is_scalar(item)) {
      cfg_error(cfg, item, "give a provider class (allowed: a class name or a non-empty list of "
                "class names)");
      return false;
    }
    c->nodes[i] = strdup(cfg_scalar(item));
    if (!c->nodes[i])
      return false;
  }
  if (count == 0) {
    cfg_error(cfg, n, "no node class (allowed: a class name or a non-empty list of class "
              "names)");
    return false;
  }
  return true;
}

static bool parse_tier(cfg_t *cfg, struct cfg_node e, struct render_tier_conf *t)
{
  bool ok = cfg_check_keys(cfg, e, tier_keys);
  ok &= cfg_get_name(cfg, e, "name", &t->name, true);
  ok &= cfg_get_quantity(cfg, e, "price_per_obh", UNIT_NUMBER, 0, 1e6, &t->price_per_obh, true);
  ok &= cfg_get_quantity(cfg, e, "min_score", UNIT_NUMBER, 0, 1e9, &t->min_score, false);
  return ok;
}

/* The released tiers when `tiers` is absent: Tier 2 (priority) and Tier 3 (economy). */
static bool default_tiers(struct render_conf *c)
{
  c->tiers = calloc(2, sizeof(*c->tiers));
  if (!c->tiers)
    return false;
  c->n_tiers = 2;
  c->tiers[0] = (struct render_tier_conf){strdup("tier2"), RENDER_DEFAULT_TIER2_PRICE, 0};
  c->tiers[1] = (struct render_tier_conf){strdup("tier3"), RENDER_DEFAULT_TIER3_PRICE, 0};
  return c->tiers[0].name && c->tiers[1].name;
}

/* A list of mappings at key, each item read by its parser, names distinct. */
static bool parse_list(cfg_t *cfg, struct cfg_node section, const char *key, bool required,
                       struct cfg_node *list)
{
  if (!cfg_get(cfg, section, key, list, required) || !list->node)
    return false;
  if (!cfg_is_sequence(*list) || cfg_seq_count(*list) == 0) {
    cfg_error(cfg, *list, "give a list of %s (allowed: a non-empty list of mappings)", key);
    list->node = NULL;
    return false;
  }
  return true;
}

static bool distinct_names(cfg_t *cfg, struct cfg_node list, const char *what, char **names,
                           size_t stride, size_t n)
{
  bool ok = true;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) {
      const char *a = *(char **)((char *)names + i * stride);
      const char *b = *(char **)((char *)names + j * stride);
      if (a && b && strcmp(a, b) == 0) {
        struct cfg_node name;
        cfg_get(cfg, cfg_seq_item(list, i), "name", &name, true);
        cfg_error(cfg, name, "'%s' names two %s (allowed: distinct names)", a, what);
        ok = false;
      }
    }
  return ok;
}

static bool parse_tiers(cfg_t *cfg, struct cfg_node section, struct render_conf *c)
{
  struct cfg_node list;
  cfg_get(cfg, section, "tiers", &list, false);
  if (!list.node)
    return default_tiers(c);
  if (!parse_list(cfg, section, "tiers", false, &list))
    return false;
  c->n_tiers = cfg_seq_count(list);
  c->tiers = calloc(c->n_tiers, sizeof(*c->tiers));
  if (!c->tiers)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_tiers; i++)
    ok &= parse_tier(cfg, cfg_seq_item(list, i), &c->tiers[i]);
  return ok && distinct_names(cfg, list, "tiers", &c->tiers[0].name, sizeof(*c->tiers),
                              c->n_tiers);
}

static bool parse_job(cfg_t *cfg, struct cfg_node e, struct render_job_conf *j)
{
  *j = (struct render_job_conf){.count = INFINITY};
  int arrival = RENDER_ARRIVAL_POISSON;
  long count = -1;
  bool ok = cfg_check_keys(cfg, e, job_keys);
  ok &= cfg_get_name(cfg, e, "name", &j->name, true);
  ok &= cfg_get_quantity(cfg, e, "rate", UNIT_RATE, CFG_POSITIVE, 1e4, &j->rate_per_s, true);
  ok &= cfg_get_enum(cfg, e, "arrival", arrival_names, &arrival, false);
  ok &= cfg_get_quantity(cfg, e, "start", UNIT_TIME, 0, 365 * 86400.0, &j->start_s, false);
  ok &= cfg_get_int(cfg, e, "count", &count, 1, 1000000000L, false);
  ok &= cfg_get_int(cfg, e, "frames", &j->frames, 1, RENDER_MAX_FRAMES, true);
  ok &= cfg_get_quantity(cfg, e, "obh_per_frame", UNIT_NUMBER, CFG_POSITIVE, 1e9,
                         &j->obh_per_frame, true);
  ok &= cfg_get_name(cfg, e, "tier", &j->tier, true);
  ok &= cfg_get_quantity(cfg, e, "scene", UNIT_SIZE, 0, 1e13, &j->scene_bytes, false);
  ok &= cfg_get_quantity(cfg, e, "output", UNIT_SIZE, 0, 1e12, &j->output_bytes, false);
  j->arrival = (enum render_arrival)arrival;
  if (count > 0)
    j->count = (double)count;
  return ok;
}

/* Each job's tier is one of the section's tiers. */
static bool resolve_tiers(cfg_t *cfg, struct cfg_node list, struct render_conf *c)
{
  const char **names = calloc(c->n_tiers + 1, sizeof(char *));
  if (!names)
    return false;
  for (size_t t = 0; t < c->n_tiers; t++)
    names[t] = c->tiers[t].name;
  bool ok = true;
  for (size_t i = 0; i < c->n_jobs; i++) {
    struct render_job_conf *j = &c->jobs[i];
    size_t t = 0;
    while (t < c->n_tiers && strcmp(c->tiers[t].name, j->tier) != 0)
      t++;
    if (t == c->n_tiers) {
      struct cfg_node at;
      cfg_get(cfg, cfg_seq_item(list, i), "tier", &at, true);
      cfg_error_unknown(cfg, at, "tier", j->tier, names);
      ok = false;
    }
    j->tier_index = t;
  }
  free(names);
  return ok;
}

static bool parse_jobs(cfg_t *cfg, struct cfg_node section, struct render_conf *c, bool tiers_ok)
{
  struct cfg_node list;
  if (!parse_list(cfg, section, "jobs", true, &list))
    return false;
  c->n_jobs = cfg_seq_count(list);
  c->jobs = calloc(c->n_jobs, sizeof(*c->jobs));
  if (!c->jobs)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_jobs; i++)
    ok &= parse_job(cfg, cfg_seq_item(list, i), &c->jobs[i]);
  ok &= distinct_names(cfg, list, "job classes", &c->jobs[0].name, sizeof(*c->jobs), c->n_jobs);
  return ok && tiers_ok && resolve_tiers(cfg, list, c);
}

void *render_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct render_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->score_per_tflops = RENDER_DEFAULT_SCORE_PER_TFLOPS;
  c->burn_tx_bytes = RENDER_DEFAULT_BURN_TX_BYTES;
  bool ok = cfg_check_keys(cfg, section, render_keys);
  ok &= parse_nodes(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "score_per_tflops", UNIT_NUMBER, CFG_POSITIVE, 1e6,
                         &c->score_per_tflops, false);
  ok &= cfg_get_quantity(cfg, section, "burn_tx", UNIT_SIZE, 1, 1e6, &c->burn_tx_bytes, false);
  bool tiers_ok = parse_tiers(cfg, section, c);
  ok &= tiers_ok;
  ok &= parse_jobs(cfg, section, c, tiers_ok);
  if (!ok) {
    render_conf_free(c);
    return NULL;
  }
  return c;
}

/* Every node class is known, distinct, and its device has an fp32 rate to score it by. */
bool render_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct render_conf *c = (struct render_conf *)conf;
  struct cfg_node section, nodes;
  cfg_get(cfg, cfg_root(cfg), "render", &section, true);
  cfg_get(cfg, section, "nodes", &nodes, true);
  c->node_classes = calloc(c->n_nodes, sizeof(size_t));
  if (!c->node_classes)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_nodes; i++) {
    struct cfg_node at = cfg_is_sequence(nodes) ? cfg_seq_item(nodes, i) : nodes;
    long k = scenario_class_lookup(sc, cfg, at, c->nodes[i]);
    if (k < 0) {
      ok = false;
      continue;
    }
    c->node_classes[i] = (size_t)k;
    for (size_t j = 0; j < i; j++)
      if (c->node_classes[j] == (size_t)k) {
        cfg_error(cfg, at, "class '%s' is listed twice (allowed: distinct classes)",
                  c->nodes[i]);
        ok = false;
      }
    const struct device_profile *d = profile_set_find(sc->profiles, sc->classes[k].gpu);
    if (d && d->gemm_flops[PREC_FP32] <= 0) {
      cfg_error(cfg, at, "class '%s': device %s has no gemm.fp32 rate to score it by (allowed: "
                "a class whose calibration profile gives gemm.fp32)", c->nodes[i],
                sc->classes[k].gpu);
      ok = false;
    }
  }
  return ok;
}

void render_conf_free(void *conf)
{
  struct render_conf *c = conf;
  if (!c)
    return;
  for (size_t i = 0; c->nodes && i < c->n_nodes; i++)
    free(c->nodes[i]);
  for (size_t t = 0; c->tiers && t < c->n_tiers; t++)
    free(c->tiers[t].name);
  for (size_t i = 0; c->jobs && i < c->n_jobs; i++) {
    free(c->jobs[i].name);
    free(c->jobs[i].tier);
  }
  free(c->nodes);
  free(c->node_classes);
  free(c->tiers);
  free(c->jobs);
  free(c);
}

/* Each frame: one exec and its output transfer; each job: a scene transfer per node it
 * reaches, at most its frames. */
void render_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct render_conf *c = conf;
  double nodes = 0;
  for (size_t i = 0; i < c->n_nodes; i++)
    nodes += (double)sc->classes[c->node_classes[i]].count;
  for (size_t i = 0; i < c->n_jobs; i++) {
    const struct render_job_conf *j = &c->jobs[i];
    double jobs = render_offered_jobs_per_s(j, sc->duration_s) * sc->duration_s;
    double per_frame = 1 + (j->output_bytes > 0);
    double scenes = j->scene_bytes > 0 ? fmin((double)j->frames, nodes) : 0;
    cost->activities += jobs * ((double)j->frames * per_frame + scenes);
  }
  cost->flows += nodes;
}
