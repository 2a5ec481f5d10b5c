/* market_conf.c: the `market` section and the workloads it serves (workload.inference,
 * workload.training, workload.rendering): reading, defaults and checks.
 *
 * The scenario core accepts the three workload kinds without reading them; this layer reads
 * them in its validate, where the whole scenario (provider classes, the ledger's block time)
 * is known. Each kind is one entry (a mapping) or a list of entries. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/ledger/ledger.h"
#include "protocols/market/market.h"
#include "sim/scenario/scenario.h"

#define MARKET_DEFAULT_BID_MARGIN 0.2
#define MARKET_DEFAULT_FUNDING_S (24 * 3600.0)
#define MARKET_DEFAULT_BATCH_INTERVAL_S 1.0

static const char *const market_keys[] = {"kind", "max_bids", "bid_window", "selection",
                                          "bid_margin", "escrow", "batch_interval", NULL};
static const char *const escrow_keys[] = {"min_deposit", "bid_deposit", "settle_every",
                                          "funding", NULL};
static const char *const market_kinds[] = {"reverse-auction", NULL};
static const char *const inference_keys[] = {"rate", "model", "prompt_tokens", "output_tokens",
                                             "replicas", "service", "gpu", "gpus_per_node",
                                             "region", "max_price", NULL};
static const char *const rendering_keys[] = {"rate", "frame_flops", "frame_bytes", "replicas",
                                             "service", "gpu", "gpus_per_node", "region",
                                             "max_price", NULL};
static const char *const training_keys[] = {"jobs", "arrival", "model", "tokens",
                                            "tokens_per_step", "data_parallel", "gpus_per_node",
                                            "checkpoint_interval", "gpu", "region", "max_price",
                                            "algorithm", "pipeline_stages", "micro_batches",
                                            "hidden_size", "clusters", "inner_steps",
                                            "compression", "overlap", NULL};
/* The keys that mean something only to DiLoCo. */
static const char *const diloco_only_keys[] = {"clusters", "inner_steps", "compression",
                                               "overlap", NULL};
const char *const training_algorithm_names[] = {"allreduce", "diloco", NULL};
static const char *const model_keys[] = {"params", "precision", NULL};
static const char *const service_kinds[] = {"deterministic", "exponential", NULL};

/* settle_every: "N block(s)" or a time, as a count of blocks (>= 1). Absent: unchanged. */
static bool parse_settle_every(cfg_t *cfg, struct cfg_node escrow, double *blocks,
                               double *time_s)
{
  struct cfg_node n;
  if (!cfg_get(cfg, escrow, "settle_every", &n, false) || !n.node)
    return n.node == NULL;
  const char *text = cfg_scalar(n);
  char *end = NULL;
  double v = text ? strtod(text, &end) : NAN;
  if (text && end != text) {
    while (*end == ' ')
      end++;
    if (strcmp(end, "block") == 0 || strcmp(end, "blocks") == 0) {
      if (v >= 1 && v == floor(v)) {
        *blocks = v;
        return true;
      }
      cfg_error(cfg, n, "'%s': a whole number of blocks >= 1", text);
      return false;
    }
  }
  return cfg_to_quantity(cfg, n, UNIT_TIME, CFG_POSITIVE, DBL_MAX, time_s);
}

void *market_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct market_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct market_conf){
    .max_bids = MARKET_AKASH_MAX_BIDS,
    .bid_window_s = MARKET_AKASH_BID_WINDOW_S,
    .selection = AUCTION_CHEAPEST,
    .bid_margin = MARKET_DEFAULT_BID_MARGIN,
    .min_deposit = MARKET_AKASH_MIN_DEPOSIT,
    .bid_min_deposit = MARKET_AKASH_BID_MIN_DEPOSIT,
    .settle_every_blocks = 1,
    .funding_s = MARKET_DEFAULT_FUNDING_S,
    .batch_interval_s = MARKET_DEFAULT_BATCH_INTERVAL_S,
  };
  bool ok = cfg_check_keys(cfg, section, market_keys);
  int kind = 0, selection = c->selection;
  ok &= cfg_get_enum(cfg, section, "kind", market_kinds, &kind, false);
  ok &= cfg_get_int(cfg, section, "max_bids", &c->max_bids, 1, 100000, false);
  ok &= cfg_get_quantity(cfg, section, "bid_window", UNIT_TIME, CFG_POSITIVE, 86400,
                         &c->bid_window_s, false);
  ok &= cfg_get_enum(cfg, section, "selection", auction_policy_names, &selection, false);
  c->selection = (enum auction_policy)selection;
  ok &= cfg_get_quantity(cfg, section, "bid_margin", UNIT_NUMBER, -0.99, 1000, &c->bid_margin,
                         false);
  ok &= cfg_get_quantity(cfg, section, "batch_interval", UNIT_TIME, 1e-3, 3600,
                         &c->batch_interval_s, false);
  struct cfg_node escrow;
  if (cfg_get(cfg, section, "escrow", &escrow, false) && escrow.node) {
    ok &= cfg_check_keys(cfg, escrow, escrow_keys);
    ok &= cfg_get_quantity(cfg, escrow, "min_deposit", UNIT_NUMBER, 0, 1e15, &c->min_deposit,
                           false);
    ok &= cfg_get_quantity(cfg, escrow, "bid_deposit", UNIT_NUMBER, 0, 1e15,
                           &c->bid_min_deposit, false);
    ok &= cfg_get_quantity(cfg, escrow, "funding", UNIT_TIME, CFG_POSITIVE, 1e12, &c->funding_s,
                           false);
    double settle_time = -1;
    ok &= parse_settle_every(cfg, escrow, &c->settle_every_blocks, &settle_time);
    if (settle_time > 0)
      c->settle_every_blocks = -settle_time; /* resolved against the block time in validate */
  }
  if (!ok) {
    free(c);
    return NULL;
  }
  return c;
}

/* The entries of a workload kind: a mapping is one entry, a sequence a list of them. */
static size_t entry_count(struct cfg_node n)
{
  return cfg_is_mapping(n) ? 1 : cfg_seq_count(n);
}

static struct cfg_node entry_at(struct cfg_node n, size_t i)
{
  return cfg_is_mapping(n) ? n : cfg_seq_item(n, i);
}

static bool get_region(cfg_t *cfg, const struct scenario *sc, struct cfg_node e, long *out)
{
  char *name = NULL;
  bool ok = cfg_get_string(cfg, e, "region", &name, false);
  *out = -1;
  if (ok && name) {
    *out = scenario_region_index(sc, name);
    if (*out < 0) {
      const char **names = calloc(sc->n_regions + 1, sizeof(char *));
      for (size_t r = 0; names && r < sc->n_regions; r++)
        names[r] = sc->regions[r].name;
      struct cfg_node n;
      cfg_get(cfg, e, "region", &n, false);
      cfg_error_unknown(cfg, n, "region", name, names);
      free(names);
      ok = false;
    }
  }
  free(name);
  return ok;
}

static bool get_model(cfg_t *cfg, struct cfg_node e, double *params, enum precision *prec)
{
  struct cfg_node m;
  if (!cfg_get(cfg, e, "model", &m, true) || !m.node)
    return false;
  bool ok = cfg_check_keys(cfg, m, model_keys);
  int p = PREC_BF16;
  ok &= cfg_get_quantity(cfg, m, "params", UNIT_NUMBER, 1, 1e15, params, true);
  ok &= cfg_get_enum(cfg, m, "precision", precision_names, &p, false);
  *prec = (enum precision)p;
  return ok;
}

/* The keys every served or trained entry shares: placement and price. */
static bool get_placement(cfg_t *cfg, const struct scenario *sc, struct cfg_node e, char **gpu,
                          long *gpus_per_node, long *region, double *max_price)
{
  bool ok = cfg_get_string(cfg, e, "gpu", gpu, false);
  ok &= cfg_get_int(cfg, e, "gpus_per_node", gpus_per_node, 1, 1024, false);
  ok &= get_region(cfg, sc, e, region);
  ok &= cfg_get_quantity(cfg, e, "max_price", UNIT_NUMBER, 0, 1e12, max_price, false);
  return ok;
}

static bool read_service(cfg_t *cfg, const struct scenario *sc, struct cfg_node e, bool inference,
                         struct service_spec *s)
{
  *s = (struct service_spec){.inference = inference, .replicas = 1, .gpus_per_node = 1,
                             .region = -1, .max_price = INFINITY, .precision = PREC_FP32};
  bool ok = cfg_check_keys(cfg, e, inference ? inference_keys : rendering_keys);
  ok &= cfg_get_quantity(cfg, e, "rate", UNIT_RATE, CFG_POSITIVE, DBL_MAX, &s->rate_per_s, true);
  ok &= cfg_get_int(cfg, e, "replicas", &s->replicas, 1, 10000000, false);
  int service = 0;
  ok &= cfg_get_enum(cfg, e, "service", service_kinds, &service, false);
  s->exponential = service == 1;
  ok &= get_placement(cfg, sc, e, &s->gpu, &s->gpus_per_node, &s->region, &s->max_price);
  if (inference) {
    ok &= get_model(cfg, e, &s->params, &s->precision);
    ok &= cfg_get_quantity(cfg, e, "prompt_tokens", UNIT_NUMBER, 0, 1e9, &s->prompt_tokens, true);
    ok &= cfg_get_quantity(cfg, e, "output_tokens", UNIT_NUMBER, 1, 1e9, &s->output_tokens, true);
    s->flops = 2 * s->params * (s->prompt_tokens + s->output_tokens);
    s->bytes_in = s->prompt_tokens * MARKET_TOKEN_WIRE_BYTES;
    s->bytes_out = s->output_tokens * MARKET_TOKEN_WIRE_BYTES;
    s->memory_bytes = s->params * (s->precision == PREC_FP32 || s->precision == PREC_TF32 ? 4 : 2);
  } else {
    ok &= cfg_get_quantity(cfg, e, "frame_flops", UNIT_NUMBER, CFG_POSITIVE, 1e30, &s->flops,
                           true);
    ok &= cfg_get_quantity(cfg, e, "frame_bytes", UNIT_SIZE, 0, 1e15, &s->bytes_out, false);
  }
  return ok;
}

/* `key` of entry e, for an error about it; the entry itself when the key is absent. */
static struct cfg_node key_or_entry(cfg_t *cfg, struct cfg_node e, const char *key)
{
  struct cfg_node n;
  cfg_get(cfg, e, key, &n, false);
  return n.node ? n : e;
}

/* DiLoCo's keys on an all-reduce job: refused, they would silently do nothing. */
static bool refuse_diloco_keys(cfg_t *cfg, struct cfg_node e)
{
  bool ok = true;
  for (size_t k = 0; diloco_only_keys[k]; k++) {
    struct cfg_node n;
    cfg_get(cfg, e, diloco_only_keys[k], &n, false);
    if (n.node) {
      cfg_error(cfg, n, "only with algorithm: diloco (allowed here: remove it, or set "
                "algorithm: diloco)");
      ok = false;
    }
  }
  return ok;
}

/* The node count the entry asks for must split into clusters x replicas x stages. */
static bool check_layout(cfg_t *cfg, struct cfg_node e, const struct training_spec *t)
{
  long nodes = (t->data_parallel + t->gpus_per_node - 1) / t->gpus_per_node;
  bool ok = true;
  if (nodes % t->pipeline_stages != 0) {
    cfg_error(cfg, key_or_entry(cfg, e, "pipeline_stages"),
              "%ld stages do not divide the job's %ld nodes (ceil(data_parallel / gpus_per_node))"
              " (allowed: a divisor of %ld)", t->pipeline_stages, nodes, nodes);
    return false;
  }
  long replicas = nodes / t->pipeline_stages;
  if (t->algorithm == TRAIN_DILOCO && replicas % t->clusters != 0) {
    cfg_error(cfg, key_or_entry(cfg, e, "clusters"),
              "%ld clusters do not divide the job's %ld replicas (nodes / pipeline_stages) "
              "(allowed: a divisor of %ld, at least 2)", t->clusters, replicas, replicas);
    ok = false;
  }
  if (t->pipeline_stages > 1 && t->hidden_size <= 0) {
    cfg_error(cfg, e, "hidden_size is required with pipeline_stages > 1 (allowed: a number "
              "1..1e7, the model's activation width)");
    ok = false;
  }
  return ok;
}

/* The pipeline and DiLoCo keys of a training entry (diloco.h). */
static bool read_layout(cfg_t *cfg, struct cfg_node e, struct training_spec *t)
{
  int algorithm = TRAIN_ALLREDUCE;
  bool ok = cfg_get_enum(cfg, e, "algorithm", training_algorithm_names, &algorithm, false);
  t->algorithm = (enum training_algorithm)algorithm;
  ok &= cfg_get_int(cfg, e, "pipeline_stages", &t->pipeline_stages, 1, 1024, false);
  t->micro_batches = 4 * t->pipeline_stages;
  ok &= cfg_get_int(cfg, e, "micro_batches", &t->micro_batches, 1, 1000000, false);
  ok &= cfg_get_quantity(cfg, e, "hidden_size", UNIT_NUMBER, 1, 1e7, &t->hidden_size, false);
  if (t->algorithm == TRAIN_ALLREDUCE) {
    t->clusters = 1;
    ok &= refuse_diloco_keys(cfg, e);
    return check_layout(cfg, e, t) && ok;
  }
  t->clusters = MARKET_DILOCOX_CLUSTERS;
  ok &= cfg_get_int(cfg, e, "clusters", &t->clusters, 2, 100000, false);
  ok &= cfg_get_int(cfg, e, "inner_steps", &t->inner_steps, 1, 100000000, false);
  ok &= cfg_get_quantity(cfg, e, "compression", UNIT_NUMBER, CFG_POSITIVE, 1, &t->compression,
                         false);
  ok &= cfg_get_bool(cfg, e, "overlap", &t->overlap, false);
  return check_layout(cfg, e, t) && ok;
}

static bool read_training(cfg_t *cfg, const struct scenario *sc, struct cfg_node e,
                          struct training_spec *t)
{
  *t = (struct training_spec){.jobs = 1, .arrival_s = 0, .tokens_per_step =
                              MARKET_DEFAULT_TOKENS_PER_STEP, .data_parallel = 1,
                              .gpus_per_node = 1, .checkpoint_interval_s = 1800, .region = -1,
                              .max_price = INFINITY, .algorithm = TRAIN_ALLREDUCE,
                              .pipeline_stages = 1, .clusters = 1,
                              .inner_steps = MARKET_DILOCO_INNER_STEPS, .compression = 1};
  bool ok = cfg_check_keys(cfg, e, training_keys);
  ok &= cfg_get_int(cfg, e, "jobs", &t->jobs, 1, 1000000, false);
  ok &= cfg_get_quantity(cfg, e, "arrival", UNIT_TIME, 0, 1e12, &t->arrival_s, false);
  ok &= get_model(cfg, e, &t->params, &t->precision);
  ok &= cfg_get_quantity(cfg, e, "tokens", UNIT_NUMBER, 1, 1e18, &t->tokens, true);
  ok &= cfg_get_quantity(cfg, e, "tokens_per_step", UNIT_NUMBER, 1, 1e15, &t->tokens_per_step,
                         false);
  ok &= cfg_get_int(cfg, e, "data_parallel", &t->data_parallel, 1, 1000000, false);
  ok &= cfg_get_quantity(cfg, e, "checkpoint_interval", UNIT_TIME, CFG_POSITIVE, 1e12,
                         &t->checkpoint_interval_s, false);
  ok &= get_placement(cfg, sc, e, &t->gpu, &t->gpus_per_node, &t->region, &t->max_price);
  ok &= read_layout(cfg, e, t);
  return ok;
}

/* What an entry asks of a node, for the check that some class can take it. */
struct entry_needs {
  const char *gpu;
  long gpus_per_node, region;
  double memory_per_gpu, memory_per_node; /* bytes */
};

/* Whether some provider class could ever take an order with these needs. Memory is checked
 * when the calibration profiles could be read (profiles not NULL). */
static bool some_class_fits(const struct scenario *sc, const profile_set_t *profiles,
                            const struct entry_needs *n)
{
  for (size_t c = 0; c < sc->n_classes; c++) {
    const struct provider_class *pc = &sc->classes[c];
    bool in_region = n->region < 0;
    for (size_t k = 0; k < pc->n_regions; k++)
      in_region |= (long)pc->regions[k] == n->region;
    if (pc->gpus_per_node < n->gpus_per_node || !in_region || pc->count <= 0 ||
        (n->gpu && strcasecmp(n->gpu, pc->gpu) != 0))
      continue;
    const struct device_profile *d = profiles ? profile_set_find(profiles, pc->gpu) : NULL;
    if (d && (d->memory_bytes < n->memory_per_gpu ||
              d->memory_bytes * pc->gpus_per_node < n->memory_per_node))
      continue;
    return true;
  }
  return false;
}

static void report_unfit(cfg_t *cfg, struct cfg_node e, const struct entry_needs *n)
{
  char memory[64] = "";
  if (n->memory_per_gpu > 0)
    snprintf(memory, sizeof(memory), " and %.3g GB of memory a GPU", n->memory_per_gpu / 1e9);
  else if (n->memory_per_node > 0)
    snprintf(memory, sizeof(memory), " and %.3g GB of memory a node", n->memory_per_node / 1e9);
  cfg_error(cfg, e, "no provider class offers %s%s%ld GPU(s) per node%s%s", n->gpu ? n->gpu : "",
            n->gpu ? " with " : "", n->gpus_per_node, n->region >= 0 ? " in that region" : "",
            memory);
}

static bool read_kind(cfg_t *cfg, const struct scenario *sc, const profile_set_t *profiles,
                      struct cfg_node w, const char *key, struct market_conf *c)
{
  struct cfg_node list;
  cfg_get(cfg, w, key, &list, false);
  size_t n = list.node ? entry_count(list) : 0;
  bool ok = true, training = strcmp(key, "training") == 0;
  for (size_t i = 0; i < n; i++) {
    struct cfg_node e = entry_at(list, i);
    bool fine;
    struct entry_needs needs;
    if (training) {
      struct training_spec *t = &c->training[c->n_training++];
      fine = read_training(cfg, sc, e, t);
      double per_gpu, per_node;
      market_training_memory(t, &per_gpu, &per_node);
      needs = (struct entry_needs){t->gpu, t->gpus_per_node, t->region, per_gpu, per_node};
    } else {
      struct service_spec *s = &c->services[c->n_services++];
      fine = read_service(cfg, sc, e, strcmp(key, "inference") == 0, s);
      needs = (struct entry_needs){s->gpu, s->gpus_per_node, s->region, 0, s->memory_bytes};
    }
    if (fine && !some_class_fits(sc, profiles, &needs)) {
      report_unfit(cfg, e, &needs);
      fine = false;
    }
    ok &= fine;
  }
  return ok;
}

bool market_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct market_conf *c = (struct market_conf *)conf;
  const struct ledger_conf *ledger = scenario_layer_conf(sc, "ledger");
  c->block_time_s = ledger ? ledger->block_time_s : MARKET_AKASH_BLOCK_TIME_S;
  if (c->settle_every_blocks < 0)
    c->settle_every_blocks = fmax(1, round(-c->settle_every_blocks / c->block_time_s));
  struct cfg_node w, inf, ren, tr;
  cfg_get(cfg, cfg_root(cfg), "workload", &w, false);
  cfg_get(cfg, w, "inference", &inf, false);
  cfg_get(cfg, w, "rendering", &ren, false);
  cfg_get(cfg, w, "training", &tr, false);
  size_t n_services = (inf.node ? entry_count(inf) : 0) + (ren.node ? entry_count(ren) : 0);
  size_t n_training = tr.node ? entry_count(tr) : 0;
  free(c->services); /* validate may run again on the same conf (sweeps) */
  free(c->training);
  c->n_services = c->n_training = 0;
  c->services = calloc(n_services ? n_services : 1, sizeof(*c->services));
  c->training = calloc(n_training ? n_training : 1, sizeof(*c->training));
  if (!c->services || !c->training)
    return false;
  /* Device memory for the fit checks; a profile that cannot be read is the world's to
   * report when it loads them, so its messages go to a scratch list here. */
  diag_t *scratch = diag_new();
  profile_set_t *profiles =
    scratch ? profile_set_load((const char *const *)sc->calibration, sc->n_calibration, scratch)
            : NULL;
  bool ok = true;
  if (w.node) {
    ok &= read_kind(cfg, sc, profiles, w, "inference", c);
    ok &= read_kind(cfg, sc, profiles, w, "rendering", c);
    ok &= read_kind(cfg, sc, profiles, w, "training", c);
  }
  profile_set_free(profiles);
  diag_free(scratch);
  if (ok && c->n_services + c->n_training == 0) {
    struct cfg_node section;
    cfg_get(cfg, cfg_root(cfg), "market", &section, false);
    cfg_error(cfg, section, "the market needs work: workload.inference, workload.training or "
              "workload.rendering");
    ok = false;
  }
  return ok;
}

void market_conf_free(void *conf)
{
  struct market_conf *c = conf;
  if (!c)
    return;
  for (size_t i = 0; i < c->n_services; i++)
    free(c->services[i].gpu);
  for (size_t i = 0; i < c->n_training; i++)
    free(c->training[i].gpu);
  free(c->services);
  free(c->training);
  free(c);
}
