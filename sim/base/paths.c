/* paths.c: `mkdir -p` and staged files (see paths.h). */
#include "sim/base/paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/base/strfmt.h"

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

/* The folder and the last component of path ("." when it has no '/'). Owned. */
static void split(const char *path, char **dir, char **name)
{
  const char *slash = strrchr(path, '/');
  *dir = slash ? strfmt("%.*s", (int)(slash == path ? 1 : slash - path), path) : strfmt(".");
  *name = strfmt("%s", slash ? slash + 1 : path);
}

/* Removes dir/entry when it is a private folder of ours ("." name ".tmp-" pid "-...") whose
 * process is gone: its one file, then the folder. Links and anything else are left alone. */
static void remove_if_stale(int dirfd, const char *entry, const char *prefix)
{
  size_t n = strlen(prefix);
  long pid = 0;
  char *end = NULL;
  if (strncmp(entry, prefix, n) != 0)
    return;
  pid = strtol(entry + n, &end, 10);
  struct stat st;
  if (!end || *end != '-' || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH) ||
      fstatat(dirfd, entry, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
    return;
  int fd = openat(dirfd, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  for (struct dirent *e; d && (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      unlinkat(fd, e->d_name, 0);
  if (d)
    closedir(d);
  else if (fd >= 0)
    close(fd);
  unlinkat(dirfd, entry, AT_REMOVEDIR);
}

static void remove_stale(const char *dir, const char *name)
{
  char *prefix = strfmt(".%s.tmp-", name);
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));)
    remove_if_stale(dirfd(d), e->d_name, prefix);
  if (d)
    closedir(d);
  free(prefix);
}

int paths_stage(const char *path, struct paths_staged *s)
{
  char *dir, *name;
  split(path, &dir, &name);
  remove_stale(dir, name);
  s->dir = strfmt("%s/.%s.tmp-%ld-XXXXXX", dir, name, (long)getpid());
  s->path = NULL;
  int rc = mkdtemp(s->dir) ? 0 : -1;
  int saved = errno;
  if (rc == 0)
    s->path = strfmt("%s/%s", s->dir, name);
  else
    free(s->dir), s->dir = NULL;
  free(dir), free(name);
  errno = saved;
  return rc;
}

int paths_commit(struct paths_staged *s, const char *path)
{
  int rc = rename(s->path, path);
  int saved = errno;
  paths_discard(s);
  errno = saved;
  return rc;
}

void paths_discard(struct paths_staged *s)
{
  if (s->path)
    unlink(s->path);
  if (s->dir)
    rmdir(s->dir);
  free(s->path), free(s->dir);
  s->path = s->dir = NULL;
}

/* Whether dir holds depinsim's data: gpu/profiles and plots. */
static bool holds_data(const char *dir)
{
  char *profiles = strfmt("%s/gpu/profiles", dir), *plots = strfmt("%s/plots", dir);
  struct stat a, b;
  bool yes = stat(profiles, &a) == 0 && S_ISDIR(a.st_mode) && stat(plots, &b) == 0 &&
             S_ISDIR(b.st_mode);
  free(profiles), free(plots);
  return yes;
}

static char *find_data_dir(void)
{
  const char *env = getenv("DEPINSIM_DATA");
  if (env && *env)
    return strfmt("%s", env);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0)
    return NULL;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return NULL;
  *slash = '\0';
  char *installed = strfmt("%s/../share/depinsim", exe);
  if (holds_data(installed))
    return installed;
  free(installed);
  for (int up = 1; up <= 3; up++) {
    slash = strrchr(exe, '/');
    if (!slash)
      break;
    *slash = '\0';
    if (holds_data(*exe ? exe : "/"))
      return strfmt("%s", *exe ? exe : "/");
  }
  return NULL;
}

const char *paths_data_dir(void)
{
  static char *dir;
  static bool looked;
  if (!looked) {
    dir = find_data_dir();
    looked = true;
  }
  return dir;
}

void paths_safe_name(const char *name, char *buf, size_t n)
{
  size_t k = 0;
  for (; name[k] && k + 1 < n; k++) {
    char c = name[k];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    buf[k] = ok ? c : '_';
  }
  buf[k] = '\0';
}

FILE *paths_stage_open(const char *path, struct paths_staged *s)
{
  *s = (struct paths_staged){0};
  if (paths_stage(path, s) < 0)
    return NULL;
  FILE *f = fopen(s->path, "wx");
  if (!f) {
    int saved = errno;
    paths_discard(s);
    errno = saved;
  }
  return f;
}
