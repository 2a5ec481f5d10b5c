/* h5.h: what every writer and reader of depinsim's HDF5 files shares: the names of the
 * top-level groups and datasets, and HDF5's error printing switched off around a stretch of
 * calls.
 *
 * Names. Every top-level name of a run file (results.h's layout) and of a sweep file
 * (sweep_file.c's) is defined here once, for the code that writes it and the code that reads
 * it back. They are link names in the root group, without the leading '/': they serve as
 * they are in H5Gcreate2/H5Gopen2/H5Dopen2 on the file, in runfile_column_*(file, NAME, ...)
 * and in comparing a table's name with the reserved ones; a message writes "/" NAME. The
 * layers' tables (metrics_table) are top-level datasets too; each layer names its own (its
 * document under docs/models/ lists them), and results.c refuses one that takes a name above.
 *
 * Errors. HDF5 prints its error stack to stderr whenever a call fails, including calls that
 * only probe (opening a group that may be absent). Readers and writers switch that off with
 * h5_quiet_begin and put the caller's handler back with h5_quiet_end, and report failures
 * themselves (diag). */
#ifndef DEPINSIM_SIM_RESULTS_H5_H
#define DEPINSIM_SIM_RESULTS_H5_H

#include <hdf5.h>
#include <stdbool.h>

/* ---- a run file (results.h) ---- */
#define H5_GROUP_META "meta"                   /* group: attributes about the run (or sweep) */
#define H5_GROUP_SUMMARY "summary"             /* group: one attribute per summary metric */
#define H5_DATASET_BOUNDS "bounds"             /* compound: analytical bounds */
#define H5_DATASET_TARGETS "targets"           /* compound: targets and their verdicts */
#define H5_GROUP_TIMESERIES "timeseries"       /* group: one (time, value) table per series */
#define H5_GROUP_DISTRIBUTIONS "distributions" /* group: one compound per distribution */

/* ---- a sweep file (sweep_file.c); its /meta is H5_GROUP_META ---- */
#define H5_DATASET_POINTS "points" /* compound: one row per point */

/* ---- the world's table of a run file (metrics_table) ---- */
#define H5_TABLE_PROVIDERS "providers" /* one row per provider */

/* HDF5's automatic error handler as h5_quiet_begin found it. */
struct h5_quiet {
  H5E_auto2_t func;
  void *data;
};

/* Switches off HDF5's automatic error printing (default error stack) and returns the handler
 * it replaced, to hand to h5_quiet_end. Cannot fail. Pairs may nest if ended in reverse
 * order. */
struct h5_quiet h5_quiet_begin(void);
/* Puts back the handler that h5_quiet_begin returned. Cannot fail. */
void h5_quiet_end(struct h5_quiet saved);

/* Whether loc has a link called name (a path's intermediate groups must exist: check them
 * first). False when it has none or HDF5 cannot tell; in that case HDF5 pushes an error, so
 * call it between h5_quiet_begin and h5_quiet_end. */
bool h5_exists(hid_t loc, const char *name);

#endif
