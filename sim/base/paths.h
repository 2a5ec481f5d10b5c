/* paths.h: folders on disk, as `mkdir -p` makes them: for the run file, the sweep's points and
 * the figures. */
#ifndef DEPINSIM_SIM_BASE_PATHS_H
#define DEPINSIM_SIM_BASE_PATHS_H

/* Creates dir and every missing folder above it (mode 0777 less the umask). Returns 0, or -1
 * with errno set (a folder exists already: not an error). */
int paths_make_dirs(const char *dir);
/* The same for the folder that holds path (none when path has no '/'). */
int paths_make_parent(const char *path);

#endif
