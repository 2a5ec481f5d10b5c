/* paths.h: folders on disk, as `mkdir -p` makes them (for the run file, the sweep's points and
 * the figures), and files written whole or not at all. */
#ifndef DEPINSIM_SIM_BASE_PATHS_H
#define DEPINSIM_SIM_BASE_PATHS_H

#include <stddef.h>
#include <stdio.h>

/* Creates dir and every missing folder above it (mode 0777 less the umask). Returns 0, or -1
 * with errno set (a folder exists already: not an error). */
int paths_make_dirs(const char *dir);
/* The same for the folder that holds path (none when path has no '/'). */
int paths_make_parent(const char *path);

/* name with every character outside [A-Za-z0-9._-] replaced by '_', into buf of size n: a
 * file name from a string read from a file (a metric, a table), safe in a path and in a
 * single-quoted gnuplot string. */
void paths_safe_name(const char *name, char *buf, size_t n);

/* The folder of depinsim's shipped data (gpu/profiles, plots, scenarios), found relative to
 * the running program, never compiled in: $DEPINSIM_DATA when set; else <bin>/../share/depinsim
 * (an installed depinsim, `cmake --install`); else the first of the program's folder's
 * ancestors (up to three levels: build/depinsim, build/tests/test_x) that holds gpu/profiles and
 * plots (a build beside its sources). NULL when none does. Borrowed; found once. */
const char *paths_data_dir(void);

/* A file written whole or not at all, where others may write the folder: it is written in a
 * private folder beside its path ("<dir>/.<name>.tmp-<pid>-XXXXXX", mode 0700, created
 * exclusively, so no link planted there is followed) and renamed onto the path (which replaces
 * a link there instead of following it). Stale private folders of processes that are gone
 * are removed first. */
struct paths_staged {
  char *dir;  /* the private folder */
  char *path; /* the file to write: dir/<name> */
};

/* Stages path; returns 0, or -1 with errno set. */
int paths_stage(const char *path, struct paths_staged *s);
/* Renames the staged file onto path and removes the private folder; returns 0, or -1 with
 * errno set (the staged file is then discarded). */
int paths_commit(struct paths_staged *s, const char *path);
/* Stages path and opens the staged file for writing (made exclusively); NULL with errno set
 * (s is then empty: paths_discard is a no-op). */
FILE *paths_stage_open(const char *path, struct paths_staged *s);
/* Removes the staged file and its folder (after a failure); frees s's strings. */
void paths_discard(struct paths_staged *s);

#endif
