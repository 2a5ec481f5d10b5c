/* sweep_mpi.c: a sweep's points spread over the ranks of an MPI launch (sweep_private.h).
 *
 * Rank 0 keeps the list of pending points. It gives each other rank one point, runs one
 * itself in a child process, and whenever a rank reports its point done (a message with the
 * point's index; the outcome itself is in the point's status file in the shared folder) it
 * gives that rank the next one: dynamic hand-out, so a slow point holds up only its own rank.
 * Index -1 tells a rank to stop. MPI is initialised only here, only when the environment says
 * a launcher started the process; plain runs never touch MPI. */
#include "sim/run/sweep_private.h"

#include <errno.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <xbt/asserts.h>

enum { TAG_WORK = 1, TAG_DONE = 2 };

bool sweep_mpi_launched(void)
{
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

long sweep_mpi_rank_hint(void)
{
  static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
  for (size_t i = 0; i < 3; i++)
    if (getenv(vars[i]))
      return strtol(getenv(vars[i]), NULL, 10);
  return 0;
}

static void worker(struct sweep *s)
{
  for (;;) {
    long i;
    MPI_Recv(&i, 1, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (i < 0)
      return;
    pid_t pid = sweep_point_start(s, (size_t)i);
    int status;
    if (pid > 0) {
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
      sweep_point_finish(s, (size_t)i, status);
    }
    MPI_Send(&i, 1, MPI_LONG, 0, TAG_DONE, MPI_COMM_WORLD);
  }
}

/* Rank 0: hands out points, runs one at a time itself, records what ends. */
static void coordinator(struct sweep *s, int size, const size_t *pending, size_t n_pending)
{
  size_t next = 0, busy = 0;
  for (int r = 1; r < size; r++) {
    long i = next < n_pending ? (long)pending[next++] : -1;
    MPI_Send(&i, 1, MPI_LONG, r, TAG_WORK, MPI_COMM_WORLD);
    busy += i >= 0;
  }
  pid_t mine = 0;
  size_t my_point = 0;
  while (busy > 0 || mine > 0 || next < n_pending) {
    bool idle = true;
    if (mine == 0 && next < n_pending) {
      my_point = pending[next++];
      mine = sweep_point_start(s, my_point);
      if (mine < 0) {
        sweep_point_report(s, my_point);
        mine = 0;
      }
      idle = false;
    }
    int status;
    if (mine > 0 && waitpid(mine, &status, WNOHANG) == mine) {
      sweep_point_finish(s, my_point, status);
      sweep_point_report(s, my_point);
      mine = 0;
      idle = false;
    }
    int flag;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      long i;
      MPI_Recv(&i, 1, MPI_LONG, st.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (!sweep_point_load(s, (size_t)i)) {
        s->outcomes[i].done = true;
        s->outcomes[i].code = -1;
        s->outcomes[i].error = strdup("rank reported the point done but left no status file "
                                      "(is the output folder shared by every rank?)");
      }
      sweep_point_report(s, (size_t)i);
      long j = next < n_pending ? (long)pending[next++] : -1;
      MPI_Send(&j, 1, MPI_LONG, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
      busy -= j < 0;
      idle = false;
    }
    if (idle)
      nanosleep(&(struct timespec){0, 5000000}, NULL); /* 5 ms: children take far longer */
  }
}

int sweep_mpi_run(struct sweep *s, const size_t *pending, size_t n_pending)
{
  int rank = 0, size = 1;
  MPI_Init(NULL, NULL);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  s->quiet = rank != 0;
  if (rank == 0) {
    fprintf(s->out, "mpi: %d ranks, one point each at a time\n", size);
    coordinator(s, size, pending, n_pending);
  } else {
    worker(s);
  }
  int code = RUN_EXIT_PASS;
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
