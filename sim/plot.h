/* plot.h: `depinsim plot`: figures from a run file through the gnuplot scripts in plots/. */
#ifndef DEPINSIM_SIM_PLOT_H
#define DEPINSIM_SIM_PLOT_H

#include "sim/diag.h"
#include "sim/status.h"

/* Reads run_h5 and writes PNG and SVG figures into outdir (created): at least throughput over
 * time with its target line and the commit-latency distribution, one figure per script.
 * The paths written come back in *written (an owned array of owned strings, *n_written long)
 * for the caller to list. Returns DEPIN_OK; DEPIN_ENOENT when run_h5 does not exist; DEPIN_EIO
 * when it cannot be read or gnuplot is missing or fails, with the reason in diag. */
enum depin_status plot_run(const char *run_h5, const char *outdir, char ***written,
                           size_t *n_written, diag_t *diag);

#endif
