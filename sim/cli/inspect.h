/* inspect.h: `depinsim inspect`: a readable summary of a run file. */
#ifndef DEPINSIM_SIM_CLI_INSPECT_H
#define DEPINSIM_SIM_CLI_INSPECT_H

#include <stdio.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Prints the run's meta, summary with units, bounds, targets and the list of series and
 * tables (with their sizes) to out. Returns DEPIN_OK, or DEPIN_ENOENT / DEPIN_EIO with the
 * reason in diag. */
enum depin_status inspect_print(const char *run_h5, FILE *out, diag_t *diag);

#endif
