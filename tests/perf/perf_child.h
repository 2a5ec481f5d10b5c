/* perf_child.h: running a program in a child process and measuring it, for the benchmarks that
 * time depinsim or each other from outside (bench, scale, gossip): each child gets a fresh
 * engine, and wait4 gives its own CPU time and peak RSS. */
#ifndef DEPINSIM_TESTS_PERF_PERF_CHILD_H
#define DEPINSIM_TESTS_PERF_PERF_CHILD_H

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine/progress.h"

struct perf_child {
  double wall_s, cpu_s, peak_rss_mib;
  int exit; /* the child's exit status; -1 when it did not exit, 127 when it could not start */
};

/* Runs argv[0] with argv (NULL-terminated), its stdout into out_path, and waits for it. */
static inline struct perf_child perf_run_child(char *const argv[], const char *out_path)
{
  fflush(stdout); /* or the child's copy of the buffer prints it again */
  double start = progress_wall_now();
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out_path, "w", stdout))
      _exit(127);
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  struct rusage usage = {0};
  if (pid < 0 || wait4(pid, &status, 0, &usage) < 0)
    status = 127 << 8;
  return (struct perf_child){
    .wall_s = progress_wall_now() - start,
    .cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
             1e-6 * (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec),
    .peak_rss_mib = usage.ru_maxrss / 1024.0,
    .exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
  };
}

#endif
