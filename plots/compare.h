/* compare.h: several runs on one figure (`depinsim compare`, or `plot` with several run
 * files): each time series two or more runs share as one line per run, each distribution as
 * one CDF per run, every line labelled by what tells its run apart: the scenario's name when
 * the runs are of several scenarios (a scenario and its shipped variants), and the overrides
 * (or its folder when it has none). The labels reach gnuplot as data (column headers of the data file), never as code.
 * Writes outdir/compare-timeseries-<name> and compare-distribution-<name> (PNG, SVG, PDF). */
#ifndef DEPINSIM_PLOTS_COMPARE_H
#define DEPINSIM_PLOTS_COMPARE_H

#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* DEPIN_ENOENT: a file does not exist; DEPIN_EINVAL: one is not a run file (nothing is written
 * then); DEPIN_EIO: gnuplot failed. *written as plot_run's. */
enum depin_status plot_compare(const char *const files[], size_t n, const char *outdir,
                               char ***written, size_t *n_written, diag_t *diag);

#endif
