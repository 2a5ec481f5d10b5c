/* runfile.h: reading a run file (results.h's layout) back, for inspect, plot and tests.
 *
 * Thin helpers over the HDF5 C API: open with a readable error, read attributes and the
 * columns of compound datasets by name (so readers do not depend on the column order or
 * string widths), list a group's members, read a time series. They take and return plain
 * hid_t handles; HDF5's automatic error printing is left to the caller (results, inspect and
 * plot turn it off with h5.h's h5_quiet_begin). */
#ifndef DEPINSIM_SIM_RESULTS_RUNFILE_H
#define DEPINSIM_SIM_RESULTS_RUNFILE_H

#include <hdf5.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Opens path read-only into *file (close with H5Fclose). DEPIN_ENOENT when it does not exist,
 * DEPIN_EIO when it is not a readable HDF5 file; the reason goes to diag. */
enum depin_status runfile_open(const char *path, hid_t *file, diag_t *diag);

/* A string attribute of /meta as an owned string ("" when absent or not a string), and a
 * number of /meta (NaN when absent). */
char *runfile_meta_string(hid_t file, const char *name);
double runfile_meta_double(hid_t file, const char *name);

/* Whether an attribute holds exactly one element (a scalar, or an array of one): the readers
 * below read nothing else, so a hostile file cannot make them write past their buffers. */
bool runfile_attr_is_single(hid_t attr);

/* A string attribute of obj as an owned string (free()), or NULL when absent or not a
 * string. */
char *runfile_attr_string(hid_t obj, const char *name);
/* A numeric attribute of obj into *out; false when absent or not a number. */
bool runfile_attr_double(hid_t obj, const char *name, double *out);

/* The column `field` of the compound dataset `name` under loc, converted to double, as an
 * owned array (free(); NULL when there are no rows). Returns the row count, or -1 when the
 * dataset or the field is missing. */
long runfile_column_double(hid_t loc, const char *name, const char *field, double **out);
/* The same for a string column: an owned array of owned strings (runfile_strings_free). */
long runfile_column_string(hid_t loc, const char *name, const char *field, char ***out);
void runfile_strings_free(char **s, size_t n);

/* The names of the members of group `group` under loc ("." for loc itself), in creation order
 * when the file tracks it, else in name order, as owned strings
 * (runfile_strings_free). Returns the count, or -1 when the group is missing. */
long runfile_list(hid_t loc, const char *group, char ***names);

/* The names of obj's attributes, in the same order as runfile_list, as owned strings
 * (runfile_strings_free). Returns the count, or -1 on error. */
long runfile_attr_names(hid_t obj, char ***names);

/* Every summary metric of a run file (the /summary attributes but the "<name>.unit" ones), in
 * the file's order: owned names (runfile_strings_free), values and units (owned strings, ""
 * when absent; runfile_strings_free; units may be NULL when not wanted). Returns the count, or
 * -1 when /summary is missing. */
long runfile_summary(hid_t file, char ***names, double **values, char ***units);

/* A series /timeseries/<name>: owned arrays of times and values (free(); NULL when empty).
 * Reads a (time, value) table, or the N x 2 array of older run files. Returns the point
 * count, or -1 when it is missing or neither. */
long runfile_series(hid_t file, const char *name, double **time, double **value);

#endif
