/* paths.c: `mkdir -p` (see paths.h). */
#include "sim/base/paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int paths_make_dirs(const char *dir)
{
  char *d = strdup(dir);
  if (!d)
    return -1;
  int rc = 0;
  for (char *s = d + 1; rc == 0; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(d, 0777) < 0 && errno != EEXIST)
      rc = -1;
    *s = c;
    if (c == '\0')
      break;
  }
  int saved = errno;
  free(d);
  errno = saved;
  return rc;
}

int paths_make_parent(const char *path)
{
  char *dir = strdup(path);
  if (!dir)
    return -1;
  char *slash = strrchr(dir, '/');
  int rc = 0;
  if (slash && slash != dir) {
    *slash = '\0';
    rc = paths_make_dirs(dir);
  }
  int saved = errno;
  free(dir);
  errno = saved;
  return rc;
}
