/* sweep_spec.c: reading and expanding a scenario's `sweep` section (sweep_spec.h). */
#include "sim/run/sweep_spec.h"

#include <float.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/diag.h"
#include "sim/base/rng.h"
#include "sim/base/strfmt.h"
#include "sim/base/units.h"

const char *const sweep_method_names[] = {"grid", "random", "lhs", NULL};

static const char *const reserved_keys[] = {"method", "points", "replications", NULL};

static void *xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size);
  xbt_assert(p, "out of memory expanding a sweep");
  return p;
}

static char *xstrdup(const char *s)
{
  char *copy = strdup(s);
  xbt_assert(copy, "out of memory expanding a sweep");
  return copy;
}

/* The item of a sequence a path component names: an index, or the mapping whose `class` or
 * `name` is it (as cfg_set resolves it). */
static struct cfg_node sequence_item(struct cfg_node seq, const char *component)
{
  size_t count = cfg_seq_count(seq);
  char *end;
  unsigned long i = strtoul(component, &end, 10);
  if (*component && !*end)
    return cfg_seq_item(seq, i < count ? i : count);
  for (size_t k = 0; k < count; k++) {
    struct cfg_node item = cfg_seq_item(seq, k);
    for (size_t m = 0; m < cfg_map_count(item); m++) {
      const char *key = cfg_map_key(item, m);
      const char *id = cfg_scalar(cfg_map_value(item, m));
      if (key && id && (!strcmp(key, "class") || !strcmp(key, "name")) && !strcmp(id, component))
        return item;
    }
  }
  return (struct cfg_node){.node = NULL};
}

/* Whether path names a value of the document; reports about the sweep key `at` otherwise. */
static bool path_exists(cfg_t *cfg, struct cfg_node at, const char *path)
{
  struct cfg_node n = cfg_root(cfg);
  char *copy = xstrdup(path), *save = NULL, where[CFG_PATH_MAX] = "the scenario";
  bool ok = true;
  for (char *part = strtok_r(copy, ".", &save); part && ok; part = strtok_r(NULL, ".", &save)) {
    if (cfg_is_mapping(n)) {
      size_t count = cfg_map_count(n);
      const char **keys = xcalloc(count + 1, sizeof(char *));
      struct cfg_node child = {.node = NULL};
      for (size_t i = 0; i < count; i++) {
        keys[i] = cfg_map_key(n, i) ? cfg_map_key(n, i) : "";
        if (!strcmp(keys[i], part))
          child = cfg_map_value(n, i);
      }
      if (!child.node) {
        const char *guess = cfg_closest(part, keys);
        cfg_error(cfg, at, "'%s' is not a key path of the scenario: no '%s' in %s%s%s%s", path,
                  part, where, guess ? " (did you mean '" : "", guess ? guess : "",
                  guess ? "'?)" : "");
        ok = false;
      }
      free(keys);
      n = child;
    } else if (cfg_is_sequence(n)) {
      n = sequence_item(n, part);
      if (!n.node) {
        cfg_error(cfg, at, "'%s' is not a key path of the scenario: no item '%s' in %s (an "
                           "index, or a class or name)", path, part, where);
        ok = false;
      }
    } else {
      cfg_error(cfg, at, "'%s' is not a key path of the scenario: %s holds no keys", path, where);
      ok = false;
    }
    if (part == copy)
      snprintf(where, sizeof(where), "'%s'", part);
    else
      snprintf(where + strlen(where) - 1, sizeof(where) - strlen(where) + 1, ".%s'", part);
  }
  if (ok && !cfg_is_scalar(n))
    cfg_warning(cfg, at, "'%s' is not a single value in the scenario; each point replaces it",
                path);
  free(copy);
  return ok;
}

/* A numeric reading of a scalar value with a unit (or none), or false for text. */
static bool numeric_value(const char *text, int *kind, double *value)
{
  *kind = units_kind_of(text);
  return *kind >= 0 && units_parse(text, (enum unit_kind)*kind, value, NULL) == 0;
}

static char *format_value(double v, const char *unit)
{
  return strfmt("%.15g%s", v, unit);
}

/* A list of scalars into the axis. */
static bool read_list(cfg_t *cfg, struct cfg_node v, struct sweep_axis *a)
{
  size_t n = cfg_seq_count(v);
  if (n == 0) {
    cfg_error(cfg, v, "an empty list of values");
    return false;
  }
  a->texts = xcalloc(n, sizeof(char *));
  a->values = xcalloc(n, sizeof(double));
  a->numeric = true;
  int axis_kind = -1;
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    struct cfg_node item = cfg_seq_item(v, i);
    const char *text = cfg_scalar(item);
    if (!text || !*text) {
      cfg_error(cfg, item, "expected a single value, got %s",
                cfg_is_mapping(item) ? "a mapping" : cfg_is_sequence(item) ? "a list" : "nothing");
      ok = false;
      continue;
    }
    a->texts[a->n_values] = xstrdup(text);
    int kind;
    double value;
    if (numeric_value(text, &kind, &value)) {
      if (axis_kind >= 0 && kind != axis_kind && a->numeric) {
        cfg_error(cfg, item, "'%s' is a %s where the list holds values in %s", text,
                  kind == UNIT_NUMBER ? "plain number" : "quantity of another kind",
                  units_allowed((enum unit_kind)axis_kind));
        ok = false;
      }
      axis_kind = kind;
      a->values[a->n_values++] = value;
    } else {
      a->numeric = false;
      a->values[a->n_values++] = NAN;
    }
  }
  a->unit = a->numeric && axis_kind >= 0 ? units_base_symbol((enum unit_kind)axis_kind) : "";
  if (!a->numeric)
    for (size_t i = 0; i < a->n_values; i++)
      a->values[i] = NAN;
  return ok;
}

/* A range {from, to, step} into the axis. */
static bool read_range(cfg_t *cfg, struct cfg_node v, enum sweep_method method,
                       struct sweep_axis *a)
{
  static const char *const keys[] = {"from", "to", "step", NULL};
  if (!cfg_check_keys(cfg, v, keys))
    return false;
  struct cfg_node from, step;
  if (!cfg_get(cfg, v, "from", &from, true) || !from.node)
    return false;
  const char *text = cfg_scalar(from);
  int kind = text ? units_kind_of(text) : -1;
  if (kind < 0) {
    cfg_error(cfg, from, "'%s' is not a number or a quantity with a known unit",
              text ? text : "");
    return false;
  }
  double s = 0;
  bool ok = cfg_get_quantity(cfg, v, "from", kind, -DBL_MAX, DBL_MAX, &a->from, true);
  ok = cfg_get_quantity(cfg, v, "to", kind, -DBL_MAX, DBL_MAX, &a->to, true) && ok;
  ok = cfg_get_quantity(cfg, v, "step", kind, -DBL_MAX, DBL_MAX, &s, false) && ok;
  cfg_get(cfg, v, "step", &step, false);
  if (!ok)
    return false;
  a->numeric = true;
  a->unit = units_base_symbol((enum unit_kind)kind);
  if (a->from > a->to) {
    cfg_error(cfg, from, "an empty range: from %g%s is above to %g%s", a->from, a->unit, a->to,
              a->unit);
    return false;
  }
  if (!step.node) {
    if (method == SWEEP_GRID) {
      cfg_error(cfg, v, "a grid range needs a step (or give a list of values)");
      return false;
    }
    a->continuous = true;
    return true;
  }
  if (!(s > 0)) {
    cfg_error(cfg, step, "a step of %g%s (allowed: > 0)", s, a->unit);
    return false;
  }
  double count = floor((a->to - a->from) / s + 1e-9) + 1;
  if (count > SWEEP_SPEC_MAX_POINTS) {
    cfg_error(cfg, step, "%.0f values from %g to %g (allowed: at most %d)", count, a->from,
              a->to, SWEEP_SPEC_MAX_POINTS);
    return false;
  }
  a->n_values = (size_t)count;
  a->texts = xcalloc(a->n_values, sizeof(char *));
  a->values = xcalloc(a->n_values, sizeof(double));
  for (size_t i = 0; i < a->n_values; i++) {
    a->values[i] = a->from + (double)i * s;
    a->texts[i] = format_value(a->values[i], a->unit);
  }
  return true;
}

static void axis_fini(struct sweep_axis *a)
{
  for (size_t i = 0; i < a->n_values; i++)
    free(a->texts[i]);
  free(a->texts);
  free(a->values);
  free(a->path);
}

/* Sets point p's value on axis a from the position u in [0, 1). */
static void place(const struct sweep_axis *a, double u, struct sweep_point *p, size_t axis)
{
  if (a->continuous) {
    p->values[axis] = a->from + u * (a->to - a->from);
    p->texts[axis] = format_value(p->values[axis], a->unit);
    return;
  }
  size_t i = (size_t)floor(u * (double)a->n_values);
  i = i < a->n_values ? i : a->n_values - 1;
  p->values[axis] = a->values[i];
  p->texts[axis] = xstrdup(a->texts[i]);
}

static void expand(struct sweep_spec *spec, uint64_t seed)
{
  spec->n_points = spec->n_samples * spec->replications;
  spec->points = xcalloc(spec->n_points, sizeof(struct sweep_point));
  gsl_rng *r = rng_stream(seed, "sweep", 0);
  size_t n = spec->n_samples, **perm = xcalloc(spec->n_axes, sizeof(size_t *));
  for (size_t a = 0; spec->method == SWEEP_LHS && a < spec->n_axes; a++) {
    perm[a] = xcalloc(n, sizeof(size_t));
    for (size_t k = 0; k < n; k++)
      perm[a][k] = k;
    gsl_ran_shuffle(r, perm[a], n, sizeof(size_t));
  }
  for (size_t s = 0; s < n; s++) {
    struct sweep_point *first = &spec->points[s * spec->replications];
    first->texts = xcalloc(spec->n_axes, sizeof(char *));
    first->values = xcalloc(spec->n_axes, sizeof(double));
    size_t stride = n;
    for (size_t a = 0; a < spec->n_axes; a++) {
      const struct sweep_axis *ax = &spec->axes[a];
      double u;
      if (spec->method == SWEEP_GRID) {
        stride /= ax->n_values;
        u = ((double)((s / stride) % ax->n_values) + 0.5) / (double)ax->n_values;
      } else if (spec->method == SWEEP_RANDOM) {
        u = gsl_rng_uniform(r);
      } else {
        u = ((double)perm[a][s] + gsl_rng_uniform(r)) / (double)n;
      }
      place(ax, u, first, a);
    }
    for (size_t k = 0; k < spec->replications; k++) {
      struct sweep_point *p = &spec->points[s * spec->replications + k];
      if (k > 0) {
        p->texts = xcalloc(spec->n_axes, sizeof(char *));
        p->values = xcalloc(spec->n_axes, sizeof(double));
        for (size_t a = 0; a < spec->n_axes; a++) {
          p->texts[a] = xstrdup(first->texts[a]);
          p->values[a] = first->values[a];
        }
      }
      p->id = s * spec->replications + k;
      p->sample = s;
      p->replication = k;
      p->seed = seed + k;
    }
  }
  for (size_t a = 0; a < spec->n_axes; a++)
    free(perm[a]);
  free(perm);
  gsl_rng_free(r);
}

/* The method, points and replications; axes come after. Returns false on a problem. */
static bool read_settings(cfg_t *cfg, struct cfg_node sweep, struct sweep_spec *spec)
{
  int method = SWEEP_GRID;
  long points = 0, replications = 1;
  struct cfg_node pn;
  bool ok = cfg_get_enum(cfg, sweep, "method", sweep_method_names, &method, false);
  ok = cfg_get_int(cfg, sweep, "replications", &replications, 1, 100000, false) && ok;
  cfg_get(cfg, sweep, "points", &pn, false);
  if (method == SWEEP_GRID && pn.node) {
    cfg_error(cfg, pn, "points is for random and lhs sweeps; a grid has one point per "
                       "combination of its values");
    ok = false;
  } else {
    ok = cfg_get_int(cfg, sweep, "points", &points, 1, SWEEP_SPEC_MAX_POINTS,
                     method != SWEEP_GRID) && ok;
  }
  spec->method = (enum sweep_method)method;
  spec->replications = (size_t)replications;
  spec->n_samples = method == SWEEP_GRID ? 1 : (size_t)points;
  return ok;
}

enum depin_status sweep_spec_read(const struct scenario *sc, struct sweep_spec **out)
{
  cfg_t *cfg = sc->cfg;
  diag_t *diag = cfg_diag(cfg);
  size_t errors = diag_error_count(diag);
  struct cfg_node sweep = sc->sweep;
  if (!sweep.node || !cfg_is_mapping(sweep)) {
    diag_add(diag, DIAG_ERROR, sc->file, 0, 0, NULL,
             "no sweep section: add 'sweep:' with key paths and their values");
    return DEPIN_EINVAL;
  }
  struct sweep_spec *spec = xcalloc(1, sizeof(*spec));
  bool ok = read_settings(cfg, sweep, spec);
  size_t count = cfg_map_count(sweep);
  spec->axes = xcalloc(count, sizeof(struct sweep_axis));
  double grid = 1;
  for (size_t i = 0; i < count; i++) {
    const char *key = cfg_map_key(sweep, i);
    bool reserved = false;
    for (size_t k = 0; key && reserved_keys[k]; k++)
      reserved |= !strcmp(key, reserved_keys[k]);
    if (!key || reserved)
      continue;
    struct cfg_node at = cfg_map_key_at(sweep, i), v = cfg_map_value(sweep, i);
    if (!strcmp(key, "seed")) {
      cfg_error(cfg, at, "the seed is swept by 'replications' (replication r runs seed + r)");
      ok = false;
      continue;
    }
    if (!path_exists(cfg, at, key)) {
      ok = false;
      continue;
    }
    struct sweep_axis *a = &spec->axes[spec->n_axes++];
    a->path = xstrdup(key);
    bool axis_ok = cfg_is_mapping(v) ? read_range(cfg, v, spec->method, a) : read_list(cfg, v, a);
    ok = axis_ok && ok;
    if (axis_ok && spec->method == SWEEP_GRID)
      grid *= (double)a->n_values;
  }
  if (ok && spec->method == SWEEP_GRID)
    spec->n_samples = (size_t)(grid > SWEEP_SPEC_MAX_POINTS ? 0 : grid);
  if (ok && (spec->method == SWEEP_GRID ? grid : (double)spec->n_samples) *
                (double)spec->replications > SWEEP_SPEC_MAX_POINTS) {
    cfg_error(cfg, sweep, "%.0f points (allowed: at most %d)",
              (spec->method == SWEEP_GRID ? grid : (double)spec->n_samples) *
                (double)spec->replications, SWEEP_SPEC_MAX_POINTS);
    ok = false;
  }
  if (!ok || diag_error_count(diag) > errors) {
    sweep_spec_free(spec);
    return DEPIN_EINVAL;
  }
  expand(spec, sc->seed);
  *out = spec;
  return DEPIN_OK;
}

void sweep_spec_free(struct sweep_spec *spec)
{
  if (!spec)
    return;
  for (size_t i = 0; i < spec->n_points; i++) {
    for (size_t a = 0; spec->points[i].texts && a < spec->n_axes; a++)
      free(spec->points[i].texts[a]);
    free(spec->points[i].texts);
    free(spec->points[i].values);
  }
  free(spec->points);
  for (size_t a = 0; a < spec->n_axes; a++)
    axis_fini(&spec->axes[a]);
  free(spec->axes);
  free(spec);
}

char **sweep_spec_assignments(const struct sweep_spec *spec, const struct sweep_point *p)
{
  char **out = xcalloc(spec->n_axes, sizeof(char *));
  for (size_t a = 0; a < spec->n_axes; a++)
    out[a] = strfmt("%s=%s", spec->axes[a].path, p->texts[a]);
  return out;
}

/* The key node of the sweep entry for path (to report at). */
static struct cfg_node sweep_key(const struct scenario *sc, const char *path)
{
  for (size_t i = 0; i < cfg_map_count(sc->sweep); i++)
    if (cfg_map_key(sc->sweep, i) && !strcmp(cfg_map_key(sc->sweep, i), path))
      return cfg_map_key_at(sc->sweep, i);
  return sc->sweep;
}

/* Loads the scenario with the base overrides and path=text; reports at the sweep key when
 * it is refused. */
static bool value_loads(const struct scenario *sc, const char *const base[], size_t n_base,
                        const char *path, const char *text)
{
  const char **overrides = xcalloc(n_base + 1, sizeof(char *));
  char *assignment = strfmt("%s=%s", path, text);
  for (size_t i = 0; i < n_base; i++)
    overrides[i] = base[i];
  overrides[n_base] = assignment;
  diag_t *trial = diag_new();
  struct scenario *point = NULL;
  xbt_assert(trial, "out of memory");
  bool ok = scenario_load(sc->file, overrides, n_base + 1, sc->layers, trial, &point) == DEPIN_OK;
  if (!ok) {
    const char *why = "refused";
    for (size_t i = 0; i < diag_count(trial) && !strcmp(why, "refused"); i++)
      if (!strstr(diag_line(trial, i), "warning: "))
        why = diag_line(trial, i);
    cfg_error(sc->cfg, sweep_key(sc, path), "value '%s' is refused: %s", text, why);
  }
  scenario_free(point);
  diag_free(trial);
  free(assignment);
  free(overrides);
  return ok;
}

enum depin_status sweep_spec_check_values(const struct scenario *sc,
                                          const struct sweep_spec *spec,
                                          const char *const base[], size_t n_base)
{
  bool ok = true;
  for (size_t a = 0; a < spec->n_axes; a++) {
    const struct sweep_axis *axis = &spec->axes[a];
    if (!axis->continuous) {
      for (size_t v = 0; v < axis->n_values; v++)
        ok &= value_loads(sc, base, n_base, axis->path, axis->texts[v]);
      continue;
    }
    /* A continuous axis: its lowest and highest drawn values stand for the rest. */
    size_t low = 0, high = 0;
    for (size_t i = 1; i < spec->n_points; i++) {
      low = spec->points[i].values[a] < spec->points[low].values[a] ? i : low;
      high = spec->points[i].values[a] > spec->points[high].values[a] ? i : high;
    }
    ok &= value_loads(sc, base, n_base, axis->path, spec->points[low].texts[a]);
    if (high != low)
      ok &= value_loads(sc, base, n_base, axis->path, spec->points[high].texts[a]);
  }
  return ok ? DEPIN_OK : DEPIN_EINVAL;
}
