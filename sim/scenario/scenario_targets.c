/* scenario_targets.c: the `workload` and `targets` sections of a scenario.
 *
 * The workload's keys belong to the layers that declare them (layer.h): the core checks that
 * each key is one of theirs and a collection, and the owning layer reads what is inside.
 *
 * A target is `metric: "op value"`; the value is read in the metric's unit kind, so "<= 2s"
 * and ">= 50GB/s" work, and a bare number means the metric's base unit. Known metrics are the
 * engine's (the layer set's core_metrics) and every layer's. */
#include "sim/scenario/scenario_private.h"

#include <ctype.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

/* Every workload key the set's layers declare, in their order (owned array, borrowed names). */
static const char **workload_keys(const struct layer_set *set)
{
  size_t n = 0;
  for (size_t l = 0; l < set->n; l++)
    for (const char *const *k = set->layers[l]->workload_keys; k && *k; k++)
      n++;
  const char **keys = scenario_calloc(n + 1, sizeof(*keys));
  n = 0;
  for (size_t l = 0; l < set->n; l++)
    for (const char *const *k = set->layers[l]->workload_keys; k && *k; k++)
      keys[n++] = *k;
  return keys;
}

/* A workload that no enabled layer reads would silently do nothing: warn about it. */
static void check_workload_owner(cfg_t *cfg, struct cfg_node root, struct cfg_node work,
                                 const char *key, const struct layer_set *set)
{
  const struct depin_layer *owner = layer_set_workload_owner(set, key);
  struct cfg_node section;
  cfg_get(cfg, root, owner->name, &section, false);
  if (!section.node)
    cfg_warning(cfg, work, "workload.%s is read by the %s layer, which this scenario does not "
                "enable: it is ignored", key, owner->name);
}

void scenario_read_workload(cfg_t *cfg, struct cfg_node root, const struct scenario *sc)
{
  struct cfg_node w;
  if (!cfg_get(cfg, root, "workload", &w, false) || !w.node)
    return;
  const char **keys = workload_keys(sc->layers);
  if (cfg_check_keys(cfg, w, keys))
    for (size_t i = 0; keys[i]; i++) {
      struct cfg_node work;
      cfg_get(cfg, w, keys[i], &work, false);
      if (work.node && !cfg_is_mapping(work) && !cfg_is_sequence(work))
        cfg_error(cfg, work, "expected a mapping or a sequence, got a scalar");
      else if (work.node)
        check_workload_owner(cfg, root, work, keys[i], sc->layers);
    }
  free(keys);
}

/* Every metric a target may name: the core's, then each layer's (borrowed). */
static const struct metric_def **known_metrics(const struct scenario *sc, size_t *n)
{
  const struct layer_set *set = sc->layers;
  size_t count = 0;
  for (const struct metric_def *m = set->core_metrics; m && m->name; m++)
    count++;
  for (size_t l = 0; l < set->n; l++)
    for (const struct metric_def *m = set->layers[l]->metrics; m && m->name; m++)
      count++;
  const struct metric_def **all = scenario_calloc(count + 1, sizeof(*all));
  count = 0;
  for (const struct metric_def *m = set->core_metrics; m && m->name; m++)
    all[count++] = m;
  for (size_t l = 0; l < set->n; l++)
    for (const struct metric_def *m = set->layers[l]->metrics; m && m->name; m++)
      all[count++] = m;
  *n = count;
  return all;
}

static const struct metric_def *find_metric(const struct metric_def **all, size_t n,
                                            const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(all[i]->name, name) == 0)
      return all[i];
  return NULL;
}

static void report_unknown_metric(cfg_t *cfg, struct cfg_node at, const char *name,
                                  const struct metric_def **all, size_t n)
{
  const char **names = scenario_calloc(n + 1, sizeof(*names));
  for (size_t i = 0; i < n; i++)
    names[i] = all[i]->name;
  cfg_error_unknown(cfg, at, "metric", name, names);
  free(names);
}

/* ">= 11000" into op and the value's text; false when no operator leads. */
static bool split_op(const char *text, enum target_op *op, const char **value)
{
  static const struct {
    const char *spelling;
    enum target_op op;
  } ops[] = {{">=", TARGET_GE}, {"<=", TARGET_LE}, {"==", TARGET_EQ}, {">", TARGET_GT},
             {"<", TARGET_LT}};
  while (isspace((unsigned char)*text))
    text++;
  for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
    if (strncmp(text, ops[i].spelling, strlen(ops[i].spelling)) == 0) {
      *op = ops[i].op;
      *value = text + strlen(ops[i].spelling);
      while (isspace((unsigned char)**value))
        (*value)++;
      return true;
    }
  return false;
}

/* The value in the metric's kind; a bare number is already in its base unit. */
static bool target_value(cfg_t *cfg, struct cfg_node v, const struct metric_def *m,
                         const char *value, double *out)
{
  const char *why = NULL;
  char *end = NULL;
  double plain = strtod(value, &end);
  while (end && isspace((unsigned char)*end))
    end++;
  if (m->kind != UNIT_NUMBER && end != value && *end == '\0' &&
      units_parse(value, UNIT_NUMBER, &plain, &why) == 0) {
    *out = plain;
    return true;
  }
  if (units_parse(value, m->kind, out, &why) == 0)
    return true;
  cfg_error(cfg, v, "'%s': %s (allowed: %s)", value, why, units_allowed(m->kind));
  return false;
}

static void read_target(cfg_t *cfg, struct cfg_node v, const char *metric, struct scenario *sc,
                        const struct metric_def *m)
{
  const char *text = cfg_scalar(v);
  enum target_op op;
  const char *value;
  if (!text || !split_op(text, &op, &value)) {
    cfg_error(cfg, v, "expected \"op value\" such as \">= 11000\" (allowed ops: >= <= > < ==)");
    return;
  }
  double x;
  if (!target_value(cfg, v, m, value, &x))
    return;
  struct target *t = &sc->targets[sc->n_targets++];
  t->metric = scenario_strdup(metric);
  t->text = scenario_strdup(text);
  t->op = op;
  t->value = x;
  t->line = cfg_line(v);
  t->col = cfg_col(v);
}

void scenario_read_targets(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  struct cfg_node targets;
  if (!cfg_get(cfg, root, "targets", &targets, false) || !targets.node)
    return;
  if (!cfg_is_mapping(targets)) {
    cfg_error(cfg, targets, "expected a mapping of metric: \"op value\"");
    return;
  }
  size_t n_known;
  const struct metric_def **known = known_metrics(sc, &n_known);
  size_t n = cfg_map_count(targets);
  sc->targets = scenario_calloc(n ? n : 1, sizeof(*sc->targets));
  for (size_t i = 0; i < n; i++) {
    const char *metric = cfg_map_key(targets, i);
    struct cfg_node v = cfg_map_value(targets, i);
    const struct metric_def *m = metric ? find_metric(known, n_known, metric) : NULL;
    if (!m)
      report_unknown_metric(cfg, cfg_map_key_at(targets, i), metric ? metric : "", known,
                            n_known);
    else
      read_target(cfg, v, metric, sc, m);
  }
  free(known);
}
