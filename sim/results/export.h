/* export.h: a run or sweep file as CSV files and as a LaTeX table (`depinsim export`).
 *
 * CSV (one file a table, RFC 4180 quoting, a header row of column names; units in a second
 * header line starting with '#'):
 *   run file:   summary.csv (metric, value, unit); every table at the root (bounds, targets,
 *               providers, blocks, ...) as <table>.csv; every series as timeseries-<name>.csv
 *               (time_s, value); every distribution's bins as distribution-<name>.csv
 *   sweep file: points.csv (the /points table)
 * LaTeX: one booktabs table. A run file's summary (metric, value, unit); a sweep file's metrics
 * per point of its parameters, each as the mean over replications with its 95% confidence
 * interval (Student's t, n - 1 degrees of freedom; a single replication has no interval).
 *
 * Every file is written whole or not at all (paths.h); names read from the file become file
 * names only through [A-Za-z0-9._-]. Reading checks each dataset's class, rank and members
 * before it reads it. */
#ifndef DEPINSIM_SIM_RESULTS_EXPORT_H
#define DEPINSIM_SIM_RESULTS_EXPORT_H

#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Writes the CSV files of `h5` into dir (created); *written gets the paths (owned array of
 * owned strings), *n their count. DEPIN_ENOENT: no such file; DEPIN_EINVAL: not a run or
 * sweep file; DEPIN_EIO: a file could not be written. */
enum depin_status export_csv(const char *h5, const char *dir, char ***written, size_t *n,
                             diag_t *diag);
/* Writes the LaTeX table of `h5` to path. Statuses as export_csv. */
enum depin_status export_latex(const char *h5, const char *path, diag_t *diag);

#endif
