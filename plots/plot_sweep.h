/* plot_sweep.h: `depinsim plot SWEEP.h5`: figures of a sweep's /points table. */
#ifndef DEPINSIM_PLOTS_PLOT_SWEEP_H
#define DEPINSIM_PLOTS_PLOT_SWEEP_H

#include <hdf5.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Whether an open HDF5 file is a sweep file (it has /points). */
bool plot_sweep_is_sweep(hid_t file);

/* Draws, for each metric named in `metrics` (comma-separated; NULL: each metric that has a
 * target in the sweep's scenario, every metric when none has), one figure per numeric swept
 * parameter (outdir/sweep-<metric>-vs-<param>: the mean over replications with its 95%
 * confidence interval, a line per combination of the other swept values when there are at
 * most 8, and the target) and one heat map per pair of numeric parameters
 * (outdir/sweep-<metric>-<p1>-<p2>), PNG, SVG and PDF, with plots/sweep-line.gp and
 * plots/sweep-heatmap.gp. Failed points are left out. The paths written come back in
 * *written (owned array of owned strings). Returns DEPIN_OK; DEPIN_ENOENT when the file does
 * not exist; DEPIN_EINVAL when a named metric is not in it (the metrics it has listed in
 * diag); DEPIN_EIO when it cannot be read or gnuplot fails (reason in diag; *written NULL,
 * figures already drawn are left). */
enum depin_status plot_sweep(const char *sweep_h5, const char *outdir, const char *metrics,
                             char ***written, size_t *n_written, diag_t *diag);

#endif
