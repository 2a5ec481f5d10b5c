/* results.h: one HDF5 file per run.
 *
 * Layout (DESIGN.md): /meta (attributes: depinsim version, git revision, scenario name and
 * text, seed, calibration profiles), /summary (one attribute per headline metric, and
 * "<name>.unit" beside it), /bounds and /targets tables, /timeseries/<name> (time, value),
 * /distributions/<name> (bins), and one compound dataset per metrics table (/providers,
 * /blocks, ...). The file is written under a temporary name in the same folder and renamed
 * when complete, so a reader never sees half a file and an old file is kept on failure. The
 * same scenario and seed give identical datasets: nothing time-of-day goes into a dataset
 * (the wall-clock date is only an attribute of /meta). */
#ifndef DEPINSIM_SIM_RESULTS_H
#define DEPINSIM_SIM_RESULTS_H

#include <stddef.h>

#include "sim/diag.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/status.h"
#include "sim/targets.h"

/* Extra facts about the run for /meta (wall time, events); may be zero. */
struct run_info {
  double wall_s;
  double activities;      /* SimGrid activities the layers started */
  double peak_rss_bytes;
};

/* Writes path (creating its folder). On failure returns DEPIN_EIO with the reason in diag and
 * leaves any previous file at path as it was. */
enum depin_status results_write(const char *path, const struct scenario *sc,
                                const metrics_t *m, const struct target_outcome *outcomes,
                                size_t n_outcomes, const struct run_info *info, diag_t *diag);

#endif
