/* platform_check.c: a user's platform file loaded once before the run (platform_check.h). */
#include "sim/engine/platform_check.h"

#include <signal.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine/platform.h"

/* Exit status of the child when the file loaded but hosts are missing. */
#define CHECK_MISSING_HOSTS 4
/* What the parent keeps of the child's messages. */
#define CHECK_OUTPUT_MAX 65536

/* In the child: loads the file (SimGrid aborts on a bad one) and names each host the
 * scenario needs and the file lacks, one "missing <class> <host>" line each. */
static void check_in_child(const struct scenario *sc, int out)
{
  dup2(out, STDERR_FILENO);
  int argc = 1;
  char *argv[] = {"depinsim", NULL};
  simgrid_init(&argc, argv);
  simgrid_load_platform(sc->platform_file);
  int missing = 0;
  char name[256];
  for (size_t c = 0; c < sc->n_classes; c++)
    for (long i = 0; i < sc->classes[c].max_count; i++) {
      platform_host_name(&sc->classes[c], (size_t)i, name, sizeof(name));
      if (!sg_host_by_name(name) && missing++ < 5)
        dprintf(out, "missing %s %s\n", sc->classes[c].name, name);
    }
  if (missing > 5)
    dprintf(out, "more %d\n", missing - 5);
  _exit(missing ? CHECK_MISSING_HOSTS : 0);
}

/* Reads what the child wrote, at most CHECK_OUTPUT_MAX bytes (owned, NUL-terminated). */
static char *read_all(int fd)
{
  char *text = calloc(CHECK_OUTPUT_MAX + 1, 1);
  size_t len = 0;
  ssize_t n;
  while (text && (n = read(fd, text + len, CHECK_OUTPUT_MAX - len)) > 0)
    len += (size_t)n;
  return text;
}

/* SimGrid's reason: the first line of its log that is not its "Exiting now", without the log
 * prefix ("[0.000000] file:line: [category/ERROR] "). A pointer into text, which it cuts. */
static const char *reason(char *text)
{
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (strstr(line, "Exiting now"))
      continue;
    char *msg = strstr(line, "] ");
    msg = msg ? strstr(msg + 2, "] ") : NULL; /* past the clock, then past the category */
    return msg ? msg + 2 : line;
  }
  return "it stopped without a message";
}

static void report_missing(const struct scenario *sc, char *text, diag_t *diag)
{
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char cls[64], host[256];
    int more;
    if (sscanf(line, "missing %63s %255s", cls, host) == 2)
      diag_add(diag, DIAG_ERROR, sc->platform_file, 0, 0, "platform", "no host named '%s' for "
               "class '%s' (hosts must be named <class>-<n>)", host, cls);
    else if (sscanf(line, "more %d", &more) == 1)
      diag_add(diag, DIAG_ERROR, sc->platform_file, 0, 0, "platform", "and %d more hosts "
               "missing", more);
  }
}

enum depin_status platform_check_user_file(const struct scenario *sc, diag_t *diag)
{
  if (!sc->platform_file)
    return DEPIN_OK;
  int pipefd[2];
  if (pipe(pipefd) != 0)
    return DEPIN_EIO;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]), close(pipefd[1]);
    return DEPIN_EIO;
  }
  if (pid == 0) {
    close(pipefd[0]);
    check_in_child(sc, pipefd[1]);
  }
  close(pipefd[1]);
  char *text = read_all(pipefd[0]);
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  enum depin_status st = DEPIN_OK;
  if (WIFEXITED(status) && WEXITSTATUS(status) == CHECK_MISSING_HOSTS) {
    report_missing(sc, text ? text : (char[]){""}, diag);
    st = DEPIN_EINVAL;
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    diag_add(diag, DIAG_ERROR, sc->platform_file, 0, 0, "platform", "SimGrid cannot load it as "
             "a platform: %s", text ? reason(text) : "it stopped without a message");
    st = DEPIN_EINVAL;
  }
  free(text);
  return st;
}
