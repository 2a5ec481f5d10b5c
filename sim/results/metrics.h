/* metrics.h: everything a run measures, gathered in one registry the world owns.
 *
 * Layers record into it while the simulation runs (distributions, series probes, table rows)
 * and set summary values and their analytical bounds when it ends; results.c writes it to
 * HDF5 and targets.c checks targets against it. Names are unique per kind: setting a summary
 * twice keeps the last value. Out of memory while recording is fatal (asserts): a run cannot
 * go on without its measurements. Names and units given are copied. */
#ifndef DEPINSIM_SIM_RESULTS_METRICS_H
#define DEPINSIM_SIM_RESULTS_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/results/hist.h"
#include "sim/results/table.h"

typedef struct metrics metrics_t;

/* warmup_s: samples before it are dropped by layers (metrics_in_window); sample_interval_s:
 * the time-series resolution. NULL only when out of memory. */
metrics_t *metrics_new(double warmup_s, double sample_interval_s);
void metrics_free(metrics_t *m);

double metrics_warmup(const metrics_t *m);
double metrics_sample_interval(const metrics_t *m);
/* Whether simulated time t is past the warm-up, i.e. counts. */
bool metrics_in_window(const metrics_t *m, double t);

/* Summary scalars (one attribute each in /summary). unit is copied. */
void metrics_summary_set(metrics_t *m, const char *name, double value, const char *unit);
bool metrics_summary_get(const metrics_t *m, const char *name, double *value);
/* A summary's unit, borrowed until metrics_free; NULL when the summary was not set. */
const char *metrics_summary_unit(const metrics_t *m, const char *name);
size_t metrics_summary_count(const metrics_t *m);
/* i-th summary in insertion order; name and unit borrowed until metrics_free (the unit until
 * the summary is set again with a different unit). */
void metrics_summary_at(const metrics_t *m, size_t i, const char **name, double *value,
                        const char **unit);

/* What a bound is to its metric, which says how a table reads it. */
enum bound_kind {
  BOUND_LIMIT,    /* the run stays at or under it (throughput, capacity): a percentage of it */
  BOUND_FLOOR,    /* the run stays at or above it (a zero-load latency): "lower bound" */
  BOUND_EXPECTED, /* a closed form the run should match: a percentage of it */
};
#define BOUND_KIND_COUNT 3
/* "limit", "floor", "expected": the /bounds table's `kind`. */
const char *metrics_bound_kind_name(enum bound_kind kind);

/* The analytical bound of a summary metric (what the hardware allows, or a closed form), its
 * kind, and how it is computed, e.g. "validator uplink / (copies x tx size)". */
void metrics_bound_set(metrics_t *m, const char *metric, double value, const char *unit,
                       enum bound_kind kind, const char *formula);
bool metrics_bound_get(const metrics_t *m, const char *metric, double *value);
/* The kind of metric's bound (BOUND_LIMIT when it has none). */
enum bound_kind metrics_bound_kind(const metrics_t *m, const char *metric);
size_t metrics_bound_count(const metrics_t *m);
void metrics_bound_at(const metrics_t *m, size_t i, const char **metric, double *value,
                      const char **unit, const char **formula);

/* A named distribution (created on first use, owned by the registry). */
hist_t *metrics_hist(metrics_t *m, const char *name, const char *unit);
size_t metrics_hist_count(const metrics_t *m);
void metrics_hist_at(const metrics_t *m, size_t i, const char **name, const hist_t **h,
                     const char **unit);

/* Time series. A gauge records probe(ctx) at each sample; a rate records the change of
 * probe(ctx), a cumulative counter, per second since the last sample (the counter is taken to
 * be 0 at time 0, so the first point is the increase since the start). A name added twice is
 * a programmer's error (asserts). */
enum series_kind { SERIES_GAUGE, SERIES_RATE };
typedef double (*series_probe_fn)(void *ctx);
void metrics_series_add(metrics_t *m, const char *name, const char *unit, enum series_kind kind,
                        series_probe_fn probe, void *ctx);
/* Appends one point to a series computed outside the sampler (the token layer computes its
 * epochs after the run); creates the series on first use. */
void metrics_series_push(metrics_t *m, const char *name, const char *unit, double t, double v);
/* Samples every series at simulated time now (the world's sampler calls it each interval). */
void metrics_sample(metrics_t *m, double now);
size_t metrics_series_count(const metrics_t *m);
/* i-th series: its samples (borrowed arrays of *n points). */
void metrics_series_at(const metrics_t *m, size_t i, const char **name, const char **unit,
                       const double **time, const double **value, size_t *n);

/* A table (created on first use with these columns, owned by the registry). Asking again
 * returns the same table; a different column count asserts. */
table_t *metrics_table(metrics_t *m, const char *name, size_t ncols,
                       const struct table_column cols[]);
size_t metrics_table_count(const metrics_t *m);
const table_t *metrics_table_at(const metrics_t *m, size_t i);

#endif
