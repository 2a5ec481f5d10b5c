/* sweep_private.h: what sweep.c, sweep_file.c and sweep_mpi.c share: one sweep in progress. */
#ifndef DEPINSIM_SIM_RUN_SWEEP_PRIVATE_H
#define DEPINSIM_SIM_RUN_SWEEP_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/run/sweep.h"
#include "sim/run/sweep_spec.h"

/* Seconds between rewrites of sweep.h5 while points finish. */
#define SWEEP_WRITE_INTERVAL_S 2.0

/* What became of one point. */
struct sweep_outcome {
  bool done;           /* a status file records its end */
  int code;            /* run's exit status; -1 when it did not exit (signal, spawn failure) */
  char *error;         /* why it failed, or NULL (owned) */
  long n_metrics;      /* its summary, read from its run file (owned arrays) */
  char **names, **units;
  double *values;
};

struct sweep {
  const struct sweep_opts *opts;
  struct scenario *sc;      /* owned */
  struct sweep_spec *spec;  /* owned */
  char *dir;                /* owned: the output folder */
  unsigned long long text_hash; /* of the scenario text: a resumed sweep must match it */
  struct sweep_outcome *outcomes; /* one per point (owned) */
  size_t n_ran;          /* points done so far, for the progress lines */
  double last_write;
  bool quiet;               /* an MPI rank other than 0 prints nothing */
  FILE *out, *err;
};

/* Creates the point's folder and starts `depinsim run` for it in a child process (which dies
 * with this one). Returns its pid, or -1 after recording the failure as its outcome. */
pid_t sweep_point_start(struct sweep *s, size_t i);
/* Records how the child of point i ended (waitpid's status): writes its status file and reads
 * its summary into its outcome. */
void sweep_point_finish(struct sweep *s, size_t i, int wait_status);
/* Reads point i's status file into its outcome when it exists and matches this sweep; returns
 * whether the point is done. */
bool sweep_point_load(struct sweep *s, size_t i);
/* One progress line about a point just done; rewrites sweep.h5 when due. */
void sweep_point_report(struct sweep *s, size_t i);

/* Writes DIR/sweep.h5 from the outcomes (see sweep_file.c for the layout). Returns DEPIN_OK,
 * or DEPIN_EIO with the reason in diag; an old file is kept on failure. */
enum depin_status sweep_file_write(const struct sweep *s, const char *path, diag_t *diag);

/* Whether this process was started by an MPI launcher (mpirun, srun). */
bool sweep_mpi_launched(void);
/* The rank the launcher gave this process, from the environment (0 when none). */
long sweep_mpi_rank_hint(void);
/* Runs the pending points over the MPI ranks: rank 0 hands them out and records them, the
 * others run what they are given. Returns a run_exit code (rank 0's verdict on every rank). */
int sweep_mpi_run(struct sweep *s, const size_t *pending, size_t n_pending);

#endif
