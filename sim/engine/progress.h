/* progress.h: the progress display of a long run, on stderr.
 *
 * On a terminal one line is redrawn in place (simulated time %, wall time, activities per
 * second, ETA) at most five times a second; otherwise a plain line is written every few
 * seconds so logs stay readable. Quiet mode writes nothing. */
#ifndef DEPINSIM_SIM_ENGINE_PROGRESS_H
#define DEPINSIM_SIM_ENGINE_PROGRESS_H

#include <stdio.h>

enum progress_mode { PROGRESS_AUTO, PROGRESS_TTY, PROGRESS_LINES, PROGRESS_QUIET };

typedef struct progress progress_t;

/* A display for a run of duration_s simulated seconds. AUTO picks TTY when out is a terminal.
 * NULL only when out of memory. */
progress_t *progress_new(double duration_s, enum progress_mode mode, FILE *out);
/* Reports simulated time now and the activities started so far; draws when due. */
void progress_update(progress_t *p, double now, double activities);
/* Draws the final state and ends the line. Frees p. */
void progress_finish(progress_t *p, double now, double activities);

/* Wall-clock seconds since an arbitrary origin (monotonic). */
double progress_wall_now(void);

#endif
