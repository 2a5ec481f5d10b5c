/* metrics.c: the registry of summaries, bounds, distributions, time series and tables.
 *
 * Each kind is a growing array kept in insertion order (so result files list metrics in the
 * order layers reported them) and looked up by name with a linear scan: a run has tens of
 * metrics, and layers keep the pointers they get (hist_t, table_t) instead of looking up per
 * event. A rate series remembers the counter's value at its previous sample; a counter is
 * taken to be 0 at time 0, so the first point is the increase since the start. */
#include "sim/results/metrics.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

struct summary {
  char *name, *unit;
  double value;
};

struct bound {
  char *metric, *unit, *formula;
  double value;
  enum bound_kind kind;
};

struct named_hist {
  char *name, *unit;
  hist_t *h;
};

struct series {
  char *name, *unit;
  enum series_kind kind;
  series_probe_fn probe; /* NULL for pushed series */
  void *ctx;
  double last_t, last_counter; /* rates: the previous sample */
  double *time, *value;
  size_t n, cap;
};

struct metrics {
  double warmup_s, sample_interval_s;
  struct summary *summaries;
  size_t n_summaries, cap_summaries;
  struct bound *bounds;
  size_t n_bounds, cap_bounds;
  struct named_hist *hists;
  size_t n_hists, cap_hists;
  struct series *series;
  size_t n_series, cap_series;
  table_t **tables;
  size_t n_tables, cap_tables;
};

/* Makes room for one more element in *arr (of *n, capacity *cap); out of memory asserts. */
static void *reserve(void *arr, size_t n, size_t *cap, size_t size)
{
  if (n < *cap)
    return arr;
  size_t c = *cap ? 2 * *cap : 8;
  void *p = realloc(arr, c * size);
  xbt_assert(p, "out of memory growing the metrics registry");
  *cap = c;
  return p;
}

static char *copy_str(const char *s)
{
  char *d = strdup(s ? s : "");
  xbt_assert(d, "out of memory copying a metric name");
  return d;
}

/* Replaces a copied string, keeping the old copy when equal so that pointers borrowed from it
 * (a target outcome's unit) stay valid when a layer sets a summary again. */
static void replace(char **field, const char *s)
{
  if (*field && strcmp(*field, s ? s : "") == 0)
    return;
  char *d = copy_str(s);
  free(*field);
  *field = d;
}

metrics_t *metrics_new(double warmup_s, double sample_interval_s)
{
  metrics_t *m = calloc(1, sizeof(*m));
  if (!m)
    return NULL;
  m->warmup_s = warmup_s;
  m->sample_interval_s = sample_interval_s;
  return m;
}

void metrics_free(metrics_t *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n_summaries; i++) {
    free(m->summaries[i].name);
    free(m->summaries[i].unit);
  }
  for (size_t i = 0; i < m->n_bounds; i++) {
    free(m->bounds[i].metric);
    free(m->bounds[i].unit);
    free(m->bounds[i].formula);
  }
  for (size_t i = 0; i < m->n_hists; i++) {
    free(m->hists[i].name);
    free(m->hists[i].unit);
    hist_free(m->hists[i].h);
  }
  for (size_t i = 0; i < m->n_series; i++) {
    free(m->series[i].name);
    free(m->series[i].unit);
    free(m->series[i].time);
    free(m->series[i].value);
  }
  for (size_t i = 0; i < m->n_tables; i++)
    table_free(m->tables[i]);
  free(m->summaries);
  free(m->bounds);
  free(m->hists);
  free(m->series);
  free(m->tables);
  free(m);
}

double metrics_warmup(const metrics_t *m)
{
  return m->warmup_s;
}

double metrics_sample_interval(const metrics_t *m)
{
  return m->sample_interval_s;
}

bool metrics_in_window(const metrics_t *m, double t)
{
  return t >= m->warmup_s;
}

/* ---- summaries ---- */

static struct summary *find_summary(const metrics_t *m, const char *name)
{
  for (size_t i = 0; i < m->n_summaries; i++)
    if (strcmp(m->summaries[i].name, name) == 0)
      return &m->summaries[i];
  return NULL;
}

void metrics_summary_set(metrics_t *m, const char *name, double value, const char *unit)
{
  struct summary *s = find_summary(m, name);
  if (s) {
    s->value = value;
    replace(&s->unit, unit);
    return;
  }
  m->summaries = reserve(m->summaries, m->n_summaries, &m->cap_summaries, sizeof(*s));
  s = &m->summaries[m->n_summaries++];
  *s = (struct summary){.name = copy_str(name), .unit = copy_str(unit), .value = value};
}

bool metrics_summary_get(const metrics_t *m, const char *name, double *value)
{
  const struct summary *s = find_summary(m, name);
  if (s && value)
    *value = s->value;
  return s != NULL;
}

const char *metrics_summary_unit(const metrics_t *m, const char *name)
{
  const struct summary *s = find_summary(m, name);
  return s ? s->unit : NULL;
}

size_t metrics_summary_count(const metrics_t *m)
{
  return m->n_summaries;
}

void metrics_summary_at(const metrics_t *m, size_t i, const char **name, double *value,
                        const char **unit)
{
  xbt_assert(i < m->n_summaries, "summary %zu of %zu", i, m->n_summaries);
  const struct summary *s = &m->summaries[i];
  if (name)
    *name = s->name;
  if (value)
    *value = s->value;
  if (unit)
    *unit = s->unit;
}

/* ---- bounds ---- */

static struct bound *find_bound(const metrics_t *m, const char *metric)
{
  for (size_t i = 0; i < m->n_bounds; i++)
    if (strcmp(m->bounds[i].metric, metric) == 0)
      return &m->bounds[i];
  return NULL;
}

const char *metrics_bound_kind_name(enum bound_kind kind)
{
  static const char *const names[BOUND_KIND_COUNT] = {"limit", "floor", "expected"};
  return (unsigned)kind < BOUND_KIND_COUNT ? names[kind] : "limit";
}

enum bound_kind metrics_bound_kind(const metrics_t *m, const char *metric)
{
  const struct bound *b = find_bound(m, metric);
  return b ? b->kind : BOUND_LIMIT;
}

void metrics_bound_set(metrics_t *m, const char *metric, double value, const char *unit,
                       enum bound_kind kind, const char *formula)
{
  struct bound *b = find_bound(m, metric);
  if (!b) {
    m->bounds = reserve(m->bounds, m->n_bounds, &m->cap_bounds, sizeof(*b));
    b = &m->bounds[m->n_bounds++];
    *b = (struct bound){.metric = copy_str(metric)};
  }
  b->value = value;
  b->kind = kind;
  replace(&b->unit, unit);
  replace(&b->formula, formula);
}

bool metrics_bound_get(const metrics_t *m, const char *metric, double *value)
{
  const struct bound *b = find_bound(m, metric);
  if (b && value)
    *value = b->value;
  return b != NULL;
}

size_t metrics_bound_count(const metrics_t *m)
{
  return m->n_bounds;
}

void metrics_bound_at(const metrics_t *m, size_t i, const char **metric, double *value,
                      const char **unit, const char **formula)
{
  xbt_assert(i < m->n_bounds, "bound %zu of %zu", i, m->n_bounds);
  const struct bound *b = &m->bounds[i];
  if (metric)
    *metric = b->metric;
  if (value)
    *value = b->value;
  if (unit)
    *unit = b->unit;
  if (formula)
    *formula = b->formula;
}

/* ---- distributions ---- */

hist_t *metrics_hist(metrics_t *m, const char *name, const char *unit)
{
  for (size_t i = 0; i < m->n_hists; i++)
    if (strcmp(m->hists[i].name, name) == 0)
      return m->hists[i].h;
  hist_t *h = hist_new();
  xbt_assert(h, "out of memory creating distribution %s", name);
  m->hists = reserve(m->hists, m->n_hists, &m->cap_hists, sizeof(*m->hists));
  m->hists[m->n_hists++] = (struct named_hist){.name = copy_str(name), .unit = copy_str(unit), .h = h};
  return h;
}

size_t metrics_hist_count(const metrics_t *m)
{
  return m->n_hists;
}

void metrics_hist_at(const metrics_t *m, size_t i, const char **name, const hist_t **h,
                     const char **unit)
{
  xbt_assert(i < m->n_hists, "distribution %zu of %zu", i, m->n_hists);
  if (name)
    *name = m->hists[i].name;
  if (h)
    *h = m->hists[i].h;
  if (unit)
    *unit = m->hists[i].unit;
}

/* ---- time series ---- */

static struct series *find_series(const metrics_t *m, const char *name)
{
  for (size_t i = 0; i < m->n_series; i++)
    if (strcmp(m->series[i].name, name) == 0)
      return &m->series[i];
  return NULL;
}

static struct series *new_series(metrics_t *m, const char *name, const char *unit)
{
  m->series = reserve(m->series, m->n_series, &m->cap_series, sizeof(*m->series));
  struct series *s = &m->series[m->n_series++];
  *s = (struct series){.name = copy_str(name), .unit = copy_str(unit), .kind = SERIES_GAUGE};
  return s;
}

static void append_point(struct series *s, double t, double v)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    double *time = realloc(s->time, cap * sizeof(double));
    xbt_assert(time, "out of memory growing series %s", s->name);
    s->time = time;
    double *value = realloc(s->value, cap * sizeof(double));
    xbt_assert(value, "out of memory growing series %s", s->name);
    s->value = value;
    s->cap = cap;
  }
  s->time[s->n] = t;
  s->value[s->n] = v;
  s->n++;
}

void metrics_series_add(metrics_t *m, const char *name, const char *unit, enum series_kind kind,
                        series_probe_fn probe, void *ctx)
{
  xbt_assert(probe, "series %s needs a probe", name);
  xbt_assert(!find_series(m, name), "series %s added twice", name);
  struct series *s = new_series(m, name, unit);
  s->kind = kind;
  s->probe = probe;
  s->ctx = ctx;
}

void metrics_series_push(metrics_t *m, const char *name, const char *unit, double t, double v)
{
  struct series *s = find_series(m, name);
  if (!s)
    s = new_series(m, name, unit);
  append_point(s, t, v);
}

void metrics_sample(metrics_t *m, double now)
{
  for (size_t i = 0; i < m->n_series; i++) {
    struct series *s = &m->series[i];
    if (!s->probe)
      continue;
    double v = s->probe(s->ctx);
    if (s->kind == SERIES_GAUGE) {
      append_point(s, now, v);
      continue;
    }
    double dt = now - s->last_t;
    if (dt <= 0)
      continue; /* a second sample at the same instant has no rate */
    append_point(s, now, (v - s->last_counter) / dt);
    s->last_t = now;
    s->last_counter = v;
  }
}

size_t metrics_series_count(const metrics_t *m)
{
  return m->n_series;
}

void metrics_series_at(const metrics_t *m, size_t i, const char **name, const char **unit,
                       const double **time, const double **value, size_t *n)
{
  xbt_assert(i < m->n_series, "series %zu of %zu", i, m->n_series);
  const struct series *s = &m->series[i];
  if (name)
    *name = s->name;
  if (unit)
    *unit = s->unit;
  if (time)
    *time = s->time;
  if (value)
    *value = s->value;
  if (n)
    *n = s->n;
}

/* ---- tables ---- */

table_t *metrics_table(metrics_t *m, const char *name, size_t ncols,
                       const struct table_column cols[])
{
  for (size_t i = 0; i < m->n_tables; i++) {
    if (strcmp(table_name(m->tables[i]), name) != 0)
      continue;
    xbt_assert(table_cols(m->tables[i]) == ncols, "table %s asked for with %zu columns, has %zu",
               name, ncols, table_cols(m->tables[i]));
    return m->tables[i];
  }
  table_t *t = table_new(name, ncols, cols);
  xbt_assert(t, "out of memory creating table %s", name);
  m->tables = reserve(m->tables, m->n_tables, &m->cap_tables, sizeof(*m->tables));
  m->tables[m->n_tables++] = t;
  return t;
}

size_t metrics_table_count(const metrics_t *m)
{
  return m->n_tables;
}

const table_t *metrics_table_at(const metrics_t *m, size_t i)
{
  xbt_assert(i < m->n_tables, "table %zu of %zu", i, m->n_tables);
  return m->tables[i];
}
