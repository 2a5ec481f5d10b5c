/* sweep.h: `depinsim sweep`: every point of a scenario's sweep run in its own process, locally
 * in N at a time or over the ranks of an MPI launch, collected into one sweep.h5.
 *
 * The output folder (-o DIR, default results/<name>-sweep) holds sweep.h5 and points/<id>/
 * with each point's run.h5, its stdout and stderr, and a `status` file written when the point
 * ends. Under mpirun (detected from OMPI_COMM_WORLD_SIZE or PMI_SIZE in the environment, never
 * from a flag) rank 0 hands points out one at a time to whichever rank is free, itself
 * included, and writes sweep.h5; the folder must be shared by the ranks. */
#ifndef DEPINSIM_SIM_RUN_SWEEP_H
#define DEPINSIM_SIM_RUN_SWEEP_H

#include <stdio.h>

#include "sim/run/run.h"

struct sweep_opts {
  const struct run_opts *run; /* scenario, -o DIR, --seed, --set, --cfg for every point */
  long jobs;                  /* local processes at a time (ignored under MPI: one a rank) */
};

/* Expands the sweep, skips the points a previous sweep into the same folder finished (same
 * scenario text and assignments), runs the others and writes DIR/sweep.h5 (sweep_file.h),
 * rewritten every few seconds while it runs and at the end. A point that fails is recorded
 * with its error and the others go on. Progress goes to out, problems to err. Returns
 * RUN_EXIT_PASS when every point ran (whether or not it met its targets: /points says),
 * RUN_EXIT_FAIL when a point failed, RUN_EXIT_BAD_INPUT for a bad scenario or sweep section,
 * RUN_EXIT_ERROR when the folder or sweep.h5 cannot be written. */
int sweep_main(const struct sweep_opts *opts, FILE *out, FILE *err);

#endif
