/* progress.c: the run progress display described in progress.h. */
#include "sim/engine/progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_TTY_PERIOD_S 0.2
#define PROGRESS_LINE_PERIOD_S 5.0

struct progress {
  double duration_s;
  enum progress_mode mode;
  FILE *out;
  double wall_start, wall_last_draw;
};

double progress_wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

progress_t *progress_new(double duration_s, enum progress_mode mode, FILE *out)
{
  progress_t *p = calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  if (mode == PROGRESS_AUTO)
    mode = isatty(fileno(out)) ? PROGRESS_TTY : PROGRESS_LINES;
  *p = (struct progress){duration_s, mode, out, progress_wall_now(), progress_wall_now()};
  return p;
}

static void draw(progress_t *p, double now, double activities, double wall)
{
  double elapsed = wall - p->wall_start;
  double fraction = p->duration_s > 0 ? now / p->duration_s : 1;
  double rate = elapsed > 0 ? activities / elapsed : 0;
  double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  fprintf(p->out, "%s%5.1f%%  sim %.0fs/%.0fs  wall %.1fs  %.3g activities/s  ETA %.0fs%s",
          p->mode == PROGRESS_TTY ? "\r\033[K" : "", 100 * fraction, now, p->duration_s,
          elapsed, rate, eta, p->mode == PROGRESS_TTY ? "" : "\n");
  fflush(p->out);
  p->wall_last_draw = wall;
}

void progress_update(progress_t *p, double now, double activities)
{
  if (p->mode == PROGRESS_QUIET)
    return;
  double wall = progress_wall_now();
  double period = p->mode == PROGRESS_TTY ? PROGRESS_TTY_PERIOD_S : PROGRESS_LINE_PERIOD_S;
  if (wall - p->wall_last_draw >= period)
    draw(p, now, activities, wall);
}

void progress_finish(progress_t *p, double now, double activities)
{
  if (!p)
    return;
  if (p->mode != PROGRESS_QUIET) {
    draw(p, now, activities, progress_wall_now());
    if (p->mode == PROGRESS_TTY)
      fputc('\n', p->out);
  }
  free(p);
}
