/* results.h: one HDF5 file per run.
 *
 * Layout (docs/results.md); every string is a fixed-length, NUL-terminated ASCII string:
 *   /meta            group; attributes depinsim_version, git_revision, scenario_name,
 *                    scenario_file, scenario_text, seed (uint64), duration_s, warmup_s,
 *                    sample_interval_s, calibration (profile paths, one a line), created (UTC,
 *                    ISO 8601; SOURCE_DATE_EPOCH when set), wall_s, activities, peak_rss_bytes
 *   /summary         group; one double attribute per summary metric and "<name>.unit" beside it
 *   /bounds          compound: metric, value, unit, formula
 *   /targets         compound: metric, op (">=" ...), target, text (as written), measured (NaN
 *                    when not reported), bound (NaN when none), unit, pass (int64 0/1)
 *   /timeseries/<n>  compound: time (s), value; attributes unit, value.unit, time.unit
 *   /distributions/<n>  compound: lower, upper, weight (the non-empty bins); attributes unit,
 *                    count, mean, min, p50, p90, p99, max
 *   /<table>         one compound dataset per metrics table, its columns in order; attribute
 *                    "<column>.unit" for each column that has a unit
 * Members and attributes are listed in creation order (tracked). Metric and table names must
 * not contain '/' and a table must not be named like the groups above: such a write fails.
 * The file is written under "<path>.tmp-<pid>" in the same folder and renamed when complete,
 * so a reader never sees half a file and an old file is kept on failure. The same scenario
 * and seed give identical datasets: nothing time-of-day goes into a dataset (the wall-clock
 * date is only an attribute of /meta), object time tracking is off, so `h5diff` of two runs'
 * files is clean (set SOURCE_DATE_EPOCH, and expect wall_s to differ, to compare /meta too). */
#ifndef DEPINSIM_SIM_RESULTS_RESULTS_H
#define DEPINSIM_SIM_RESULTS_RESULTS_H

#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/results/metrics.h"
#include "sim/results/targets.h"
#include "sim/scenario/scenario.h"

/* Extra facts about the run for /meta (wall time, events); may be zero. */
struct run_info {
  double wall_s;
  double activities;      /* SimGrid activities the layers started */
  double peak_rss_bytes;
};

/* Writes path (creating its folder). outcomes may be NULL when n_outcomes is 0; info may be
 * NULL (zeros). Nothing is kept. On failure returns DEPIN_EIO (DEPIN_ENOMEM when out of
 * memory naming the temporary) with the reason in diag, removes the temporary, and leaves any
 * previous file at path as it was. HDF5's error printing is off during the call. */
enum depin_status results_write(const char *path, const struct scenario *sc,
                                const metrics_t *m, const struct target_outcome *outcomes,
                                size_t n_outcomes, const struct run_info *info, diag_t *diag);

#endif
