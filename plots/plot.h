/* plot.h: `depinsim plot`: figures from a run file through the gnuplot scripts in plots/. */
#ifndef DEPINSIM_PLOTS_PLOT_H
#define DEPINSIM_PLOTS_PLOT_H

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Reads run_h5 and writes PNG, SVG and PDF figures into outdir (created): one figure per time
 * series (outdir/timeseries-<name>, with a horizontal line at the target whose metric is the
 * series' name) and one per distribution (outdir/distribution-<name>: its CDF as steps with
 * lines at p50, p99 and at the targets <name>_p50/_p90/_p99/_max); axes as plots/axes.h
 * decides. Empty series and distributions are skipped. Scripts come from $DEPINSIM_PLOTS, else
 * the data folder's plots/ (sim/base/paths.h); gnuplot from $PATH.
 * The paths written come back in *written (an owned array of owned strings, *n_written long;
 * free each and the array) for the caller to list. Returns DEPIN_OK; DEPIN_ENOENT when run_h5
 * does not exist; DEPIN_EIO when it cannot be read, a script is missing, or gnuplot is missing
 * or fails, with the reason in diag. On failure *written is NULL and figures already drawn are
 * left in outdir. */
enum depin_status plot_run(const char *run_h5, const char *outdir, char ***written,
                           size_t *n_written, diag_t *diag);

#endif
