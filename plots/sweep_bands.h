/* sweep_bands.h: the time series of a sweep's runs, one figure per series: for each point of
 * the swept values (at most 8), the median across its replications and the band from the 5th
 * to the 95th percentile (a 90% band), read from the points' run files. Points run once have no
 * band and are left out; a sweep without replications draws none. Labels reach gnuplot as
 * data. Writes outdir/sweep-timeseries-<name> (PNG, SVG, PDF) with plots/sweep-bands.gp. */
#ifndef DEPINSIM_PLOTS_SWEEP_BANDS_H
#define DEPINSIM_PLOTS_SWEEP_BANDS_H

#include "plots/gnuplot.h"

/* Draws the figures in g's output folder; 0, or -1 when gnuplot failed (reason in g's diag).
 * A sweep file it cannot read has no bands: 0. */
int sweep_bands_draw(gnuplot_t *g, const char *sweep_h5);

#endif
